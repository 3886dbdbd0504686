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
    }


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
    """name -> entry for the measured runs (aggregates such as _mean rows are left out)."""
    return {e["name"]: e for e in doc["benchmarks"] if e.get("run_type", "iteration") == "iteration"}


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
