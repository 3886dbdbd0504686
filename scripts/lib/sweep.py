#!/usr/bin/python3
"""scripts/sweep: design-space sweeps over the core model's knobs (issue 20).

usage: sweep.py SPEC [-j N] [--ssh HOSTFILE | --slurm] [--resume] [--merge] [--dry-run]
                     [--out DIR]
       sweep.py job POINT.json            (one point: what every runner executes)

SPEC (TOML, or JSON by its .json name) names a grid:

    name = "tlb"                            # results/sweeps/<name>/
    description = "TLB entries x ASID tags"
    platforms = ["sim"]                     # sim, betrusted-sim
    configs = ["full"]                      # kernel configurations
    filter = "^(sync/call_reply|lend/mutable_borrow/4096)$"    # benchmarks measured
    headline = ["sync/call_reply", "lend/mutable_borrow/4096"] # plotted (default: filtered)
    layouts = 0                             # seeded kernel layouts per point (bench --layouts)
    [knobs]                                 # courier_soc parameters (sim/rtl/soc.sv)
    TLB_ENTRIES = [2, 4, 8, 16]
    TLB_ASID = [0, 1]
    [baseline]                              # the point speedups are against (default: the
    TLB_ENTRIES = 4                         # model's own values where they are in the grid,
    TLB_ASID = 1                            # else each knob's first value)

Every grid point (platform x config x knob values) is one job: it builds the model for its
parameters once (build/sweep/models/<platform>-<hash>, cached by the parameters' hash, shared by
points under a lock), runs scripts/bench on it against the configuration's images and writes
OUT/<name>/points/<id>/ (the Google Benchmark JSON, point.json with its parameters,
status.json). The job list, OUT/<name>/jobs.txt, has one shell command per point and feeds all
three runners: local (default; -j N, default the CPU count), GNU parallel over SSH (--ssh
HOSTFILE: `parallel --sshloginfile HOSTFILE`, each host needs this checkout at the same path
with Courier's packages; `:` in the file is this machine), and a Slurm job array (--slurm:
writes OUT/<name>/sweep.sbatch; submitting it is yours, then --merge). A failed point is
reported with its command and re-run alone by --resume, which runs only the points not yet ok.
At the end (or with --merge) OUT/<name>/sweep.json and sweep.csv hold every point's parameters
and figures; scripts/report draws them.

Everything in SPEC is checked before anything is built: unknown knobs, empty grids, values the
model rejects (cache geometry, counter widths), unknown platforms or configurations, a bad filter.
"""
import argparse
import concurrent.futures
import contextlib
import csv
import datetime
import fcntl
import hashlib
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gbench_json  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOC_SV = os.path.join("sim", "rtl", "soc.sv")
SIM_CMAKE = os.path.join("sim", "CMakeLists.txt")
PLATFORMS = {"sim": "sim", "betrusted-sim": "sim-betrusted"}  # platform -> model preset
SIM_ENV = {"sim": "COURIER_SIM", "betrusted-sim": "COURIER_SIM_BETRUSTED"}
FORMAT = "courier-sweep/1"

# The knobs a sweep may turn: the core's and the memory system's. The others of courier_soc
# (RAM size, the SoC, device clocks) change the machine, not the core under study.
POW2 = "a power of two"
KNOBS = {
    "PIPELINE": (0, 1, None), "CACHES": (0, 1, None), "TLB_ASID": (0, 1, None),
    "SFENCE_VA": (0, 1, None),
    "ICACHE_COHERENT": (0, 1, None),
    "MEM_LAT": (1, 255, None), "SRAM_LAT": (1, 255, None), "SRAM_BURST_LAT": (1, 255, None),
    "SRAM_WR_LAT": (1, 255, None), "FLASH_LAT": (1, 255, None),
    "FLASH_BURST_LAT": (1, 255, None),
    "MUL_LAT": (0, 63, None), "DIV_LAT": (0, 63, None),
    "TLB_ENTRIES": (1, 64, None),
    "ICACHE_BYTES": (256, 1 << 20, POW2), "DCACHE_BYTES": (256, 1 << 20, POW2),
    "ICACHE_WAYS": (1, 8, POW2), "DCACHE_WAYS": (1, 8, POW2), "CACHE_LINE": (8, 128, POW2),
}
BETRUSTED_ONLY = {"SRAM_LAT", "SRAM_BURST_LAT", "SRAM_WR_LAT", "FLASH_LAT", "FLASH_BURST_LAT"}


