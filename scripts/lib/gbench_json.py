"""Writing Courier results as Google Benchmark JSON (DESIGN.md §6).

Each benchmark entry carries Google Benchmark's own fields (so its compare.py reads the file)
and Courier's counters: `cycles` (median per operation), `cycles_min`, `cycles_mean`,
`cycles_stddev`, `instructions` where the platform counts them, and `real_time`/`cpu_time` in
ns as the cycle count at Betrusted's 100 MHz clock.
"""
import datetime
import json
import socket

CLOCK_MHZ = 100
NS_PER_CYCLE = 1000.0 / CLOCK_MHZ

PLATFORMS = {
    "qemu": {
        "counter_unit": "instructions",
        "counter_note": "QEMU virt with -icount shift=0: the cycle CSR counts retired instructions",
        "counts_instructions": True,
    },
}


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
