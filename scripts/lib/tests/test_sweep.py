"""Tests of scripts/sweep (scripts/lib/sweep.py) that build nothing: spec parsing and its bad
input (unknown knob, empty grid, values the model rejects, unknown platform or configuration, a
bad filter, a baseline off the grid), the model's defaults read from the RTL and CMake, the job
list (one line per point, stable ids, one model per distinct parameter set), the GNU parallel and
Slurm forms of the same list, and merging with a failed point."""
import contextlib
import io
import json
import os
import shlex
import tempfile
import unittest

import fixtures  # noqa: F401  first: it puts scripts/lib on the path
import gbench_json  # noqa: E402
import sweep  # noqa: E402

BASE = {"name": "t", "platforms": ["sim"], "configs": ["full"],
        "filter": "^sync/call_reply$", "knobs": {"TLB_ENTRIES": [2, 4], "TLB_ASID": [0, 1]}}


def spec(**changes):
    s = json.loads(json.dumps(BASE))
    for k, v in changes.items():
        if v is None:
            s.pop(k, None)
        else:
            s[k] = v
    return s


class Spec(unittest.TestCase):
    def bad(self, text, **changes):
        with self.assertRaises(sweep.SweepError) as e:
            sweep.check_spec(spec(**changes), "s.toml")
        self.assertIn(text, str(e.exception))
        self.assertTrue(str(e.exception).startswith("s.toml: "))

    def test_a_good_spec_gets_its_defaults(self):
        s = sweep.check_spec(spec(), "s.toml")
        self.assertEqual(s["baseline"], {"TLB_ENTRIES": 4, "TLB_ASID": 1})  # the model's own
        self.assertEqual(s["headline"], ["sync/call_reply"])
        self.assertEqual(s["layouts"], 0)
        self.assertEqual(len(list(sweep.grid(s))), 4)

    def test_unknown_knob_lists_the_knobs(self):
        self.bad("unknown knob 'TLB_SIZE' (knobs: CACHES, CACHE_LINE", knobs={"TLB_SIZE": [4]})

    def test_empty_grids(self):
        self.bad("the grid is empty: give [knobs]", knobs={})
        self.bad("the grid is empty: give [knobs]", knobs=None)
        self.bad("knob TLB_ENTRIES has no values: the grid is empty", knobs={"TLB_ENTRIES": []})

    def test_values_the_model_rejects(self):
        self.bad("the model rejects ICACHE_BYTES = 3000: must be a power of two",
                 knobs={"ICACHE_BYTES": [4096, 3000]})
        self.bad("the model rejects MUL_LAT = 99: outside 0..63", knobs={"MUL_LAT": [99]})
        self.bad("the model rejects TLB_ASID = 2: outside 0..1", knobs={"TLB_ASID": [2]})
        self.bad("the model rejects TLB_ENTRIES = '4': a whole number",
                 knobs={"TLB_ENTRIES": ["4"]})
        self.bad("the model rejects the point ICACHE_BYTES=256 ICACHE_WAYS=8 CACHE_LINE=64: "
                 "ICACHE_BYTES = 256 is smaller than ICACHE_WAYS x CACHE_LINE = 512",
                 knobs={"ICACHE_BYTES": [256], "ICACHE_WAYS": [8], "CACHE_LINE": [64]})
        self.bad("lists a value twice", knobs={"TLB_ENTRIES": [4, 4]})
        self.bad("SRAM_LAT exists only on betrusted-sim's SoC", knobs={"SRAM_LAT": [8]})
        self.bad("PIPELINE = 0 (the two-stage core) has no C extension",
                 knobs={"PIPELINE": [0, 1]}, platforms=["betrusted-sim"])
        sweep.check_spec(spec(knobs={"PIPELINE": [0, 1]}, platforms=["sim"]), "s.toml")

    def test_platform_configuration_filter_and_baseline(self):
        self.bad("platform 'qemu' has no core model to sweep", platforms=["qemu"])
        self.bad("configuration 'fast' unknown", configs=["fast"])
        self.bad("bad filter '('", filter="(")
        self.bad("baseline TLB_ENTRIES = 3 is not one of its values", baseline={"TLB_ENTRIES": 3})
        self.bad("baseline names MEM_LAT, which the grid does not vary", baseline={"MEM_LAT": 5})
        self.bad("unknown key(s) knob", knob={"x": 1})
        self.bad("'layouts' must be 0 or at least 2", layouts=1)

    def test_toml_and_json_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            t = os.path.join(tmp, "s.toml")
            with open(t, "w") as f:
                f.write('name = "t"\nfilter = "^sync/call_reply$"\n[knobs]\nMEM_LAT = [2, 5]\n')
            self.assertEqual(sweep.load_spec(t)["knobs"], {"MEM_LAT": [2, 5]})
            j = os.path.join(tmp, "s.json")
            with open(j, "w") as f:
                json.dump(spec(), f)
            self.assertEqual(sweep.load_spec(j)["name"], "t")
            with open(t, "w") as f:
                f.write("name = \n")
            with self.assertRaises(sweep.SweepError) as e:
                sweep.load_spec(t)
            self.assertIn("not valid TOML", str(e.exception))

    def test_model_defaults_come_from_the_rtl_and_the_soc(self):
        virt = sweep.model_defaults("sim")
        bt = sweep.model_defaults("betrusted-sim")
        self.assertEqual((virt["TLB_ASID"], virt["ICACHE_BYTES"], virt["MEM_LAT"]), (1, 4096, 5))
        self.assertEqual((bt["TLB_ASID"], bt["ICACHE_BYTES"], bt["DCACHE_WAYS"]), (0, 8192, 4))
        self.assertEqual(virt["RAM_BYTES"], 8 * 1024 * 1024)


