#!/usr/bin/python3
"""Run Courier's target benchmarks on a platform and write Google Benchmark JSON.

usage: bench.py [--platform qemu|sim|betrusted-sim|betrusted] [--config NAME] [--filter REGEX]
                [--out DIR] [--build DIR] [--core-params FILE] [--timeout S]
                [--serial DEV --baud B | --replay FILE]

qemu and sim: configures and builds the images with the CMake preset `qemu` (configuration
`full`) or `qemu-<config>` (sim also builds the simulator, preset `sim`), unless --build names a
ready build tree, then runs every bench_*.elf in it. betrusted-sim: the same on the model of
the Precursor's SoC (preset `sim-betrusted`), images from preset `betrusted-<config>`
(configuration `betrusted` unless given). betrusted: reads the console of a board
that runs the suite, from --serial (pyserial) or a recorded --replay file.

Sim platforms: each image's run is limited by its cycle budget (courier_image CYCLES, passed as
courier-sim --max-cycles); the wall-clock limit is a backstop scaled to it (runner.py). Images
run -j at a time (default: the CPU count), their figures printed per image in image order.
--layouts N also builds N trees with the kernel's functions in seeded orders
(scripts/lib/layout.py; build/layouts/) and writes OUT/<platform>-<config>-layouts.json
(gbench_json.layouts_document: repetitions and aggregates).

--filter is applied twice: an image is skipped when no benchmark name known for its suite (the
DESIGN.md §6 names plus those in the previous results file) matches, and the results written
are only those that match. A filter that matches nothing is an error and writes nothing.

Results land in OUT/<platform>-<config>.json. A run that times out, dies, prints a damaged line
or leaves a suite unfinished keeps what it gathered, with context.courier_incomplete saying
what is missing, and the exit status is 1.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchfmt  # noqa: E402
import gbench_json  # noqa: E402
import runner  # noqa: E402
import serial_source  # noqa: E402
import stable_names  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class BenchError(Exception):
    pass


def git_revision(root):
    """The commit the measured code comes from; "-dirty" only when files other than results/
    differ (the results of the previous run are not part of what is measured)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
    try:
        rev = git("describe", "--always", "--tags")
        changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)results")
        return rev + ("-dirty" if changed else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def kernel_size(image):
    try:
        with open(image + ".size.json") as f:
            return json.load(f)["text_rodata"]
    except (OSError, ValueError, KeyError):
        return None


def loaded_sha256(image):
    """SHA-256 over an ELF image's loaded segments (addresses, sizes, bytes): the same source
    gives the same value whatever the commit is called (repro/loaded_bytes), so two result
    files with equal values measured the same bytes. None when `image` is not an ELF."""
    import hashlib
    import deploy
    try:
        _, segments, _ = deploy.read_elf(image)
    except deploy.DeployError:
        return None
    h = hashlib.sha256()
    for paddr, vaddr, filesz, memsz, data in segments:
        if memsz:
            h.update(f"{paddr:08x} {vaddr:08x} {filesz:x} {memsz:x}\n".encode())
            h.update(data)
    return h.hexdigest()


def find_preset(root, name):
    """The configure preset `name` from CMakePresets.json / CMakeUserPresets.json, or None."""
    presets = {}
    for fname in ("CMakePresets.json", "CMakeUserPresets.json"):
        try:
            with open(os.path.join(root, fname)) as f:
                for p in json.load(f).get("configurePresets", []):
                    presets[p["name"]] = p
        except FileNotFoundError:
            continue
    return presets.get(name), presets


def preset_binary_dir(root, name, presets):
    """binaryDir of a preset, looked up through `inherits`; ${presetName} is the one asked for."""
    seen, current = set(), name
    while current in presets and current not in seen:
        seen.add(current)
        p = presets[current]
        if "binaryDir" in p:
            return p["binaryDir"].replace("${sourceDir}", root).replace("${presetName}", name)
        inherits = p.get("inherits")
        current = inherits[0] if isinstance(inherits, list) and inherits else inherits
    return os.path.join(root, "build", name)


def build_with_preset(root, name, what, tree=None, defines=()):
    """Configures and builds preset `name` in its binaryDir, or in `tree` with -D `defines`
    (a variant of the preset: another ISA)."""
    preset, presets = find_preset(root, name)
    if preset is None:
        known = ", ".join(sorted(presets)) or "none"
        raise BenchError(f"no CMake preset '{name}' for {what} (known presets: {known}); "
                         "add it to CMakePresets.json or pass --build DIR")
    binary_dir = tree or preset_binary_dir(root, name, presets)
    print(f"bench: building {what} (preset {name}, {os.path.relpath(binary_dir, root)})",
          flush=True)
    configure = ["cmake", "--preset", name]
    if tree:
        configure += ["-B", tree, *[f"-D{d}" for d in defines]]
    for cmd in (configure, ["cmake", "--build", binary_dir, "-j2"]):
        r = subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL if cmd[1] == "--preset"
                           else None)
        if r.returncode != 0:
            raise BenchError(f"'{' '.join(cmd)}' failed (status {r.returncode})")
    return binary_dir


