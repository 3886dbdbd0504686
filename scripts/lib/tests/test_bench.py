"""Tests of the benchmark driver (scripts/lib/bench.py) with a fake platform runner: what is
written when runs hang, die or print damaged lines, how --filter selects images, presets,
and reading a recorded board console with --replay."""
import contextlib
import io
import json
import os
import tempfile
import unittest

import fixtures  # first: it puts scripts/lib on the path
import bench  # noqa: E402
import gbench_json  # noqa: E402

CONSOLES = {
    "bench_sync.elf": fixtures.console({"sync/null_syscall": 138, "sync/call_reply": 190}),
    "bench_lend.elf": fixtures.console({"lend/borrow/4096": 900}, absent=["lend/move/4096"]),
}


class FakeRun:
    """Stands in for runner.run_image: replays a console per image, optionally misbehaving."""

    def __init__(self, consoles, hang=(), die=(), cut=()):
        self.consoles, self.hang, self.die, self.cut = consoles, hang, die, cut
        self.ran = []

    def __call__(self, image, platform, timeout, echo, on_line):
        name = os.path.basename(image)
        self.ran.append(name)
        text = self.consoles[name]
        if name in self.hang or name in self.die or name in self.cut:
            text = text[:text.rindex("@bench v1 end") - 30]  # stops inside the last record
        for line in text.splitlines():
            on_line(line)

        class Result:
            timed_out = name in self.hang
            status = 124 if name in self.hang else (3 if name in self.die else 0)
            seconds = 0.5
        return Result()


