"""Tests of the Google Benchmark JSON writer and reader (scripts/lib/gbench_json.py), including
Google Benchmark's own compare.py on two written files."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import fixtures  # first: it puts scripts/lib on the path
import gbench_json  # noqa: E402

GBENCH_COMPARE = "/usr/share/benchmark/compare.py"


class Writer(unittest.TestCase):
    def test_fields_compare_py_needs(self):
        doc = fixtures.document("qemu", "full", {"sync/null_syscall": 138})
        e = doc["benchmarks"][0]
        for k in ("name", "run_name", "run_type", "repetitions", "repetition_index", "threads",
                  "iterations", "real_time", "cpu_time", "time_unit", "family_index",
                  "per_family_instance_index"):
            self.assertIn(k, e)
        self.assertEqual(e["run_type"], "iteration")
        self.assertEqual(e["time_unit"], "ns")
        self.assertEqual(e["real_time"], 1380.0)  # 138 cycles at 100 MHz
        self.assertEqual((e["cycles"], e["cycles_min"], e["instructions"]), (138, 138, 138))

    def test_simulator_counts_per_op_where_marked(self):
        import benchfmt
        p = benchfmt.parse_text(fixtures.result("sync/null_syscall", 138, samples=100, ops=2))
        r = p.results["sync/null_syscall"]
        self.assertEqual(gbench_json.counter_fields(r), {})  # no marks: no fields
        r.counters = {"cycles": 90000, "instret": 40000, "icache_fills": 300, "dcache_fills": 50}
        e = gbench_json.entry(0, r)
        self.assertEqual((e["run_icache_fills"], e["icache_fills_per_op"]), (300, 1.5))
        self.assertEqual((e["run_dcache_fills"], e["dcache_fills_per_op"]), (50, 0.25))
        self.assertEqual((e["run_instret"], e["instret_per_op"]), (40000, 200.0))

    def test_context(self):
        ctx = fixtures.document("sim", "minimal", {"a/b": 1})["context"]
        self.assertEqual((ctx["courier_platform"], ctx["courier_config"]), ("sim", "minimal"))
        self.assertEqual(ctx["courier_counter_unit"], "cycles")
        self.assertEqual(ctx["courier_git_revision"], "abc1234")
        self.assertEqual(ctx["executable"], "courier/sim-minimal")

    def test_instructions_only_where_counted(self):
        for platform, counted in (("qemu", True), ("sim", False), ("betrusted", False)):
            e = fixtures.document(platform, "full", {"a/b": 5})["benchmarks"][0]
            self.assertEqual("instructions" in e, counted, platform)

    def test_round_trip_through_load(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = fixtures.write(os.path.join(tmp, "r.json"),
                                  fixtures.document("qemu", "full", {"a/b": 5, "a/c": 6}))
            doc = gbench_json.load(path)
        self.assertEqual(list(gbench_json.figures(doc)), ["a/b", "a/c"])
        self.assertEqual(gbench_json.label(doc), "qemu-full")
        self.assertEqual(gbench_json.incomplete(doc), [])

    @unittest.skipUnless(os.path.isfile(GBENCH_COMPARE), "libbenchmark-tools not installed")
    def test_google_benchmark_compare_reads_our_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            a = fixtures.write(os.path.join(tmp, "a.json"), fixtures.document(
                "qemu", "full", {"sync/null_syscall": 138, "sync/call_reply": 400}))
            b = fixtures.write(os.path.join(tmp, "b.json"), fixtures.document(
                "qemu", "full", {"sync/null_syscall": 120, "sync/call_reply": 410}))
            r = subprocess.run([sys.executable, GBENCH_COMPARE, "--no-color", "benchmarks", a, b],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"sync/null_syscall\s+-0\.1304")
        self.assertRegex(r.stdout, r"sync/call_reply\s+\+0\.0250")


class Layouts(unittest.TestCase):
    """--layouts files: one repetition per layout, aggregates over them, read back."""

    def setUp(self):
        self.values = [700, 650, 690, 720, 660, 640, 710, 680]
        self.doc = fixtures.layouts_document(
            "sim", "full", [{"sync/call_reply": v, "irq/latency": 300 + i}
                            for i, v in enumerate(self.values)],
            {"sync/call_reply": 663, "irq/latency": 331})

    def test_repetitions_and_aggregates(self):
        reps = [e for e in self.doc["benchmarks"]
                if e["name"] == "sync/call_reply" and e["run_type"] == "iteration"]
        self.assertEqual([e["cycles"] for e in reps], self.values)
        self.assertEqual([e["repetition_index"] for e in reps], list(range(8)))
        self.assertEqual([e["courier_layout_seed"] for e in reps], list(range(1, 9)))
        self.assertTrue(all(e["repetitions"] == 8 for e in reps))
        agg = {e["aggregate_name"]: e for e in self.doc["benchmarks"]
               if e["run_type"] == "aggregate" and e["run_name"] == "sync/call_reply"}
        self.assertEqual(sorted(agg), ["iqr", "max", "mean", "median", "min", "stddev",
                                       "unperturbed"])
        self.assertEqual(agg["median"]["cycles"], 685.0)
        self.assertEqual((agg["min"]["cycles"], agg["max"]["cycles"]), (640, 720))
        self.assertEqual((agg["iqr"]["cycles_q1"], agg["iqr"]["cycles_q3"]), (657.5, 702.5))
        self.assertEqual(agg["iqr"]["cycles"], 45.0)
        self.assertEqual(agg["unperturbed"]["cycles"], 663)
        self.assertEqual(agg["median"]["name"], "sync/call_reply_median")
        self.assertEqual(self.doc["context"]["courier_layouts"], list(range(1, 9)))

    def test_read_back_the_median_is_the_figure(self):
        with tempfile.TemporaryDirectory() as tmp:
            doc = gbench_json.load(fixtures.write(os.path.join(tmp, "l.json"), self.doc))
        self.assertEqual(gbench_json.figures(doc)["sync/call_reply"]["cycles"], 685.0)
        sp = gbench_json.spreads(doc)["sync/call_reply"]
        self.assertEqual((sp["min"], sp["max"], sp["iqr"], sp["unperturbed"]), (640, 720, 45.0,
                                                                                 663))
        self.assertEqual(sorted(sp["values"]), sorted(self.values))
        self.assertEqual(gbench_json.spreads(fixtures.document("sim", "full",
                                                               {"sync/call_reply": 1})), {})

    def test_a_benchmark_missing_from_a_layout_is_named(self):
        doc = fixtures.layouts_document("sim", "full", [{"a/x": 1, "a/y": 2}, {"a/x": 3}],
                                        {"a/x": 2, "a/y": 2})
        self.assertEqual(sorted(gbench_json.spreads(doc)), ["a/x"])
        self.assertEqual(doc["context"]["courier_layouts_partial"], ["a/y"])

    def test_google_benchmark_compare_reads_repetitions(self):
        if not os.path.isfile("/usr/share/benchmark/compare.py"):
            self.fail("libbenchmark-tools missing (scripts/setup installs it)")
        other = fixtures.layouts_document(
            "sim", "full", [{"sync/call_reply": v + 100, "irq/latency": 300}
                            for v in self.values], {"sync/call_reply": 760, "irq/latency": 331})
        with tempfile.TemporaryDirectory() as tmp:
            a = fixtures.write(os.path.join(tmp, "a.json"), self.doc)
            b = fixtures.write(os.path.join(tmp, "b.json"), other)
            r = subprocess.run([sys.executable, "/usr/share/benchmark/compare.py", "--no-color",
                                "benchmarks", a, b], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("U Test", r.stdout)
        self.assertIn("sync/call_reply_median", r.stdout)


class Loader(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, text):
        path = os.path.join(self.tmp.name, "bad.json")
        with open(path, "w") as f:
            f.write(text)
        return path

    def assert_rejected(self, text, words):
        path = self.write(text) if text is not None else os.path.join(self.tmp.name, "none.json")
        with self.assertRaises(gbench_json.ResultsError) as cm:
            gbench_json.load(path)
        self.assertIn(path, str(cm.exception))  # every message names the file
        self.assertIn(words, str(cm.exception))

    def test_missing_file(self):
        self.assert_rejected(None, "no such results file")

    def test_empty_file(self):
        self.assert_rejected("", "empty file")

    def test_cut_json(self):
        good = json.dumps(fixtures.document("qemu", "full", {"a/b": 1}))
        self.assert_rejected(good[:len(good) // 2], "not valid JSON")

    def test_not_google_benchmark(self):
        self.assert_rejected("[1, 2]", "no 'benchmarks' list")
        self.assert_rejected('{"benchmarks": []}', "no 'context' object")

    def test_entry_lacking_fields(self):
        self.assert_rejected('{"context": {}, "benchmarks": [{"name": "sync/x"}]}',
                             "benchmark sync/x lacks")

    def test_non_numeric_counter(self):
        doc = fixtures.document("qemu", "full", {"a/b": 1})
        doc["benchmarks"][0]["cycles"] = "fast"
        self.assert_rejected(json.dumps(doc), "cycles is not a number")

    def test_incomplete_reasons(self):
        doc = fixtures.document("qemu", "full", {"a/b": 1},
                                context={"courier_incomplete": ["x timed out"]})
        self.assertEqual(gbench_json.incomplete(doc), ["x timed out"])


if __name__ == "__main__":
    unittest.main()
