"""The report's Betrusted workload sections (results/workloads/betrusted-<platform>.json, written
by scripts/bench --workload betrusted): the figures per strategy and platform, the messages per
key by kind, the kernel's share of the cycles, the end screen, and "Which configuration for
Betrusted": the strategy that wins each message class and the session, with its margin."""
import glob
import os

import gbench_json

PLATFORM_ORDER = ("betrusted-sim", "sim", "qemu")  # the device's model first, QEMU last
CLASSES = ("char", "backspace", "enter", "switch")
KINDS = ("scalar", "blocking_scalar", "borrow", "mutable_borrow", "move")
KIND_NAMES = ("Scalar", "BlockingScalar", "Borrow", "MutableBorrow", "Move")
# What the betrusted configuration compiles in (kernel/CMakeLists.txt: sync + lend).
BETRUSTED_PATHS = {"lend"}
STRATEGY_PATH = {"lend": "lend", "copy": "copy", "batch": "batch", "events": "batch"}
STRATEGIES = ("lend", "copy", "batch", "events")


def load(out_dir):
    docs, errors = {}, []
    for path in sorted(glob.glob(os.path.join(out_dir, "workloads", "betrusted-*.json"))):
        try:
            doc = gbench_json.load(path)
        except gbench_json.ResultsError as e:
            errors.append(str(e))
            continue
        docs[gbench_json.platform(doc)] = (path, doc)
    return docs, errors


def _n(v):
    return "—" if v is None else f"{v:,.0f}"


def _runs(doc):
    return doc["context"].get("courier_workload", {}).get("runs", {})


def _median(doc, name):
    for e in doc["benchmarks"]:
        if e["name"] == name:
            return e["cycles"]
    return None


def _figures(doc, strategy, what):
    for e in doc["benchmarks"]:
        if e["name"] == f"workload/betrusted/{strategy}/{what}":
            return e
    return None


def _winner(values):
    """(winner, runner-up, margin %) of {strategy: median}, lower wins."""
    ranked = sorted((v, s) for s, v in values.items() if v is not None)
    if len(ranked) < 2:
        return None
    (v0, s0), (v1, s1) = ranked[0], ranked[1]
    return s0, s1, 100.0 * (v1 - v0) / v1