class Driver(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.build = os.path.join(self.tmp.name, "build")
        self.out = os.path.join(self.tmp.name, "results")
        os.makedirs(os.path.join(self.build, "bench", "target"))
        for name in CONSOLES:
            image = os.path.join(self.build, "bench", "target", name)
            open(image, "w").close()
            with open(image + ".size.json", "w") as f:
                json.dump({"text_rodata": 5896}, f)

    def run_bench(self, *args, run=None):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = bench.main(["--build", self.build, "--out", self.out, *args], run=run)
        self.stdout, self.stderr = out.getvalue(), err.getvalue()
        return status

    def written(self, name="qemu-full.json"):
        return gbench_json.load(os.path.join(self.out, name))

    def test_complete_run(self):
        self.assertEqual(self.run_bench(run=FakeRun(CONSOLES)), 0)
        doc = self.written()
        self.assertEqual(sorted(gbench_json.figures(doc)),
                         ["lend/borrow/4096", "sync/call_reply", "sync/null_syscall"])
        ctx = doc["context"]
        self.assertNotIn("courier_incomplete", ctx)
        self.assertEqual(ctx["courier_kernel_text_rodata"], 5896)
        self.assertEqual(ctx["courier_core_params"]["machine"], "virt")
        self.assertEqual(ctx["courier_counter_unit"], "instructions")
        self.assertEqual(ctx["courier_absent"], {"lend/move/4096": "path not compiled in"})
        self.assertIn("[2/2] bench_sync.elf on qemu (0 images left after this)", self.stdout)

    def test_hang_keeps_partial_results_marked_incomplete(self):
        self.assertEqual(self.run_bench(run=FakeRun(CONSOLES, hang={"bench_sync.elf"})), 1)
        ctx = self.written()["context"]
        reasons = " | ".join(ctx["courier_incomplete"])
        self.assertIn("bench_sync.elf: timed out", reasons)
        self.assertIn("suite 'sync' did not finish", reasons)
        self.assertIn("sync/null_syscall", gbench_json.figures(self.written()))
        self.assertIn("INCOMPLETE", self.stderr)

    def test_death_and_cut_line(self):
        self.assertEqual(self.run_bench(run=FakeRun(CONSOLES, die={"bench_lend.elf"})), 1)
        reasons = " | ".join(self.written()["context"]["courier_incomplete"])
        self.assertIn("bench_lend.elf: exited with status 3", reasons)
        self.assertIn("rejected line: bench_lend.elf", reasons)

    def test_filter_skips_images_and_filters_results(self):
        fake = FakeRun(CONSOLES)
        self.assertEqual(self.run_bench("--filter", "call_reply", run=fake), 0)
        self.assertEqual(fake.ran, ["bench_sync.elf"])
        doc = self.written()
        self.assertEqual(list(gbench_json.figures(doc)), ["sync/call_reply"])
        self.assertEqual(doc["context"]["courier_filter"], "call_reply")

    def test_filter_matching_nothing_writes_nothing(self):
        self.assertEqual(self.run_bench("--filter", "no/such", run=FakeRun(CONSOLES)), 1)
        self.assertIn("matches no known benchmark name", self.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "qemu-full.json")))

    def test_filter_naming_a_benchmark_the_image_lacks(self):
        self.assertEqual(self.run_bench("--filter", "sync/yield", run=FakeRun(CONSOLES)), 1)
        self.assertIn("matched no benchmark in this run", self.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "qemu-full.json")))

    def test_no_images(self):
        self.build = self.tmp.name
        self.assertEqual(self.run_bench(run=FakeRun(CONSOLES)), 1)
        self.assertIn("no benchmark images", self.stderr)

    def test_core_params_file(self):
        path = os.path.join(self.tmp.name, "core.json")
        with open(path, "w") as f:
            json.dump({"itlb": 4, "cache": "4 KiB"}, f)
        self.run_bench("--core-params", path, run=FakeRun(CONSOLES))
        self.assertEqual(self.written()["context"]["courier_core_params"]["itlb"], 4)

    def test_replay_of_a_recorded_board(self):
        log = os.path.join(fixtures.FIXTURES, "betrusted-console.log")
        self.assertEqual(self.run_bench("--replay", log, "--settle", "0.1"), 0)
        doc = self.written("betrusted-betrusted.json")
        self.assertEqual(doc["context"]["courier_counter_unit"], "cycles")
        self.assertEqual(doc["context"]["courier_core_params"]["icache_kib"], 4)
        self.assertEqual(len(gbench_json.figures(doc)), 5)

    def test_replay_records_the_deployed_manifest(self):
        import deploy
        import elf_fixtures
        tree = os.path.join(self.tmp.name, "bt")
        elf_fixtures.build_tree(tree)
        dep = os.path.join(self.tmp.name, "deploy")
        deploy.deploy("betrusted", "demo_betrusted", dep, build_dir=tree)
        log = os.path.join(fixtures.FIXTURES, "betrusted-console.log")
        manifest = os.path.join(dep, "manifest.json")
        self.assertEqual(self.run_bench("--replay", log, "--settle", "0.1", "--manifest",
                                        manifest), 0)
        ctx = self.written("betrusted-betrusted.json")["context"]
        self.assertEqual(ctx["courier_deployed"]["images"]["demo_betrusted"]["sha256"],
                         deploy.verify_deployment(dep)["files"]["image.bin"]["sha256"])
        with open(os.path.join(dep, "payload.bin"), "ab") as f:
            f.write(b"x")
        self.assertEqual(self.run_bench("--replay", log, "--settle", "0.1", "--manifest",
                                        manifest), 1)
        self.assertIn("payload.bin: size or SHA-256 differs", self.stderr)

    def test_replay_of_a_cut_recording(self):
        with open(os.path.join(fixtures.FIXTURES, "betrusted-console.log"), "rb") as f:
            data = f.read()
        log = os.path.join(self.tmp.name, "cut.log")
        with open(log, "wb") as f:
            f.write(data[:data.index(b"@bench v1 end suite=lend") + 10])
        self.assertEqual(self.run_bench("--replay", log, "--settle", "0.1"), 1)
        reasons = " | ".join(self.written("betrusted-betrusted.json")["context"]
                             ["courier_incomplete"])
        self.assertIn("suite 'lend' did not finish", reasons)
        self.assertIn("cut.log", reasons)


