"""Tests of scripts/lib/compare.py on fixture results: the counter table, benchmarks found on
one side only, Google Benchmark's compare.py on the shared ones, and bad input."""
import contextlib
import io
import os
import tempfile
import unittest

import fixtures  # first: it puts scripts/lib on the path
import compare  # noqa: E402


class Compare(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.old = self.fixture("old.json", "qemu", "full",
                                {"sync/null_syscall": 140, "sync/call_reply": 400,
                                 "sync/yield": 300})
        self.new = self.fixture("new.json", "qemu", "full",
                                {"sync/null_syscall": 126, "sync/call_reply": 400,
                                 "batch/null/32": 20},
                                absent=["sync/yield"])

    def fixture(self, name, *args, **kw):
        return fixtures.write(os.path.join(self.tmp.name, name), fixtures.document(*args, **kw))

    def run_compare(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err):
            status = compare.main(list(args), out=out)
        self.out, self.err = out.getvalue(), err.getvalue()
        return status

    def test_table_and_one_sided_benchmarks(self):
        self.assertEqual(self.run_compare("--no-gbench", self.old, self.new), 0)
        self.assertRegex(self.out, r"sync/null_syscall\s+cycles\s+140\s+126\s+-14\s+-10\.0%")
        self.assertRegex(self.out, r"sync/null_syscall\s+cycles_min\s+140\s+126")
        self.assertRegex(self.out, r"sync/null_syscall\s+instructions\s+140\s+126")
        self.assertRegex(self.out, r"sync/call_reply\s+cycles\s+400\s+400\s+\+0\s+\+0\.0%")
        self.assertIn("only in A: sync/yield (absent there: path not compiled in)", self.out)
        self.assertIn("only in B: batch/null/32", self.out)
        self.assertNotIn("Google Benchmark", self.out)

    @unittest.skipUnless(os.path.isfile(compare.GBENCH_COMPARE), "libbenchmark-tools missing")
    def test_google_benchmark_compare_on_shared_benchmarks(self):
        self.assertEqual(self.run_compare(self.old, self.new), 0)
        gb = self.out.split("Google Benchmark compare.py")[1]
        self.assertRegex(gb, r"sync/null_syscall\s+-0\.1000")
        self.assertNotIn("sync/yield", gb)
        self.assertNotIn("failed", gb)
        self.assertNotIn(self.tmp.name, gb)

    def test_a_change_is_judged_against_the_layout_spread(self):
        lay = fixtures.write(os.path.join(self.tmp.name, "lay.json"), fixtures.layouts_document(
            "sim", "full", [{"sync/call_reply": v, "irq/latency": w}
                            for v, w in zip((650, 700, 680, 720), (300, 310, 305, 320))],
            {"sync/call_reply": 663, "irq/latency": 331}))
        new = self.fixture("one.json", "sim", "full", {"sync/call_reply": 690,
                                                        "irq/latency": 280})
        self.assertEqual(self.run_compare("--no-gbench", lay, new), 0)
        self.assertRegex(self.out, r"sync/call_reply\s+690\s+690\s+650\.\.720 \(A, 4 layouts\)"
                                   r"\s+within the layout spread: not a result")
        self.assertRegex(self.out, r"irq/latency\s+307\.50\s+280\s+300\.\.320 \(A, 4 layouts\)"
                                   r"\s+OUTSIDE the layout spread")
        # The spread may be on either side.
        self.assertEqual(self.run_compare("--no-gbench", new, lay), 0)
        self.assertIn("(B, 4 layouts)", self.out)
        # Two single builds on a simulator: the reader is told what is missing.
        other = self.fixture("two.json", "sim", "full", {"sync/call_reply": 700})
        self.run_compare("--no-gbench", new, other)
        self.assertIn("neither file measured layouts", self.out)

    def test_different_units_and_incomplete_are_flagged(self):
        sim = self.fixture("sim.json", "sim", "full", {"sync/null_syscall": 60},
                           context={"courier_incomplete": ["bench_sync.elf: timed out"]})
        self.assertEqual(self.run_compare("--no-gbench", self.old, sim), 0)
        self.assertIn("A counts instructions, B counts cycles", self.out)
        self.assertIn("B (" + sim + ") is marked incomplete: bench_sync.elf: timed out", self.out)
        self.assertRegex(self.out, r"sync/null_syscall\s+instructions\s+140\s+—")

    def test_filter(self):
        self.assertEqual(self.run_compare("--no-gbench", "--filter", "null", self.old,
                                          self.new), 0)
        self.assertNotIn("call_reply", self.out)
        self.assertEqual(self.run_compare("--filter", "no/such", self.old, self.new), 1)
        self.assertIn("--filter 'no/such' matches no benchmark in either file", self.err)

    def test_nothing_in_common(self):
        other = self.fixture("other.json", "qemu", "full", {"irq/latency": 90})
        self.assertEqual(self.run_compare(self.old, other), 0)
        self.assertIn("no benchmark is in both files", self.out)
        self.assertIn("only in B: irq/latency", self.out)

    def test_malformed_and_missing_files_are_named(self):
        bad = os.path.join(self.tmp.name, "bad.json")
        with open(bad, "w") as f:
            f.write("{not json")
        self.assertEqual(self.run_compare(self.old, bad), 2)
        self.assertIn(f"compare: {bad}: not valid JSON", self.err)
        missing = os.path.join(self.tmp.name, "gone.json")
        self.assertEqual(self.run_compare(missing, self.new), 2)
        self.assertIn(f"{missing}: no such results file", self.err)


if __name__ == "__main__":
    unittest.main()
