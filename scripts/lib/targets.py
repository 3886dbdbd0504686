"""The DESIGN.md §7 targets and published anchors, checked against results files.

Each check turns the loaded results (gbench_json documents) into table rows: which figure, from
which platform and configuration, what was measured, the target, met / not met / no data, the
anchor it must beat and whether it does. The anchors are quoted from DESIGN.md §7; figures in
µs are converted to cycles at Betrusted's 100 MHz so they can be compared at all.

Only the figure itself decides "met": a file marked incomplete still counts, but its row says
so, because a figure that was measured is valid even if another one was lost.
"""
import math

import gbench_json
import stable_names

MET, NOT_MET, NO_DATA = "met", "not met", "no data"
KIB = 1024


class Row:
    def __init__(self, figure, source, measured, target, status, anchor="—", vs_anchor="—"):
        self.figure, self.source, self.measured = figure, source, measured
        self.target, self.status, self.anchor, self.vs_anchor = target, status, anchor, vs_anchor


def value(doc, name):
    e = gbench_json.figures(doc).get(name)
    return None if e is None or e.get("cycles") is None else e["cycles"]


def _fmt(v, unit=""):
    text = f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:,.2f}"
    return f"{text} {unit}".rstrip()


def _source(doc):
    s = gbench_json.label(doc)
    return s + " (incomplete run)" if gbench_json.incomplete(doc) else s


def _beats(v, anchor, what):
    return f"{'beats' if v < anchor else 'does not beat'} {what}"


def _on(docs, platform):
    """The documents from one platform; platform None means every document."""
    return [d for d in docs if platform is None or gbench_json.platform(d) == platform]


def crossover(lend, copy):
    """Where a lend curve crosses the copy curve, from [(bytes, cost)] lists.

    Returns (kind, bytes): ("lend-always", first size) when lend is cheaper at every common
    size, ("copy-always", None) when it never is, or ("cross", bytes) interpolated in log-log
    space between the last size where copy wins and the first where lend does.
    """
    copy_at = dict(copy)
    common = [(s, c, copy_at[s]) for s, c in lend if s in copy_at and c > 0 and copy_at[s] > 0]
    if not common:
        return None
    wins = [lc < cc for _, lc, cc in common]
    if all(wins):
        return ("lend-always", common[0][0])
    if not wins[-1]:
        return ("copy-always", None)
    i = max(k for k, w in enumerate(wins) if not w)
    (s0, l0, c0), (s1, l1, c1) = common[i], common[i + 1]
    d0, d1 = math.log(l0) - math.log(c0), math.log(l1) - math.log(c1)
    t = d0 / (d0 - d1) if d0 != d1 else 0.0
    return ("cross", math.exp(math.log(s0) + t * (math.log(s1) - math.log(s0))))


def lend_family(doc):
    """The lend variant compared with copy/send: Borrow (the same one-way payload), else
    MutableBorrow."""
    figs = gbench_json.figures(doc)
    for fam in ("lend/borrow", "lend/mutable_borrow"):
        if stable_names.family_members(figs, fam):
            return fam
    return None


def _simple(docs, platform, name, limit, unit, anchor_text="—", anchor=None, anchor_name=""):
    rows = []
    for d in _on(docs, platform):
        v = value(d, name)
        if v is None:
            continue
        vs = _beats(v, anchor, anchor_name) if anchor is not None else "—"
        rows.append(Row(f"`{name}`", _source(d), _fmt(v, unit), f"≤ {_fmt(limit, unit)}",
                        MET if v <= limit else NOT_MET, anchor_text, vs))
    return rows or [Row(f"`{name}`", platform, "—", f"≤ {_fmt(limit, unit)}", NO_DATA,
                        anchor_text)]


def _lend_4096(docs):
    rows = []
    name = "lend/mutable_borrow/4096"
    for d in _on(docs, "sim"):
        lend, call = value(d, name), value(d, "sync/call_reply")
        if lend is None or call is None:
            continue
        rows.append(Row(f"`{name}`", _source(d), _fmt(lend, "cycles"),
                        f"≤ 2 × `sync/call_reply` = {_fmt(2 * call, 'cycles')}",
                        MET if lend <= 2 * call else NOT_MET,
                        "Xous: 302 µs (30,200 cycles); seL4 maps one page in 1288 cycles",
                        _beats(lend, 30200, "Xous") + "; " + _beats(lend, 1288, "seL4's one map")))
    return rows or [Row(f"`{name}`", "sim", "—", "≤ 2 × `sync/call_reply`", NO_DATA,
                        "Xous: 302 µs; seL4 maps one page in 1288 cycles")]


