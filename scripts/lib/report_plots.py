"""The report's four plots (DESIGN.md §6), drawn with matplotlib's Agg backend into PNG files.

Counters are not comparable across platforms (QEMU counts instructions, the RTL core counts
cycles), so every plot that shows counter values has one panel per platform, each with its own
unit on the axis and the platform in its title. Each function returns the PNG path it wrote, or
None when the results hold nothing to plot; the caller then says "no data yet".

PNG metadata is left empty so the same results always give byte-identical files.
"""
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
