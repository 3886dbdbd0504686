"""Tests of the report (scripts/lib/report.py, report_plots.py, targets.py) on fixture results:
PNGs written, every section present, "no data yet" where data is missing, deterministic
output, unreadable files named, and the target and crossover arithmetic."""
import contextlib
import io
import os
import tempfile
import unittest

import fixtures  # first: it puts scripts/lib on the path
import report  # noqa: E402
import targets  # noqa: E402

SECTIONS = ("## Sources", "## Targets and anchors", "## Call/reply per path",
            "## Cost per call against batch size", "## Lend against copy across sizes",
            "## Kernel size per configuration", "## Layout spread", "## All measurements")
PNGS = ("call_reply.png", "batch.png", "lend_copy.png", "kernel_size.png", "layout_spread.png")


class Report(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name

    def fixture(self, name, *args, **kw):
        return fixtures.write(os.path.join(self.dir, name), fixtures.document(*args, **kw))

    def read(self, name):
        with open(os.path.join(self.dir, name), "rb") as f:
            return f.read()

    def make(self, *paths):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            status = report.main(["--out", self.dir, *paths])
        self.stderr = err.getvalue()
        with open(os.path.join(self.dir, "REPORT.md")) as f:
            return status, f.read()

    def test_full_report_is_deterministic(self):
        files = [self.fixture("qemu-full.json", "qemu", "full", fixtures.full_figures()),
                 self.fixture("sim-full.json", "sim", "full", fixtures.full_figures(2)),
                 self.fixture("qemu-minimal.json", "qemu", "minimal", {"sync/call_reply": 170},
                              context={"courier_kernel_text_rodata": 9000}),
                 fixtures.write(os.path.join(self.dir, "sim-full-layouts.json"),
                                fixtures.layouts_document(
                                    "sim", "full", [fixtures.full_figures(2 + k / 10)
                                                    for k in range(4)],
                                    fixtures.full_figures(2)))]
        status, text = self.make(*files)
        self.assertEqual(status, 0)
        for s in SECTIONS:
            self.assertIn(s, text)
        for png in PNGS:
            self.assertIn(f"]({png})", text)
            self.assertEqual(self.read(png)[:8], b"\x89PNG\r\n\x1a\n")
        self.assertNotIn("No data yet", text.split("## All measurements")[0]
                         .split("## Call/reply")[1])
        self.assertIn("abc1234", text)
        self.assertIn("2026-01-02T03:04:05+00:00", text)
        self.assertIn("lend is cheaper at every size measured", text)
        pngs = {p: self.read(p) for p in PNGS}
        _, again = self.make(*files)
        self.assertEqual(text, again)
        for p in PNGS:
            self.assertEqual(pngs[p], self.read(p), p)

    def test_no_data_yet(self):
        only = self.fixture("qemu-full.json", "qemu", "full", {"sync/null_syscall": 138},
                            context={"courier_kernel_text_rodata": None})
        open(os.path.join(self.dir, "batch.png"), "w").close()  # stale plot from earlier data
        status, text = self.make(only)
        self.assertEqual(status, 0)
        for s in SECTIONS:
            self.assertIn(s, text)
        self.assertIn("No data yet: no results file holds `batch/null/<n>`", text)
        self.assertIn("No data yet: no results file holds `lend/*/<bytes>`", text)
        self.assertIn("No data yet: no results file records `courier_kernel_text_rodata`", text)
        self.assertIn("](call_reply.png)", text)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "batch.png")))
        self.assertIn("**no data**", text)

    def test_no_results_at_all(self):
        status, text = self.make(os.path.join(self.dir, "missing.json"))
        self.assertEqual(status, 1)
        self.assertIn("missing.json: no such results file", self.stderr)
        self.assertIn("missing.json: no such results file", text)
        for s in SECTIONS:
            self.assertIn(s, text)

    def test_malformed_file_is_named_and_others_still_reported(self):
        good = self.fixture("qemu-full.json", "qemu", "full", {"sync/call_reply": 150})
        bad = os.path.join(self.dir, "sim-full.json")
        with open(bad, "w") as f:
            f.write('{"context": {}, "benchmarks": [')
        status, text = self.make(good, bad)
        self.assertEqual(status, 1)
        self.assertIn("sim-full.json: not valid JSON", self.stderr)
        self.assertIn("| `sync/call_reply` | qemu-full | 150 instructions |", text)

    def test_incomplete_file_is_marked(self):
        f = self.fixture("qemu-full.json", "qemu", "full", {"sync/call_reply": 150},
                         context={"courier_incomplete": ["bench_sync.elf: timed out"]})
        _, text = self.make(f)
        self.assertIn("**incomplete**: bench_sync.elf: timed out", text)
        self.assertIn("qemu-full (incomplete run)", text)
        self.assertIn("marked incomplete", self.stderr)

    def test_layout_spread_table_and_plot(self):
        single = self.fixture("sim-full.json", "sim", "full", {"sync/call_reply": 663})
        lay = fixtures.write(os.path.join(self.dir, "sim-full-layouts.json"),
                             fixtures.layouts_document(
                                 "sim", "full", [{"sync/call_reply": v}
                                                 for v in (650, 700, 680, 720)],
                                 {"sync/call_reply": 663},
                                 context={"courier_layout_method": "kernel function order"}))
        _, text = self.make(single, lay)
        section = text.split("## Layout spread")[1].split("## All measurements")[0]
        self.assertIn("| `sync/call_reply` | 663 | 690 | 650 | 720 | 32.5 | 10.1% |", section)
        self.assertIn("Layouts: kernel function order.", section)
        self.assertIn("![Layout spread](layout_spread.png)", section)
        self.assertTrue(self.read("layout_spread.png").startswith(b"\x89PNG"))
        # The single build stays the figure of the other sections; no duplicate rows.
        measurements = text.split("## All measurements")[1]
        self.assertEqual(measurements.count("### sim-full"), 1)
        _, text = self.make(single)
        self.assertIn("no results file with seeded layouts", text)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "layout_spread.png")))

    def test_deployed_images_are_named(self):
        f = self.fixture("betrusted-sim-betrusted.json", "betrusted-sim", "betrusted",
                         {"sync/call_reply": 1282},
                         context={"courier_deployed": {
                             "public_key": "ab" * 32,
                             "images": {"bench_sync": {"bytes": 110568,
                                                       "sha256": "cd" * 32}}}})
        _, text = self.make(f)
        self.assertIn("`betrusted-sim-betrusted.json` measured the signed loader-slot images "
                      "`scripts/deploy` writes, booted from flash (key abababababababab…): "
                      "`bench_sync` 110568 B sha256 cdcdcdcdcdcd…", text)


