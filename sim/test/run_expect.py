#!/usr/bin/python3
"""Runs one image on courier-sim and checks its exit status, its exact console output and lines
that must appear on stderr (for tests whose point is what reaches the console, such as UARTSEL
routing on the betrusted model).

usage: run_expect.py SIM IMAGE --exit N [--stdout FILE] [--stderr-regex RE]...
                     [--stderr-count N:RE]... [--max-cycles N] [--sim-arg ARG]...
"""
import argparse
import os
import re
import subprocess
import sys

SKIP = 77  # CTest's SKIP_RETURN_CODE for these tests: the model is not built


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sim")
    ap.add_argument("image")
    ap.add_argument("--exit", type=int, required=True)
    ap.add_argument("--stdout", help="file with the exact expected console output")
    ap.add_argument("--stderr-regex", action="append", default=[],
                    help="a regular expression some stderr line must match")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--stderr-count", action="append", default=[],
                    help="N:RE: exactly N stderr lines match the regular expression RE")
    ap.add_argument("--max-cycles", type=int, help="passed to the simulator")
    ap.add_argument("--sim-arg", action="append", default=[], help="passed to the simulator")
    a = ap.parse_args()
    sim = os.environ.get("COURIER_SIM", a.sim)
    if not os.path.isfile(sim):
        print(f"run_expect: simulator not built: {sim} (skipped)")
        return SKIP
    extra = (["--max-cycles", str(a.max_cycles)] if a.max_cycles else []) + a.sim_arg
    proc = subprocess.run([sim, *extra, a.image], capture_output=True, text=True,
                          timeout=a.timeout)
    sys.stdout.write(proc.stdout)
    sys.stdout.write(proc.stderr)
    ok = True
    if proc.returncode != a.exit:
        print(f"run_expect: exit {proc.returncode}, want {a.exit}")
        ok = False
    if a.stdout:
        with open(a.stdout) as f:
            want = f.read()
        if proc.stdout != want:
            print(f"run_expect: console output differs; want:\n{want}")
            ok = False
    for pattern in a.stderr_regex:
        if not any(re.fullmatch(pattern, line) for line in proc.stderr.splitlines()):
            print(f"run_expect: no stderr line matches: {pattern}")
            ok = False
    for spec in a.stderr_count:
        n, _, pattern = spec.partition(":")
        got = sum(1 for line in proc.stderr.splitlines() if re.fullmatch(pattern, line))
        if got != int(n):
            print(f"run_expect: {got} stderr lines match {pattern}, want {n}")
            ok = False
    print("run_expect: ok" if ok else "run_expect: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