def image_preset(config, platform="qemu"):
    """The CMake preset of a configuration's images: QEMU virt's map (qemu, sim) or the
    Precursor's (betrusted-sim; CMakePresets.json has `betrusted` for full and
    `betrusted-<config>` for the others)."""
    if platform == "betrusted-sim":
        return "betrusted" if config == "full" else f"betrusted-{config}"
    return "qemu" if config == "full" else f"qemu-{config}"


# The simulator model each simulated platform runs on (its CMake preset).
SIM_PRESETS = {"sim": "sim", "betrusted-sim": "sim-betrusted"}
# --isa rv32imac on the virt platforms: the images of preset qemu-rvc (full) or of
# qemu-<config> rebuilt in build/qemu-<config>-rvc with COURIER_ISA=rv32imac, run on QEMU with
# c=true or on the core built with C (preset sim-rvc); results under OUT/rvc/.
ISAS = ("rv32ima", "rv32imac")


def rvc_images(args):
    """(preset, tree or None, defines) of the C images of args.config on the virt map."""
    if args.config == "full":
        return "qemu-rvc", None, ()
    return (image_preset(args.config), os.path.join(ROOT, "build", f"qemu-{args.config}-rvc"),
            ("COURIER_ISA=rv32imac",))


def select_images(images, rx, known_names):
    """Images whose suite (bench_<suite>.elf) may hold a benchmark the filter selects."""
    if rx is None:
        return images
    chosen = []
    for image in images:
        suite = os.path.basename(image)[len("bench_"):-len(".elf")]
        names = [n for n in known_names if n.startswith(suite + "/")]
        if not names or any(rx.search(n) for n in names):
            chosen.append(image)
    return chosen


def merge(into, part):
    into.results.update(part.results)
    into.absent.update(part.absent)
    into.begun += part.begun
    into.ended += part.ended
    into.core.update(part.core)
    into.problems += part.problems
    into.warnings += part.warnings


SIM_STATS_PREFIX = "courier-sim: "


def add_sim_stats(line, stats):
    """Sums the simulator's closing line (`courier-sim: cycles=.. instret=.. .. wall=..s`), so
    the report can give the RTL simulation speed over the whole suite."""
    if not line.startswith(SIM_STATS_PREFIX):
        return
    fields = dict(w.partition("=")[::2] for w in line[len(SIM_STATS_PREFIX):].split() if "=" in w)
    try:
        cycles, wall = int(fields["cycles"]), float(fields["wall"].rstrip("s"))
    except (KeyError, ValueError):
        return
    stats["cycles"] = stats.get("cycles", 0) + cycles
    stats["wall_seconds"] = round(stats.get("wall_seconds", 0.0) + wall, 3)
    for key in ("instret", "icache_fills", "dcache_fills"):
        if fields.get(key, "").isdigit():
            stats[key] = stats.get(key, 0) + int(fields[key])
    if stats["wall_seconds"] > 0:
        stats["cycles_per_second"] = round(stats["cycles"] / stats["wall_seconds"])


def run_one(image, label, platform, timeout, run, budget):
    """One image: (its Parsed, its simulator stats, the run's result)."""
    parsed, stats = benchfmt.Parsed(), {}

    def on_line(line):
        if benchfmt.parse_mark(line, parsed):
            return
        benchfmt.parse_line(line, parsed, label)
        add_sim_stats(line, stats)

    kwargs = {"max_cycles": budget} if budget else {}
    if platform in runner.SIM_PLATFORMS:
        kwargs["marks"] = True  # each benchmark's cache fills (courier-sim --marks)
    result = run(image, platform=platform, timeout=timeout, echo=False, on_line=on_line,
                 **kwargs)
    return parsed, stats, result


