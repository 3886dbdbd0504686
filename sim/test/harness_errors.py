#!/usr/bin/python3
"""Bad input to courier-sim must give a clear message and a non-zero exit, never a crash.

usage: harness_errors.py COURIER_SIM WORKDIR

Builds small malformed inputs in WORKDIR (missing file, not an ELF, ELF for another machine,
64-bit ELF, segment outside RAM, truncated headers, bad usage) and checks each run's exit status
and the message on stderr; also that --max-cycles stops a spinning image with 124 and that
--trace writes a file.
"""
import os
import struct
import subprocess
import sys

EM_RISCV = 243
EM_X86_64 = 62


def elf32(machine=EM_RISCV, paddr=0x80000000, filesz=16, memsz=16, truncate=None):
    """A minimal ELF32 LE executable with one PT_LOAD segment of `filesz` bytes."""
    ehsize, phsize = 52, 32
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    eh = ident + struct.pack("<HHIIIIIHHHHHH", 2, machine, 1, paddr, ehsize, 0, 0, ehsize,
                             phsize, 1, 40, 0, 0)
    ph = struct.pack("<IIIIIIII", 1, ehsize + phsize, paddr, paddr, filesz, memsz, 7, 4)
    data = eh + ph + bytes(filesz)
    return data[:truncate] if truncate else data


CASES = [
    # name, file contents (None: do not create), extra args, expected exit, message fragment
    ("missing", None, [], 2, "cannot open"),
    ("not_elf", b"#!/bin/sh\necho hello\n", [], 2, "not an ELF"),
    ("empty", b"", [], 2, "not an ELF"),
    ("elf64", b"\x7fELF" + bytes([2, 1, 1]) + bytes(57), [], 2, "32-bit"),
    ("wrong_machine", elf32(machine=EM_X86_64), [], 2, "not RISC-V"),
    ("outside_ram", elf32(paddr=0x40000000), [], 2, "outside RAM"),
    ("past_ram_end", elf32(paddr=0x807FFFF8, filesz=16, memsz=16), [], 2, "outside RAM"),
    ("huge_bss", elf32(memsz=0x10000000), [], 2, "outside RAM"),
    ("truncated_phdrs", elf32(truncate=60), [], 2, "program header"),
    ("segment_past_eof", elf32(filesz=16)[:-8], [], 2, "outside the file"),
    ("bad_option", b"", ["--frobnicate"], 2, "unknown option"),
    ("bad_number", b"", ["--max-cycles", "lots"], 2, "needs a number"),
    # A valid image that spins forever must stop at --max-cycles with 124.
    ("spins", elf32(filesz=16) [:-16] + struct.pack("<I", 0x0000006F) * 4,
     ["--max-cycles", "1000"], 124, "max cycles"),
]


def main():
    # COURIER_SIM overrides the path, as it does for scripts/run-image.
    sim, work = os.environ.get("COURIER_SIM", sys.argv[1]), sys.argv[2]
    if not os.path.isfile(sim):
        print(f"harness_errors: simulator not built: {sim}")
        return 1
    os.makedirs(work, exist_ok=True)
    failures = 0
    for name, contents, extra, want_status, want_msg in CASES:
        path = os.path.join(work, name + ".elf")
        if contents is None:
            if os.path.exists(path):
                os.remove(path)
        else:
            with open(path, "wb") as f:
                f.write(contents)
        proc = subprocess.run([sim, *extra, path], capture_output=True, text=True, timeout=30)
        ok = proc.returncode == want_status and want_msg in proc.stderr
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {proc.returncode} "
              f"(want {want_status}); stderr: {proc.stderr.strip().splitlines()[-1:]}")
        failures += not ok
    # --trace writes an FST file (a spinning image stopped by --max-cycles).
    trace = os.path.join(work, "spins.fst")
    if os.path.exists(trace):
        os.remove(trace)
    spins = os.path.join(work, "spins.elf")
    proc = subprocess.run([sim, "--trace", trace, "--trace-start", "10", "--max-cycles", "200",
                           spins], capture_output=True, text=True, timeout=30)
    ok = proc.returncode == 124 and os.path.getsize(trace) > 0 if os.path.exists(trace) else False
    print(f"{'ok  ' if ok else 'FAIL'} trace: exit {proc.returncode}, "
          f"{trace} {'written' if os.path.exists(trace) else 'missing'}")
    failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