# The IPC figures DESIGN.md §7 compares between the Precursor's SoC model and the virt-map sim.
BETRUSTED_FIGURES = ("sync/call_reply", "sync/null_syscall", "lend/mutable_borrow/4096",
                     "irq/latency")


def _betrusted_vs_sim(docs):
    """Each betrusted-sim figure against the same figure of the virt-map sim (the sim file of
    the same configuration if there is one, else any sim file): within 1.5×."""
    rows = []
    sims = _on(docs, "sim")
    for d in _on(docs, "betrusted-sim"):
        same = [s for s in sims if gbench_json.config(s) == gbench_json.config(d)]
        for name in BETRUSTED_FIGURES:
            v = value(d, name)
            if v is None:
                continue
            ref = next((value(s, name) for s in same + sims if value(s, name) is not None), None)
            if ref is None:
                rows.append(Row(f"`{name}` on betrusted-sim", _source(d), _fmt(v, "cycles"),
                                "≤ 1.5 × `sim`", NO_DATA, "no sim figure to compare"))
                continue
            rows.append(Row(f"`{name}` on betrusted-sim", _source(d), _fmt(v, "cycles"),
                            f"≤ 1.5 × `sim` ({_fmt(ref, 'cycles')}) = {_fmt(1.5 * ref, 'cycles')}",
                            MET if v <= 1.5 * ref else NOT_MET,
                            "Xous: 174 µs scalar round trip (RTL sim, other caches)",
                            f"{v / ref:.2f} × sim"))
    return rows or [Row("the IPC figures on `betrusted-sim`", "betrusted-sim", "—",
                        "measured, ≤ 1.5 × `sim`", NO_DATA,
                        "Xous: 174 µs scalar round trip (RTL sim, other caches)")]


def _crossover_rows(docs):
    rows = []
    anchor = "Linux MSG_ZEROCOPY pays off only above ~10 KB"
    for d in docs:
        fam = lend_family(d)
        l4, c4 = (value(d, f"{fam}/4096"), value(d, "copy/send/4096")) if fam else (None, None)
        l64, c64 = (value(d, f"{fam}/65536"), value(d, "copy/send/65536")) if fam else (None, None)
        if None in (l4, c4, l64, c64):
            continue
        ratio = c64 / l64 if l64 > 0 else math.inf
        met = l4 < c4 and ratio >= 10
        unit = gbench_json.counter_unit(d)
        figs = gbench_json.figures(d)
        kind, at = crossover(
            [(s, e["cycles"]) for s, e in stable_names.family_members(figs, fam)],
            [(s, e["cycles"]) for s, e in stable_names.family_members(figs, "copy/send")])
        vs = ("does not beat (copy always cheaper)" if kind == "copy-always" else
              f"{'beats' if at < 10000 else 'does not beat'} (lend pays off from "
              f"{at:,.0f} bytes)")
        rows.append(Row(f"lend vs copy (`{fam}`)", _source(d),
                        f"4 KiB: {_fmt(l4)} vs {_fmt(c4)} {unit}; 64 KiB: copy/lend = {ratio:.1f}×",
                        "lend wins at 4 KiB; ≥ 10× at 64 KiB", MET if met else NOT_MET, anchor, vs))
    return rows or [Row("lend vs copy crossover", "any", "—",
                        "lend wins at 4 KiB; ≥ 10× at 64 KiB", NO_DATA, anchor)]


def _batch(docs):
    rows = []
    for d in docs:
        b, s = value(d, "batch/null/32"), value(d, "sync/null_syscall")
        if b is None or s is None:
            continue
        unit = gbench_json.counter_unit(d)
        rows.append(Row("`batch/null/32` per call", _source(d), _fmt(b, unit),
                        f"≤ ¼ `sync/null_syscall` = {_fmt(s / 4, unit)}",
                        MET if b <= s / 4 else NOT_MET, "FlexSC"))
    return rows or [Row("`batch/null/32` per call", "any", "—", "≤ ¼ `sync/null_syscall`",
                        NO_DATA, "FlexSC")]