def judge(label, parsed, result, timeout, budget):
    """What is missing from one image's run, as incomplete reasons."""
    out = []
    if getattr(result, "out_of_cycles", False):
        out.append(f"{label}: ran out of its cycle budget ({budget:,} cycles) before it finished "
                   "(hung, or the budget in its courier_image CYCLES is too small)")
    elif result.timed_out:
        if budget:
            out.append(f"{label}: hit the wall-clock backstop of {timeout:.0f} s before its "
                       f"{budget:,}-cycle budget ran out: cut by host speed, not by simulated "
                       "time (an overloaded host?)")
        else:
            out.append(f"{label}: timed out after {timeout:.0f} s (hung?)")
    elif result.status != 0:
        out.append(f"{label}: exited with status {result.status} (died mid-way?)")
    if not parsed.begun and not parsed.results:
        out.append(f"{label}: printed no benchmark output")
    out += [f"{label}: suite '{s}' did not finish" for s in parsed.unfinished_suites()]
    return out


def merge_sim_stats(into, part, label):
    for key in ("cycles", "instret", "icache_fills", "dcache_fills"):
        if key in part:
            into[key] = into.get(key, 0) + part[key]
    if "wall_seconds" in part:
        into["wall_seconds"] = round(into.get("wall_seconds", 0.0) + part["wall_seconds"], 3)
    if into.get("wall_seconds"):
        into["cycles_per_second"] = round(into.get("cycles", 0) / into["wall_seconds"])
    if "cycles" in part:
        into.setdefault("cycles_per_image", {})[label] = part["cycles"]


def run_images(images, platform, timeout, run=None, sim_stats=None, labels=None, jobs=1,
               budgets=None, timeouts=None):
    """Runs each image, `jobs` at a time; returns (merged Parsed, incomplete reasons, seconds
    summed over the runs). labels: the name to give a file in messages (default its basename);
    budgets: image -> cycle budget (sim platforms); timeouts: image -> wall-clock limit
    (default `timeout`). Each image's figures are printed when it ends, in image order."""
    import concurrent.futures
    run = run or runner.run_image
    sim_stats = {} if sim_stats is None else sim_stats
    budgets, timeouts = budgets or {}, timeouts or {}
    total, incomplete, seconds = benchfmt.Parsed(), [], 0.0
    n = len(images)
    label_of = {i: (labels or {}).get(i) or os.path.basename(i) for i in images}
    started = time.monotonic()
    parallel = jobs > 1 and n > 1
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(jobs, n)) if parallel else None

    def start(k, image):
        args = (image, label_of[image], platform, timeouts.get(image, timeout), run,
                budgets.get(image))
        if parallel:
            return pool.submit(run_one, *args)
        left = n - k
        print(f"bench: [{k}/{n}] {label_of[image]} on {platform}"
              f" ({left} image{'s' if left != 1 else ''} left after this)", flush=True)
        return run_one(*args)

    done = 0
    try:
        if parallel:
            print(f"bench: {n} images on {platform}, {min(jobs, n)} at a time", flush=True)
            futures = [start(k, image) for k, image in enumerate(images, 1)]
            outcomes = (f.result() for f in futures)
        else:
            outcomes = (start(k, image) for k, image in enumerate(images, 1))
        for image, (parsed, stats, result) in zip(images, outcomes):
            done += 1
            label = label_of[image]
            for name in parsed.results:
                print(f"bench:   {name}", flush=True)
            seconds += result.seconds
            incomplete += judge(label, parsed, result, timeouts.get(image, timeout),
                                budgets.get(image))
            merge(total, parsed)
            merge_sim_stats(sim_stats, stats, label)
            if parallel:
                elapsed = time.monotonic() - started
                eta = elapsed / done * (n - done)
                print(f"bench: [{done}/{n} done] {label}: {len(parsed.results)} figures in "
                      f"{result.seconds:.0f} s; {elapsed:.0f} s so far, about {eta:.0f} s left",
                      flush=True)
    except KeyboardInterrupt:
        # What was measured before is still worth keeping, marked as cut short.
        runner.kill_all()
        incomplete.append(f"interrupted (Ctrl-C) after {done} of {n} images; the rest not kept")
    finally:
        if pool:
            pool.shutdown(wait=False, cancel_futures=True)
    return total, incomplete, seconds


