#!/usr/bin/python3
"""Run Courier's target benchmark images on a platform and write Google Benchmark JSON.

usage: bench.py --build DIR --platform qemu --config full --out DIR [--filter REGEX]

Every image named bench_*.elf under DIR/bench/target is run; its console is parsed
(benchfmt.py) and the results land in OUT/<platform>-<config>.json. A run that times out,
exits non-zero or leaves a suite unfinished is an error: the results gathered are still
written, with context.courier_incomplete naming what is missing, and the exit status is 1.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchfmt  # noqa: E402
import gbench_json  # noqa: E402
import runner  # noqa: E402


def git_revision(root):
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def kernel_size(image):
    try:
        with open(image + ".size.json") as f:
            return json.load(f)["text_rodata"]
    except (OSError, ValueError, KeyError):
        return None


def main(argv):
    ap = argparse.ArgumentParser(description="Run Courier benchmarks and write JSON results.")
    ap.add_argument("--build", required=True)
    ap.add_argument("--platform", default="qemu")
    ap.add_argument("--config", default="full")
    ap.add_argument("--out", default="results")
    ap.add_argument("--filter", default=None, help="only benchmarks whose name matches")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args(argv)

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    images = sorted(glob.glob(os.path.join(args.build, "bench", "target", "bench_*.elf")))
    if not images:
        print(f"bench: no benchmark images under {args.build}/bench/target (build first)",
              file=sys.stderr)
        return 1

    parsed = benchfmt.Parsed()
    incomplete = []
    for i, image in enumerate(images, 1):
        label = os.path.basename(image)
        print(f"bench: [{i}/{len(images)}] {label} on {args.platform}", flush=True)

        def on_line(line, label=label):
            if benchfmt.parse_line(line, parsed, label) and " name=" in line and "absent" not in line:
                name = line.split(" name=", 1)[1].split()[0]
                print(f"bench:   {name}", flush=True)

        result = runner.run_image(image, platform=args.platform, timeout=args.timeout, echo=False,
                                  on_line=on_line)
        if result.timed_out:
            incomplete.append(f"{label}: timed out after {args.timeout:.0f} s")
        elif result.status != 0:
            incomplete.append(f"{label}: exited with status {result.status}")
    for p in parsed.problems:
        print(f"bench: warning: {p}", file=sys.stderr)
    for suite in parsed.begun:
        if suite not in parsed.ended:
            incomplete.append(f"suite '{suite}' did not finish")

    results = list(parsed.results.values())
    if args.filter:
        rx = re.compile(args.filter)
        results = [r for r in results if rx.search(r.name)]
    context = {
        "courier_git_revision": git_revision(root),
        "courier_core": "QEMU virt rv32 (qemu-system-riscv32), c=false f=false d=false h=false",
        "courier_kernel_text_rodata": kernel_size(images[0]),
    }
    if incomplete:
        context["courier_incomplete"] = incomplete
    doc = gbench_json.document(args.platform, args.config, results, parsed.absent, context)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{args.platform}-{args.config}.json")
    gbench_json.write(path, doc)

    unit = gbench_json.PLATFORMS[args.platform]["counter_unit"]
    print(f"\n{'benchmark':40} {'median':>10} {'min':>10}  ({unit} per operation)")
    for r in results:
        print(f"{r.name:40} {r.median:>10} {r.min:>10}")
    for name, reason in parsed.absent.items():
        print(f"{name:40} {'absent':>10}  ({reason})")
    if incomplete:
        print("bench: INCOMPLETE: " + "; ".join(incomplete), file=sys.stderr)
    print(f"\nbench: wrote {path}")
    return 1 if incomplete else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
