"""Writing and reading Courier results as Google Benchmark JSON (DESIGN.md §6).

Each benchmark entry carries Google Benchmark's own fields (so its compare.py reads the file)
and Courier's counters: `cycles` (median per operation), `cycles_min`, `cycles_mean`,
`cycles_stddev`, `instructions` where the platform counts them, and `real_time`/`cpu_time` in
ns as the cycle count at Betrusted's 100 MHz clock.

The context names the platform, configuration, counter unit, core parameters
(`courier_core_params`, a dict) and git revision; a run that lost figures carries
`courier_incomplete`, a list of reasons. load() is the one reader: report and compare get a
message naming the file for anything they cannot use, never a traceback.
"""
import datetime
import json
import math
import socket

CLOCK_MHZ = 100
NS_PER_CYCLE = 1000.0 / CLOCK_MHZ

PLATFORMS = {
    "qemu": {
        "counter_unit": "instructions",
        "counter_note": "QEMU virt with -icount shift=0: the cycle CSR counts retired instructions",
        "counts_instructions": True,
    },
    "sim": {
        "counter_unit": "cycles",
        "counter_note": "Courier's RTL core under Verilator: the cycle CSR counts core clock cycles",
        "counts_instructions": False,
    },
    "betrusted-sim": {
        "counter_unit": "cycles",
        "counter_note": ("Courier's RTL core on its model of the Precursor's SoC: the cycle CSR "
                         "traps, as on the device; the sim-only SIMTIME page counts core clock "
                         "cycles (100 MHz)"),
        "counts_instructions": False,
    },
    "betrusted": {
        "counter_unit": "cycles",
        "counter_note": ("the Precursor itself: no cycle counter; figures come from the "
                         "TICKTIMER (1 ms) over many operations per sample, converted to "
                         "cycles of the 100 MHz clock"),
        "counts_instructions": False,
    },
}

# What Google Benchmark's compare.py reads from every entry; load() insists on them.
REQUIRED_ENTRY_FIELDS = ("name", "run_type", "iterations", "real_time", "cpu_time", "time_unit")


def entry(index, r):
    per_op_ns = r.median * NS_PER_CYCLE
    return {
        "name": r.name,
        "family_index": index,
        "per_family_instance_index": 0,
        "run_name": r.name,
        "run_type": "iteration",
        "repetitions": 1,
        "repetition_index": 0,
        "threads": 1,
        "iterations": r.samples * r.ops,
        "real_time": per_op_ns,
        "cpu_time": per_op_ns,
        "time_unit": "ns",
        "cycles": r.median,
        "cycles_min": r.min,
        "cycles_mean": r.mean,
        "cycles_stddev": r.stddev,
        "overhead_cycles": r.overhead,
        **counter_fields(r),
    }


def counter_fields(r):
    """The simulator's counts over the benchmark's run (courier-sim --marks: its setup,
    warm-up, samples and the printing of its line), and per measured operation (the count over
    samples x ops: an upper bound, since the warm-up and setup are in the count)."""
    c = getattr(r, "counters", None)
    if not c:
        return {}
    ops = max(1, r.samples * r.ops)
    out = {}
    for key in ("icache_fills", "dcache_fills", "instret"):
        if key in c:
            out[f"run_{key}"] = c[key]
            out[f"{key}_per_op"] = round(c[key] / ops, 3)
    return out


def document(platform, config, results, absent, extra_context):
    info = PLATFORMS[platform]
    context = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host_name": socket.gethostname(),
        "executable": f"courier/{platform}-{config}",
        "num_cpus": 1,
        "mhz_per_cpu": CLOCK_MHZ,
        "cpu_scaling_enabled": False,
        "caches": [],
        "load_avg": [],
        "library_build_type": "release",
        "courier_platform": platform,
        "courier_config": config,
        "courier_counter_unit": info["counter_unit"],
        "courier_counter_note": info["counter_note"],
        "courier_time_basis": f"real_time/cpu_time = cycles at {CLOCK_MHZ} MHz",
        "courier_absent": absent,
    }
    context.update(extra_context)
    benchmarks = []
    for i, r in enumerate(results):
        e = entry(i, r)
        if info["counts_instructions"]:
            e["instructions"] = r.median
        benchmarks.append(e)
    return {"context": context, "benchmarks": benchmarks}


def quartiles(values):
    """(q1, median, q3) of the values, inclusive method (the sample's own min and max are the
    0th and 4th quartiles)."""
    import statistics
    v = sorted(values)
    if len(v) == 1:
        return v[0], v[0], v[0]
    q1, q2, q3 = statistics.quantiles(v, n=4, method="inclusive")
    return q1, q2, q3


def spread_of(values):
    import statistics
    q1, med, q3 = quartiles(values)
    return {"median": med, "mean": statistics.fmean(values),
            "stddev": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values), "iqr": q3 - q1, "q1": q1, "q3": q3}


def _aggregate(name, index, what, value, reps, extra=None):
    e = {"name": f"{name}_{what}", "family_index": index, "per_family_instance_index": 0,
         "run_name": name, "run_type": "aggregate", "repetitions": reps, "threads": 1,
         "aggregate_name": what, "aggregate_unit": "time", "iterations": reps,
         "real_time": value * NS_PER_CYCLE, "cpu_time": value * NS_PER_CYCLE, "time_unit": "ns",
         "cycles": value}
    e.update(extra or {})
    return e


