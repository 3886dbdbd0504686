"""Tests of the console line parser (scripts/lib/benchfmt.py): every way a line can arrive
whole, damaged or out of place, and what makes a run incomplete."""
import unittest

from fixtures import line, result, suite  # first: it puts scripts/lib on the path
import benchfmt  # noqa: E402


class GoodLines(unittest.TestCase):
    def test_result_fields(self):
        p = benchfmt.parse_text("\n".join(suite("sync", [result("sync/null_syscall", 138, 130)])))
        r = p.results["sync/null_syscall"]
        self.assertEqual((r.median, r.min, r.samples, r.ops, r.overhead), (138, 130, 101, 1, 10))
        self.assertEqual((r.mean, r.stddev), (138.5, 1.25))
        self.assertTrue(p.complete())
        self.assertEqual(p.incomplete_reasons(), [])

    def test_millisecond_result(self):
        # A Precursor without SIMTIME times with the TICKTIMER (bench/target/harness.h).
        body = ("name=sync/call_reply samples=11 ops=40960 unit=ms min=0.004210 median=0.004300 "
                "mean=0.004312 stddev=0.000020 overhead=0 resolution=0.57%")
        p = benchfmt.parse_text("\n".join(suite("sync", [line(body)])))
        self.assertEqual(p.problems, [])
        r = p.results["sync/call_reply"]
        self.assertEqual((r.unit, r.samples, r.ops), ("ms", 11, 40960))
        self.assertEqual((r.min, r.median, r.overhead), (421, 430, 0))  # cycles at 100 MHz
        self.assertAlmostEqual(r.mean, 431.2)
        self.assertAlmostEqual(r.stddev, 2.0)
        self.assertAlmostEqual(r.resolution, 0.57)
        self.assertTrue(p.complete())

    def test_unknown_unit_is_rejected(self):
        p = benchfmt.parse_text(line("name=a/b samples=1 ops=1 unit=furlongs min=1 median=1 "
                                     "mean=1 stddev=0 overhead=0"))
        self.assertEqual(p.results, {})
        self.assertEqual(len(p.problems), 1)

    def test_checksum_is_fnv1a_of_body(self):
        self.assertEqual(benchfmt.fnv1a(""), 0x811C9DC5)
        self.assertEqual(benchfmt.fnv1a("a"), 0xE40C292C)

    def test_crlf_and_trailing_space(self):
        p = benchfmt.Parsed()
        self.assertTrue(benchfmt.parse_line(result("a/b", 5) + " \r\n", p))
        self.assertIn("a/b", p.results)
        self.assertEqual(p.problems, [])

    def test_absent_reason_may_hold_spaces(self):
        p = benchfmt.parse_text(line("absent name=lend/move/4096 reason=lend path not compiled in"))
        self.assertEqual(p.absent, {"lend/move/4096": "lend path not compiled in"})
        self.assertEqual(p.problems, [])

    def test_core_line(self):
        p = benchfmt.parse_text("@core tlb=4 icache_kib=8 name=vex clock_hz=1e8 asid=0x1\n")
        self.assertEqual(p.core, {"tlb": 4, "icache_kib": 8, "name": "vex", "clock_hz": 1e8,
                                  "asid": 1})

    def test_lines_behind_the_senders_mark(self):
        # The console marks a process's lines with its pid (abi/log.h): "<1> " through the log
        # server, "[pid 1] " through debug_write.
        text = "\n".join("<1> " + l for l in suite("sync", [result("sync/call_reply", 387)]))
        p = benchfmt.parse_text(text + "\n[pid 1] " + result("sync/yield", 150) + "\n")
        self.assertEqual(sorted(p.results), ["sync/call_reply", "sync/yield"])
        self.assertTrue(p.complete())
        self.assertEqual(p.problems, [])

    def test_other_output_is_ignored(self):
        p = benchfmt.Parsed()
        self.assertFalse(benchfmt.parse_line("courier: booting", p))
        self.assertEqual(p.problems, [])


