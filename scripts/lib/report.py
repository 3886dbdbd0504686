#!/usr/bin/python3
"""Turn Courier results files into PNG plots and REPORT.md (DESIGN.md §6).

usage: report.py [--out DIR] [RESULTS.json ...]      (default: every results/*.json)

Design-space sweeps are read from DIR/sweeps/*/sweep.json (scripts/sweep's output under the
default results/), each plotted to DIR/sweeps/NAME/sweep.png. The C extension's runs
(`scripts/bench --isa rv32imac`, DIR/rvc/*.json) are set beside the rv32ima file of the same
platform and configuration.

REPORT.md names the revision and date each results file came from (its context), never the
time the report was made, so regenerating it from the same results changes nothing. Sections
without data say "no data yet" rather than failing; a file that cannot be read is named, left
out, and makes the exit status 1 (the report is still written from the others).
"""
import argparse
import glob
import json
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gbench_json  # noqa: E402
import report_workload  # noqa: E402
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


# ---- The C extension (issue 17) ---------------------------------------------------------------

def _isa(doc):
    isa = doc["context"].get("courier_isa")
    return isa if isinstance(isa, str) else "rv32ima"


def _per_op(e, key):
    v = e.get(f"{key}_per_op")
    return _fmt(round(v, 1)) if _finite(v) else "—"


def _layout_spread(docs, platform, config):
    """name -> (max - min) over the seeded layouts of the rv32ima build, where a file has them."""
    for d in docs:
        if (gbench_json.platform(d), gbench_json.config(d)) == (platform, config):
            sp = gbench_json.spreads(d)
            if sp:
                return {n: s["max"] - s["min"] for n, s in sp.items()}
    return {}


def rvc_section(single, rvc_docs, all_docs):
    """Each rv32imac results file beside the rv32ima one of its platform and configuration:
    per benchmark the counter both ways, the change, and on the simulator the I- and D-cache
    line fills per operation (courier-sim --marks), with the change judged against the rv32ima
    build's layout spread where a --layouts file holds it."""
    lines = ["## The C extension: rv32ima against rv32imac (scripts/bench --isa rv32imac)", ""]
    rvc_layouts = [d for d in rvc_docs if gbench_json.spreads(d)]
    rvc_docs = [d for d in rvc_docs if not gbench_json.spreads(d)]
    if not rvc_docs:
        return lines + [f"{NO_DATA}: no results/rvc/*.json (`scripts/bench --platform sim --isa "
                        "rv32imac`).", ""]
    for c in rvc_docs:
        key = (gbench_json.platform(c), gbench_json.config(c))
        base = next((d for d in single
                     if (gbench_json.platform(d), gbench_json.config(d)) == key
                     and _isa(d) == "rv32ima"), None)
        unit = gbench_json.counter_unit(c)
        lines += [f"### {gbench_json.label(c)}: {_isa(c)} against rv32ima ({unit})", ""]
        if base is None:
            lines += [f"{NO_DATA}: no rv32ima file for {key[0]}-{key[1]} to compare with.", ""]
            continue
        ks = [base["context"].get("courier_kernel_text_rodata"),
              c["context"].get("courier_kernel_text_rodata")]
        if all(_finite(k) for k in ks):
            lines += [f"Kernel `.text` + `.rodata`: {ks[0]:,} bytes rv32ima, {ks[1]:,} bytes "
                      f"rv32imac ({100.0 * (ks[1] - ks[0]) / ks[0]:+.1f}%).", ""]
        st = [base["context"].get("courier_sim_stats") or {},
              c["context"].get("courier_sim_stats") or {}]
        if all(_finite(x.get("icache_fills")) for x in st):
            lines += [f"Whole suite on the simulator: {st[0].get('cycles', 0):,} against "
                      f"{st[1].get('cycles', 0):,} cycles, I-cache line fills "
                      f"{st[0]['icache_fills']:,} against {st[1]['icache_fills']:,}, D-cache "
                      f"{st[0].get('dcache_fills', 0):,} against {st[1].get('dcache_fills', 0):,}.",
                      ""]
        # A change is a result only beyond both builds' spreads over seeded layouts.
        spread = _layout_spread(all_docs, *key)
        for n, v in _layout_spread(rvc_layouts, *key).items():
            spread[n] = max(v, spread.get(n, v))
        bf, cf = gbench_json.figures(base), gbench_json.figures(c)
        rows = []
        for n, e in cf.items():
            b = bf.get(n)
            if b is None or not _finite(b.get("cycles")) or not _finite(e.get("cycles")):
                continue
            delta = e["cycles"] - b["cycles"]
            pct = f"{100.0 * delta / b['cycles']:+.1f}%" if b["cycles"] else "—"
            sp = spread.get(n)
            judged = "—" if sp is None else ("within" if abs(delta) <= sp else "beyond")
            rows.append([f"`{n}`", _fmt(b["cycles"]), _fmt(e["cycles"]), pct, judged,
                         _per_op(b, "icache_fills"), _per_op(e, "icache_fills"),
                         _per_op(b, "dcache_fills"), _per_op(e, "dcache_fills")])
        if not rows:
            lines += [f"{NO_DATA}: the two files share no benchmark.", ""]
            continue
        lines += table(["benchmark", "rv32ima", "rv32imac", "change", "vs layout spread",
                        "I fills/op ima", "I fills/op imac", "D fills/op ima", "D fills/op imac"],
                       rows)
        lines += ["", "Fills per operation: line fills over the benchmark's whole run "
                  "(setup and warm-up included) divided by its measured operations. \"vs layout "
                  "spread\": the change against the larger of the two builds' max - min over "
                  "seeded kernel layouts (scripts/bench --layouts), where files hold them; a "
                  "change within it is not a result.", ""]
    return lines


