"""Shared test data: console logs in the @bench line format and results documents built from
them, so the tests exercise the real parser and writer instead of hand-written JSON."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import benchfmt  # noqa: E402
import gbench_json  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")


def line(body):
    """One checksummed console record, as the target prints it."""
    body = "@bench v1 " + body
    return f"{body} crc={benchfmt.fnv1a(body):08x}"


def result(name, median, minimum=None, samples=101, ops=1):
    minimum = median if minimum is None else minimum
    return line(f"name={name} samples={samples} ops={ops} unit=cycles min={minimum} "
                f"median={median} mean={median}.50 stddev=1.25 overhead=10")


def suite(name, records):
    return [line(f"begin suite={name}"), *records, line(f"end suite={name}")]


def console(figures, absent=()):
    """A whole run: one suite per name prefix, figures given as {name: median}."""
    suites = {}
    for name, median in figures.items():
        suites.setdefault(name.split("/")[0], []).append(result(name, median))
    for name in absent:
        suites.setdefault(name.split("/")[0], []).append(line(f"absent name={name} reason=path not compiled in"))
    out = ["courier: booting"]
    for s, recs in suites.items():
        out += suite(s, recs)
    return "\n".join(out) + "\n"


def document(platform, config, figures, absent=(), context=None):
    parsed = benchfmt.parse_text(console(figures, absent))
    ctx = {"courier_git_revision": "abc1234", "courier_kernel_text_rodata": 20000}
    ctx.update(context or {})
    doc = gbench_json.document(platform, config, list(parsed.results.values()), parsed.absent, ctx)
    doc["context"]["date"] = "2026-01-02T03:04:05+00:00"  # fixed, so reports are comparable
    doc["context"]["host_name"] = "fixture"
    return doc


def layouts_document(platform, config, per_layout, unperturbed, context=None):
    """A --layouts results file: per_layout is [{name: median}] (seeds 1..N), unperturbed
    {name: median}."""
    runs = [(seed, benchfmt.parse_text(console(figs)).results)
            for seed, figs in enumerate(per_layout, 1)]
    base = benchfmt.parse_text(console(unperturbed)).results
    ctx = {"courier_git_revision": "abc1234"}
    ctx.update(context or {})
    doc = gbench_json.layouts_document(platform, config, runs, base, {}, ctx)
    doc["context"]["date"] = "2026-01-02T03:04:05+00:00"
    doc["context"]["host_name"] = "fixture"
    return doc


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
    return path


SIZES = (4096, 16384, 65536, 262144, 1048576)


def full_figures(scale=1):
    """A plausible complete set of figures; lend grows slowly with size, copy linearly."""
    figs = {"sync/null_syscall": 60 * scale, "sync/yield": 150 * scale,
            "sync/call_reply": 180 * scale, "sync/call_reply_same_as": 150 * scale,
            "irq/latency": 140 * scale}
    for s in SIZES:
        figs[f"lend/borrow/{s}"] = (300 + s // 4096 * 40) * scale
        figs[f"lend/mutable_borrow/{s}"] = (320 + s // 4096 * 45) * scale
        figs[f"copy/send/{s}"] = (100 + s // 4 * 3) * scale
    for n in (1, 2, 4, 8, 16, 32, 64, 128):
        figs[f"batch/null/{n}"] = int((12 + 120 / n) * scale)
    return figs