class DamagedLines(unittest.TestCase):
    def test_cut_line_has_no_checksum(self):
        whole = result("sync/call_reply", 200)
        p = benchfmt.parse_text(whole[:len(whole) // 2])
        self.assertEqual(p.results, {})
        self.assertIn("cut short", p.problems[0])

    def test_cut_after_crc_marker(self):
        whole = result("sync/call_reply", 200)
        p = benchfmt.parse_text(whole[:-3])
        self.assertEqual(p.results, {})
        self.assertEqual(len(p.problems), 1)

    def test_bad_checksum(self):
        good = result("sync/call_reply", 200)
        p = benchfmt.parse_text(good.replace("median=200", "median=201"))
        self.assertEqual(p.results, {})
        self.assertIn("checksum mismatch", p.problems[0])

    def test_output_spliced_into_a_line(self):
        good = result("sync/call_reply", 200)
        spliced = good[:30] + "uart: hello" + good[30:]
        p = benchfmt.parse_text(spliced)
        self.assertEqual(p.results, {})
        self.assertIn("checksum mismatch", p.problems[0])

    def test_other_output_before_the_marker(self):
        p = benchfmt.parse_text("kbd: scan 3" + result("sync/yield", 150))
        self.assertIn("sync/yield", p.results)
        self.assertEqual(p.problems, [])

    def test_interleaved_records_of_two_lines(self):
        a, b = result("sync/yield", 150), result("sync/call_reply", 200)
        text = a[:20] + b + "\n" + a[20:] + "\n"
        p = benchfmt.parse_text(text)
        self.assertEqual(list(p.results), ["sync/call_reply"])  # the inner record is whole
        self.assertEqual(len(p.problems), 1)
        self.assertIn("another record began inside", p.problems[0])

    def test_unsupported_version_and_kind(self):
        p = benchfmt.parse_text("@bench v2 name=x crc=00000000\n" + line("weird thing=1"))
        self.assertIn("unsupported record version", p.problems[0])
        self.assertIn("unknown record kind", p.problems[1])

    def test_missing_and_bad_fields(self):
        p = benchfmt.parse_text(line("name=x samples=3") + "\n" + line(
            "name=x samples=three ops=1 unit=cycles min=1 median=1 mean=1 stddev=0 overhead=0"))
        self.assertIn("lacks", p.problems[0])
        self.assertIn("bad value", p.problems[1])
        self.assertEqual(p.results, {})

    def test_duplicate_is_a_warning_not_a_loss(self):
        p = benchfmt.parse_text("\n".join(suite("s", [result("s/a", 1), result("s/a", 2)])))
        self.assertEqual(p.results["s/a"].median, 2)
        self.assertEqual(p.problems, [])
        self.assertEqual(len(p.warnings), 1)


class Completeness(unittest.TestCase):
    def test_missing_end_of_suite_is_incomplete(self):
        lines = suite("sync", [result("sync/yield", 150)])[:-1]
        p = benchfmt.parse_text("\n".join(lines))
        self.assertFalse(p.complete())
        self.assertIn("sync/yield", p.results)  # kept
        self.assertEqual(p.unfinished_suites(), ["sync"])
        self.assertIn("did not finish", p.incomplete_reasons()[0])

    def test_no_output_is_incomplete(self):
        self.assertIn("no benchmark output at all", benchfmt.Parsed().incomplete_reasons())

    def test_rejected_line_makes_run_incomplete(self):
        lines = suite("sync", [result("sync/yield", 150)[:40]])
        reasons = benchfmt.parse_text("\n".join(lines)).incomplete_reasons()
        self.assertEqual(len(reasons), 1)
        self.assertIn("rejected line", reasons[0])


class Assembler(unittest.TestCase):
    def test_lines_split_across_chunks(self):
        data = ("\r\n".join(suite("s", [result("s/a", 7)])) + "\r\n").encode()
        asm, p = benchfmt.LineAssembler(), benchfmt.Parsed()
        for i in range(0, len(data), 7):
            for ln in asm.feed(data[i:i + 7]):
                benchfmt.parse_line(ln, p)
        benchfmt.finish_stream(asm, p)
        self.assertTrue(p.complete())
        self.assertIn("s/a", p.results)

    def test_stream_stopping_mid_line(self):
        asm, p = benchfmt.LineAssembler(), benchfmt.Parsed()
        for ln in asm.feed((line("begin suite=s") + "\n" + result("s/a", 7)[:50]).encode()):
            benchfmt.parse_line(ln, p)
        benchfmt.finish_stream(asm, p, "board")
        self.assertEqual(p.results, {})
        self.assertIn("stopped mid-line", p.problems[0])
        self.assertIn("board", p.problems[0])

    def test_last_line_without_newline_but_whole(self):
        asm, p = benchfmt.LineAssembler(), benchfmt.Parsed()
        asm.feed(result("s/a", 7).encode())
        benchfmt.finish_stream(asm, p)
        self.assertIn("s/a", p.results)
        self.assertEqual(p.problems, [])


if __name__ == "__main__":
    unittest.main()


class SimulatorMarks(unittest.TestCase):
    """courier-sim --marks: each benchmark's cache fills from the marks around its record."""

    @staticmethod
    def mark(cycles, instret, ifills, dfills):
        return (f"courier-sim: mark cycles={cycles} instret={instret} icache_fills={ifills} "
                f"dcache_fills={dfills}")

    def feed(self, lines):
        p = benchfmt.Parsed()
        for ln in lines:
            if not benchfmt.parse_mark(ln, p):
                benchfmt.parse_line(ln, p)
        return p

    def test_each_result_gets_the_difference_from_the_mark_before_it(self):
        begin, a, b, end = suite("sync", [result("sync/a", 100), result("sync/b", 200)])
        p = self.feed([begin, self.mark(1000, 500, 10, 5), a, self.mark(3000, 1500, 30, 6),
                       b, self.mark(7000, 3500, 31, 16), end, self.mark(7100, 3550, 31, 16)])
        self.assertEqual(p.results["sync/a"].counters,
                         {"cycles": 2000, "instret": 1000, "icache_fills": 20, "dcache_fills": 1})
        self.assertEqual(p.results["sync/b"].counters,
                         {"cycles": 4000, "instret": 2000, "icache_fills": 1, "dcache_fills": 10})
        self.assertEqual(p.warnings, [])

    def test_without_a_mark_before_or_after_there_are_no_counters(self):
        begin, a, b, end = suite("sync", [result("sync/a", 100), result("sync/b", 200)])
        p = self.feed([begin, a, self.mark(3000, 1500, 30, 6), b, end])
        self.assertFalse(hasattr(p.results["sync/a"], "counters"))  # no mark before it
        self.assertFalse(hasattr(p.results["sync/b"], "counters"))  # none after it

    def test_a_mark_after_an_absent_record_attributes_nothing(self):
        begin, a, end = suite("sync", [result("sync/a", 100)])
        absent = line("absent name=sync/b reason=off")
        p = self.feed([begin, self.mark(1000, 500, 10, 5), absent, self.mark(2000, 900, 12, 6),
                       a, self.mark(3000, 1500, 30, 6), end])
        self.assertEqual(p.results["sync/a"].counters["icache_fills"], 18)

    def test_a_mark_missing_a_counter_is_a_warning(self):
        p = self.feed(["courier-sim: mark cycles=5 instret=x"])
        self.assertEqual(len(p.warnings), 1)
        self.assertFalse(benchfmt.parse_mark("courier-sim: cycles=5", p))  # the closing line
