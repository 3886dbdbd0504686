#!/usr/bin/python3
"""CTest driver (sweep/parallel): the smallest sweep (bench/sweeps/tiny.toml, two models) run
through GNU parallel in its local SSH-less mode (a host file holding ':'), i.e. the same job list
the local runner and the Slurm array use; both points must come back ok with a figure, the job
list must be the one a dry run writes, and parallel's job log must show both jobs done."""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
SPEC = os.path.join(ROOT, "bench", "sweeps", "tiny.toml")


def main():
    with tempfile.TemporaryDirectory(prefix="courier-sweep-") as tmp:
        dry = os.path.join(tmp, "dry")
        r = subprocess.run([os.path.join(ROOT, "scripts", "sweep"), SPEC, "--out", dry,
                            "--dry-run"])
        if r.returncode != 0:
            print("sweep test: FAIL: the dry run failed")
            return 1
        hosts = os.path.join(tmp, "hosts")
        with open(hosts, "w") as f:
            f.write(":\n")
        out = os.path.join(tmp, "out")
        r = subprocess.run([os.path.join(ROOT, "scripts", "sweep"), SPEC, "--out", out,
                            "--ssh", hosts, "-j", "2"])
        failures = []
        if r.returncode != 0:
            failures.append(f"scripts/sweep --ssh exited {r.returncode}")
        with open(os.path.join(dry, "tiny", "jobs.txt")) as f:
            dry_jobs = f.read().replace(dry, "OUT")
        with open(os.path.join(out, "tiny", "jobs.txt")) as f:
            jobs = f.read().replace(out, "OUT")
        if jobs != dry_jobs:
            failures.append("the job list differs from the dry run's")
        with open(os.path.join(out, "tiny", "jobs.txt.todo.log")) as f:
            log = [line.split("\t") for line in f.read().splitlines()[1:]]
        if len(log) != 2 or any(fields[6] != "0" for fields in log):
            failures.append(f"parallel's job log: {log}")
        with open(os.path.join(out, "tiny", "sweep.json")) as f:
            doc = json.load(f)
        for p in doc["points"]:
            print(f"sweep test: {p['params']}: {p['status']} {p.get('figures')}")
            if p["status"] != "ok" or not p.get("figures", {}).get("sync/null_syscall"):
                failures.append(f"point {p['params']}: {p['status']} {p.get('error')}")
        for f in failures:
            print(f"sweep test: FAIL: {f}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