def read_board(args, where):
    """Reads one run from a serial device or a recorded console file."""
    parsed = benchfmt.Parsed()
    shown = [0]

    def on_line(_line):
        # read_stream has parsed the line already: report each new figure as it lands.
        for name in list(parsed.results)[shown[0]:]:
            print(f"bench:   {name}", flush=True)
        shown[0] = len(parsed.results)

    if args.replay:
        try:
            stream = open(args.replay, "rb")
        except OSError as e:
            raise BenchError(f"{args.replay}: cannot read: {e.strerror}") from None
    else:
        try:
            stream = serial_source.open_serial(args.serial, args.baud)
        except serial_source.SerialUnavailable as e:
            raise BenchError(str(e)) from None
        print(f"bench: reading {args.serial} at {args.baud} baud; start or reset the board now",
              flush=True)
    incomplete = []
    with stream:
        try:
            outcome = serial_source.read_stream(stream, parsed, where, timeout=args.timeout,
                                                settle=args.settle, on_line=on_line)
        except KeyboardInterrupt:
            outcome = serial_source.StreamOutcome("interrupted", 0.0, 0)
    if outcome.reason == "interrupted":
        incomplete.append(f"{where}: interrupted (Ctrl-C)")
    else:
        incomplete += [r for r in [outcome.incomplete_reason(where, parsed)] if r]
    incomplete += [f"{where}: suite '{s}' did not finish" for s in parsed.unfinished_suites()]
    if not parsed.begun and not parsed.results:
        incomplete.append(f"{where}: no benchmark output")
    return parsed, incomplete, outcome.seconds