class Jobs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.spec = sweep.check_spec(spec(platforms=["sim", "betrusted-sim"]), "s")
        self.pts = sweep.points(self.spec, self.tmp.name)

    def test_one_line_per_point_stable_ids_one_model_per_parameter_set(self):
        self.assertEqual(len(self.pts), 8)
        again = sweep.points(self.spec, self.tmp.name)
        self.assertEqual([p["id"] for p in self.pts], [p["id"] for p in again])
        self.assertEqual(len({p["id"] for p in self.pts}), 8)
        self.assertEqual(len({p["model_dir"] for p in self.pts}), 8)  # 4 per platform
        path = sweep.write_jobs(self.spec, self.pts, self.tmp.name)
        with open(path) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 8)
        for line, p in zip(lines, self.pts):
            argv = shlex.split(line)
            self.assertEqual(argv[-2:], ["job", os.path.join(p["dir"], "point.json")])
            with open(argv[-1]) as f:
                self.assertEqual(json.load(f)["params"], p["params"])

    def test_parallel_and_slurm_run_the_same_list(self):
        path = sweep.write_jobs(self.spec, self.pts, self.tmp.name)
        cmd = sweep.parallel_command(path, "hosts", 3)
        self.assertEqual(cmd[:2], ["parallel", "--will-cite"])
        self.assertEqual(cmd[cmd.index("--sshloginfile") + 1], "hosts")
        self.assertEqual(cmd[cmd.index("--arg-file") + 1], path)
        script = sweep.slurm_script(self.spec, path, len(self.pts))
        self.assertIn("#SBATCH --array=1-8", script)
        self.assertIn(f'sed -n "${{SLURM_ARRAY_TASK_ID}}p" {path}', script)
        self.assertIn('eval "$line"', script)

    def test_merging_with_a_failed_point(self):
        sweep.write_jobs(self.spec, self.pts, self.tmp.name)
        for k, p in enumerate(self.pts):
            if k == 3:
                with open(os.path.join(p["dir"], "status.json"), "w") as f:
                    json.dump({"status": "failed", "error": "model build failed"}, f)
                continue
            doc = fixtures.document(p["platform"], p["config"],
                                    {"sync/call_reply": 600 + k})
            gbench_json.write(os.path.join(p["dir"], f"{p['platform']}-full.json"), doc)
            with open(os.path.join(p["dir"], "status.json"), "w") as f:
                json.dump({"status": "ok"}, f)
        doc = sweep.merge(self.spec, self.pts, self.tmp.name)
        self.assertEqual(doc["format"], "courier-sweep/1")
        self.assertEqual([r["status"] for r in doc["points"]].count("failed"), 1)
        self.assertEqual(doc["points"][3]["error"], "model build failed")
        self.assertEqual(doc["points"][0]["figures"], {"sync/call_reply": 600})
        self.assertEqual(doc["knobs"], ["TLB_ENTRIES", "TLB_ASID"])
        with open(os.path.join(self.tmp.name, "t", "sweep.csv")) as f:
            rows = f.read().splitlines()
        self.assertEqual(rows[0], "platform,config,TLB_ENTRIES,TLB_ASID,status,sync/call_reply")
        self.assertEqual(rows[4], "sim,full,4,1,failed,")
        self.assertEqual(rows[1], "sim,full,2,0,ok,600")
        # --resume would run exactly the failed point.
        self.assertEqual([p["id"] for p in self.pts if sweep.point_status(p)["status"] != "ok"],
                         [self.pts[3]["id"]])

    def test_bad_spec_stops_before_anything_is_written(self):
        out = os.path.join(self.tmp.name, "out")
        bad = os.path.join(self.tmp.name, "bad.json")
        with open(bad, "w") as f:
            json.dump(spec(knobs={"TLB_ENTRIES": [0]}), f)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(sweep.main([bad, "--out", out]), 2)
        self.assertIn("the model rejects TLB_ENTRIES = 0: outside 1..64", err.getvalue())
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
