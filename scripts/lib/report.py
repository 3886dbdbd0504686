#!/usr/bin/python3
"""Turn Courier results files into PNG plots and REPORT.md (DESIGN.md §6).

usage: report.py [--out DIR] [RESULTS.json ...]      (default: every results/*.json)

REPORT.md names the revision and date each results file came from (its context), never the
time the report was made, so regenerating it from the same results changes nothing. Sections
without data say "no data yet" rather than failing; a file that cannot be read is named, left
out, and makes the exit status 1 (the report is still written from the others).
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gbench_json  # noqa: E402
import stable_names  # noqa: E402
import targets  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NO_DATA = "No data yet"

PLOTS = (
    ("call_reply.png", "Call/reply per path, platform and configuration", "plot_call_reply",
     "no results file holds a `sync/*` call figure"),
    ("batch.png", "Cost per call against batch size", "plot_batch",
     "no results file holds `batch/null/<n>`"),
    ("lend_copy.png", "Lend against copy across sizes", "plot_lend_copy",
     "no results file holds `lend/*/<bytes>` or `copy/send/<bytes>`"),
    ("kernel_size.png", "Kernel size per configuration", "plot_kernel_size",
     "no results file records `courier_kernel_text_rodata`"),
)


def load_all(paths):
    docs, errors = [], []
    for p in paths:
        try:
            doc = gbench_json.load(p)
        except gbench_json.ResultsError as e:
            errors.append(str(e))
            continue
        doc["_path"] = p
        docs.append(doc)
    docs.sort(key=lambda d: (gbench_json.platform(d), gbench_json.config(d), d["_path"]))
    return docs, errors


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return lines


def sources_section(docs, errors, out_dir):
    lines = ["## Sources", ""]
    if not docs:
        lines += [f"{NO_DATA}: no results files (run `scripts/bench`).", ""]
    else:
        rows = []
        for d in docs:
            ctx = d["context"]
            state = "complete"
            if gbench_json.incomplete(d):
                state = "**incomplete**: " + "; ".join(gbench_json.incomplete(d))
            if ctx.get("courier_filter"):
                state += f" (filtered: `{ctx['courier_filter']}`)"
            rows.append([f"`{os.path.relpath(d['_path'], out_dir)}`", gbench_json.platform(d),
                         gbench_json.config(d), ctx.get("courier_git_revision", "unknown"),
                         ctx.get("date", "unknown"), gbench_json.counter_unit(d), state])
        lines += table(["file", "platform", "config", "revision", "date", "counter", "state"],
                       rows)
        lines.append("")
        notes = sorted({d["context"].get("courier_counter_note") for d in docs} - {None})
        lines += [f"- {n}." for n in notes]
        for d in docs:
            dep = d["context"].get("courier_deployed")
            if isinstance(dep, dict) and isinstance(dep.get("images"), dict):
                images = ", ".join(f"`{name}` {info.get('bytes')} B sha256 "
                                   f"{str(info.get('sha256'))[:12]}…"
                                   for name, info in sorted(dep["images"].items()))
                lines.append(f"- `{os.path.relpath(d['_path'], out_dir)}` measured the signed "
                             f"loader-slot images `scripts/deploy` writes, booted from flash "
                             f"(key {str(dep.get('public_key'))[:16]}…): {images}.")
        lines.append("- `real_time`/`cpu_time` in the JSON are the counter at Betrusted's 100 MHz.")
        lines.append("")
    if errors:
        lines += ["Files left out because they could not be read:", ""]
        lines += [f"- {e}" for e in errors]
        lines.append("")
    return lines


def targets_section(docs):
    rows = targets.check_all(docs)
    lines = ["## Targets and anchors (DESIGN.md §7)", ""]
    lines += table(["figure", "from", "measured", "target", "status", "anchor", "vs anchor"],
                   [[r.figure, r.source, r.measured, r.target, f"**{r.status}**", r.anchor,
                     r.vs_anchor] for r in rows])
    counts = {s: sum(r.status == s for r in rows) for s in (targets.MET, targets.NOT_MET,
                                                            targets.NO_DATA)}
    lines += ["", f"{counts['met']} met, {counts['not met']} not met, "
              f"{counts['no data']} without data.", ""]
    return lines


def crossover_lines(docs):
    lines = []
    for d in docs:
        fam = targets.lend_family(d)
        figs = gbench_json.figures(d)
        if not fam:
            continue
        cross = targets.crossover(
            [(s, e["cycles"]) for s, e in stable_names.family_members(figs, fam)],
            [(s, e["cycles"]) for s, e in stable_names.family_members(figs, "copy/send")])
        where = f"- {gbench_json.label(d)}, `{fam}` against `copy/send`: "
        if cross is None:
            lines.append(where + "no size measured on both sides.")
        elif cross[0] == "cross":
            lines.append(where + f"lend becomes cheaper at about {cross[1]:,.0f} bytes.")
        elif cross[0] == "lend-always":
            lines.append(where + f"lend is cheaper at every size measured (from {cross[1]:,} "
                         "bytes).")
        else:
            lines.append(where + "copy is cheaper at every size measured.")
    return lines


def plot_sections(docs, out_dir):
    import report_plots  # noqa: PLC0415 - matplotlib loads only when a report is made

    lines = []
    for fname, title, func, why in PLOTS:
        path = os.path.join(out_dir, fname)
        lines += [f"## {title}", ""]
        written = getattr(report_plots, func)(docs, path) if docs else None
        if written:
            lines += [f"![{title}]({fname})", ""]
            if fname == "lend_copy.png":
                lines += crossover_lines(docs) + [""]
        else:
            if os.path.exists(path):
                os.remove(path)  # a plot of results no longer given would mislead
            lines += [f"{NO_DATA}: {why}.", ""]
    return lines


def measurements_section(docs):
    lines = ["## All measurements", ""]
    if not docs:
        return lines + [f"{NO_DATA}.", ""]
    for d in docs:
        unit = gbench_json.counter_unit(d)
        lines += [f"### {gbench_json.label(d)} ({unit} per operation)", ""]
        rows = [[f"`{n}`", e.get("cycles", "—"), e.get("cycles_min", "—"),
                 e.get("cycles_mean", "—"), e.get("cycles_stddev", "—"), e["iterations"]]
                for n, e in gbench_json.figures(d).items()]
        if rows:
            lines += table(["benchmark", "median", "min", "mean", "stddev", "operations"], rows)
        else:
            lines.append(f"{NO_DATA}: the file holds no benchmark entries.")
        absent = d["context"].get("courier_absent") or {}
        if absent:
            lines += ["", "Not in this image: " + ", ".join(
                f"`{n}` ({why})" for n, why in sorted(absent.items()))]
        lines.append("")
    return lines


def layouts_section(docs, out_dir):
    """Each --layouts file: per benchmark the unperturbed build's figure beside the median,
    min, max and IQR over the seeded layouts, and the error-bar plot."""
    import report_plots  # noqa: PLC0415
    lines = ["## Layout spread (scripts/bench --layouts)", ""]
    spread_docs = [d for d in docs if gbench_json.spreads(d)]
    path = os.path.join(out_dir, "layout_spread.png")
    if not spread_docs:
        if os.path.exists(path):
            os.remove(path)
        return lines + [f"{NO_DATA}: no results file with seeded layouts (`scripts/bench "
                        "--platform sim --layouts 8`).", ""]
    for d in spread_docs:
        sp = gbench_json.spreads(d)
        method = d["context"].get("courier_layout_method", "")
        lines += [f"### {gbench_json.label(d)}: {len(d['context'].get('courier_layouts', []))} "
                  f"layouts ({gbench_json.counter_unit(d)})", ""]
        if method:
            lines += [f"Layouts: {method}.", ""]
        rows = []
        for n, s in sp.items():
            spread_pct = (100.0 * (s["max"] - s["min"]) / s["median"]) if s["median"] else 0.0
            rows.append([f"`{n}`", _fmt(s.get("unperturbed")), _fmt(s["median"]),
                         _fmt(s["min"]), _fmt(s["max"]), _fmt(s["iqr"]), f"{spread_pct:.1f}%"])
        lines += table(["benchmark", "unperturbed", "median", "min", "max", "IQR",
                        "(max-min)/median"], rows)
        lines.append("")
    if report_plots.plot_layout_spread(spread_docs, path):
        lines += ["![Layout spread](layout_spread.png)", ""]
    return lines


def _fmt(v):
    if v is None:
        return "—"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def render(docs, errors, out_dir):
    lines = ["# Courier benchmark report", "",
             "Generated by `scripts/report` from the results files below; do not edit by hand.",
             ""]
    lines += sources_section(docs, errors, out_dir)
    # A layouts file restates its platform's figures as medians over layouts: the targets,
    # plots and tables take the single builds; the layout section takes the spreads.
    single = [d for d in docs if not gbench_json.spreads(d)]
    lines += targets_section(single)
    lines += plot_sections(single, out_dir)
    lines += layouts_section(docs, out_dir)
    lines += measurements_section(single)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv):
    ap = argparse.ArgumentParser(prog="scripts/report",
                                 description="Plots and REPORT.md from Courier results files.")
    ap.add_argument("results", nargs="*", help="results JSON files (default: results/*.json)")
    ap.add_argument("--out", default=os.path.join(ROOT, "results"),
                    help="where REPORT.md and the PNGs go (default: results/)")
    args = ap.parse_args(argv)
    paths = args.results or sorted(glob.glob(os.path.join(ROOT, "results", "*.json")))
    if not paths:
        print("report: no results files in results/ (run scripts/bench first); the report will "
              "say so", file=sys.stderr)
    docs, errors = load_all(paths)
    for e in errors:
        print(f"report: skipping {e}", file=sys.stderr)
    for d in docs:
        if gbench_json.incomplete(d):
            print(f"report: warning: {d['_path']} is marked incomplete: "
                  + "; ".join(gbench_json.incomplete(d)), file=sys.stderr)
    os.makedirs(args.out, exist_ok=True)
    try:
        text = render(docs, errors, args.out)
    except ImportError as e:
        print(f"report: matplotlib is missing ({e}); sudo apt-get install python3-matplotlib",
              file=sys.stderr)
        return 1
    out = os.path.join(args.out, "REPORT.md")
    with open(out, "w") as f:
        f.write(text)
    print(f"report: wrote {out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