def sections(out_dir, rel="."):
    docs, errors = load(out_dir)
    lines = ["## Betrusted workload: keystroke to screen to ciphertext", ""]
    if not docs:
        lines += ["No workload results yet: run `scripts/bench --workload betrusted`.", ""]
        lines += [f"- skipped: {e}" for e in errors]
        return lines + [""]
    lines += [
        "The recorded session `workloads/betrusted/session.keys` (two conversations, typing, "
        "backspace, Enter, the screen switch, a key the keyboard does not know) replayed into "
        "the keyboard device — on the virt platforms the console UART's receive side, which the "
        "log server owns and hands on — through `keyboard → ime → chat → gam → graphics` "
        "(glyphs from `fonts`' lent table) and, at Enter, `chat → crypto` (ChaCha20) `→ com`. "
        "One image per IPC strategy, same source: **lend** (memory messages remap pages), "
        "**copy** (the kernel copies them), **batch** (as lend, with key events and "
        "`return_memory` acknowledgements through the FlexSC rings), **events** (as lend, "
        "with only the key events through the rings: which half of batch costs what). Each key is typed once the "
        "previous one's work is done, so keys never overlap. *keystroke*: the input interrupt "
        "to the last framebuffer write the key causes; *message*: Enter's interrupt to the "
        "ciphertext in `com` (it includes Enter's screen update, drawn first).", ""]
    for e in errors:
        lines.append(f"- skipped: {e}")
    for platform in PLATFORM_ORDER:
        if platform not in docs:
            continue
        path, doc = docs[platform]
        unit = gbench_json.counter_unit(doc)
        runs = _runs(doc)
        lines += [f"### {platform} ({unit}; `{os.path.relpath(path, out_dir)}`, "
                  f"{doc['context'].get('courier_git_revision', '?')})", ""]
        if gbench_json.incomplete(doc):
            lines += ["**Incomplete:** " + "; ".join(gbench_json.incomplete(doc)), ""]
        header = ["strategy", "keystroke median", "p90", "p99", "max", "message median",
                  "message max"]
        has_modes = any((r.get("modes") or {}) for r in runs.values())
        if has_modes:
            header.append("kernel share of busy cycles")
        has_layouts = any((r.get("layouts") or {}).get("keystroke") for r in runs.values())
        if has_layouts:
            header.append("keystroke median over layouts")
        rows = []
        for s in STRATEGIES:
            k, m = _figures(doc, s, "keystroke"), _figures(doc, s, "message")
            if k is None:
                continue
            row = [s, _n(k["cycles"]), _n(k.get("cycles_p90")), _n(k.get("cycles_p99")),
                   _n(k.get("cycles_max")), _n(m["cycles"] if m else None),
                   _n(m.get("cycles_max") if m else None)]
            if has_modes:
                modes = runs.get(s, {}).get("modes")
                row.append(f"{100 * modes['kernel_share']:.0f}%" if modes else "—")
            if has_layouts:
                lay = runs.get(s, {}).get("layouts") or {}
                v = lay.get("keystroke") or []
                row.append(f"{_n(min(v))}..{_n(max(v))} ({len(v)})" if v else "—")
            rows.append(row)
        lines += _table(header, rows)
        k = _figures(doc, "lend", "keystroke")
        if k is not None:
            n = k.get("iterations")
            lines += [f"Percentiles are nearest-rank over the session's {n} timed keys"
                      + (" (so p99 is the slowest)" if n and n < 100 else "") + ".", ""]
        if has_modes:
            lines += ["*Kernel share*: the cycles the core spent in S or M mode, less those it "
                      "waited in `wfi` (the idle loop), over all non-idle cycles, from the "
                      "workload's first `@wl ready` to its last `@wl idle` (`courier-sim "
                      "--marks`: cycles_u/s/m/wfi). It includes the log server's printing "
                      "of one short `@wl idle` line per key; the records are printed after "
                      "the session.", ""]
        if has_layouts:
            lines += ["*Over layouts*: the keystroke median of the same session on seeded "
                      "kernel layouts (`--layouts N`: the kernel's functions reordered, "
                      "DESIGN.md §6), lowest..highest (layouts).", ""]
        rows = []
        for s in STRATEGIES:
            rows.append([s] + [_n(_median(doc, f"workload/betrusted/{s}/keystroke/{c}"))
                               for c in CLASSES])
        lines += ["Keystroke median by key class:", ""]
        lines += _table(["strategy"] + list(CLASSES), rows)
        png = os.path.join(out_dir, "workloads", f"betrusted-{platform}.png")
        if os.path.isfile(png):
            lines += [f"The screen at the end of the session on {platform} (every strategy "
                      "ends on the same framebuffer; the tests compare it with a rendering of "
                      "the expected conversation):", "",
                      f"![end screen, {platform}]({os.path.relpath(png, out_dir)})", ""]
    # Messages per key: the same for every strategy (the same source sends the same messages).
    platform = next(p for p in PLATFORM_ORDER + tuple(docs) if p in docs)
    runs = _runs(docs[platform][1])
    per = (runs.get("lend") or next(iter(runs.values()), {})).get("messages_per_key", {})
    if per:
        lines += ["Messages per key, by kind (every process's sends for keys of that class, "
                  "over the number of such keys; the same in every strategy: copy changes how "
                  "memory travels and batch how scalars and answers are submitted, not what is "
                  "sent). The counts include the device path (log server → keyboard: one Scalar per key) and leave out the lines the processes print (BlockingScalars to the log server):", ""]
        rows = []
        for c in CLASSES + ("unknown",):
            if c not in per:
                continue
            pk = per[c]["per_key"]
            rows.append([c, str(per[c]["keys"])] + [f"{pk[k]:.1f}" if pk[k] is not None else "—"
                                                     for k in KINDS])
        lines += _table(["key class", "keys"] + list(KIND_NAMES), rows)
    lines += choice_section(docs)
    return lines