class SimStats(unittest.TestCase):
    def test_summed_over_images(self):
        stats = {}
        for line in ("courier-sim: cycles=3000000 instret=2000000 cpi=1.50 sim_speed=2.00 "
                     "Mcycles/s wall=1.00s",
                     "courier-sim: cycles=1000000 instret=500000 cpi=2.00 sim_speed=1.00 "
                     "Mcycles/s wall=1.00s",
                     "courier-sim: finisher reset request; stopping", "unrelated cycles=5"):
            bench.add_sim_stats(line, stats)
        self.assertEqual(stats, {"cycles": 4000000, "instret": 2500000, "wall_seconds": 2.0,
                                 "cycles_per_second": 2000000})

    def test_cache_fills_merged_over_images(self):
        total = {}
        for label, ifills in (("a.elf", 300), ("b.elf", 200)):
            part = {}
            bench.add_sim_stats(f"courier-sim: cycles=1000 instret=500 cpi=2.00 sim_speed=1.00 "
                                f"Mcycles/s wall=1.00s cpu=1.00s soc=virt icache_fills={ifills} "
                                f"dcache_fills=7", part)
            bench.merge_sim_stats(total, part, label)
        self.assertEqual((total["icache_fills"], total["dcache_fills"]), (500, 14))
        self.assertEqual(total["cycles_per_image"], {"a.elf": 1000, "b.elf": 1000})


