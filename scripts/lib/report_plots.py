"""The report's plots (DESIGN.md §6, and the design-space sweeps of issue 20), drawn with
matplotlib's Agg backend into PNG files.

Counters are not comparable across platforms (QEMU counts instructions, the RTL core counts
cycles), so every plot that shows counter values has one panel per platform, each with its own
unit on the axis and the platform in its title. Each function returns the PNG path it wrote, or
None when the results hold nothing to plot; the caller then says "no data yet".

PNG metadata is left empty so the same results always give byte-identical files.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

import gbench_json  # noqa: E402
import stable_names  # noqa: E402
import targets  # noqa: E402

# DESIGN.md §7 lines drawn on the call/reply plot: (target, seL4 anchor) per platform.
CALL_REPLY_LINES = {"qemu": (200, 646), "sim": (300, 1382)}


def _by_platform(docs):
    out = {}
    for d in docs:
        out.setdefault(gbench_json.platform(d), []).append(d)
    return out


def _panels(n, title):
    fig, axes = plt.subplots(1, n, figsize=(6.4 * n, 4.8), squeeze=False)
    fig.suptitle(title)
    return fig, axes[0]


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)
    return path


def _platforms_text(docs):
    return ", ".join(sorted({gbench_json.platform(d) for d in docs}))


def call_reply_names(docs):
    """The per-path call figures present: sync/* in DESIGN.md order, then any other */call_*."""
    present = set()
    for d in docs:
        present |= set(gbench_json.figures(d))
    fixed = [n for n in stable_names.FIXED if n.startswith("sync/") and n in present]
    others = sorted(n for n in present if "/call" in n and n not in fixed)
    return fixed + others


def plot_call_reply(docs, path):
    names = call_reply_names(docs)
    if not names:
        return None
    groups = _by_platform([d for d in docs if any(n in gbench_json.figures(d) for n in names)])
    fig, axes = _panels(len(groups), "Cost per operation by path (platforms: "
                        f"{_platforms_text(sum(groups.values(), []))})")
    for ax, (plat, pdocs) in zip(axes, sorted(groups.items())):
        width = 0.8 / len(pdocs)
        for k, d in enumerate(pdocs):
            figs = gbench_json.figures(d)
            xs = [i + k * width for i, n in enumerate(names) if n in figs]
            ys = [figs[n]["cycles"] for n in names if n in figs]
            ax.bar(xs, ys, width, label=f"config {gbench_json.config(d)}")
        if plat in CALL_REPLY_LINES:
            goal, sel4 = CALL_REPLY_LINES[plat]
            ax.axhline(goal, color="green", linestyle="--", label=f"call/reply target {goal}")
            ax.axhline(sel4, color="red", linestyle=":", label=f"seL4 call+reply {sel4}")
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(names))])
        ax.set_xticklabels(names, rotation=30, ha="right")
        unit = gbench_json.counter_unit(pdocs[0])
        ax.set_xlabel("benchmark (path/operation)")
        ax.set_ylabel(f"median {unit} per operation")
        ax.set_title(f"platform: {plat} ({unit})")
        ax.legend(fontsize="small")
    return _save(fig, path)


def plot_batch(docs, path):
    groups = _by_platform([d for d in docs if stable_names.family_members(
        gbench_json.figures(d), "batch/null")])
    if not groups:
        return None
    fig, axes = _panels(len(groups), "Batched (ring) null calls: cost per call against batch "
                        f"size (platforms: {_platforms_text(sum(groups.values(), []))})")
    for ax, (plat, pdocs) in zip(axes, sorted(groups.items())):
        for k, d in enumerate(pdocs):
            figs, color = gbench_json.figures(d), f"C{k}"
            pts = stable_names.family_members(figs, "batch/null")
            ax.plot([n for n, _ in pts], [e["cycles"] for _, e in pts], "o-", color=color,
                    label=f"batch/null/<n>, config {gbench_json.config(d)}")
            trap = figs.get("sync/null_syscall")
            if trap:
                ax.axhline(trap["cycles"], color=color, linestyle="--",
                           label=f"trapping sync/null_syscall, config {gbench_json.config(d)}")
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        unit = gbench_json.counter_unit(pdocs[0])
        ax.set_xlabel("batch size n (calls per doorbell)")
        ax.set_ylabel(f"median {unit} per call")
        ax.set_ylim(bottom=0)
        ax.set_title(f"platform: {plat} ({unit})")
        ax.legend(fontsize="small")
    return _save(fig, path)


LEND_FAMILIES = ("lend/borrow", "lend/mutable_borrow", "lend/move", "copy/send")


def plot_lend_copy(docs, path):
    """Log-log cost against payload size, one panel per results file, crossover marked."""
    docs = [d for d in docs if any(stable_names.family_members(gbench_json.figures(d), f)
                                   for f in LEND_FAMILIES)]
    if not docs:
        return None
    fig, axes = _panels(len(docs), f"Lend against copy (platforms: {_platforms_text(docs)})")
    for ax, d in zip(axes, docs):
        figs = gbench_json.figures(d)
        series = {}
        for fam in LEND_FAMILIES:
            pts = [(s, e["cycles"]) for s, e in stable_names.family_members(figs, fam)
                   if e["cycles"] > 0]
            if pts:
                series[fam] = pts
                ax.plot(*zip(*pts), "o-" if fam.startswith("lend") else "s--", label=fam)
        fam = targets.lend_family(d)
        if fam in series and "copy/send" in series:
            cross = targets.crossover(series[fam], series["copy/send"])
            _mark_crossover(ax, cross, fam)
        unit = gbench_json.counter_unit(d)
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(FuncFormatter(_bytes_label))
        ax.set_yscale("log")
        ax.set_xlabel("payload (bytes)")
        ax.set_ylabel(f"median {unit} per round trip")
        ax.set_title(f"platform: {gbench_json.platform(d)}, config {gbench_json.config(d)} "
                     f"({unit})")
        ax.legend(fontsize="small")
    return _save(fig, path)


def _bytes_label(v, _pos):
    return f"{v / 1048576:g} MiB" if v >= 1048576 else f"{v / 1024:g} KiB"


def _mark_crossover(ax, cross, fam):
    if cross is None:
        return
    kind, at = cross
    if kind == "cross":
        ax.axvline(at, color="black", linestyle=":", label=f"crossover {fam}: ≈ {at:,.0f} B")
    elif kind == "lend-always":
        ax.axvline(at, color="black", linestyle=":",
                   label=f"{fam} cheaper from the smallest size ({at:,} B)")
    else:
        ax.plot([], [], " ", label="no crossover: copy cheaper at every size")


def plot_kernel_size(docs, path):
    sized = [d for d in docs
             if isinstance(d["context"].get("courier_kernel_text_rodata"), (int, float))]
    if not sized:
        return None
    fig, axes = _panels(1, f"Kernel .text + .rodata per configuration (platforms: "
                        f"{_platforms_text(sized)})")
    ax = axes[0]
    labels = [f"{gbench_json.config(d)}\n({gbench_json.platform(d)})" for d in sized]
    kib = [d["context"]["courier_kernel_text_rodata"] / 1024 for d in sized]
    ax.bar(range(len(sized)), kib, 0.6, color="C0")
    for x, v in enumerate(kib):
        ax.annotate(f"{v:.1f}", (x, v), ha="center", va="bottom")
    for limit, text, style in ((16, "minimal target 16 KiB", ":"), (32, "full target 32 KiB", "--"),
                               (36, "seL4 rv32 text 36 KiB", "-.")):
        ax.axhline(limit, linestyle=style, color="gray", label=text)
    ax.set_xticks(range(len(sized)))
    ax.set_xticklabels(labels)
    ax.set_xlabel("configuration (platform)")
    ax.set_ylabel("kernel .text + .rodata (KiB)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small")
    return _save(fig, path)


# The headline figures of the layout section (issue 16).
LAYOUT_NAMES = ("sync/null_syscall", "sync/call_reply", "irq/latency",
                "lend/mutable_borrow/4096")


def plot_layout_spread(docs, path):
    """Per platform: each headline benchmark's median over seeded layouts with min..max error
    bars and the interquartile range as a thick bar, the unperturbed build as a cross, each
    relative to the median (so the panels' benchmarks share an axis)."""
    spread_docs = [d for d in docs if gbench_json.spreads(d)]
    if not spread_docs:
        return None
    fig, axes = _panels(len(spread_docs), "Layout spread: seeded kernel function orders")
    for ax, d in zip(axes, spread_docs):
        sp = gbench_json.spreads(d)
        names = [n for n in LAYOUT_NAMES if n in sp] or sorted(sp)[:8]
        for i, n in enumerate(names):
            s = sp[n]
            med = s["median"] or 1
            rel = lambda v: 100.0 * (v - med) / med  # noqa: E731
            ax.errorbar([i], [0], yerr=[[-rel(s["min"])], [rel(s["max"])]], fmt="o", capsize=6,
                        color="C0")
            if s.get("q1") is not None:
                ax.plot([i, i], [rel(s["q1"]), rel(s["q3"])], linewidth=6, color="C0",
                        alpha=0.4)
            if s.get("unperturbed") is not None:
                ax.plot([i], [rel(s["unperturbed"])], "x", color="C3", markersize=9)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([f"{n}\n(median {sp[n]['median']:.0f})" for n in names],
                           rotation=20, fontsize=7)
        ax.axhline(0, color="grey", linewidth=0.5)
        ax.set_ylabel("% from the median over layouts")
        ax.set_title(f"{gbench_json.label(d)}, {len(sp[names[0]]['values'])} layouts "
                     f"({gbench_json.counter_unit(d)}; x = unperturbed build)")
    return _save(fig, path)


# ---- Design-space sweeps (scripts/sweep, issue 20) ------------------------------------------
# A sweep document (courier-sweep/1, checked by report.check_sweep) holds one point per
# (platform, configuration, knob values); cycles compare only within one platform and
# configuration, so both the helpers and the plot work per such group.

KNEE_TOLERANCE = 0.05   # the knee rule's "within 5% of the best figure"
MAX_LINES = 6           # a 2-knob sweep draws one line per value up to this many, else a heatmap


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def sweep_values(doc, knob):
    """A knob's values in order: ascending when all are numbers, else as the sweep lists them."""
    vals = list(doc["values"][knob])
    return sorted(vals) if all(_number(v) for v in vals) else vals


def sweep_key(doc, params):
    """A point's knob values as a tuple in the sweep's knob order (the grid coordinate)."""
    return tuple(params.get(k) for k in doc["knobs"])


def sweep_headline(doc):
    """The benchmarks a sweep reports: its headline list, else the first ok point's first four."""
    if doc.get("headline"):
        return list(doc["headline"])
    for p in doc["points"]:
        if p.get("status") == "ok" and p.get("figures"):
            return list(p["figures"])[:4]
    return []


def sweep_groups(doc):
    """[(platform, config, {grid key: point})], sorted by platform, then configuration."""
    groups = {}
    for p in doc["points"]:
        groups.setdefault((p["platform"], p["config"]), {})[sweep_key(doc, p["params"])] = p
    return [(plat, cfg, pts) for (plat, cfg), pts in sorted(groups.items())]


def sweep_figure(point, name):
    """A point's figure for one benchmark, or None (failed, absent, or not measured)."""
    if point is None or point.get("status") != "ok":
        return None
    v = point.get("figures", {}).get(name)
    return v if _number(v) else None


def sweep_line(doc, pts, name, knob, fixed=None):
    """[(value, figure, point)] along one knob with the other knobs at `fixed` (default: the
    baseline), measured points only, in sweep_values order."""
    fixed = dict(doc["baseline"] if fixed is None else fixed)
    out = []
    for v in sweep_values(doc, knob):
        p = pts.get(sweep_key(doc, {**fixed, knob: v}))
        f = sweep_figure(p, name)
        if f is not None:
            out.append((v, f, p))
    return out


def sweep_knee(line, tolerance=KNEE_TOLERANCE):
    """The knee of a line [(value, figure, ...)] (one knob, the others fixed), or None if empty.

    Rule: take the best (lowest) figure along the line and the contiguous run of values around
    it whose figures are within `tolerance` (5%) of that best figure. The knee is the end of the
    run that faces the costlier end of the knob's range, i.e. the end whose figure is higher at
    the last measured value. For a resource knob (TLB entries, cache bytes: fewer cost more)
    that is the smallest value still within 5% of the best; for a latency knob (more cost more)
    the largest. When both ends of the range cost the same (a flat line), the smaller value.
    """
    if not line:
        return None
    figs = [f for _, f, *_ in line]
    best = min(range(len(figs)), key=lambda i: (figs[i], i))
    limit = figs[best] * (1 + tolerance)
    lo = hi = best
    while lo > 0 and figs[lo - 1] <= limit:
        lo -= 1
    while hi < len(figs) - 1 and figs[hi + 1] <= limit:
        hi += 1
    return line[hi if figs[-1] > figs[0] else lo][0]


def _pow2_axis(vals):
    return len(vals) > 1 and all(isinstance(v, int) and not isinstance(v, bool) and v >= 2
                                 and v & (v - 1) == 0 for v in vals)


def _knob_axis(ax, doc, knob):
    """Sets up the x axis for a knob; returns value -> x position."""
    vals = sweep_values(doc, knob)
    if all(_number(v) for v in vals):
        pos = {v: v for v in vals}
        if _pow2_axis(vals):
            ax.set_xscale("log", base=2)
        ax.set_xticks(vals)
        ax.set_xticklabels([f"{v:g}" for v in vals])
        ax.minorticks_off()
    else:
        pos = {v: i for i, v in enumerate(vals)}
        ax.set_xticks(range(len(vals)))
        ax.set_xticklabels([str(v) for v in vals])
    scale = " (log2 scale)" if _pow2_axis(vals) else ""
    ax.set_xlabel(f"{knob}{scale}")
    return pos


def _draw_line(ax, pos, line, name, label, color, linestyle="-"):
    xs = [pos[v] for v, *_ in line]
    ys = [f for _, f, _ in line]
    spreads = [(p.get("spread") or {}).get(name) for _, _, p in line]
    if any(isinstance(s, dict) for s in spreads):
        lo = [max(0, f - s["min"]) if isinstance(s, dict) else 0 for f, s in zip(ys, spreads)]
        hi = [max(0, s["max"] - f) if isinstance(s, dict) else 0 for f, s in zip(ys, spreads)]
        ax.errorbar(xs, ys, yerr=[lo, hi], fmt="o", linestyle=linestyle, capsize=4,
                    color=color, label=label + " (bars: min..max over layouts)")
    else:
        ax.plot(xs, ys, "o", linestyle=linestyle, color=color, label=label)


def _mark_baseline_and_knee(ax, doc, pos, line, knob, unit):
    base = doc["baseline"][knob]
    for v, f, _ in line:
        if v == base:
            ax.plot([pos[v]], [f], "*", color="black", markersize=15, zorder=5,
                    label=f"baseline {knob}={v} ({f:,.0f} {unit})")
    knee = sweep_knee(line)
    for v, f, _ in line:
        if knee is not None and v == knee:
            ax.plot([pos[v]], [f], "o", markersize=16, markerfacecolor="none",
                    markeredgecolor="red", markeredgewidth=2, zorder=6,
                    label=f"knee {knob}={v} (within {KNEE_TOLERANCE:.0%} of the best)")
            ax.axvline(pos[v], color="red", linestyle=":", linewidth=1)


def _sweep_lines_panel(ax, doc, pts, name, knob, unit, series_knob=None):
    """Cycles against `knob`; with series_knob, one line per its value (the others at
    baseline), the knee marked on the baseline line."""
    pos = _knob_axis(ax, doc, knob)
    series = [None] if series_knob is None else sweep_values(doc, series_knob)
    drawn, marked = False, None
    for i, sv in enumerate(series):
        fixed = dict(doc["baseline"])
        if series_knob is not None:
            fixed[series_knob] = sv
        line = sweep_line(doc, pts, name, knob, fixed)
        if not line:
            continue
        drawn = True
        label = name if series_knob is None else f"{series_knob}={sv}"
        _draw_line(ax, pos, line, name, label, f"C{i}")
        if series_knob is None or sv == doc["baseline"][series_knob]:
            marked = line
    if marked:
        _mark_baseline_and_knee(ax, doc, pos, marked, knob, unit)
    ax.set_ylabel(f"median {unit} per operation")
    if drawn:  # below the axes: a sweep's lines fill the panel
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    else:
        ax.text(0.5, 0.5, "no point measured", transform=ax.transAxes, ha="center")


def _sweep_heatmap_panel(fig, ax, doc, pts, name, unit):
    """knobs[0] across, knobs[1] up; cells annotated with the figures, the baseline cell boxed
    in black, each knob's knee (the other at baseline) boxed in dashed red."""
    import numpy as np  # noqa: PLC0415 - matplotlib's own dependency
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    kx, ky = doc["knobs"][:2]
    xs, ys = sweep_values(doc, kx), sweep_values(doc, ky)
    grid = np.full((len(ys), len(xs)), np.nan)
    for j, yv in enumerate(ys):
        for i, xv in enumerate(xs):
            f = sweep_figure(pts.get(sweep_key(doc, {**doc["baseline"], kx: xv, ky: yv})), name)
            if f is not None:
                grid[j, i] = f
    finite = grid[np.isfinite(grid)]
    if not finite.size:
        ax.text(0.5, 0.5, "no point measured", transform=ax.transAxes, ha="center")
        ax.set_xlabel(kx)
        ax.set_ylabel(ky)
        return
    mid = (finite.min() + finite.max()) / 2
    cmap = matplotlib.colormaps["viridis_r"].with_extremes(bad="lightgrey")
    img = ax.imshow(grid, cmap=cmap, origin="lower", aspect="auto")
    fig.colorbar(img, ax=ax, label=f"median {unit} per operation")
    for j in range(len(ys)):
        for i in range(len(xs)):
            v = grid[j, i]
            text = "—" if np.isnan(v) else f"{v:,.0f}"
            ax.text(i, j, text, ha="center", va="center", fontsize=7,
                    color="white" if not np.isnan(v) and v > mid else "black")
    bi, bj = xs.index(doc["baseline"][kx]), ys.index(doc["baseline"][ky])
    ax.add_patch(Rectangle((bi - 0.5, bj - 0.5), 1, 1, fill=False, edgecolor="black",
                           linewidth=2.5, label="baseline"))
    knee_x = sweep_knee(sweep_line(doc, pts, name, kx))
    knee_y = sweep_knee(sweep_line(doc, pts, name, ky))
    first = True
    for cell in ((xs.index(knee_x), bj) if knee_x is not None else None,
                 (bi, ys.index(knee_y)) if knee_y is not None else None):
        if cell:
            ax.add_patch(Rectangle((cell[0] - 0.42, cell[1] - 0.42), 0.84, 0.84, fill=False,
                                   edgecolor="red", linestyle="--", linewidth=2,
                                   label="knee (other knob at baseline)" if first else None))
            first = False
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels([str(v) for v in xs])
    ax.set_yticks(range(len(ys)))
    ax.set_yticklabels([str(v) for v in ys])
    ax.set_xlabel(kx)
    ax.set_ylabel(ky)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)