# ---- Design-space sweeps (scripts/sweep, issue 20) ------------------------------------------

SWEEP_FORMAT = "courier-sweep/1"
SWEEP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_FAILED_LISTED = 10


class SweepError(Exception):
    """A sweep.json that cannot be used; the message says why (the caller names the file)."""


def _scalar(v):
    return isinstance(v, (str, int, float)) and not (isinstance(v, float) and not math.isfinite(v))


def _finite(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_sweep(doc):
    """Raises SweepError unless doc is a courier-sweep/1 document the report can use: a plain
    name, knobs with non-empty lists of distinct scalar values, a baseline on the grid, and
    points each naming its platform, configuration and a grid value of every knob (no two
    alike), with numeric figures (and min/max spreads) when ok."""
    if not isinstance(doc, dict):
        raise SweepError("not a JSON object")
    if doc.get("format") != SWEEP_FORMAT:
        raise SweepError(f"format is {doc.get('format')!r}, not {SWEEP_FORMAT!r}")
    name = doc.get("name")
    if not isinstance(name, str) or not SWEEP_NAME.fullmatch(name):
        raise SweepError(f"'name' {name!r} is not a plain file name")
    for field in ("description", "unit", "git_revision", "created"):
        if field in doc and doc[field] is not None and not isinstance(doc[field], str):
            raise SweepError(f"'{field}' is not a string")
    knobs, values, base = doc.get("knobs"), doc.get("values"), doc.get("baseline")
    if (not isinstance(knobs, list) or not knobs or not all(isinstance(k, str) for k in knobs)
            or len(set(knobs)) != len(knobs)):
        raise SweepError("'knobs' is not a non-empty list of distinct names")
    if not isinstance(values, dict) or not isinstance(base, dict):
        raise SweepError("'values' or 'baseline' is not an object")
    for k in knobs:
        vals = values.get(k)
        if not isinstance(vals, list) or not vals or not all(_scalar(v) for v in vals):
            raise SweepError(f"'values' has no list of numbers or names for {k}")
        if len(set(vals)) != len(vals):
            raise SweepError(f"'values' repeats a value of {k}")
        if k not in base or base[k] not in vals:
            raise SweepError(f"baseline {k} = {base.get(k)!r} is not one of its values")
    head = doc.get("headline", [])
    if not isinstance(head, list) or not all(isinstance(h, str) for h in head):
        raise SweepError("'headline' is not a list of benchmark names")
    if not isinstance(doc.get("points"), list):
        raise SweepError("no 'points' list")
    seen = set()
    for i, p in enumerate(doc["points"]):
        where = f"point {i}"
        if not isinstance(p, dict):
            raise SweepError(f"{where} is not an object")
        if not isinstance(p.get("platform"), str) or not isinstance(p.get("config"), str):
            raise SweepError(f"{where} lacks its platform or config")
        params = p.get("params")
        if not isinstance(params, dict) or any(k not in params or not _scalar(params[k])
                                               for k in knobs):
            raise SweepError(f"{where}: 'params' does not give every knob a value")
        for k in knobs:
            if params[k] not in values[k]:
                raise SweepError(f"{where}: {k}={params[k]!r} is not one of its values")
        key = (p["platform"], p["config"], tuple(params[k] for k in knobs))
        if key in seen:
            raise SweepError(f"{where} repeats {p['platform']}-{p['config']} "
                             f"{_params_text(knobs, params)}")
        seen.add(key)
        if p.get("status") not in ("ok", "failed"):
            raise SweepError(f"{where}: status {p.get('status')!r} is neither 'ok' nor 'failed'")
        figs = p.get("figures", {})
        if not isinstance(figs, dict) or not all(_finite(v) for v in figs.values()):
            raise SweepError(f"{where}: 'figures' is not an object of numbers")
        if p["status"] == "ok" and not figs:
            raise SweepError(f"{where} is ok but has no figures")
        spread = p.get("spread", {})
        if not isinstance(spread, dict) or not all(
                isinstance(s, dict) and _finite(s.get("min")) and _finite(s.get("max"))
                for s in spread.values()):
            raise SweepError(f"{where}: 'spread' is not an object of {{min, max, ...}}")
        if "error" in p and p["error"] is not None and not isinstance(p["error"], str):
            raise SweepError(f"{where}: 'error' is not a string")


def load_sweeps(root):
    """The sweeps under ROOT/sweeps/*/sweep.json (ROOT: the report's --out directory, so
    results/sweeps/*/sweep.json by default), sorted by path. Returns (docs, errors): each doc
    with "_path" set; errors as (path, why) for files that cannot be read or checked, or that
    reuse another sweep's name (its plot would overwrite the other's)."""
    docs, errors, names = [], [], {}
    for path in sorted(glob.glob(os.path.join(root, "sweeps", "*", "sweep.json"))):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if not text.strip():
                raise SweepError("empty file (an interrupted write?)")
            try:
                doc = json.loads(text)
            except ValueError as e:
                raise SweepError(f"not valid JSON ({e}); was it cut short?") from None
            check_sweep(doc)
        except OSError as e:
            errors.append((path, f"cannot read: {e.strerror}"))
            continue
        except (SweepError, UnicodeDecodeError) as e:
            errors.append((path, str(e)))
            continue
        if doc["name"] in names:
            errors.append((path, f"sweep name {doc['name']!r} is already "
                                 f"{os.path.relpath(names[doc['name']], root)}'s"))
            continue
        names[doc["name"]] = path
        doc["_path"] = path
        docs.append(doc)
    return docs, errors


def _params_text(knobs, params):
    return ", ".join(f"{k}={params[k]}" for k in knobs)


def _short(text, limit=120):
    """An error message in short: its first line, at most `limit` characters."""
    text = str(text or "no error recorded").strip()
    first = text.splitlines()[0] if text else ""
    if len(first) > limit:
        return first[:limit - 1].rstrip() + "…"
    return first + (" …" if first != text else "")


def _speedup(base, fig):
    return f"×{base / fig:.2f}" if base is not None and fig else "—"


def _with_spread(point, name, fig):
    s = (point.get("spread") or {}).get(name)
    if fig is None:
        return "—"
    return _fmt(fig) + (f" ({_fmt(s['min'])}..{_fmt(s['max'])})" if s else "")


def _toggle_knob(doc):
    """For a 2-knob sweep in which a knob has exactly two values: (that knob, the other); the
    second knob when both have two. None otherwise."""
    knobs = doc["knobs"]
    if len(knobs) != 2:
        return None
    for t, a in ((knobs[1], knobs[0]), (knobs[0], knobs[1])):
        if len(doc["values"][t]) == 2:
            return t, a
    return None


def _saving_text(doc, pts, name, unit):
    """'`T` hi vs lo saves N cycles (P% of lo's figure) at A=v1, M (Q%) at v2, ...': the
    toggle knob's larger value against its smaller at each value of the other knob."""
    import report_plots as rp  # noqa: PLC0415
    t, a = _toggle_knob(doc)
    lo, hi = rp.sweep_values(doc, t)
    items, missing, verb = [], [], None
    for av in rp.sweep_values(doc, a):
        at = {**doc["baseline"], a: av}
        off = rp.sweep_figure(pts.get(rp.sweep_key(doc, {**at, t: lo})), name)
        on = rp.sweep_figure(pts.get(rp.sweep_key(doc, {**at, t: hi})), name)
        if off is None or on is None:
            missing.append(str(av))
            continue
        saved = off - on
        now = "saves" if saved >= 0 else "costs"
        amount = _fmt(abs(saved)) + (f" {unit}" if verb is None else "")
        amount += " more" if saved < 0 else ""
        pct = f" ({100.0 * abs(saved) / off:.0f}%)" if off else ""
        where = f" at {a}={av}" if verb is None else f" at {av}"
        items.append((f"{now} " if now != verb else "") + amount + pct + where)
        verb = now
    head = f"`{t}` {hi} vs {lo} "
    if not items:
        return head + f"not measured on both sides at any {a} for `{name}`"
    text = head + ", ".join(items)
    if missing:
        text += f"; no figure on both sides at {a}={', '.join(missing)}"
    return text


def _findings(doc, pts, name, unit):
    """One line of findings for one benchmark in one platform-configuration group."""
    import report_plots as rp  # noqa: PLC0415
    knobs, base = doc["knobs"], doc["baseline"]
    measured = [(rp.sweep_figure(p, name), p) for p in pts.values()]
    measured = [(f, p) for f, p in measured if f is not None]
    if not measured:
        return f"- `{name}`: no point measured it."
    order = {k: {v: i for i, v in enumerate(rp.sweep_values(doc, k))} for k in knobs}
    best_fig, best = min(measured, key=lambda fp: (fp[0], [order[k][fp[1]["params"][k]]
                                                           for k in knobs]))
    base_fig = rp.sweep_figure(pts.get(rp.sweep_key(doc, base)), name)
    vs = (f", {_speedup(base_fig, best_fig)} vs baseline" if base_fig is not None
          else "; the baseline point did not measure it")
    best_text = f"best: {_params_text(knobs, best['params'])} ({_fmt(best_fig)} {unit}{vs})"
    knees = []
    toggle = _toggle_knob(doc)
    for k in ([toggle[1]] if toggle else knobs):
        kv = rp.sweep_knee(rp.sweep_line(doc, pts, name, k))
        knees.append(f"{k}={kv if kv is not None else '—'}")
    knee_text = "knee: " + ", ".join(knees)
    if toggle:
        knee_text += f" (at {toggle[0]}={base[toggle[0]]})"
    elif len(knobs) > 1:
        knee_text += f" (each with the other knob{'s' if len(knobs) > 2 else ''} at baseline)"
    parts = [best_text, knee_text]
    if toggle:
        parts.insert(0, _saving_text(doc, pts, name, unit))
    return f"- `{name}`: " + "; ".join(parts) + "."


def _sweep_lines(doc, out_dir):
    import report_plots as rp  # noqa: PLC0415
    knobs, base, unit = doc["knobs"], doc["baseline"], doc.get("unit") or "cycles"
    names = rp.sweep_headline(doc)
    groups = rp.sweep_groups(doc)
    title = f"### {doc['name']}: {doc['description']}" if doc.get("description") else \
        f"### {doc['name']}"
    lines = [title, ""]
    grid = 1
    for k in knobs:
        grid *= len(doc["values"][k])
    labels = [f"{plat}-{cfg}" for plat, cfg, _ in groups]
    lines.append("- Grid: " + " × ".join(
        f"`{k}` ∈ {{{', '.join(str(v) for v in rp.sweep_values(doc, k))}}}" for k in knobs)
        + f" = {grid} point{'s' if grid != 1 else ''}, on {', '.join(labels) or 'no platform'};"
        f" baseline {_params_text(knobs, base)}.")
    src = f"`{os.path.relpath(doc['_path'], out_dir)}`, " if doc.get("_path") else ""
    lines.append(f"- From {src}revision {doc.get('git_revision') or 'unknown'}, created "
                 f"{doc.get('created') or 'unknown'}.")
    pts = doc["points"]
    failed = [p for p in pts if p["status"] == "failed"]
    absent = grid * len(groups) - len(pts)
    lines.append(f"- Points: {len(pts) - len(failed)} ok, {len(failed)} failed"
                 + (f"; {absent} grid point{'s' if absent != 1 else ''} not in the file"
                    if absent > 0 else "") + ".")
    for p in failed[:MAX_FAILED_LISTED]:
        lines.append(f"- Failed: {p['platform']}-{p['config']} "
                     f"{_params_text(knobs, p['params'])}: {_short(p.get('error'))}")
    if len(failed) > MAX_FAILED_LISTED:
        lines.append(f"- … and {len(failed) - MAX_FAILED_LISTED} more failed points "
                     f"(`{doc['name']}/sweep.json` has them all).")
    lines.append("")
    png = os.path.join(out_dir, "sweeps", doc["name"], "sweep.png")
    if rp.plot_sweep(doc, png):
        lines += [f"![Sweep {doc['name']}]({os.path.relpath(png, out_dir)})", ""]
    else:
        if os.path.exists(png):
            os.remove(png)  # a plot of points no longer measured would mislead
        lines += [f"{NO_DATA}: no point of this sweep measured a headline benchmark"
                  + (f" ({', '.join(f'`{n}`' for n in names)})" if names else "") + ".", ""]
    order = {k: {v: i for i, v in enumerate(rp.sweep_values(doc, k))} for k in knobs}
    for plat, cfg, gpts in groups:
        lines += [f"#### {plat}-{cfg} ({unit} per operation)", ""]
        bpoint = gpts.get(rp.sweep_key(doc, base))
        header = list(knobs)
        for n in names:
            header += [f"`{n}`", "speedup"]
        rows = []
        for key in sorted(gpts, key=lambda key: [order[k][v] for k, v in zip(knobs, key)]):
            p = gpts[key]
            row = [str(v) for v in key]
            for n in names:
                fig = rp.sweep_figure(p, n)
                row += [_with_spread(p, n, fig),
                        _speedup(rp.sweep_figure(bpoint, n), fig) if fig is not None else "—"]
            row.append("**failed**" if p["status"] == "failed" else
                       "baseline" if p is bpoint else "ok")
            rows.append(row)
        lines += table(header + ["point"], rows)
        lines.append("")
        lines += [_findings(doc, gpts, n, unit) for n in names] or ["- No headline benchmarks."]
        lines.append("")
    return lines


def sweeps_section(sweep_docs, out_dir, errors=()):
    """The design-space sweeps (scripts/sweep): per sweep its grid, ok/failed points (failed
    ones with their error in short), the plot (report_plots.plot_sweep, written to
    OUT/sweeps/NAME/sweep.png), and per platform-configuration a table of every point (each
    headline benchmark's figure and speedup = baseline cycles / point cycles) and one line of
    findings per headline benchmark:

    - a 2-knob sweep with a knob of exactly two values ("toggle", e.g. TLB_ASID 0/1): the
      cycles the toggle's larger value saves over its smaller at each value of the other knob,
      then the best point and the other knob's knee (toggle at baseline);
    - otherwise: the best point (lowest figure, its speedup against the baseline) and each
      knob's knee, the other knobs at baseline.

    Knee (report_plots.sweep_knee): along one knob, the others at baseline, the contiguous run
    of values around the best figure whose figures are within 5% of it; the knee is the run's
    end facing the costlier end of the knob (fewest TLB entries, longest memory latency still
    within 5% of the best). `errors` are (path, why) of sweep files left out."""
    lines = ["## Design-space sweeps (scripts/sweep)", ""]
    if not sweep_docs:
        lines += [f"{NO_DATA}: no sweep results (`scripts/sweep bench/sweeps/tlb.toml`).", ""]
    else:
        lines += ["Each sweep rebuilds the Verilator core model at every point of a grid of "
                  "hardware knobs and runs `scripts/bench` on it (`scripts/sweep SPEC`). Figures "
                  "are median cycles per operation (in brackets min..max over seeded layouts, "
                  "when the sweep measured them) and compare only within one platform and "
                  "configuration. Speedup = the baseline point's cycles / the point's (above "
                  "×1.00: fewer cycles than the baseline). Knee along a knob, the other knobs at "
                  "baseline: of the values whose figure is within 5% of the best along that "
                  "knob (a contiguous run around the best), the one facing the knob's costlier "
                  "end: the fewest TLB entries, or the longest latency, still within 5% of the "
                  "best.", ""]
        for doc in sweep_docs:
            lines += _sweep_lines(doc, out_dir)
    if errors:
        lines += ["Sweep files left out because they could not be read:", ""]
        lines += [f"- skipping `{os.path.relpath(p, out_dir)}`: {why}" for p, why in errors]
        lines.append("")
    return lines


def render(docs, errors, out_dir, sweeps=None, rvc_docs=None):
    lines = ["# Courier benchmark report", "",
             "Generated by `scripts/report` from the results files below; do not edit by hand.",
             ""]
    lines += sources_section(docs + (rvc_docs or []), errors, out_dir)
    # A layouts file restates its platform's figures as medians over layouts: the targets,
    # plots and tables take the single builds; the layout section takes the spreads.
    single = [d for d in docs if not gbench_json.spreads(d)]
    lines += targets_section(single)
    lines += plot_sections(single, out_dir)
    lines += layouts_section(docs, out_dir)
    lines += rvc_section(single, rvc_docs or [], docs)
    sweep_docs, sweep_errors = load_sweeps(out_dir) if sweeps is None else sweeps
    lines += sweeps_section(sweep_docs, out_dir, sweep_errors)
    lines += report_workload.sections(out_dir)
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
    rvc_docs, rvc_errors = load_all(sorted(glob.glob(os.path.join(args.out, "rvc", "*.json"))))
    for e in rvc_errors:
        print(f"report: skipping {e}", file=sys.stderr)
    errors = errors + rvc_errors
    sweep_docs, sweep_errors = load_sweeps(args.out)
    for path, why in sweep_errors:
        print(f"report: skipping sweep {path}: {why}", file=sys.stderr)
    try:
        text = render(docs, errors, args.out, (sweep_docs, sweep_errors), rvc_docs)
    except ImportError as e:
        print(f"report: matplotlib is missing ({e}); sudo apt-get install python3-matplotlib",
              file=sys.stderr)
        return 1
    out = os.path.join(args.out, "REPORT.md")
    with open(out, "w") as f:
        f.write(text)
    print(f"report: wrote {out}")
    return 1 if errors or sweep_errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