def core_params(args, platform, parsed):
    params = {}
    if platform == "qemu":
        a = runner.qemu_args(rvc=getattr(args, "rvc_variant", False))
        params = {"emulator": runner.QEMU, "machine": a[a.index("-M") + 1],
                  "cpu": a[a.index("-cpu") + 1], "icount": a[a.index("-icount") + 1],
                  "memory": a[a.index("-m") + 1]}
    elif args.serial:
        params = {"serial_device": args.serial, "baud": args.baud}
    params.update(parsed.core)
    if args.core_params:
        try:
            with open(args.core_params) as f:
                extra = json.load(f)
        except (OSError, ValueError) as e:
            raise BenchError(f"{args.core_params}: cannot read core parameters: {e}") from None
        if not isinstance(extra, dict):
            raise BenchError(f"{args.core_params}: core parameters must be a JSON object")
        params.update(extra)
    return params


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="scripts/bench",
                                 description="Run Courier benchmarks and write JSON results.")
    ap.add_argument("--platform", choices=sorted(gbench_json.PLATFORMS), default=None)
    ap.add_argument("--config", default=None,
                    help="configuration (default: full; betrusted on betrusted and betrusted-sim)")
    ap.add_argument("--filter", default=None, help="only benchmarks whose name matches (regex)")
    ap.add_argument("--out", default=os.path.join(ROOT, "results"))
    ap.add_argument("--build", default=None, help="use this build tree; do not run CMake")
    ap.add_argument("--core-params", default=None, help="JSON file describing the core")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per image (default 120), or for the whole serial read (300)")
    ap.add_argument("--layouts", type=int, default=0, metavar="N",
                    help="also run N seeded kernel layouts of the same source and write "
                         "<platform>-<config>-layouts.json with their spread")
    ap.add_argument("--deploy-dir", default=None, metavar="DIR",
                    help="betrusted-sim: where the signed images go (default BUILD/deploy)")
    ap.add_argument("-j", "--jobs", type=int, default=None,
                    help="images run at once (default: the CPU count on sim platforms, 1 on qemu)")
    ap.add_argument("--serial", default=None, help="read a board's console from this device")
    ap.add_argument("--baud", type=int, default=115200)
    ap.add_argument("--replay", default=None, help="read a recorded console log instead")
    ap.add_argument("--manifest", default=None,
                    help="board: the manifest.json of the image it runs (scripts/deploy), "
                         "checked and recorded in the results")
    ap.add_argument("--settle", type=float, default=2.0,
                    help="serial: quiet seconds after the last suite ends before stopping")
    ap.add_argument("--workload", choices=("betrusted",), default=None,
                    help="run a workload's recorded session under every IPC strategy instead "
                         "of the microbenchmarks (default platforms: qemu, sim, "
                         "betrusted-sim); writes results/workloads/")
    ap.add_argument("--isa", choices=ISAS, default=None,
                    help="qemu and sim: images built for this ISA (default rv32ima; rv32imac "
                         "runs them on QEMU with c=true or on the core built with C, and "
                         "writes OUT/rvc/...)")
    args = ap.parse_args(argv)
    args.platform_given = args.platform
    args.out_given = args.out != os.path.join(ROOT, "results")
    board = args.serial or args.replay
    if args.serial and args.replay:
        ap.error("--serial and --replay are alternatives")
    args.platform = args.platform or ("betrusted" if board else "qemu")
    if args.layouts and (board or args.layouts < 2) and not args.workload:
        ap.error("--layouts N needs N >= 2 and a platform Courier runs (qemu, sim, "
                 "betrusted-sim), not a board")
    if args.manifest and not board:
        ap.error("--manifest names what a board runs: give it with --serial or --replay")
    if args.platform == "betrusted" and not board:
        ap.error("the betrusted platform is read from a board: give --serial DEV (or --replay)")
    # The Precursor's platforms default to the deployment configuration (DESIGN.md §9).
    args.config = args.config or ("betrusted" if args.platform.startswith("betrusted")
                                  else "full")
    if args.isa and args.platform not in ("qemu", "sim"):
        ap.error(f"--isa is for qemu and sim; {args.platform}'s ISA is its tree's "
                 "(betrusted: rv32imac)")
    args.rvc_variant = args.isa == "rv32imac"
    if args.rvc_variant and args.out == os.path.join(ROOT, "results"):
        args.out = os.path.join(ROOT, "results", "rvc")
    args.timeout_given = args.timeout is not None
    if args.timeout is None:
        args.timeout = 300.0 if board else 120.0
    if args.jobs is None:
        # The simulators are slow and deterministic whatever runs beside them: one image per
        # CPU. QEMU's runs are short; one at a time keeps its output live.
        args.jobs = (os.cpu_count() or 1) if args.platform in SIM_PRESETS else 1
    if args.jobs < 1:
        ap.error("-j needs at least 1")
    return args


def main(argv, run=None):
    args = parse_args(argv)
    args.started = time.monotonic()
    if args.workload:
        import workload
        platforms = ([args.platform_given] if args.platform_given
                     else ["qemu", "sim", "betrusted-sim"])
        if any(p not in ("qemu", "sim", "betrusted-sim") for p in platforms):
            print(f"bench: the {args.workload} workload runs on qemu, sim and betrusted-sim "
                  "(on a board, flash its image and read the console: not automated)",
                  file=sys.stderr)
            return 2
        out = args.out if args.out_given else workload.WORKLOAD_RESULTS
        try:
            jobs = args.jobs if any(a in ("-j", "--jobs") or a.startswith("--jobs=")
                                    for a in argv) else (os.cpu_count() or 1)
            return workload.bench(platforms, out, args.build, jobs, args.layouts)
        except (BenchError, workload.RecordingError) as e:
            print(f"bench: {e}", file=sys.stderr)
            return 1
    try:
        rx = re.compile(args.filter) if args.filter else None
    except re.error as e:
        print(f"bench: bad --filter {args.filter!r}: {e}", file=sys.stderr)
        return 2
    out_path = os.path.join(args.out, f"{args.platform}-{args.config}.json")
    try:
        return run_and_write(args, rx, out_path, run)
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1


def known_names(out_path):
    names = set(stable_names.expanded())
    try:
        names |= set(gbench_json.figures(gbench_json.load(out_path)))
    except gbench_json.ResultsError:
        pass
    return sorted(names)


