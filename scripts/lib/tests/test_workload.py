"""Tests of scripts/lib/workload.py, the Betrusted workload's host side: recordings that are
malformed, truncated or out of order are refused with the line and the reason; the expected
session follows ime's and chat's rules (backspace on an empty line, a full line, the switch
key, unknown codes); gam's word wrap; the screen rendering; the console parser; the PNG; and a
run's check names every way a run can be wrong."""
import struct
import unittest
import zlib

import fixtures  # noqa: F401  first: it puts scripts/lib on the path
import workload  # noqa: E402

GOOD = "# a session\n100 0x68  # 'h'\n200 0x69\n300 0x0d\n400 0x04\n"


def rec(*codes):
    return "".join(f"{100 * i} 0x{c:02x}\n" for i, c in enumerate(codes)) + \
        f"{100 * len(codes)} 0x04\n"


class Recording(unittest.TestCase):
    def test_a_good_recording_parses(self):
        self.assertEqual(workload.parse_recording(GOOD),
                         [(100, 0x68), (200, 0x69), (300, 0x0D), (400, 0x04)])

    def bad(self, text, words):
        with self.assertRaises(workload.RecordingError) as e:
            workload.parse_recording(text, "r.keys")
        for w in words:
            self.assertIn(w, str(e.exception))

    def test_malformed_lines_are_refused_with_their_number(self):
        self.bad("100 0x68\n200\n300 0x04\n", ["r.keys:2", "expected"])
        self.bad("100 0x68 0x69\n300 0x04\n", ["r.keys:1"])
        self.bad("1.5 0x68\n300 0x04\n", ["r.keys:1", "milliseconds"])
        self.bad("100 h\n300 0x04\n", ["r.keys:1", "hex"])
        self.bad("100 0x100\n300 0x04\n", ["r.keys:1", "hex"])

    def test_time_going_back_is_refused(self):
        self.bad("200 0x68\n100 0x69\n300 0x04\n", ["r.keys:2", "before"])

    def test_a_truncated_recording_is_refused(self):
        self.bad(GOOD[:-1], ["truncated", "no end"])           # cut inside the last line
        self.bad("100 0x68\n200 0x69\n", ["truncated", "0x04"])  # no end of session
        self.bad("", ["truncated"])

    def test_keys_after_the_end_are_refused(self):
        self.bad("100 0x04\n200 0x68\n", ["r.keys:2", "after the end"])

    def test_the_shipped_recording_is_valid(self):
        keys = workload.read_recording(workload.RECORDING)
        exp = workload.expected_session(keys)
        self.assertEqual(len(exp["sent"]), 4)
        self.assertTrue(exp["conversations"][0] and exp["conversations"][1])
        self.assertEqual(len(exp["unknown"]), 1)
        self.assertIn("switch", exp["classes"].values())
        self.assertIn("backspace", exp["classes"].values())


class Cli(unittest.TestCase):
    def test_a_bad_recording_is_refused_before_anything_runs(self):
        import contextlib
        import io
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "cut.keys")
            with open(bad, "w") as f:
                f.write("100 0x68\n200 0x69\n")
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                # The image does not exist: the recording is refused first.
                status = workload.main(["check", "--recording", bad, "--image",
                                        os.path.join(d, "none.elf")])
        self.assertEqual(status, 2)
        self.assertIn("truncated", err.getvalue())
        self.assertIn("cut.keys", err.getvalue())


class Expected(unittest.TestCase):
    def session(self, *codes):
        return workload.expected_session(workload.parse_recording(rec(*codes)))

    def test_typing_and_enter(self):
        e = self.session(*b"hi", 0x0D, *b"yo")
        self.assertEqual(e["conversations"], [["hi"], []])
        self.assertEqual(e["input"], "yo")
        self.assertEqual(e["sent"], [(3, 0, "hi")])

    def test_backspace_on_an_empty_line_does_nothing(self):
        self.assertEqual(self.session(0x08, *b"a", 0x08, 0x08, *b"b")["input"], "b")

    def test_the_line_holds_at_most_its_width(self):
        e = self.session(*([0x61] * (workload.LINE_MAX + 5)))
        self.assertEqual(e["input"], "a" * workload.LINE_MAX)

    def test_the_switch_key_changes_conversation(self):
        e = self.session(*b"a", 0x0D, 0x09, *b"b", 0x0D)
        self.assertEqual(e["conversations"], [["a"], ["b"]])
        self.assertEqual(e["screen"], 1)

    def test_unknown_codes_are_listed_with_their_sequence(self):
        e = self.session(*b"a", 0xF5, 0x01, *b"b")
        self.assertEqual(e["unknown"], [(2, 0xF5), (3, 0x01)])
        self.assertEqual(e["input"], "ab")


