#!/usr/bin/python3
"""CTest driver of the deploy round trip (betrusted-sim/deployed/NAME): scripts/deploy writes an
image of this build tree into a temporary folder, exactly as a user runs it (no --key: the key
is made there); its payload must be what `objcopy -O binary` makes of the ELF, the folder must
pass `scripts/deploy --verify`, and then the Precursor's model boots that image.bin from flash
offset 0x50_0000 with the same console checks as the ELF's own test.

usage: deploy_round_trip.py --build DIR --config NAME --image NAME --elf PATH --objcopy TOOL
                            [--workload] -- RUN-IMAGE-ARGS...   (the image file is appended)
--workload: the image is the Betrusted workload's: the booted image.bin is checked by
scripts/lib/workload.py check (its recorded session, typed into the KEYBOARD) instead.
"""
import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def main(argv):
    split = argv.index("--")
    ap = argparse.ArgumentParser()
    for opt in ("--build", "--config", "--image", "--elf", "--objcopy"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--workload", action="store_true")
    args = ap.parse_args(argv[:split])
    with tempfile.TemporaryDirectory(prefix="courier-deploy-") as out:
        cmd = [os.path.join(ROOT, "scripts", "deploy"), "--build", args.build, "--config",
               args.config, "--image", args.image, "--out", out]
        print("round trip:", " ".join(cmd), flush=True)
        if subprocess.run(cmd).returncode != 0:
            print("round trip: FAIL: scripts/deploy failed")
            return 1
        got = sorted(os.listdir(out))
        if got != ["image.bin", "manifest.json", "payload.bin", "signing.key"]:
            print(f"round trip: FAIL: the folder holds {got}")
            return 1
        ref = os.path.join(out, "objcopy.bin")
        subprocess.run([args.objcopy, "-O", "binary", args.elf, ref], check=True)
        with open(ref, "rb") as a, open(os.path.join(out, "payload.bin"), "rb") as b:
            if a.read() != b.read():
                print(f"round trip: FAIL: payload.bin is not objcopy -O binary of {args.elf}")
                return 1
        os.remove(ref)
        if subprocess.run([os.path.join(ROOT, "scripts", "deploy"), "--verify",
                           out]).returncode != 0:
            print("round trip: FAIL: the deployment does not verify")
            return 1
        run = [os.path.join(ROOT, "scripts", "run-image"), "--platform", "betrusted-sim",
               *argv[split + 1:], os.path.join(out, "image.bin")]
        if args.workload:
            run = [sys.executable, os.path.join(ROOT, "scripts", "lib", "workload.py"), "check",
                   "--platform", "betrusted-sim", "--image", os.path.join(out, "image.bin")]
        print("round trip:", " ".join(run), flush=True)
        return subprocess.run(run).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