def no_image_message(text, rx, names, images):
    labels = ", ".join(os.path.basename(i) for i in images)
    hits = [n for n in names if rx.search(n)]
    if hits:
        more = f" and {len(hits) - 3} more" if len(hits) > 3 else ""
        return (f"--filter {text!r} selects {', '.join(hits[:3])}{more}, but no image built "
                f"provides that suite (images: {labels})")
    return (f"--filter {text!r} matches no known benchmark name (known: "
            f"{stable_names.describe()}; images: {labels})")


def deploy_images(build, images, config, out_root=None):
    """Signs each benchmark image as scripts/deploy does (into BUILD/deploy/IMAGE/, with the
    tree's own key in BUILD/deploy/signing.key); returns (the slot images to run, their labels,
    what was deployed for the result's context)."""
    import deploy
    out_root = out_root or os.path.join(build, "deploy")
    try:
        info = deploy.check_build_tree(build, config)
        key, key_source, _ = deploy.get_key(None, out_root)
        rev, commit = deploy.revision(ROOT)
        slots, labels, deployed = [], {}, {"public_key": None, "images": {}}
        for elf in images:
            name = os.path.basename(elf)[:-len(".elf")]
            out = os.path.join(out_root, name)
            m = deploy.package(elf, out, key, key_source, info, rev, commit,
                               deploy.project_version(ROOT), name)
            slot = os.path.join(out, deploy.IMAGE)
            slots.append(slot)
            labels[slot] = f"{name} (deployed {deploy.IMAGE})"
            deployed["public_key"] = m["signature"]["public_key"]
            deployed["images"][name] = {"bytes": m["files"][deploy.IMAGE]["bytes"],
                                        "sha256": m["files"][deploy.IMAGE]["sha256"],
                                        "manifest": os.path.relpath(
                                            os.path.join(out, deploy.MANIFEST), ROOT)}
    except deploy.DeployError as e:
        raise BenchError(f"deploying the images: {e}") from None
    print(f"bench: signed {len(slots)} image{'s' if len(slots) != 1 else ''} as scripts/deploy "
          f"does ({os.path.relpath(out_root, ROOT)}/*/{deploy.IMAGE}); the model boots those",
          flush=True)
    return slots, labels, deployed


def board_manifest(path):
    """--manifest: the deployment a board runs (scripts/deploy's manifest.json), checked."""
    import deploy
    try:
        m = deploy.verify_deployment(os.path.dirname(os.path.abspath(path)) or ".")
    except deploy.DeployError as e:
        raise BenchError(f"--manifest {path}: {e}") from None
    return {"public_key": m["signature"]["public_key"],
            "images": {m["image"]: {"bytes": m["files"][deploy.IMAGE]["bytes"],
                                    "sha256": m["files"][deploy.IMAGE]["sha256"],
                                    "manifest": path, "git_revision": m["git_revision"]}}}


def measure_tree(args, rx, build, names, run, sim_stats, quiet_errors=False):
    """Runs the benchmark images of one build tree; returns (Parsed, incomplete reasons,
    seconds, the ELF images, what was deployed or None)."""
    images = sorted(glob.glob(os.path.join(build, "bench", "target", "bench_*.elf")))
    if not images:
        raise BenchError(f"no benchmark images under {build}/bench/target (build first)")
    chosen = select_images(images, rx, names)
    if not chosen:
        raise BenchError(no_image_message(args.filter, rx, names, images))
    labels, budgets, timeouts, deployed = None, {}, {}, None
    if args.platform in SIM_PRESETS:
        # Simulated time limits a sim run (the image's cycle budget); the wall clock is only
        # a backstop scaled to it, unless --timeout says otherwise.
        for elf in chosen:
            budget = runner.image_budget(elf)
            if budget:
                budgets[elf] = budget
                if not args.timeout_given:
                    timeouts[elf] = runner.backstop_seconds(budget)
    if args.platform == "betrusted-sim":
        # The Precursor's model boots what scripts/deploy writes, not the ELF.
        elfs = chosen
        chosen, labels, deployed = deploy_images(build, chosen, args.config, args.deploy_dir)
        budgets = {slot: budgets[elf] for slot, elf in zip(chosen, elfs) if elf in budgets}
        timeouts = {slot: timeouts[elf] for slot, elf in zip(chosen, elfs) if elf in timeouts}
    try:
        parsed, incomplete, seconds = run_images(chosen, args.platform, args.timeout, run,
                                                 sim_stats, labels, args.jobs, budgets,
                                                 timeouts)
    except (FileNotFoundError, ValueError) as e:
        raise BenchError(str(e)) from None
    return parsed, incomplete, seconds, images, deployed