class SweepError(Exception):
    pass


# ---- the model's parameters ----------------------------------------------------------------

def model_defaults(platform, root=ROOT):
    """courier_soc's parameter values for a platform's model: soc.sv's defaults, then the
    SoC's own overrides from sim/CMakeLists.txt (betrusted)."""
    try:
        with open(os.path.join(root, SOC_SV)) as f:
            text = f.read()
    except OSError as e:
        raise SweepError(f"{SOC_SV}: {e.strerror}") from None
    values = {}
    for m in re.finditer(r"parameter\s+(?:int|bit)\s+(\w+)\s*=\s*([^,\n)]+)", text):
        raw = m.group(2).strip().split("//")[0].strip()
        values[m.group(1)] = parse_number(raw)
    if platform == "betrusted-sim":
        with open(os.path.join(root, SIM_CMAKE)) as f:
            cm = f.read()
        block = cm[cm.index('elseif(COURIER_SIM_SOC STREQUAL "betrusted")'):]
        block = block[:block.index("else()")]
        for m in re.finditer(r"-G(\w+)=(\S+?)(?=[\s)])", block):
            values[m.group(1)] = parse_number(m.group(2))
    return values


def parse_number(raw):
    raw = raw.replace("_", "")
    m = re.fullmatch(r"(\d+)'[bB]([01]+)", raw)
    if m:
        return int(m.group(2), 2)
    m = re.fullmatch(r"(\d+)\s*\*\s*(\d+)\s*\*\s*(\d+)", raw)
    if m:
        return int(m.group(1)) * int(m.group(2)) * int(m.group(3))
    try:
        return int(raw, 0)
    except ValueError:
        return raw


def check_value(knob, value):
    lo, hi, rule = KNOBS[knob]
    if not isinstance(value, int) or isinstance(value, bool):
        return f"{knob} = {value!r}: a whole number"
    if not lo <= value <= hi:
        return f"{knob} = {value}: outside {lo}..{hi}"
    if rule == POW2 and value & (value - 1):
        return f"{knob} = {value}: must be {POW2}"
    return None


def check_point(params, platform):
    """A point's full parameter set the model would reject, as a message, or None."""
    for side in ("I", "D"):
        size, ways, line = (params[f"{side}CACHE_BYTES"], params[f"{side}CACHE_WAYS"],
                            params["CACHE_LINE"])
        if size < ways * line:
            return (f"{side}CACHE_BYTES = {size} is smaller than {side}CACHE_WAYS x CACHE_LINE "
                    f"= {ways * line}: no set left")
    return None


# ---- the spec ----------------------------------------------------------------------------------