class Targets(unittest.TestCase):
    def statuses(self, doc):
        return {(r.figure, r.source): r.status for r in targets.check_all([doc])}

    def test_met_and_not_met(self):
        doc = fixtures.document("sim", "full", {"sync/call_reply": 301, "sync/null_syscall": 60,
                                                "irq/latency": 100})
        s = self.statuses(doc)
        self.assertEqual(s[("`sync/call_reply`", "sim-full")], targets.NOT_MET)
        self.assertEqual(s[("`sync/null_syscall`", "sim-full")], targets.MET)
        self.assertEqual(s[("`irq/latency`", "sim-full")], targets.MET)
        self.assertEqual(s[("`sync/call_reply`", "qemu")], targets.NO_DATA)

    def test_betrusted_sim_against_the_virt_sim(self):
        sim = fixtures.document("sim", "betrusted", {"sync/call_reply": 200,
                                                     "sync/null_syscall": 50})
        bt = fixtures.document("betrusted-sim", "betrusted", {"sync/call_reply": 290,
                                                              "sync/null_syscall": 80})
        rows = {r.figure: r for r in targets.check_all([sim, bt])}
        call = rows["`sync/call_reply` on betrusted-sim"]
        self.assertEqual(call.status, targets.MET)
        self.assertEqual(call.vs_anchor, "1.45 × sim")
        self.assertEqual(rows["`sync/null_syscall` on betrusted-sim"].status, targets.NOT_MET)
        self.assertNotIn("`irq/latency` on betrusted-sim", rows)
        alone = {r.figure: r for r in targets.check_all([bt])}
        self.assertEqual(alone["`sync/call_reply` on betrusted-sim"].status, targets.NO_DATA)
        none = {r.figure: r for r in targets.check_all([sim])}
        self.assertEqual(none["the IPC figures on `betrusted-sim`"].status, targets.NO_DATA)

    def test_kernel_size_limits_per_config(self):
        rows = targets.check_all([fixtures.document("qemu", "minimal", {"a/b": 1}, context={
            "courier_kernel_text_rodata": 17000})])
        row = next(r for r in rows if "minimal" in r.figure)
        self.assertEqual((row.status, row.target), (targets.NOT_MET, "≤ 16 KiB"))

    def test_crossover(self):
        copy = [(4096, 1000), (16384, 4000), (65536, 16000)]
        self.assertEqual(targets.crossover([(4096, 500), (16384, 600)], copy),
                         ("lend-always", 4096))
        self.assertEqual(targets.crossover([(4096, 2000), (16384, 5000)], copy),
                         ("copy-always", None))
        kind, at = targets.crossover([(4096, 2000), (16384, 2000), (65536, 2000)], copy)
        self.assertEqual(kind, "cross")
        self.assertAlmostEqual(at, 8192, delta=1)  # equal costs halfway in log space
        self.assertIsNone(targets.crossover([(8192, 1)], copy))


if __name__ == "__main__":
    unittest.main()
