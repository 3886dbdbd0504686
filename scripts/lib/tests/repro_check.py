#!/usr/bin/python3
"""CTest driver (repro/loaded_bytes): the same source gives the same loaded bytes whatever the
commit is called, whether the tree is dirty, where the checkout is and what the build folder is
named (issue 16).

It copies the checkout's tracked files to another path, configures them with the same preset
into another folder name with another revision string (COURIER_REVISION_OVERRIDE), builds the
given targets, and compares every loaded segment (addresses, sizes, bytes) of each image and
user program with the reference tree's. The revision must still be readable: the kernel's
.courier.revision section (not loaded) carries it.

usage: repro_check.py --source DIR --reference BUILD --preset NAME TARGET...
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import deploy  # noqa: E402  (its ELF reader)

OTHER_REVISION = "0000000-other-dirty"


def loaded(path):
    _, segments, sections = deploy.read_elf(path)
    return [(p, v, m, data) for p, v, _, m, data in segments if m], sections


def find(tree, name):
    for dirpath, _, files in os.walk(tree):
        if name + ".elf" in files and "CMakeFiles" not in dirpath:
            return os.path.join(dirpath, name + ".elf")
    return None


def tracked_files(source):
    """The checkout's files: git's tracked ones, or, outside a git checkout, every file but the
    build trees."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=source, capture_output=True,
                             check=True)
        return [f for f in out.stdout.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for dirpath, dirs, names in os.walk(source):
            dirs[:] = [d for d in dirs if d not in ("build", ".git", "deploy")]
            files += [os.path.relpath(os.path.join(dirpath, n), source) for n in names]
        return files


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--preset", required=True)
    ap.add_argument("targets", nargs="+")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="courier-repro-") as tmp:
        src = os.path.join(tmp, "another", "checkout")
        for f in tracked_files(args.source):
            if os.path.isfile(os.path.join(args.source, f)):  # deleted but tracked: skip
                os.makedirs(os.path.dirname(os.path.join(src, f)), exist_ok=True)
                shutil.copy2(os.path.join(args.source, f), os.path.join(src, f))
        build = os.path.join(tmp, "elsewhere-build")
        for cmd in (["cmake", "--preset", args.preset, "-B", build,
                     f"-DCOURIER_REVISION_OVERRIDE={OTHER_REVISION}"],
                    ["cmake", "--build", build, "-j2", "--target", *args.targets]):
            if subprocess.run(cmd, cwd=src, stdout=subprocess.DEVNULL).returncode != 0:
                print(f"repro: FAIL: {' '.join(cmd)}")
                return 1
        failures, compared = [], 0
        for target in args.targets:
            ref, other = find(args.reference, target), find(build, target)
            if not ref or not other:
                failures.append(f"{target}: not built in {'the reference' if not ref else build}")
                continue
            (a, a_sec), (b, b_sec) = loaded(ref), loaded(other)
            compared += 1
            if a != b:
                diff = [f"{s[0]:#010x}" for s, t in zip(a, b) if s != t] or ["segment count"]
                failures.append(f"{target}: loaded bytes differ ({', '.join(diff)})")
            if ".courier.revision" in b_sec:
                text = b_sec[".courier.revision"][2].rstrip(b"\0").decode()
                if OTHER_REVISION not in text:
                    failures.append(f"{target}: .courier.revision says {text!r}")
                print(f"repro: {target}: {sum(len(s[3]) for s in a)} loaded bytes identical; "
                      f"revisions {a_sec['.courier.revision'][2].rstrip(bytes(1)).decode()!r} "
                      f"and {text!r}")
            else:
                print(f"repro: {target}: {sum(len(s[3]) for s in a)} loaded bytes identical")
        for f in failures:
            print(f"repro: FAIL: {f}")
        return 1 if failures or not compared else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