def layouts_document(platform, config, runs, unperturbed, absent, extra_context):
    """Results over seeded layouts (scripts/bench --layouts): `runs` is [(seed, {name: Result})],
    `unperturbed` {name: Result} (the tree without a layout seed). Every benchmark measured in
    every layout gets one Google Benchmark repetition per layout (its median as the layout's
    figure; `courier_layout_seed` names the layout) and aggregates over the layouts: median,
    mean, stddev, min, max, iqr (with q1, q3), and `unperturbed`, the unperturbed build's
    figure. Benchmarks missing from some layout are left out and named in the context."""
    info = PLATFORMS[platform]
    doc = document(platform, config, [], absent, extra_context)
    names = [n for n in unperturbed if all(n in r for _, r in runs)]
    names += [n for n in (runs[0][1] if runs else {}) if n not in names and
              all(n in r for _, r in runs)]
    partial = sorted({n for _, r in runs for n in r} - set(names))
    reps = len(runs)
    out = []
    for index, name in enumerate(names):
        values = []
        for k, (seed, results) in enumerate(runs):
            r = results[name]
            e = entry(index, r)
            e.update({"repetitions": reps, "repetition_index": k, "courier_layout_seed": seed})
            if info["counts_instructions"]:
                e["instructions"] = r.median
            out.append(e)
            values.append(r.median)
        sp = spread_of(values)
        for what in ("median", "mean", "stddev", "min", "max"):
            out.append(_aggregate(name, index, what, sp[what], reps))
        out.append(_aggregate(name, index, "iqr", sp["iqr"], reps,
                              {"cycles_q1": sp["q1"], "cycles_q3": sp["q3"]}))
        if name in unperturbed:
            out.append(_aggregate(name, index, "unperturbed", unperturbed[name].median, reps))
    doc["benchmarks"] = out
    doc["context"]["courier_layouts"] = [seed for seed, _ in runs]
    if partial:
        doc["context"]["courier_layouts_partial"] = partial
    return doc


def spreads(doc):
    """name -> {median, mean, stddev, min, max, iqr, q1, q3, unperturbed, values} for a
    layouts file (empty for a single-build file)."""
    out = {}
    for e in doc["benchmarks"]:
        if e.get("run_type") == "aggregate" and "aggregate_name" in e:
            d = out.setdefault(e.get("run_name", e["name"]), {"values": []})
            d[e["aggregate_name"]] = e.get("cycles", e["real_time"] / NS_PER_CYCLE)
            if e["aggregate_name"] == "iqr":
                d["q1"], d["q3"] = e.get("cycles_q1"), e.get("cycles_q3")
    for e in doc["benchmarks"]:
        if e.get("run_type", "iteration") == "iteration" and e.get("run_name", e["name"]) in out:
            out[e.get("run_name", e["name"])]["values"].append(e.get("cycles"))
    return {k: v for k, v in out.items() if "median" in v and "min" in v and "max" in v}


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


class ResultsError(Exception):
    """A results file that cannot be used; the message names the file."""


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def load(path):
    """Reads and checks one results file; returns the document (a dict)."""
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such results file") from None
    except OSError as e:
        raise ResultsError(f"{path}: cannot read: {e.strerror}") from None
    if not text.strip():
        raise ResultsError(f"{path}: empty file (an interrupted write?)")
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ResultsError(f"{path}: not valid JSON ({e}); was it cut short?") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise ResultsError(f"{path}: not Google Benchmark JSON (no 'benchmarks' list)")
    if not isinstance(doc.get("context"), dict):
        raise ResultsError(f"{path}: not Google Benchmark JSON (no 'context' object)")
    for i, e in enumerate(doc["benchmarks"]):
        if not isinstance(e, dict):
            raise ResultsError(f"{path}: benchmark entry {i} is not an object")
        missing = [k for k in REQUIRED_ENTRY_FIELDS if k not in e]
        label = e.get("name", f"entry {i}")
        if missing:
            raise ResultsError(f"{path}: benchmark {label} lacks {', '.join(missing)}")
        for k in ("real_time", "cpu_time", "cycles", "cycles_min", "instructions"):
            if k in e and not _number(e[k]):
                raise ResultsError(f"{path}: benchmark {label}: {k} is not a number ({e[k]!r})")
    return doc


def figures(doc):
    """name -> entry for the measured runs (aggregates such as _mean rows are left out). In a
    file of repetitions (scripts/bench --layouts) a benchmark's figure is its median aggregate
    over the repetitions."""
    out = {e["name"]: e for e in doc["benchmarks"]
           if e.get("run_type", "iteration") == "iteration"}
    for e in doc["benchmarks"]:
        if e.get("run_type") == "aggregate" and e.get("aggregate_name") == "median":
            name = e.get("run_name", e["name"])
            merged = dict(out.get(name, {}))
            merged.update(e)
            merged.update(name=name, run_type="iteration")
            merged.pop("cycles_min", None)  # a layout's own minimum, not the median's
            if "instructions" in merged:
                merged["instructions"] = e["cycles"]
            out[name] = merged
    return out


def platform(doc):
    return doc["context"].get("courier_platform", "unknown")


def config(doc):
    return doc["context"].get("courier_config", "unknown")


def label(doc):
    return f"{platform(doc)}-{config(doc)}"


def counter_unit(doc):
    ctx = doc["context"]
    return ctx.get("courier_counter_unit") or PLATFORMS.get(platform(doc), {}).get(
        "counter_unit", "cycles")


def incomplete(doc):
    """The reasons a results file is incomplete, or an empty list."""
    reasons = doc["context"].get("courier_incomplete") or []
    return [str(r) for r in reasons] if isinstance(reasons, list) else [str(reasons)]