class Layout(unittest.TestCase):
    def test_words_wrap_at_the_last_space_that_fits(self):
        text = "bob, the build is green on every platform"
        lines = [text[s:s + n] for s, n in workload.layout(text)]
        self.assertEqual(lines, ["bob, the build is green on", "every platform"])
        self.assertTrue(all(len(line) <= workload.COLS for line in lines))

    def test_a_word_longer_than_a_line_is_cut(self):
        lines = workload.layout("x" * 30)
        self.assertEqual([n for _, n in lines], [28, 2])

    def test_paragraphs_and_empty_lines(self):
        self.assertEqual(workload.layout("a\n\nb\n"), [(0, 1), (2, 0), (3, 1)])


class Screen(unittest.TestCase):
    def test_the_font_has_every_printable_glyph(self):
        font = workload.read_font()
        self.assertEqual(len(font), 95 * 7)
        self.assertEqual(font[0:7], [0] * 7)                    # the space is blank
        self.assertTrue(all(r < 32 for r in font))              # 5 pixels a row

    def test_rendering_draws_the_title_inverted_and_the_text(self):
        e = workload.expected_session(workload.parse_recording(rec(*b"hi")))
        fb = workload.render(e)
        row = lambda y: fb[y * workload.ROW_BYTES:(y + 1) * workload.ROW_BYTES]  # noqa: E731
        self.assertEqual(row(0)[:42], b"\xff" * 42)             # title bar background
        self.assertEqual(row(0)[42:], b"\0\0")                  # the two bytes past the pixels
        input_rows = range(workload.INPUT_TOP * 16, (workload.INPUT_TOP + 1) * 16)
        self.assertTrue(any(any(row(y)) for y in input_rows))   # "> hi"
        e2 = workload.expected_session(workload.parse_recording(rec(*b"ho")))
        self.assertNotEqual(workload.render(e2), fb)

    def test_png_is_a_valid_one_bit_image(self):
        fb = bytes(workload.HEIGHT * workload.ROW_BYTES)
        data = workload.png(fb)
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        w, h, depth, color = struct.unpack(">IIBB", data[16:26])
        self.assertEqual((w, h, depth, color), (336, 536, 1, 0))
        idat = data.index(b"IDAT")
        n = struct.unpack(">I", data[idat - 4:idat])[0]
        raw = zlib.decompress(data[idat + 4:idat + 4 + n])
        self.assertEqual(len(raw), 536 * (1 + 42))
        self.assertEqual(raw[1:43], b"\xff" * 42)               # blank is white


CONSOLE = """<1> @wl ready strategy=lend
<1> @wl idle
<1> @wl key seq=1 class=char cycles=100
<1> @wl idle
<2> @wl unknown key code=0xf5 seq=2
<1> @wl key seq=3 class=enter cycles=300
<8> @wl msg seq=3 conv=0 len=1 cycles=900 cipher_fnv=%08x
<1> @wl model conv=0 msg=0 text=a
<1> @wl model input=
<2> @wl keyboard keys=3 unknown=1 lost=0 ring_errors=0 device_bytes=4 device_queue_full=0
<1> @wl sent proc=chat class=char scalar=0 blocking_scalar=0 borrow=0 mutable_borrow=1 move=0
<1> @wl backlog proc=chat queue_full=0
<1> @wl done
"""