def load_spec(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SweepError(f"{path}: cannot read: {e.strerror}") from None
    try:
        if path.endswith(".json"):
            spec = json.loads(data)
        else:
            import tomllib
            spec = tomllib.loads(data.decode())
    except (ValueError, UnicodeDecodeError) as e:
        raise SweepError(f"{path}: not valid {'JSON' if path.endswith('.json') else 'TOML'}: "
                         f"{e}") from None
    if not isinstance(spec, dict):
        raise SweepError(f"{path}: the spec must be a table")
    return check_spec(spec, path)


def check_spec(spec, where, root=ROOT):
    """The spec with defaults filled in; SweepError naming the first problem."""
    import bench
    known = {"name", "description", "platforms", "configs", "filter", "headline", "layouts",
             "knobs", "baseline", "timeout"}
    extra = sorted(set(spec) - known)
    if extra:
        raise SweepError(f"{where}: unknown key(s) {', '.join(extra)} (known: "
                         f"{', '.join(sorted(known))})")
    name = spec.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name or ""):
        raise SweepError(f"{where}: 'name' must be a word (letters, digits, _ . -)")
    platforms = spec.get("platforms", ["sim"])
    if not isinstance(platforms, list) or not platforms:
        raise SweepError(f"{where}: 'platforms' must be a non-empty list")
    for p in platforms:
        if p not in PLATFORMS:
            raise SweepError(f"{where}: platform {p!r} has no core model to sweep (known: "
                             f"{', '.join(PLATFORMS)})")
    configs = spec.get("configs", ["full"])
    import deploy
    for c in configs if isinstance(configs, list) and configs else [None]:
        if c not in deploy.known_configs(root):
            raise SweepError(f"{where}: configuration {c!r} unknown (known: "
                             f"{', '.join(deploy.known_configs(root))})")
    flt = spec.get("filter", "")
    try:
        rx = re.compile(flt) if flt else None
    except re.error as e:
        raise SweepError(f"{where}: bad filter {flt!r}: {e}") from None
    knobs = spec.get("knobs")
    if not isinstance(knobs, dict) or not knobs:
        raise SweepError(f"{where}: the grid is empty: give [knobs] with at least one knob and "
                         "its values")
    defaults = {p: model_defaults(p, root) for p in platforms}
    for knob, values in knobs.items():
        if knob not in KNOBS:
            raise SweepError(f"{where}: unknown knob {knob!r} (knobs: {', '.join(sorted(KNOBS))})")
        if any(knob not in d for d in defaults.values()):
            raise SweepError(f"{where}: knob {knob} is not a parameter of {SOC_SV}")
        if knob in BETRUSTED_ONLY and "sim" in platforms:
            raise SweepError(f"{where}: knob {knob} exists only on betrusted-sim's SoC")
        if not isinstance(values, list) or not values:
            raise SweepError(f"{where}: knob {knob} has no values: the grid is empty")
        if len(set(map(repr, values))) != len(values):
            raise SweepError(f"{where}: knob {knob} lists a value twice")
        for v in values:
            problem = check_value(knob, v)
            if problem:
                raise SweepError(f"{where}: the model rejects {problem}")
        if knob == "PIPELINE" and 0 in values and "betrusted-sim" in platforms:
            raise SweepError(f"{where}: PIPELINE = 0 (the two-stage core) has no C extension, "
                             "and betrusted-sim's core is built with C (its images are rv32imac)")
    baseline = dict(spec.get("baseline") or {})
    for knob in baseline:
        if knob not in knobs:
            raise SweepError(f"{where}: baseline names {knob}, which the grid does not vary")
    for knob, values in knobs.items():
        if knob not in baseline:
            own = defaults[platforms[0]].get(knob)
            baseline[knob] = own if own in values else values[0]
        elif baseline[knob] not in values:
            raise SweepError(f"{where}: baseline {knob} = {baseline[knob]} is not one of its "
                             f"values {values}")
    layouts = spec.get("layouts", 0)
    if not isinstance(layouts, int) or layouts < 0 or layouts == 1:
        raise SweepError(f"{where}: 'layouts' must be 0 or at least 2")
    out = dict(spec, platforms=platforms, configs=configs, filter=flt, knobs=knobs,
               baseline=baseline, layouts=layouts, description=spec.get("description", ""))
    names = stable_headline(rx)
    out["headline"] = spec.get("headline") or names[:4]
    for p in platforms:
        for combo in grid(out):
            params = dict(defaults[p], **combo)
            problem = check_point(params, p)
            if problem:
                raise SweepError(f"{where}: the model rejects the point "
                                 f"{describe_params(combo)}: {problem}")
    del bench
    return out


def stable_headline(rx):
    import stable_names
    return [n for n in stable_names.expanded() if not rx or rx.search(n)]


def grid(spec):
    knobs = list(spec["knobs"])
    for values in itertools.product(*(spec["knobs"][k] for k in knobs)):
        yield dict(zip(knobs, values))


def describe_params(params):
    return " ".join(f"{k}={v}" for k, v in params.items())


def model_hash(platform, params):
    text = json.dumps({"platform": platform, "params": dict(sorted(params.items()))})
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def points(spec, out_dir, root=ROOT):
    """Every job of the sweep: a dict per point (what point.json holds)."""
    sweep_dir = os.path.join(out_dir, spec["name"])
    out = []
    for platform in spec["platforms"]:
        for config in spec["configs"]:
            for combo in grid(spec):
                pid = hashlib.sha256(json.dumps(
                    {"p": platform, "c": config, "k": combo, "f": spec["filter"],
                     "l": spec["layouts"]}, sort_keys=True).encode()).hexdigest()[:12]
                mh = model_hash(platform, combo)
                out.append({
                    "id": pid, "sweep": spec["name"], "platform": platform, "config": config,
                    "params": combo, "filter": spec["filter"], "layouts": spec["layouts"],
                    "timeout": spec.get("timeout"),
                    "model_preset": PLATFORMS[platform],
                    "model_dir": os.path.join(root, "build", "sweep", "models",
                                              f"{platform}-{mh}"),
                    "dir": os.path.join(sweep_dir, "points", pid),
                })
    return out


