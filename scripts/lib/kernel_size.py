#!/usr/bin/python3
"""Print an image's section sizes and the kernel's .text + .rodata (DESIGN.md §7 budget).

Runs the toolchain's `size -A` (the figures come from riscv64-unknown-elf-size), prints its
table, then one summary line; the boot archive (user programs) is not kernel code and is
reported separately. Also writes IMAGE.size.json for the report.
"""
import argparse
import json
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="riscv64-unknown-elf-size")
    ap.add_argument("--config", default="full")
    ap.add_argument("image")
    args = ap.parse_args()
    out = subprocess.run([args.size, "-A", "-d", args.image], check=True, capture_output=True,
                         text=True).stdout
    sections = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith("."):
            sections[parts[0]] = int(parts[1])
    sys.stdout.write(out)
    text, rodata = sections.get(".text", 0), sections.get(".rodata", 0)
    print(f"kernel size ({args.config}): .text {text} + .rodata {rodata} = {text + rodata} bytes; "
          f".data {sections.get('.data', 0)}, .bss {sections.get('.bss', 0)}, "
          f"boot archive {sections.get('.boot_archive', 0)} bytes")
    with open(args.image + ".size.json", "w") as f:
        json.dump({"config": args.config, "sections": sections, "text_rodata": text + rodata}, f,
                  indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