def plot_sweep(doc, path):
    """One figure per sweep, a panel per (platform-configuration, headline benchmark):
    1 knob: cycles against the knob (log2 axis when every value is a power of two >= 2),
    2 knobs: one line per value of the knob with fewer values (the second on a tie) against the
    other, or a heatmap when that knob has more than MAX_LINES values; 3 or more knobs: a panel
    per knob, the others at baseline. The baseline point is a black star (a black box on a
    heatmap), the knee (sweep_knee) a red ring, min..max error bars where the sweep measured
    seeded layouts ("spread"). Returns path, or None when no point measured a headline
    benchmark (nothing drawn)."""
    names = sweep_headline(doc)
    groups = [(plat, cfg, pts) for plat, cfg, pts in sweep_groups(doc)
              if any(sweep_figure(p, n) is not None for p in pts.values() for n in names)]
    if not groups:
        return None
    knobs, unit = doc["knobs"], doc.get("unit") or "cycles"
    panels = [(g, n, k) for g in groups for n in names
              for k in (knobs if len(knobs) > 2 else [None])]
    ncols = len(knobs) if len(knobs) > 2 else len(names)
    nrows = len(panels) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.6 * ncols, 5.2 * nrows), squeeze=False)
    title = f"Sweep {doc['name']}"
    if doc.get("description"):
        title += f": {doc['description']}"
    fig.suptitle(f"{title} ({unit}, revision {doc.get('git_revision') or 'unknown'})")
    for ax, ((plat, cfg, pts), name, knob) in zip(axes.flat, panels):
        where = f"{plat}-{cfg}: {name}"
        if knob is not None:
            _sweep_lines_panel(ax, doc, pts, name, knob, unit)
            where += " (other knobs at baseline)"
        elif len(knobs) == 1:
            _sweep_lines_panel(ax, doc, pts, name, knobs[0], unit)
        else:
            a, b = knobs
            series, across = (a, b) if len(doc["values"][a]) < len(doc["values"][b]) else (b, a)
            if len(doc["values"][series]) > MAX_LINES:
                _sweep_heatmap_panel(fig, ax, doc, pts, name, unit)
            else:
                _sweep_lines_panel(ax, doc, pts, name, across, unit, series_knob=series)
        ax.set_title(where, fontsize="medium")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return _save(fig, path)