def job_command(point):
    return [sys.executable if os.path.exists(sys.executable) else "/usr/bin/python3",
            os.path.abspath(__file__), "job", os.path.join(point["dir"], "point.json")]


def write_jobs(spec, pts, out_dir):
    sweep_dir = os.path.join(out_dir, spec["name"])
    os.makedirs(sweep_dir, exist_ok=True)
    for p in pts:
        os.makedirs(p["dir"], exist_ok=True)
        with open(os.path.join(p["dir"], "point.json"), "w") as f:
            json.dump(p, f, indent=1)
    path = os.path.join(sweep_dir, "jobs.txt")
    with open(path, "w") as f:
        for p in pts:
            f.write(shlex.join(job_command(p)) + "\n")
    return path


# ---- one point -------------------------------------------------------------------------------

@contextlib.contextmanager
def locked(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def build_model(point, root=ROOT, log=None):
    """The model for the point's parameters, built once (under a lock) and cached."""
    d = point["model_dir"]
    binary = os.path.join(d, "sim", "courier-sim")
    with locked(d + ".lock"):
        stamp = os.path.join(d, "courier-sweep-params.json")
        want = json.dumps({"preset": point["model_preset"], "params": point["params"]},
                          sort_keys=True)
        if os.path.isfile(binary) and os.path.isfile(stamp) and open(stamp).read() == want:
            return binary
        gflags = " ".join(f"-G{k}={v}" for k, v in point["params"].items())
        for cmd in (["cmake", "--preset", point["model_preset"], "-B", d,
                     f"-DCOURIER_SIM_PARAMS={gflags}"],
                    ["cmake", "--build", d, "-j2", "--target", "courier-sim"]):
            r = subprocess.run(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                raise SweepError(f"building the model ({gflags}) failed: {' '.join(cmd)} "
                                 f"(status {r.returncode}; see the point's log.txt)")
        with open(stamp, "w") as f:
            f.write(want)
    return binary


def images_tree(point, root=ROOT, log=None):
    import bench
    preset = bench.image_preset(point["config"], point["platform"])
    found, presets = bench.find_preset(root, preset)
    if found is None:
        raise SweepError(f"no CMake preset {preset} for configuration {point['config']}")
    tree = bench.preset_binary_dir(root, preset, presets)
    with locked(os.path.join(root, "build", "sweep", f"{preset}.lock")):
        for cmd in (["cmake", "--preset", preset], ["cmake", "--build", tree, "-j2"]):
            r = subprocess.run(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                raise SweepError(f"building the images failed: {' '.join(cmd)}")
    return tree


def run_job(point_file, root=ROOT):
    """One point, start to end; its outcome in status.json. Returns 0 when ok."""
    with open(point_file) as f:
        point = json.load(f)
    d = point["dir"]
    started = time.monotonic()
    status = {"status": "failed", "error": None}
    with open(os.path.join(d, "log.txt"), "w") as log:
        try:
            model = build_model(point, root, log)
            tree = images_tree(point, root, log)
            log.flush()
            cmd = ["/usr/bin/python3", os.path.join(root, "scripts", "lib", "bench.py"),
                   "--platform", point["platform"], "--config", point["config"], "--build", tree,
                   "--out", d, "-j", "1", "--deploy-dir", os.path.join(d, "deploy")]
            if point["filter"]:
                cmd += ["--filter", point["filter"]]
            if point["layouts"]:
                cmd += ["--layouts", str(point["layouts"])]
            if point.get("timeout"):
                cmd += ["--timeout", str(point["timeout"])]
            env = dict(os.environ, **{SIM_ENV[point["platform"]]: model})
            r = subprocess.run(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
            result = os.path.join(d, f"{point['platform']}-{point['config']}.json")
            if not os.path.isfile(result):
                raise SweepError(f"scripts/bench wrote no results (status {r.returncode}; see "
                                 "log.txt)")
            doc = gbench_json.load(result)
            reasons = gbench_json.incomplete(doc)
            if r.returncode != 0 or reasons:
                raise SweepError("; ".join(reasons) or f"scripts/bench status {r.returncode}")
            status = {"status": "ok", "error": None}
        except (SweepError, gbench_json.ResultsError, OSError) as e:
            status = {"status": "failed", "error": str(e)}
    status["seconds"] = round(time.monotonic() - started, 1)
    with open(os.path.join(d, "status.json"), "w") as f:
        json.dump(status, f)
    return 0 if status["status"] == "ok" else 1


def point_status(point):
    try:
        with open(os.path.join(point["dir"], "status.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"status": "not run", "error": None}


# ---- runners ----------------------------------------------------------------------------------

def bar(done, total, failed, started, width=30):
    frac = done / total if total else 1
    elapsed = time.monotonic() - started
    left = elapsed / done * (total - done) if done else float("nan")
    eta = "?" if left != left else f"{int(left) // 60}m{int(left) % 60:02d}s"
    return (f"sweep: [{'#' * int(frac * width):<{width}}] {done}/{total} points"
            f"{f' ({failed} failed)' if failed else ''}, {eta} left")


def run_local(pts, jobs, out=sys.stdout):
    started, done, failed = time.monotonic(), 0, 0
    print(bar(0, len(pts), 0, started), file=out, flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(subprocess.run, job_command(p), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL): p for p in pts}
        for fut in concurrent.futures.as_completed(futures):
            done += 1
            if fut.result().returncode != 0:
                failed += 1
            print(bar(done, len(pts), failed, started), file=out, flush=True)


def parallel_command(jobs_file, hostfile, jobs):
    bar_opt = ["--bar"] if sys.stderr.isatty() else []  # its progress bar wants a terminal
    return ["parallel", "--will-cite", "--sshloginfile", hostfile, "-j", str(jobs),
            "--joblog", jobs_file + ".log", *bar_opt, "--arg-file", jobs_file]


def run_parallel(jobs_file, hostfile, jobs):
    if not shutil.which("parallel"):
        raise SweepError("--ssh needs GNU parallel: sudo apt-get install parallel (scripts/setup "
                         "installs it)")
    if not os.path.isfile(hostfile):
        raise SweepError(f"--ssh {hostfile}: no such host file (one ssh login per line; ':' is "
                         "this machine)")
    subprocess.run(parallel_command(jobs_file, hostfile, jobs), cwd=ROOT)


def slurm_script(spec, jobs_file, n, root=ROOT):
    d = os.path.dirname(jobs_file)
    return "\n".join([
        "#!/bin/bash",
        f"# Courier sweep '{spec['name']}': one array task per line of jobs.txt.",
        f"# Submit: sbatch {os.path.join(d, 'sweep.sbatch')}; afterwards: scripts/sweep SPEC "
        "--merge",
        f"#SBATCH --job-name=courier-sweep-{spec['name']}",
        f"#SBATCH --array=1-{n}",
        "#SBATCH --cpus-per-task=2",
        f"#SBATCH --output={os.path.join(d, 'slurm-%A_%a.out')}",
        "set -euo pipefail",
        f"cd {shlex.quote(root)}",
        f'line=$(sed -n "${{SLURM_ARRAY_TASK_ID}}p" {shlex.quote(jobs_file)})',
        'eval "$line"',
        ""])


# ---- merging ----------------------------------------------------------------------------------

def merge(spec, pts, out_dir):
    """sweep.json and sweep.csv from the points' results; returns the document."""
    rows, names = [], []
    for p in pts:
        st = point_status(p)
        row = {"id": p["id"], "platform": p["platform"], "config": p["config"],
               "params": p["params"], "status": "ok" if st["status"] == "ok" else "failed"}
        if row["status"] == "failed":
            row["error"] = st.get("error") or st["status"]
        else:
            try:
                doc = gbench_json.load(os.path.join(p["dir"], f"{p['platform']}-{p['config']}.json"))
                row["figures"] = {n: e["cycles"] for n, e in gbench_json.figures(doc).items()}
                lay = os.path.join(p["dir"], f"{p['platform']}-{p['config']}-layouts.json")
                if os.path.isfile(lay):
                    sp = gbench_json.spreads(gbench_json.load(lay))
                    row["figures"] = {n: s["median"] for n, s in sp.items()}
                    row["spread"] = {n: {"min": s["min"], "max": s["max"], "iqr": s["iqr"]}
                                     for n, s in sp.items()}
            except gbench_json.ResultsError as e:
                row.update(status="failed", error=str(e))
        names += [n for n in row.get("figures", {}) if n not in names]
        rows.append(row)
    import bench
    doc = {"format": FORMAT, "name": spec["name"], "description": spec["description"],
           "knobs": list(spec["knobs"]), "values": spec["knobs"], "baseline": spec["baseline"],
           "headline": [h for h in spec["headline"] if h in names] or names[:4],
           "unit": "cycles", "filter": spec["filter"], "layouts": spec["layouts"],
           "points": rows,
           "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "git_revision": bench.git_revision(ROOT)}
    d = os.path.join(out_dir, spec["name"])
    with open(os.path.join(d, "sweep.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    with open(os.path.join(d, "sweep.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["platform", "config", *spec["knobs"], "status", *names])
        for r in rows:
            w.writerow([r["platform"], r["config"], *(r["params"][k] for k in spec["knobs"]),
                        r["status"], *(r.get("figures", {}).get(n, "") for n in names)])
    return doc


def main(argv):
    if argv[:1] == ["job"]:
        if len(argv) != 2:
            print("usage: sweep.py job POINT.json", file=sys.stderr)
            return 2
        return run_job(argv[1])
    ap = argparse.ArgumentParser(prog="scripts/sweep", description=(
        "Design-space sweeps over the core model's knobs."))
    ap.add_argument("spec", metavar="SPEC")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="points at once (default: the CPU count)")
    ap.add_argument("--ssh", metavar="HOSTFILE", help="run the jobs with GNU parallel over SSH")
    ap.add_argument("--slurm", action="store_true", help="write a Slurm array script; run nothing")
    ap.add_argument("--resume", action="store_true", help="run only the points not yet ok")
    ap.add_argument("--merge", action="store_true", help="merge the points' results; run nothing")
    ap.add_argument("--dry-run", action="store_true", help="check SPEC, write the job list")
    ap.add_argument("--out", default=os.path.join(ROOT, "results", "sweeps"))
    args = ap.parse_args(argv)
    if args.ssh and args.slurm:
        ap.error("--ssh and --slurm are alternatives")
    try:
        spec = load_spec(args.spec)
        pts = points(spec, args.out)
        jobs_file = write_jobs(spec, pts, args.out)
        shape = " x ".join(f"{k} {len(v)}" for k, v in spec["knobs"].items())
        if len(spec["platforms"]) > 1:
            shape += f" x {len(spec['platforms'])} platforms"
        print(f"sweep: {spec['name']}: {len(pts)} points ({shape}); "
              f"{len({p['model_dir'] for p in pts})} models; job list {jobs_file}")
        if args.dry_run:
            return 0
        if args.slurm:
            path = os.path.join(os.path.dirname(jobs_file), "sweep.sbatch")
            with open(path, "w") as f:
                f.write(slurm_script(spec, jobs_file, len(pts)))
            print(f"sweep: wrote {path}; submit it with: sbatch {path}\n"
                  f"sweep: afterwards: scripts/sweep {args.spec} --merge")
            return 0
        if not args.merge:
            todo = [p for p in pts if not args.resume or point_status(p)["status"] != "ok"]
            if args.resume:
                print(f"sweep: --resume: {len(pts) - len(todo)} points already ok, "
                      f"{len(todo)} to run")
            for p in todo:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(p["dir"], "status.json"))
            if todo and args.ssh:
                sub = jobs_file + ".todo"
                with open(sub, "w") as f:
                    f.writelines(shlex.join(job_command(p)) + "\n" for p in todo)
                run_parallel(sub, args.ssh, args.jobs)
            elif todo:
                run_local(todo, args.jobs)
        doc = merge(spec, pts, args.out)
        failed = [(p, r) for p, r in zip(pts, doc["points"]) if r["status"] != "ok"]
        d = os.path.join(args.out, spec["name"])
        print(f"sweep: wrote {os.path.join(d, 'sweep.json')} and sweep.csv: "
              f"{len(pts) - len(failed)} of {len(pts)} points ok")
        for p, r in failed:
            print(f"sweep: FAILED {describe_params(p['params'])} on {p['platform']}/"
                  f"{p['config']}: {r.get('error')}\n  re-run it alone: "
                  f"{shlex.join(job_command(p))}   (or scripts/sweep {args.spec} --resume)",
                  file=sys.stderr)
        return 1 if failed else 0
    except SweepError as e:
        print(f"sweep: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
