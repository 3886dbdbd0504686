#!/usr/bin/python3
"""courier-sim's cycles per privilege mode: runs IMAGE (modes.S) with --marks and checks that the
statistics line and every mark carry cycles_u, cycles_s, cycles_m and cycles_wfi after the
fields they had before, that the first three add up to cycles= (and cycles_wfi is 0: no wfi
here), and that the loop run in U between the first two "@wl "
marks and the one run in S between the last two are counted in those modes (20,000 iterations:
at least 40,000 cycles each, none in the other mode).

usage: harness_modes.py SIM IMAGE
"""
import os
import re
import subprocess
import sys

SKIP = 77  # the model is not built
MARK = re.compile(r"courier-sim: mark cycles=(\d+) instret=\d+ icache_fills=\d+ dcache_fills=\d+"
                  r" cycles_u=(\d+) cycles_s=(\d+) cycles_m=(\d+) cycles_wfi=(\d+)")
STATS = re.compile(r"courier-sim: cycles=(\d+) instret=\d+ cpi=\S+ sim_speed=\S+ Mcycles/s "
                   r"wall=\S+ cpu=\S+ soc=\w+ icache_fills=\d+ dcache_fills=\d+"
                   r" cycles_u=(\d+) cycles_s=(\d+) cycles_m=(\d+) cycles_wfi=(\d+)")


def main():
    sim, image = os.environ.get("COURIER_SIM", sys.argv[1]), sys.argv[2]
    if not os.path.isfile(sim):
        print(f"harness_modes: simulator not built: {sim} (skipped)")
        return SKIP
    proc = subprocess.run([sim, "--marks", "--max-cycles", "5000000", image],
                          capture_output=True, text=True, timeout=60)
    sys.stdout.write(proc.stdout + proc.stderr)
    problems = []
    if proc.returncode != 0:
        problems.append(f"exit {proc.returncode}")
    lines = proc.stderr.splitlines()
    marks = [tuple(map(int, m.groups())) for m in map(MARK.fullmatch, lines) if m]
    stats = [tuple(map(int, m.groups())) for m in map(STATS.fullmatch, lines) if m]
    if len(marks) != 3:
        problems.append(f"{len(marks)} marks, want 3 (one per '@wl ' line)")
    if len(stats) != 1:
        problems.append("no statistics line with the mode counts")
    for cycles, u, s, m, wfi in marks + stats:
        if u + s + m != cycles:
            problems.append(f"cycles_u+cycles_s+cycles_m = {u + s + m}, not cycles={cycles}")
        if wfi != 0:
            problems.append(f"cycles_wfi={wfi}, but the program never executes wfi")
    if len(marks) == 3:
        (_, u0, s0, _, _), (_, u1, s1, _, _), (_, u2, s2, _, _) = marks
        if u1 - u0 < 40000 or s1 != s0:
            problems.append(f"U loop: cycles_u +{u1 - u0}, cycles_s +{s1 - s0}")
        if s2 - s1 < 40000 or u2 != u1:
            problems.append(f"S loop: cycles_s +{s2 - s1}, cycles_u +{u2 - u1}")
    for p in problems:
        print(f"harness_modes: {p}")
    print("harness_modes: ok" if not problems else "harness_modes: FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
