"""Sweep documents (courier-sweep/1, as scripts/sweep writes sweep.json) for the report's tests:
hand-picked figures, so the tests can assert the table, the speedups and the findings exactly."""
import hashlib
import itertools
import json
import os

CREATED = "2026-12-02T18:00:00+00:00"

# TLB sweep: sync/call_reply and lend/mutable_borrow/4096 per (TLB_ENTRIES, TLB_ASID); None: the
# point failed (its model did not build).
TLB_FIGURES = {
    (2, 0): (1100, 9900), (2, 1): (900, 9200),
    (4, 0): (900, 9300), (4, 1): (663, 8495),
    (8, 0): (760, 8900), (8, 1): (640, 8400),
    (16, 0): None, (16, 1): (630, 8390),
}
TLB_ERROR = ("model build failed: %Error: sim/rtl/tlb.sv:41:12: Width mismatch in the "
             "16-entry ASID compare\n%Error: Exiting due to 1 error(s)")

# MEM_LAT sweep: lend/mutable_borrow/4096 and copy/send/4096 per RAM latency.
MEM_LAT_FIGURES = {2: (8100, 9000), 5: (8495, 10400), 10: (9300, 12800), 20: (10900, 17600),
                   40: (14100, 27200)}


def _id(*parts):
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:12]


def _point(platform, config, params, figures=None, error=None, spread=None):
    p = {"id": _id(platform, config, params), "platform": platform, "config": config,
         "params": params, "status": "ok" if figures else "failed"}
    if figures:
        p["figures"] = figures
        if spread:
            p["spread"] = spread
    else:
        p["error"] = error
    return p


def sweep(name, description, values, baseline, headline, points):
    return {"format": "courier-sweep/1", "name": name, "description": description,
            "knobs": list(values), "values": values, "baseline": baseline,
            "headline": headline, "unit": "cycles", "points": points,
            "created": CREATED, "git_revision": "abc1234"}


def tlb(platforms=("sim",)):
    """2 knobs, TLB_ASID with two values; (16, 0) failed. A second platform costs 1.5x."""
    heads = ["sync/call_reply", "lend/mutable_borrow/4096"]
    points = []
    for k, plat in enumerate(platforms):
        for (entries, asid), figs in TLB_FIGURES.items():
            params = {"TLB_ENTRIES": entries, "TLB_ASID": asid}
            if figs is None:
                points.append(_point(plat, "full", params, error=TLB_ERROR))
            else:
                scaled = {n: round(f * (1 + k / 2)) for n, f in zip(heads, figs)}
                scaled["sync/null_syscall"] = 254  # not headline: not in the table
                points.append(_point(plat, "full", params, scaled))
    return sweep("tlb", "TLB entries x ASID tags on call_reply and lend",
                 {"TLB_ENTRIES": [2, 4, 8, 16], "TLB_ASID": [0, 1]},
                 {"TLB_ENTRIES": 4, "TLB_ASID": 1}, heads, points)


def mem_lat():
    """1 knob (not powers of two: a linear axis), every point with a layout spread."""
    heads = ["lend/mutable_borrow/4096", "copy/send/4096"]
    points = []
    for lat, figs in MEM_LAT_FIGURES.items():
        points.append(_point("sim", "full", {"MEM_LAT": lat}, dict(zip(heads, figs)),
                             spread={n: {"min": f - 50, "max": f + 100, "iqr": 40}
                                     for n, f in zip(heads, figs)}))
    return sweep("memlat", "RAM latency on lend and copy", {"MEM_LAT": [2, 5, 10, 20, 40]},
                 {"MEM_LAT": 5}, heads, points)


def caches():
    """2 knobs of 7 values each (a heatmap), no toggle knob."""
    sizes = [512, 1024, 2048, 4096, 8192, 16384, 32768]
    points = [_point("sim", "full", {"ICACHE_BYTES": i, "DCACHE_BYTES": d},
                     {"sync/call_reply": 600 + 400_000 // i + 200_000 // d})
              for i, d in itertools.product(sizes, sizes)]
    return sweep("caches", "I-cache x D-cache size", {"ICACHE_BYTES": sizes,
                                                      "DCACHE_BYTES": sizes},
                 {"ICACHE_BYTES": 4096, "DCACHE_BYTES": 4096}, ["sync/call_reply"], points)


def three_knobs():
    values = {"MEM_LAT": [2, 5, 10], "MUL_LAT": [1, 2, 4], "TLB_ENTRIES": [2, 4, 8]}
    points = [_point("sim", "minimal", dict(zip(values, combo)),
                     {"sync/call_reply": 500 + 20 * combo[0] + 5 * combo[1] + 160 // combo[2]})
              for combo in itertools.product(*values.values())]
    return sweep("three", "", values, {"MEM_LAT": 5, "MUL_LAT": 2, "TLB_ENTRIES": 4},
                 ["sync/call_reply"], points)


def write(out_dir, doc, dirname=None):
    """OUT/sweeps/<name>/sweep.json, as scripts/sweep leaves it; returns its path."""
    d = os.path.join(out_dir, "sweeps", dirname or doc["name"])
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "sweep.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return path
