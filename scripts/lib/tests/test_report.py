"""Tests of the report (scripts/lib/report.py, report_plots.py, targets.py) on fixture results:
PNGs written, every section present, "no data yet" where data is missing, deterministic
output, unreadable files named, and the target and crossover arithmetic."""
import contextlib
import io
import os
import tempfile
import unittest

import fixtures  # first: it puts scripts/lib on the path
import fixtures_sweep  # noqa: E402
import report  # noqa: E402
import report_plots  # noqa: E402
import targets  # noqa: E402

SECTIONS = ("## Sources", "## Targets and anchors", "## Call/reply per path",
            "## Cost per call against batch size", "## Lend against copy across sizes",
            "## Kernel size per configuration", "## Layout spread",
            "## The C extension: rv32ima against rv32imac",
            "## Design-space sweeps (scripts/sweep)", "## All measurements")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
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
        fixtures_sweep.write(self.dir, fixtures_sweep.tlb())
        os.makedirs(os.path.join(self.dir, "rvc"))
        fixtures.write(os.path.join(self.dir, "rvc", "sim-full.json"),
                       fixtures.document("sim", "full", fixtures.full_figures(1.8),
                                         context={"courier_isa": "rv32imac"}))
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
        self.assertIn("](sweeps/tlb/sweep.png)", text)
        pngs = {p: self.read(p) for p in PNGS + ("sweeps/tlb/sweep.png",)}
        _, again = self.make(*files)
        self.assertEqual(text, again)
        for p in pngs:
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

    def test_rvc_files_beside_their_rv32ima_file(self):
        stats = {"courier_sim_stats": {"cycles": 1000, "icache_fills": 200, "dcache_fills": 50}}
        single = self.fixture("sim-full.json", "sim", "full",
                              {"sync/call_reply": 663, "sync/yield": 961},
                              context={"courier_isa": "rv32ima", **stats})
        lay = fixtures.write(os.path.join(self.dir, "sim-full-layouts.json"),
                             fixtures.layouts_document(
                                 "sim", "full", [{"sync/call_reply": v, "sync/yield": 961}
                                                 for v in (650, 700)],
                                 {"sync/call_reply": 663, "sync/yield": 961}))
        os.makedirs(os.path.join(self.dir, "rvc"))
        doc = fixtures.document("sim", "full", {"sync/call_reply": 630, "sync/yield": 819},
                                context={"courier_isa": "rv32imac",
                                         "courier_kernel_text_rodata": 15000,
                                         "courier_sim_stats": {"cycles": 900,
                                                               "icache_fills": 100,
                                                               "dcache_fills": 60}})
        e = next(b for b in doc["benchmarks"] if b["name"] == "sync/call_reply")
        e["icache_fills_per_op"], e["dcache_fills_per_op"] = 0.5, 1.25
        fixtures.write(os.path.join(self.dir, "rvc", "sim-full.json"), doc)
        # The C build's own layouts: sync/yield spreads 819..1000, so its change is within.
        fixtures.write(os.path.join(self.dir, "rvc", "sim-full-layouts.json"),
                       fixtures.layouts_document(
                           "sim", "full", [{"sync/call_reply": 630, "sync/yield": v}
                                           for v in (819, 1000)],
                           {"sync/call_reply": 630, "sync/yield": 819}))
        status, text = self.make(single, lay)
        self.assertEqual(status, 0)
        section = text.split("## The C extension")[1].split("## Design-space")[0]
        self.assertIn("Kernel `.text` + `.rodata`: 20,000 bytes rv32ima, 15,000 bytes rv32imac "
                      "(-25.0%)", section)
        self.assertIn("I-cache line fills 200 against 100, D-cache 50 against 60", section)
        self.assertIn("| `sync/call_reply` | 663 | 630 | -5.0% | within | — | 0.5 | — | 1.2 |",
                      section)
        self.assertIn("| `sync/yield` | 961 | 819 | -14.8% | within |", section)
        self.assertEqual(section.count("### "), 1)  # the layouts file is not a second table
        self.assertIn("`rvc/sim-full.json`", text.split("## Sources")[1].split("## Targets")[0])
        # Without a file to compare with, the section says so.
        os.remove(single)
        _, text = self.make(lay)
        self.assertIn("no rv32ima file for sim-full", text)

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