class Console(unittest.TestCase):
    def setUp(self):
        self.keys = workload.parse_recording(rec(0x61, 0xF5, 0x0D))
        self.exp = workload.expected_session(self.keys)
        fb = workload.render(self.exp)
        rows = ""
        for y in range(workload.HEIGHT):
            r = fb[y * 44:(y + 1) * 44]
            if any(r):
                rows += f"<5> @wl fbrow y={y} hex={r.hex()}\n"
        rows += f"<5> @wl fb width=336 height=536 row_bytes=44 blank_rows=0 fnv={workload.fnv(fb):08x}\n"
        self.text = CONSOLE % workload.ciphertext_fnv(3, "a") + rows

    def test_a_correct_run_has_no_problems(self):
        parsed = workload.parse_output(self.text)
        self.assertEqual(workload.check(parsed, self.exp, "lend"), [])
        self.assertEqual(parsed["keys"][0], {"seq": 1, "class": "char", "cycles": 100})

    def problems(self, old, new):
        return workload.check(workload.parse_output(self.text.replace(old, new)), self.exp, "lend")

    def test_every_kind_of_wrong_run_is_named(self):
        self.assertTrue(any("conversation 0" in p for p in self.problems("text=a", "text=b")))
        self.assertTrue(any("did not end" in p for p in self.problems("@wl done", "")))
        self.assertTrue(any("unknown keys" in p for p in self.problems("@wl unknown", "@wl x")))
        self.assertTrue(any("ciphertext" in p for p in self.problems("cipher_fnv=", "cipher_fnv=1")))
        self.assertTrue(any("strategy" in p for p in self.problems("strategy=lend", "strategy=copy")))
        self.assertTrue(any("lost" in p for p in self.problems("lost=0", "lost=1")))
        self.assertTrue(any("keys timed" in p for p in self.problems("seq=1 class=char", "seq=9 class=char")))
        first_row = self.text.index("@wl fbrow y=")
        start = self.text.index("hex=", first_row) + 4
        broken = self.text[:start] + "5a" + self.text[start + 2:]
        self.assertTrue(any("checksum" in p for p in workload.check(
            workload.parse_output(broken), self.exp, "lend")))

    def test_a_burst_must_show_its_backlog(self):
        parsed = workload.parse_output(self.text)
        self.assertTrue(any("backlog" in p for p in workload.check(parsed, self.exp, burst=True)))
        parsed = workload.parse_output(self.text.replace("queue_full=0", "queue_full=4"))
        self.assertEqual(workload.check(parsed, self.exp, burst=True), [])

    def test_percentiles_are_nearest_rank(self):
        s = workload.summary(list(range(1, 101)))
        self.assertEqual((s["median"], s["p90"], s["p99"], s["max"]), (50.5, 90, 99, 100))


class Report(unittest.TestCase):
    """report_workload's sections from a results file as bench() writes it."""

    def write(self, folder, platform, medians):
        import os
        import gbench_json
        figures, runs = [], {}
        for s, (key, msg) in medians.items():
            keyv = [key - 10, key, key + 10]
            figures.append(workload._Figure(f"workload/betrusted/{s}/keystroke", keyv))
            figures.append(workload._Figure(f"workload/betrusted/{s}/message", [msg]))
            figures.append(workload._Figure(f"workload/betrusted/{s}/keystroke/char", keyv))
            runs[s] = {"modes": {"kernel_share": 0.25},
                       "layouts": {"keystroke": [key - 5, key + 5], "message": [msg]},
                       "messages_per_key": {"char": {"keys": 3, "per_key": {
                           k: 1.0 for k in workload.KINDS}}}}
        doc = workload.results_document(platform, figures, runs,
                                        [(0, 0x61), (1, 0x04)], [], "abc1234")
        os.makedirs(os.path.join(folder, "workloads"), exist_ok=True)
        gbench_json.write(os.path.join(folder, "workloads", f"betrusted-{platform}.json"), doc)

    def test_the_choice_names_the_winner_its_margin_and_the_spread(self):
        import tempfile
        import report_workload
        with tempfile.TemporaryDirectory() as d:
            self.write(d, "sim", {"lend": (100, 1000), "copy": (300, 3000),
                                  "batch": (200, 2000), "events": (150, 1500)})
            text = "\n".join(report_workload.sections(d))
        self.assertIn("## Which configuration for Betrusted", text)
        self.assertIn("| sim | every keystroke | **lend** | 100 cycles | events 150 | 33% |", text)
        self.assertIn("no crossover", text)
        self.assertIn("larger than the layout spread", text)
        self.assertIn("compiles in exactly the winner's path, **lend**", text)
        self.assertIn("25%", text)  # the kernel share

    def test_a_winner_outside_the_betrusted_configuration_is_said(self):
        import tempfile
        import report_workload
        with tempfile.TemporaryDirectory() as d:
            self.write(d, "sim", {"lend": (300, 3000), "copy": (400, 4000),
                                  "batch": (100, 1000), "events": (200, 2000)})
            text = "\n".join(report_workload.sections(d))
        self.assertIn("**batch** wins every message class", text)
        self.assertIn("does not follow this result yet", text)

    def test_no_results_says_how_to_make_them(self):
        import tempfile
        import report_workload
        with tempfile.TemporaryDirectory() as d:
            text = "\n".join(report_workload.sections(d))
        self.assertIn("scripts/bench --workload betrusted", text)


if __name__ == "__main__":
    unittest.main()