class Presets(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        with open(os.path.join(self.tmp.name, "CMakePresets.json"), "w") as f:
            json.dump({"configurePresets": [
                {"name": "qemu", "binaryDir": "${sourceDir}/build/${presetName}"},
                {"name": "qemu-minimal", "inherits": "qemu"}]}, f)

    def test_image_preset_names(self):
        self.assertEqual(bench.image_preset("full"), "qemu")
        self.assertEqual(bench.image_preset("minimal"), "qemu-minimal")

    def test_binary_dir_follows_inherits(self):
        _, presets = bench.find_preset(self.tmp.name, "qemu-minimal")
        self.assertEqual(bench.preset_binary_dir(self.tmp.name, "qemu-minimal", presets),
                         os.path.join(self.tmp.name, "build", "qemu-minimal"))

    def test_missing_preset_is_named(self):
        with self.assertRaises(bench.BenchError) as cm:
            bench.build_with_preset(self.tmp.name, "qemu-betrusted", "the betrusted images")
        self.assertIn("no CMake preset 'qemu-betrusted'", str(cm.exception))
        self.assertIn("qemu, qemu-minimal", str(cm.exception))


class ParallelAndBudgets(unittest.TestCase):
    """Sim runs: images in parallel with output in image order, the cycle budget passed to the
    simulator, running out of it reported as such, the wall clock only a backstop."""

    def setUp(self):
        import elf_fixtures
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.build = os.path.join(self.tmp.name, "build")
        target = os.path.join(self.build, "bench", "target")
        os.makedirs(target)
        self.images = {}
        for name, budget in (("bench_lend", 400_000_000), ("bench_sync", None)):
            path = os.path.join(target, name + ".elf")
            sections = [(".courier.budget", 0, f"cycles={budget}".encode() + b"\0")] \
                if budget else []
            elf_fixtures.write_elf(path, 0x8000_0000, [(0x8000_0000, 0x8000_0000, b"x" * 64,
                                                        64, 5)], sections)
            self.images[name] = path
        self.out = os.path.join(self.tmp.name, "results")

    def bench(self, run, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = bench.main(["--platform", "sim", "--build", self.build, "--out", self.out,
                                 *args], run=run)
        return status, out.getvalue(), err.getvalue()

    def test_parallel_output_is_in_image_order_and_budgets_reach_the_simulator(self):
        import threading
        import time as time_
        calls, lend_may_finish = {}, threading.Event()

        def run(image, platform, timeout, echo, on_line, max_cycles=None, marks=False):
            name = os.path.basename(image)
            calls[name] = (timeout, max_cycles)
            if name == "bench_lend.elf":
                lend_may_finish.wait(5)  # finishes after bench_sync
            for line in CONSOLES[name].splitlines():
                on_line(line)
            if name == "bench_sync.elf":
                time_.sleep(0.05)
                lend_may_finish.set()

            class Result:
                timed_out, status, seconds, out_of_cycles = False, 0, 0.5, False
            return Result()

        status, out, _ = self.bench(run, "-j", "2")
        self.assertEqual(status, 0)
        self.assertEqual(calls["bench_lend.elf"],
                         (bench.runner.backstop_seconds(400_000_000), 400_000_000))
        self.assertEqual(calls["bench_sync.elf"], (120.0, None))
        self.assertLess(out.index("[1/2 done] bench_lend.elf"),
                        out.index("[2/2 done] bench_sync.elf"))
        self.assertIn("2 images on sim, 2 at a time", out)

    def test_running_out_of_cycles_and_the_backstop_are_told_apart(self):
        def run(image, platform, timeout, echo, on_line, max_cycles=None, marks=False):
            name = os.path.basename(image)
            text = CONSOLES[name]
            for line in text[:text.rindex("@bench v1 end") - 30].splitlines():
                on_line(line)

            class Result:
                seconds = 1.0
                status = 124
                out_of_cycles = name == "bench_lend.elf"
                timed_out = not out_of_cycles
            return Result()

        status, _, err = self.bench(run, "-j", "1")
        self.assertEqual(status, 1)
        ctx = gbench_json.load(os.path.join(self.out, "sim-full.json"))["context"]
        reasons = " | ".join(ctx["courier_incomplete"])
        self.assertIn("bench_lend.elf: ran out of its cycle budget (400,000,000 cycles)", reasons)
        self.assertIn("bench_sync.elf: timed out after 120 s", reasons)
        self.assertNotIn("backstop", reasons)

    def test_the_backstop_named_when_a_budgeted_run_hits_it(self):
        def run(image, platform, timeout, echo, on_line, max_cycles=None, marks=False):
            text = CONSOLES[os.path.basename(image)]
            for line in text[:text.rindex("@bench v1 end") - 30].splitlines():
                on_line(line)

            class Result:
                seconds, status, out_of_cycles = 1.0, 124, False
                timed_out = True
            return Result()

        self.bench(run, "--filter", "lend/borrow")
        ctx = gbench_json.load(os.path.join(self.out, "sim-full.json"))["context"]
        self.assertIn("bench_lend.elf: hit the wall-clock backstop of 830 s before its "
                      "400,000,000-cycle budget ran out", " | ".join(ctx["courier_incomplete"]))


class Layouts(unittest.TestCase):
    """--layouts N: N more trees (the build stubbed here), each measured, one file of
    repetitions beside the unperturbed one."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.trees = {}
        for seed in (0, 1, 2, 3):
            tree = os.path.join(self.tmp.name, f"tree{seed}")
            os.makedirs(os.path.join(tree, "bench", "target"))
            open(os.path.join(tree, "bench", "target", "bench_sync.elf"), "w").close()
            self.trees[seed] = tree
        self.out = os.path.join(self.tmp.name, "results")
        self.built = []

        def fake_build(preset, seed, targets, root=bench.ROOT):
            self.built.append((preset, seed, targets))
            return self.trees[seed]
        old = bench.build_layout
        bench.build_layout = fake_build
        self.addCleanup(lambda: setattr(bench, "build_layout", old))

    def test_each_layout_is_a_repetition(self):
        figures = {0: 663, 1: 650, 2: 700, 3: 690}

        def run(image, platform, timeout, echo, on_line, marks=False):
            seed = int(image.split("tree")[1][0])
            for line in fixtures.console({"sync/call_reply": figures[seed]}).splitlines():
                on_line(line)

            class Result:
                timed_out, status, seconds, out_of_cycles = False, 0, 0.1, False
            return Result()

        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            status = bench.main(["--platform", "qemu", "--build", self.trees[0], "--out",
                                 self.out, "--layouts", "3"], run=run)
        self.assertEqual(status, 0)
        self.assertEqual([b[:2] for b in self.built], [("qemu", 1), ("qemu", 2), ("qemu", 3)])
        self.assertEqual(self.built[0][2], ["bench_sync"])
        doc = gbench_json.load(os.path.join(self.out, "qemu-full-layouts.json"))
        sp = gbench_json.spreads(doc)["sync/call_reply"]
        self.assertEqual((sp["min"], sp["median"], sp["max"], sp["unperturbed"]),
                         (650, 690, 700, 663))
        self.assertEqual(gbench_json.figures(gbench_json.load(
            os.path.join(self.out, "qemu-full.json")))["sync/call_reply"]["cycles"], 663)
        self.assertRegex(out.getvalue(), r"sync/call_reply\s+663\s+690\s+650\s+700")

    def test_layouts_need_two_and_a_simulated_platform(self):
        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
            bench.parse_args(["--layouts", "1"])
        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
            bench.parse_args(["--layouts", "4", "--replay", "x.log"])


class DeployedOnBetrustedSim(unittest.TestCase):
    """betrusted-sim measures what scripts/deploy writes: each bench image is signed into
    BUILD/deploy/NAME/image.bin and that file is what runs; the result names it."""

    def setUp(self):
        import elf_fixtures
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.build = os.path.join(self.tmp.name, "build")
        for name in ("bench_sync", "bench_lend"):
            elf_fixtures.build_tree(self.build, subdir=os.path.join("bench", "target"),
                                    name=name)
        self.out = os.path.join(self.tmp.name, "results")

    def test_the_signed_images_are_what_runs(self):
        import deploy
        ran = []

        def run(image, platform, timeout, echo, on_line, marks=False):
            ran.append(image)
            name = os.path.basename(os.path.dirname(image))
            for line in CONSOLES[name + ".elf"].splitlines():
                on_line(line)

            class Result:
                timed_out, status, seconds = False, 0, 0.5
            return Result()

        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            status = bench.main(["--platform", "betrusted-sim", "--build", self.build,
                                 "--out", self.out], run=run)
        self.assertEqual(status, 0)
        deployed = os.path.join(self.build, "deploy")
        self.assertEqual(ran, [os.path.join(deployed, n, "image.bin")
                               for n in ("bench_lend", "bench_sync")])
        self.assertIn("[2/2 done] bench_sync (deployed image.bin)", out.getvalue())
        doc = gbench_json.load(os.path.join(self.out, "betrusted-sim-betrusted.json"))
        ctx = doc["context"]["courier_deployed"]
        for name in ("bench_lend", "bench_sync"):
            m = deploy.verify_deployment(os.path.join(deployed, name))
            self.assertEqual(ctx["images"][name]["sha256"], m["files"]["image.bin"]["sha256"])
            self.assertEqual(ctx["public_key"], m["signature"]["public_key"])
        self.assertIn("sync/call_reply", gbench_json.figures(doc))

    def test_a_tree_for_another_platform_is_refused(self):
        import elf_fixtures
        elf_fixtures.build_tree(self.build, platform="qemu-virt",
                                subdir=os.path.join("bench", "target"), name="bench_sync")
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            status = bench.main(["--platform", "betrusted-sim", "--build", self.build,
                                 "--out", self.out], run=lambda *a, **k: None)
        self.assertEqual(status, 1)
        self.assertIn("built for the qemu-virt platform", err.getvalue())


if __name__ == "__main__":
    unittest.main()