def choice_section(docs):
    lines = ["## Which configuration for Betrusted", ""]
    verdicts = {}
    rows = []
    for platform in PLATFORM_ORDER:
        if platform not in docs:
            continue
        doc = docs[platform][1]
        unit = gbench_json.counter_unit(doc)
        for what in [f"keystroke/{c}" for c in CLASSES] + ["keystroke", "message"]:
            vals = {s: _median(doc, f"workload/betrusted/{s}/{what}")
                    for s in STRATEGIES}
            w = _winner(vals)
            if not w:
                continue
            verdicts.setdefault(what, {})[platform] = w[0]
            label = what.replace("keystroke/", "keystroke: ") if "/" in what else (
                "every keystroke" if what == "keystroke" else "sent message")
            rows.append([platform, label, f"**{w[0]}**", f"{_n(vals[w[0]])} {unit}",
                         f"{w[1]} {_n(vals[w[1]])}", f"{w[2]:.0f}%"])
    if not rows:
        return lines + ["No workload figures to choose from.", ""]
    lines += ["The winner is the lowest median; the margin is how much less than the "
              "runner-up it takes.", ""]
    lines += _table(["platform", "message class", "winner", "median", "runner-up",
                     "margin"], rows)
    winners = {p for v in verdicts.values() for p in v.values()}
    flips = [w for w, v in verdicts.items() if len(set(v.values())) > 1]
    if len(winners) == 1:
        (best,) = winners
        lines.append(f"**{best}** wins every message class and the session as a whole on "
                     f"{' and '.join(p for p in PLATFORM_ORDER if p in docs)}: no crossover "
                     "in this workload (every memory message here is one 4 KiB page, where the "
                     "microbenchmarks already put lending ahead of copying; see the lend/copy "
                     "crossover above).")
    else:
        lines.append("The winner depends on the class: " + "; ".join(
            f"{w}: " + ", ".join(f"{p} {s}" for p, s in v.items()) for w, v in verdicts.items())
            + ".")
    if flips:
        lines.append("Classes whose winner differs between platforms: " + ", ".join(flips) + ".")
    for platform in PLATFORM_ORDER:
        if platform not in docs:
            continue
        runs = _runs(docs[platform][1])
        lay = {s: (r.get("layouts") or {}).get("keystroke") for s, r in runs.items()}
        if all(lay.get(s) for s in STRATEGIES):
            ranked = sorted(lay, key=lambda s: max(lay[s]))
            w, rest = ranked[0], ranked[1:]
            beats = all(max(lay[w]) < min(lay[r]) for r in rest)
            lines.append(f"On {platform}, over {len(lay[w])} kernel layouts, {w}'s slowest "
                         f"keystroke median ({_n(max(lay[w]))}) is "
                         + ("below every other strategy's fastest ("
                            + ", ".join(f"{r} {_n(min(lay[r]))}" for r in rest)
                            + "): the choice is larger than the layout spread."
                            if beats else "not below every other strategy's fastest: the "
                            "choice is within the layout spread there."))
    session = verdicts.get("keystroke", {})
    best = session.get("betrusted-sim") or session.get("sim") or next(iter(session.values()), None)
    if best:
        path = STRATEGY_PATH[best]
        if path in BETRUSTED_PATHS:
            lines.append(f"The `betrusted` configuration (kernel/CMakeLists.txt: sync + lend) "
                         f"compiles in exactly the winner's path, **{path}**, and leaves out "
                         "copy and batch, which lose here; `scripts/deploy` ships it.")
        else:
            lines.append(f"The winner's path, {path}, is not in the `betrusted` configuration "
                         "(sync + lend): the configuration does not follow this result yet.")
    return lines + [""]


def _table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]