def layout_tree(preset, seed, root=ROOT):
    return os.path.join(root, "build", "layouts", f"{preset}-seed{seed}")


def build_layout(preset, seed, targets, root=ROOT):
    """The preset's images with the kernel's functions ordered by `seed`, in their own tree."""
    tree = layout_tree(preset, seed, root)
    import sweep  # its lock: sweep points may build the same layout tree at once
    with sweep.locked(tree + ".lock"):
        return _build_layout(preset, seed, targets, root, tree)


def _build_layout(preset, seed, targets, root, tree):
    print(f"bench: building layout {seed} (preset {preset}, {os.path.relpath(tree, root)})",
          flush=True)
    for cmd in (["cmake", "--preset", preset, "-B", tree, f"-DCOURIER_LAYOUT_SEED={seed}"],
                ["cmake", "--build", tree, "-j2", "--target", *targets]):
        r = subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL)
        if r.returncode != 0:
            raise BenchError(f"'{' '.join(cmd)}' failed (status {r.returncode})")
    return tree


def layout_runs(args, rx, names, run, images, out_path, unperturbed):
    """--layouts N: the same benchmarks on N seeded kernel layouts; writes
    OUT/<platform>-<config>-layouts.json (repetitions with aggregates) beside the unperturbed
    file, and prints each headline benchmark's spread."""
    preset = image_preset(args.config, args.platform)
    if getattr(args, "rvc_variant", False):
        if args.config != "full":
            raise BenchError("--layouts with --isa rv32imac: only for the full configuration "
                             "(preset qemu-rvc)")
        preset = "qemu-rvc"
    targets = [os.path.basename(i)[:-len(".elf")] for i in images]
    runs, incomplete, stats = [], [], {}
    for seed in range(1, args.layouts + 1):
        tree = build_layout(preset, seed, targets)
        print(f"bench: layout {seed} of {args.layouts}", flush=True)
        parsed, inc, _, _, _ = measure_tree(args, rx, tree, names, run, stats)
        incomplete += [f"layout {seed}: {r}" for r in inc]
        runs.append((seed, {n: r for n, r in parsed.results.items()
                            if not rx or rx.search(n)}))
    base = {n: r for n, r in unperturbed.results.items() if not rx or rx.search(n)}
    context = {"courier_git_revision": git_revision(ROOT),
               "courier_layout_method": (
                   "kernel function order shuffled per seed (scripts/lib/layout.py: "
                   "-ffunction-sections, the seeded order INCLUDEd by kernel.ld; .text.hot "
                   "kept together); user programs and data unmoved"),
               "courier_core_params": core_params(args, args.platform, unperturbed)}
    if stats:
        context["courier_sim_stats"] = stats
    if incomplete:
        context["courier_incomplete"] = incomplete
    doc = gbench_json.layouts_document(args.platform, args.config, runs, base,
                                       {n: w for n, w in unperturbed.absent.items()
                                        if not rx or rx.search(n)}, context)
    path = out_path[:-len(".json")] + "-layouts.json"
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    gbench_json.write(path, doc)
    unit = gbench_json.PLATFORMS[args.platform]["counter_unit"]
    print(f"\n{'benchmark':34} {'unperturbed':>11} {'median':>9} {'min':>9} {'max':>9} "
          f"{'IQR':>8}  ({unit}, {args.layouts} layouts)")
    for name, sp in gbench_json.spreads(doc).items():
        print(f"{name:34} {sp.get('unperturbed', float('nan')):>11.0f} {sp['median']:>9.0f} "
              f"{sp['min']:>9.0f} {sp['max']:>9.0f} {sp['iqr']:>8.1f}")
    print(f"bench: wrote {path}")
    if incomplete:
        print("bench: layouts INCOMPLETE:\n  " + "\n  ".join(incomplete), file=sys.stderr)
    return incomplete