class Sweeps(unittest.TestCase):
    """The design-space sweep section: OUT/sweeps/*/sweep.json (courier-sweep/1) in, a table,
    findings and OUT/sweeps/NAME/sweep.png per sweep out."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name
        self.results = fixtures.write(os.path.join(self.dir, "sim-full.json"),
                                      fixtures.document("sim", "full", {"sync/call_reply": 663}))

    def make(self):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            status = report.main(["--out", self.dir, self.results])
        self.stderr = err.getvalue()
        with open(os.path.join(self.dir, "REPORT.md")) as f:
            text = f.read()
        self.assertLess(text.index("## Layout spread"), text.index("## Design-space sweeps"))
        self.assertLess(text.index("## Design-space sweeps"), text.index("## All measurements"))
        return status, text.split("## Design-space sweeps")[1].split("## All measurements")[0]

    def png(self, name):
        with open(os.path.join(self.dir, "sweeps", name, "sweep.png"), "rb") as f:
            return f.read()

    def test_two_knob_table_failed_point_findings_and_plot(self):
        fixtures_sweep.write(self.dir, fixtures_sweep.tlb())
        status, text = self.make()
        self.assertEqual(status, 0)
        self.assertIn("### tlb: TLB entries x ASID tags on call_reply and lend", text)
        self.assertIn("- Grid: `TLB_ENTRIES` ∈ {2, 4, 8, 16} × `TLB_ASID` ∈ {0, 1} = 8 points, "
                      "on sim-full; baseline TLB_ENTRIES=4, TLB_ASID=1.", text)
        self.assertIn("- Points: 7 ok, 1 failed.", text)
        self.assertIn("- Failed: sim-full TLB_ENTRIES=16, TLB_ASID=0: model build failed: "
                      "%Error: sim/rtl/tlb.sv:41:12: Width mismatch in the 16-entry ASID "
                      "compare …", text)
        self.assertNotIn("Exiting due to", text)  # the error in short: its first line
        rows = ["| TLB_ENTRIES | TLB_ASID | `sync/call_reply` | speedup | "
                "`lend/mutable_borrow/4096` | speedup | point |",
                "|---|---|---|---|---|---|---|",
                "| 2 | 0 | 1,100 | ×0.60 | 9,900 | ×0.86 | ok |",
                "| 2 | 1 | 900 | ×0.74 | 9,200 | ×0.92 | ok |",
                "| 4 | 0 | 900 | ×0.74 | 9,300 | ×0.91 | ok |",
                "| 4 | 1 | 663 | ×1.00 | 8,495 | ×1.00 | baseline |",
                "| 8 | 0 | 760 | ×0.87 | 8,900 | ×0.95 | ok |",
                "| 8 | 1 | 640 | ×1.04 | 8,400 | ×1.01 | ok |",
                "| 16 | 0 | — | — | — | — | **failed** |",
                "| 16 | 1 | 630 | ×1.05 | 8,390 | ×1.01 | ok |"]
        self.assertIn("#### sim-full (cycles per operation)\n\n" + "\n".join(rows), text)
        self.assertNotIn("sync/null_syscall", text)  # not a headline benchmark
        self.assertIn("- `sync/call_reply`: `TLB_ASID` 1 vs 0 saves 200 cycles (18%) at "
                      "TLB_ENTRIES=2, 237 (26%) at 4, 120 (16%) at 8; no figure on both sides "
                      "at TLB_ENTRIES=16; best: TLB_ENTRIES=16, TLB_ASID=1 (630 cycles, ×1.05 "
                      "vs baseline); knee: TLB_ENTRIES=8 (at TLB_ASID=1).", text)
        self.assertIn("- `lend/mutable_borrow/4096`: `TLB_ASID` 1 vs 0 saves 700 cycles (7%) "
                      "at TLB_ENTRIES=2, 805 (9%) at 4, 500 (6%) at 8; no figure on both sides "
                      "at TLB_ENTRIES=16; best: TLB_ENTRIES=16, TLB_ASID=1 (8,390 cycles, ×1.01 "
                      "vs baseline); knee: TLB_ENTRIES=4 (at TLB_ASID=1).", text)
        self.assertIn("![Sweep tlb](sweeps/tlb/sweep.png)", text)
        self.assertEqual(self.png("tlb")[:8], PNG_MAGIC)

    def test_one_knob_best_knee_and_spread(self):
        fixtures_sweep.write(self.dir, fixtures_sweep.mem_lat())
        _, text = self.make()
        self.assertIn("### memlat: RAM latency on lend and copy", text)
        self.assertIn("- Points: 5 ok, 0 failed.", text)
        self.assertNotIn("- Failed:", text)
        self.assertIn("| 2 | 8,100 (8,050..8,200) | ×1.05 | 9,000 (8,950..9,100) | ×1.16 | ok |",
                      text)
        self.assertIn("| 5 | 8,495 (8,445..8,595) | ×1.00 | 10,400 (10,350..10,500) | ×1.00 | "
                      "baseline |", text)
        self.assertIn("| 40 | 14,100 (14,050..14,200) | ×0.60 | 27,200 (27,150..27,300) | "
                      "×0.38 | ok |", text)
        # lend: 8,495 at MEM_LAT=5 is within 5% of 8,100; copy's 10,400 is not within 5% of 9,000.
        self.assertIn("- `lend/mutable_borrow/4096`: best: MEM_LAT=2 (8,100 cycles, ×1.05 vs "
                      "baseline); knee: MEM_LAT=5.", text)
        self.assertIn("- `copy/send/4096`: best: MEM_LAT=2 (9,000 cycles, ×1.16 vs baseline); "
                      "knee: MEM_LAT=2.", text)
        self.assertEqual(self.png("memlat")[:8], PNG_MAGIC)

    def test_each_platform_has_its_own_table_and_baseline(self):
        fixtures_sweep.write(self.dir, fixtures_sweep.tlb(platforms=("sim", "betrusted-sim")))
        _, text = self.make()
        self.assertIn("= 8 points, on betrusted-sim-full, sim-full;", text)
        self.assertIn("- Points: 14 ok, 2 failed.", text)
        bt = text.split("#### betrusted-sim-full")[1].split("#### sim-full")[0]
        self.assertIn("| 4 | 1 | 994 | ×1.00 | 12,742 | ×1.00 | baseline |", bt)
        self.assertIn("| 2 | 1 | 1,350 | ×0.74 | 13,800 | ×0.92 | ok |", bt)
        self.assertIn("| 4 | 1 | 663 | ×1.00 | 8,495 | ×1.00 | baseline |",
                      text.split("#### sim-full")[1])
        self.assertEqual(self.png("tlb")[:8], PNG_MAGIC)

    def test_heatmap_and_three_knob_sweeps(self):
        fixtures_sweep.write(self.dir, fixtures_sweep.caches())
        fixtures_sweep.write(self.dir, fixtures_sweep.three_knobs())
        _, text = self.make()
        self.assertLess(text.index("### caches"), text.index("### three"))
        self.assertIn("- `sync/call_reply`: best: ICACHE_BYTES=32768, DCACHE_BYTES=32768 (618 "
                      "cycles, ×1.21 vs baseline); knee: ICACHE_BYTES=16384, DCACHE_BYTES=8192 "
                      "(each with the other knob at baseline).", text)
        self.assertIn("- `sync/call_reply`: best: MEM_LAT=2, MUL_LAT=1, TLB_ENTRIES=8 (565 "
                      "cycles, ×1.15 vs baseline); knee: MEM_LAT=2, MUL_LAT=4, TLB_ENTRIES=4 "
                      "(each with the other knobs at baseline).", text)
        self.assertIn("### three\n", text)  # no description: the name alone
        self.assertIn("#### sim-minimal (cycles per operation)", text)
        for name in ("caches", "three"):
            self.assertEqual(self.png(name)[:8], PNG_MAGIC)

    def test_malformed_sweep_is_named_and_the_rest_still_reported(self):
        fixtures_sweep.write(self.dir, fixtures_sweep.tlb())
        bad = fixtures_sweep.write(self.dir, {}, dirname="bad")
        with open(bad, "w") as f:
            f.write('{"format": "courier-sweep/1", "points": [')
        off = fixtures_sweep.tlb()
        off.update(name="offgrid", baseline={"TLB_ENTRIES": 3, "TLB_ASID": 1})
        fixtures_sweep.write(self.dir, off)
        renamed = fixtures_sweep.mem_lat()
        renamed["name"] = "tlb"
        fixtures_sweep.write(self.dir, renamed, dirname="tlb2")
        status, text = self.make()
        self.assertEqual(status, 1)
        self.assertIn("skipping `sweeps/bad/sweep.json`: not valid JSON", text)
        self.assertIn("skipping `sweeps/offgrid/sweep.json`: baseline TLB_ENTRIES = 3 is not one "
                      "of its values", text)
        self.assertIn("skipping `sweeps/tlb2/sweep.json`: sweep name 'tlb' is already "
                      "sweeps/tlb/sweep.json's", text)
        self.assertIn("report: skipping sweep " + bad + ": not valid JSON", self.stderr)
        self.assertIn("| 4 | 1 | 663 | ×1.00 | 8,495 | ×1.00 | baseline |", text)
        self.assertNotIn("### offgrid", text)

    def test_problems_each_named(self):
        cases = [({"format": "courier-sweep/2"}, "format is 'courier-sweep/2'"),
                 ({"name": "../up"}, "is not a plain file name"),
                 ({"knobs": []}, "'knobs' is not a non-empty list"),
                 ({"values": {"TLB_ENTRIES": [2, 2], "TLB_ASID": [0, 1]}},
                  "'values' repeats a value of TLB_ENTRIES"),
                 ({"points": {}}, "no 'points' list")]
        for change, why in cases:
            doc = fixtures_sweep.tlb()
            doc.update(change)
            with self.assertRaisesRegex(report.SweepError, why.replace("(", r"\(")):
                report.check_sweep(doc)
        doc = fixtures_sweep.tlb()
        doc["points"][1]["figures"]["sync/call_reply"] = "fast"
        with self.assertRaisesRegex(report.SweepError, "point 1: 'figures' is not an object"):
            report.check_sweep(doc)
        doc = fixtures_sweep.tlb()
        doc["points"].append(doc["points"][0])
        with self.assertRaisesRegex(report.SweepError, "point 8 repeats sim-full TLB_ENTRIES=2"):
            report.check_sweep(doc)

    def test_rerun_is_byte_identical(self):
        fixtures_sweep.write(self.dir, fixtures_sweep.tlb())
        fixtures_sweep.write(self.dir, fixtures_sweep.mem_lat())
        _, text = self.make()
        pngs = {n: self.png(n) for n in ("tlb", "memlat")}
        _, again = self.make()
        self.assertEqual(text, again)
        for n, data in pngs.items():
            self.assertEqual(data, self.png(n), n)

    def test_no_sweeps(self):
        status, text = self.make()
        self.assertEqual(status, 0)
        self.assertIn("No data yet: no sweep results (`scripts/sweep bench/sweeps/tlb.toml`).",
                      text)

    def test_all_points_failed_says_no_data_and_drops_a_stale_plot(self):
        doc = fixtures_sweep.tlb()
        for p in doc["points"]:
            p.update(status="failed", error="not run")
            p.pop("figures", None)
        fixtures_sweep.write(self.dir, doc)
        open(os.path.join(self.dir, "sweeps", "tlb", "sweep.png"), "w").close()
        _, text = self.make()
        self.assertIn("- Points: 0 ok, 8 failed.", text)
        self.assertIn("- Failed: sim-full TLB_ENTRIES=2, TLB_ASID=0: not run", text)
        self.assertIn("No data yet: no point of this sweep measured a headline benchmark", text)
        self.assertIn("- `sync/call_reply`: no point measured it.", text)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "sweeps", "tlb", "sweep.png")))

    def test_knee_rule(self):
        def line(*figs):
            return [(v, f, None) for v, f in zip((2, 4, 8, 16, 32), figs)]
        knee = report_plots.sweep_knee
        self.assertEqual(knee(line(900, 663, 640, 630)), 8)      # fewer cost more: smallest
        self.assertEqual(knee(line(8100, 8495, 9300)), 4)        # more cost more: largest
        self.assertEqual(knee(line(900, 700, 640, 660, 700)), 8)  # run 8..16; 2 costs more
        self.assertEqual(knee(line(100, 101, 102)), 8)           # flat: within 5% throughout
        self.assertEqual(knee(line(500, 300, 500)), 4)           # only the best itself
        self.assertIsNone(knee([]))


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
