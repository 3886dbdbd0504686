#!/usr/bin/python3
"""Differential check: run one image on QEMU and on courier-sim and require the same console
output and exit status.

usage: diff_platforms.py [--timeout S] [--ignore REGEX]... IMAGE

Lines matching an --ignore pattern (e.g. benchmark lines carrying cycle counts, which differ by
design) are dropped from both logs, as are the simulator's own `courier-sim:` statistics lines
(the runner merges stderr into the console stream).
"""
import argparse
import difflib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import runner  # noqa: E402

SIM_STATS = re.compile(r"courier-sim: (cycles=|finisher reset).*")


def normalise(text, ignores):
    # The stats line arrives on stderr and may be glued to an unterminated last console line.
    text = SIM_STATS.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    lines = [line for line in lines if not any(p.search(line) for p in ignores)]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--ignore", action="append", default=[])
    ap.add_argument("image")
    args = ap.parse_args()
    ignores = [re.compile(p) for p in args.ignore]

    results = {}
    for platform in ("qemu", "sim"):
        try:
            r = runner.run_image(args.image, platform=platform, timeout=args.timeout, echo=False)
        except (FileNotFoundError, ValueError) as e:
            print(f"diff_platforms: {e}", file=sys.stderr)
            return 2
        if r.timed_out:
            print(f"diff_platforms: {platform} timed out after {args.timeout:.0f} s", file=sys.stderr)
            return 1
        results[platform] = (r.status, normalise(r.output, ignores))

    (qs, qout), (ss, sout) = results["qemu"], results["sim"]
    ok = True
    if qs != ss:
        print(f"diff_platforms: exit status differs: qemu {qs}, sim {ss}")
        ok = False
    if qout != sout:
        print("diff_platforms: console output differs (--- qemu, +++ sim):")
        for line in difflib.unified_diff(qout, sout, "qemu", "sim", lineterm="", n=2):
            print(line)
        ok = False
    if ok:
        print(f"diff_platforms: {os.path.basename(args.image)}: same output "
              f"({len(qout)} lines) and exit status {qs} on qemu and sim")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