def run_and_write(args, rx, out_path, run):
    images, sim_stats, deployed, layouts_incomplete = [], {}, None, []
    wall = None
    if args.serial or args.replay:
        where = args.serial or args.replay
        if args.manifest:
            deployed = board_manifest(args.manifest)
        parsed, incomplete, seconds = read_board(args, where)
    else:
        if args.build:
            build = args.build
        elif args.rvc_variant:
            preset, tree, defines = rvc_images(args)
            build = build_with_preset(ROOT, preset, f"the {args.config} images with C", tree,
                                      defines)
        else:
            build = build_with_preset(ROOT, image_preset(args.config, args.platform),
                                      f"the {args.config} images")
        if args.platform in SIM_PRESETS and not args.build:
            sim_preset = "sim-rvc" if args.rvc_variant else SIM_PRESETS[args.platform]
            build_with_preset(ROOT, sim_preset, "the simulator")
        names = known_names(out_path)
        parsed, incomplete, seconds, images, deployed = measure_tree(
            args, rx, build, names, run, sim_stats)
        # The single build's own wall time: the layouts' builds and runs come on top of it.
        wall = time.monotonic() - args.started
        if args.layouts:
            layouts_incomplete = layout_runs(args, rx, names, run, images, out_path, parsed)
    for w in parsed.warnings:
        print(f"bench: warning: {w}", file=sys.stderr)
    for p in parsed.problems:
        print(f"bench: warning: {p}", file=sys.stderr)
        incomplete.append(f"rejected line: {p}")

    results = [r for r in parsed.results.values() if not rx or rx.search(r.name)]
    absent = {n: why for n, why in parsed.absent.items() if not rx or rx.search(n)}
    if rx and not results and not absent:
        seen = ", ".join(list(parsed.results) + list(parsed.absent)) or "none"
        raise BenchError(f"--filter {args.filter!r} matched no benchmark in this run "
                         f"(the run reported: {seen}); nothing written")

    context = {
        "courier_git_revision": git_revision(ROOT),
        "courier_core_params": core_params(args, args.platform, parsed),
        "courier_kernel_text_rodata": next((s for s in map(kernel_size, images) if s), None),
        "courier_run_seconds": round(seconds, 1),
        # The §7 wall-time target covers building as well as running.
        "courier_wall_seconds": round(wall if wall is not None else
                                      time.monotonic() - args.started, 1),
    }
    isas = sorted({"rv32imac" if runner.elf_rvc(i) else "rv32ima"
                   for i in images if runner.elf_entry(i) is not None})
    if isas:
        context["courier_isa"] = isas[0] if len(isas) == 1 else isas
    if args.platform == "qemu":
        c = "c=true" if "rv32imac" in isas else "c=false"
        context["courier_core"] = (f"QEMU virt rv32 (qemu-system-riscv32), "
                                   f"{c} f=false d=false h=false")
    hashes = {os.path.basename(i): loaded_sha256(i) for i in images}
    if any(hashes.values()):
        context["courier_images_sha256"] = {k: v for k, v in hashes.items() if v}
    if sim_stats:
        context["courier_sim_stats"] = sim_stats
    if deployed:
        context["courier_deployed"] = deployed
    if args.filter:
        context["courier_filter"] = args.filter
    if incomplete:
        context["courier_incomplete"] = incomplete
    doc = gbench_json.document(args.platform, args.config, results, absent, context)
    os.makedirs(args.out, exist_ok=True)
    gbench_json.write(out_path, doc)
    print_summary(args.platform, results, absent, incomplete, out_path)
    print(f"bench: {context['courier_wall_seconds']:.1f} s wall (build and run)")
    return 1 if incomplete or layouts_incomplete else 0


def print_summary(platform, results, absent, incomplete, out_path):
    unit = gbench_json.PLATFORMS[platform]["counter_unit"]
    print(f"\n{'benchmark':40} {'median':>10} {'min':>10}  ({unit} per operation)")
    for r in results:
        print(f"{r.name:40} {r.median:>10} {r.min:>10}")
    for name, reason in absent.items():
        print(f"{name:40} {'absent':>10}  ({reason})")
    if incomplete:
        print("bench: INCOMPLETE (kept and marked in the file):\n  " + "\n  ".join(incomplete),
              file=sys.stderr)
    print(f"\nbench: wrote {out_path}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
