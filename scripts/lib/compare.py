#!/usr/bin/python3
"""Show the change between two Courier results files (DESIGN.md §6).

usage: compare.py [--filter REGEX] [--no-gbench] A.json B.json

First a table of Courier's own counters per benchmark (`cycles` = median, `cycles_min`, and
`instructions` where either file has them): old, new, delta and percent; benchmarks present on
one side only are listed, as are files marked incomplete and counter units that differ. Then
Google Benchmark's compare.py (Debian libbenchmark-tools) on the benchmarks both files share,
which reads `real_time` (the median at 100 MHz) and knows nothing of the cycle counters.
Giving it only the shared benchmarks keeps its overall geometric mean meaningful.

When either file holds seeded layouts (scripts/bench --layouts), each shared benchmark is also
judged against that file's spread: the other figure inside min..max over the layouts is "within
the layout spread: not a result". Google Benchmark's compare.py then sees the layouts as
repetitions (its U-test).

Exit status: 0 when the comparison was shown, 1 when --filter selects nothing, 2 when a file
cannot be used.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gbench_json  # noqa: E402

GBENCH_COMPARE = "/usr/share/benchmark/compare.py"
COUNTERS = ("cycles", "cycles_min", "instructions")


def _num(v):
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def rows(old, new, names):
    """[benchmark, counter, old, new, delta, percent] for every counter either side has."""
    out = []
    for name in names:
        a, b = old[name], new[name]
        for c in COUNTERS:
            if c not in a and c not in b:
                continue
            va, vb = a.get(c), b.get(c)
            if va is None or vb is None:
                out.append([name, c, "—" if va is None else _num(va),
                            "—" if vb is None else _num(vb), "—", "—"])
                continue
            pct = "—" if va == 0 else f"{(vb - va) / va * 100:+.1f}%"
            out.append([name, c, _num(va), _num(vb), f"{vb - va:+,.0f}", pct])
    return out


def format_table(header, body):
    widths = [max(len(str(r[i])) for r in [header] + body) for i in range(len(header))]
    lines = []
    for k, r in enumerate([header] + body):
        cells = [str(c).ljust(w) if i < 2 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def describe(path, doc):
    ctx = doc["context"]
    return (f"{path}: {gbench_json.label(doc)}, revision {ctx.get('courier_git_revision', '?')}, "
            f"{ctx.get('date', 'undated')}, counting {gbench_json.counter_unit(doc)}")


def run_gbench(doc_a, doc_b, names):
    """Runs Google Benchmark's compare.py on copies holding only `names`; returns its text."""
    if not os.path.isfile(GBENCH_COMPARE):
        return (f"(not run: {GBENCH_COMPARE} is missing; sudo apt-get install "
                "libbenchmark-tools)")
    with tempfile.TemporaryDirectory(prefix="courier-compare-") as tmp:
        paths = []
        for tag, doc in (("old", doc_a), ("new", doc_b)):
            # With repetitions (scripts/bench --layouts) their aggregates come along.
            keep = [e for e in doc["benchmarks"] if e.get("run_name", e["name"]) in names]
            p = os.path.join(tmp, f"{tag}.json")
            with open(p, "w") as f:
                json.dump({"context": doc["context"], "benchmarks": keep}, f)
            paths.append(p)
        try:
            r = subprocess.run([sys.executable, GBENCH_COMPARE, "--no-color", "benchmarks",
                                *paths], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"(compare.py could not run: {e})"
    if r.returncode != 0:
        tail = (r.stderr or r.stdout).strip().splitlines()[-3:]
        return f"(compare.py failed with status {r.returncode}: {' / '.join(tail)})"
    return r.stdout.replace(paths[0], "A").replace(paths[1], "B").rstrip()


def spread_rows(doc_a, doc_b, old, new, names):
    """[benchmark, A, B, spread, verdict]: whether a change lies outside the layout spread
    (scripts/bench --layouts) of either file: the other file's figure against this one's
    min..max over layouts."""
    sa, sb = gbench_json.spreads(doc_a), gbench_json.spreads(doc_b)
    out = []
    for n in names:
        if n in sa:
            sp, other, whose = sa[n], new[n].get("cycles"), "A"
        elif n in sb:
            sp, other, whose = sb[n], old[n].get("cycles"), "B"
        else:
            continue
        if other is None:
            continue
        outside = other < sp["min"] or other > sp["max"]
        out.append([n, _num(old[n]["cycles"]), _num(new[n]["cycles"]),
                    f"{_num(sp['min'])}..{_num(sp['max'])} ({whose}, {len(sp['values'])} layouts)",
                    "OUTSIDE the layout spread" if outside
                    else "within the layout spread: not a result"])
    return out


def main(argv, out=sys.stdout):
    ap = argparse.ArgumentParser(prog="scripts/compare",
                                 description="Per-benchmark change between two results files.")
    ap.add_argument("old", metavar="A.json")
    ap.add_argument("new", metavar="B.json")
    ap.add_argument("--filter", default=None, help="only benchmarks whose name matches (regex)")
    ap.add_argument("--no-gbench", action="store_true",
                    help="skip Google Benchmark's compare.py")
    args = ap.parse_args(argv)

    docs = []
    for p in (args.old, args.new):
        try:
            docs.append(gbench_json.load(p))
        except gbench_json.ResultsError as e:
            print(f"compare: {e}", file=sys.stderr)
            return 2
    doc_a, doc_b = docs
    old, new = gbench_json.figures(doc_a), gbench_json.figures(doc_b)
    if args.filter:
        try:
            rx = re.compile(args.filter)
        except re.error as e:
            print(f"compare: bad --filter {args.filter!r}: {e}", file=sys.stderr)
            return 2
        old = {n: e for n, e in old.items() if rx.search(n)}
        new = {n: e for n, e in new.items() if rx.search(n)}
        if not old and not new:
            known = sorted(set(gbench_json.figures(doc_a)) | set(gbench_json.figures(doc_b)))
            print(f"compare: --filter {args.filter!r} matches no benchmark in either file "
                  f"(they hold: {', '.join(known) or 'nothing'})", file=sys.stderr)
            return 1

    print(f"A = {describe(args.old, doc_a)}", file=out)
    print(f"B = {describe(args.new, doc_b)}", file=out)
    for tag, path, doc in (("A", args.old, doc_a), ("B", args.new, doc_b)):
        if gbench_json.incomplete(doc):
            print(f"warning: {tag} ({path}) is marked incomplete: "
                  + "; ".join(gbench_json.incomplete(doc)), file=out)
    if gbench_json.counter_unit(doc_a) != gbench_json.counter_unit(doc_b):
        print(f"warning: A counts {gbench_json.counter_unit(doc_a)}, B counts "
              f"{gbench_json.counter_unit(doc_b)}: the changes are not like for like", file=out)

    common = [n for n in old if n in new]
    print("", file=out)
    if common:
        print(format_table(["benchmark", "counter", "A (old)", "B (new)", "delta", "%"],
                           rows(old, new, common)), file=out)
    else:
        print("no benchmark is in both files", file=out)
    spread = spread_rows(doc_a, doc_b, old, new, common)
    if spread:
        print("\nAgainst the layout spread (the other file's figure within this one's min..max "
              "over seeded layouts is no result: code placement alone moves it that far):",
              file=out)
        print(format_table(["benchmark", "A (old)", "B (new)", "layout spread", "verdict"],
                           spread), file=out)
    elif common and any(gbench_json.platform(d) in ("sim", "betrusted-sim")
                        for d in (doc_a, doc_b)):
        print("\nnote: neither file measured layouts (scripts/bench --layouts N): on the "
              "simulators a change smaller than the layout spread is not a result", file=out)
    for tag, mine, other, doc in (("A", old, new, doc_a), ("B", new, old, doc_b)):
        only = [n for n in mine if n not in other]
        if only:
            absent = doc_b if tag == "A" else doc_a
            why = absent["context"].get("courier_absent") or {}
            listed = ", ".join(f"{n} (absent there: {why[n]})" if n in why else n for n in only)
            print(f"\nonly in {tag}: {listed}", file=out)

    if not args.no_gbench and common:
        print("\nGoogle Benchmark compare.py (time = median at 100 MHz, shared benchmarks only):",
              file=out)
        print(run_gbench(doc_a, doc_b, set(common)), file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