def _kernel_size(docs):
    limits = {"full": 32 * KIB, "minimal": 16 * KIB}
    anchor = "seL4 rv32: 36 KiB text; Xous kernel: 75 KiB text"
    rows, seen = [], set()
    for d in docs:
        size = d["context"].get("courier_kernel_text_rodata")
        cfg = gbench_json.config(d)
        if not isinstance(size, (int, float)) or (cfg, size) in seen:
            continue
        seen.add((cfg, size))
        limit = limits.get(cfg, 64 * KIB)
        rows.append(Row(f"kernel `.text` + `.rodata`, `{cfg}`", _source(d),
                        f"{size:,} bytes ({size / KIB:.1f} KiB)", f"≤ {limit // KIB} KiB",
                        MET if size <= limit else NOT_MET, anchor,
                        _beats(size, 36 * KIB, "seL4") + ", " + _beats(size, 75 * KIB, "Xous")))
    return rows or [Row("kernel `.text` + `.rodata`", "any", "—",
                        "`full` ≤ 32 KiB; `minimal` ≤ 16 KiB", NO_DATA, anchor)]


def _context_figure(docs, platform, figure, lookup, limit_text, ok, fmt, anchor):
    rows = []
    for d in _on(docs, platform):
        v = lookup(d)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            rows.append(Row(figure, _source(d), fmt(v), limit_text, MET if ok(v) else NOT_MET,
                            anchor))
    return rows or [Row(figure, platform or "any", "—", limit_text, NO_DATA, anchor)]


def _sim_speed(d):
    """Cycles per second over the whole suite as bench measured it, else as the core says."""
    ctx = d["context"]
    for where in ("courier_sim_stats", "courier_core_params"):
        v = (ctx.get(where) or {}).get("cycles_per_second")
        if v is not None:
            return v
    return None


def _whole_suite_seconds(d):
    """Wall time of a whole-suite bench run, build included (older files: running only)."""
    ctx = d["context"]
    if ctx.get("courier_filter"):
        return None
    return ctx.get("courier_wall_seconds", ctx.get("courier_run_seconds"))


def check_all(docs):
    """Every §7 target, in DESIGN.md order, as a list of Rows."""
    return (
        _simple(docs, "sim", "sync/call_reply", 300, "cycles",
                "seL4 on HiFive U54: 668 + 714 ≈ 1382 cycles; Xous on Precursor: 4.4–174 µs",
                1382, "seL4")
        + _simple(docs, "qemu", "sync/call_reply", 200, "instructions",
                  "seL4 13 rv32, same QEMU with icount: 306 + 340 = 646", 646, "seL4")
        + _simple(docs, "sim", "sync/null_syscall", 60, "cycles")
        + _lend_4096(docs)
        + _crossover_rows(docs)
        + _batch(docs)
        + _simple(docs, "sim", "irq/latency", 150, "cycles", "seL4 on HiFive: 965 cycles",
                  965, "seL4")
        + _kernel_size(docs)
        + _betrusted_vs_sim(docs)
        + _context_figure(docs, None, "whole benchmark system RAM",
                          lambda d: d["context"].get("courier_system_ram_bytes"),
                          "≤ 4 MiB", lambda v: v <= 4 * KIB * KIB,
                          lambda v: f"{v / KIB / KIB:.2f} MiB", "Xous goal: 4 MiB")
        + _context_figure(docs, "sim", "RTL simulation speed, no trace",
                          _sim_speed, "≥ 5 M cycles/s", lambda v: v >= 5e6,
                          lambda v: f"{v / 1e6:.2f} M cycles/s",
                          "bare PicoRV32 here: 13 M; full LiteX SoCs: 10–200 k")
        + _context_figure(docs, "qemu", "`scripts/bench` on `qemu`, whole suite",
                          _whole_suite_seconds, "≤ 60 s wall", lambda v: v <= 60,
                          lambda v: f"{v:.1f} s", "—")
    )
