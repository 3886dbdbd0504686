#!/usr/bin/python3
"""Bad input to courier-sim must give a clear message and a non-zero exit, never a crash.

usage: harness_errors.py COURIER_SIM WORKDIR

Builds small malformed inputs in WORKDIR (missing file, not an ELF, ELF for another machine,
64-bit ELF, segment outside RAM, truncated headers, bad usage, an --rx file that cannot be read
or --rx's options without it) and checks each run's exit status
and the message on stderr; also that --max-cycles stops a spinning image with 124 and that
--trace writes a file. Then bad use of the tohost convention: tohost/fromhost outside RAM or
misaligned, an exit code past 255, a syscall block outside RAM, no fromhost, a command left half
written, an unknown device: each a note, never a crash or a wrong pass.
"""
import os
import struct
import subprocess
import sys

EM_RISCV = 243
EM_X86_64 = 62


def elf32(machine=EM_RISCV, paddr=0x80000000, filesz=16, memsz=16, truncate=None, flags=0):
    """A minimal ELF32 LE executable with one PT_LOAD segment of `filesz` bytes."""
    ehsize, phsize = 52, 32
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    eh = ident + struct.pack("<HHIIIIIHHHHHH", 2, machine, 1, paddr, ehsize, 0, flags, ehsize,
                             phsize, 1, 40, 0, 0)
    ph = struct.pack("<IIIIIIII", 1, ehsize + phsize, paddr, paddr, filesz, memsz, 7, 4)
    data = eh + ph + bytes(filesz)
    return data[:truncate] if truncate else data


def store_program(stores, data=b"", data_at=0x100):
    """An image at RAM's base whose code stores each (address, value) word in turn and spins,
    with `data` at offset data_at."""
    def li(rd, value):
        hi = ((value + 0x800) >> 12) & 0xFFFFF
        lo = (value - (hi << 12)) & 0xFFF
        return [(hi << 12) | (rd << 7) | 0x37, (lo << 20) | (rd << 15) | (rd << 7) | 0x13]
    code = []
    for addr, value in stores:
        code += li(5, addr) + li(6, value) + [(6 << 20) | (5 << 15) | (2 << 12) | 0x23]  # sw t1, 0(t0)
    code.append(0x0000006F)  # j .
    body = b"".join(struct.pack("<I", w) for w in code)
    assert len(body) <= data_at
    body = body.ljust(data_at, b"\0") + data
    return elf32(filesz=len(body), memsz=len(body))[:-len(body)] + body


# A valid image that spins forever.
SPIN = elf32(filesz=16)[:-16] + struct.pack("<I", 0x0000006F) * 4

RAM = 0x80000000
TOHOST, FROMHOST = RAM + 0x200, RAM + 0x208
BLOCK = RAM + 0x100  # SYS_write(1, "hi\n", 3): the block, then the text
WRITE_HI = struct.pack("<8Q", 64, 1, BLOCK + 0x40, 3, 0, 0, 0, 0) + b"hi\n"
HTIF = ["--tohost", hex(TOHOST), "--fromhost", hex(FROMHOST)]


def tohost_writes(value):
    """Stores of a 64-bit tohost value, low half first."""
    return [(TOHOST, value & 0xFFFFFFFF), (TOHOST + 4, value >> 32)]


CASES = [
    # name, file contents (None: do not create), extra args, expected exit, message fragment
    # [, the exact console output]
    ("missing", None, [], 2, "cannot open"),
    ("not_elf", b"#!/bin/sh\necho hello\n", [], 2, "not an ELF"),
    ("empty", b"", [], 2, "not an ELF"),
    ("elf64", b"\x7fELF" + bytes([2, 1, 1]) + bytes(57), [], 2, "32-bit"),
    ("wrong_machine", elf32(machine=EM_X86_64), [], 2, "not RISC-V"),
    ("outside_ram", elf32(paddr=0x40000000), [], 2, "outside RAM"),
    # EF_RISCV_RVC on a model built without C (the preset `sim` model this test runs on).
    ("needs_c", elf32(flags=0x1), [], 2, "uses compressed instructions"),
    ("past_ram_end", elf32(paddr=0x807FFFF8, filesz=16, memsz=16), [], 2, "outside RAM"),
    ("huge_bss", elf32(memsz=0x10000000), [], 2, "outside RAM"),
    ("truncated_phdrs", elf32(truncate=60), [], 2, "program header"),
    ("segment_past_eof", elf32(filesz=16)[:-8], [], 2, "outside the file"),
    ("bad_option", b"", ["--frobnicate"], 2, "unknown option"),
    ("bad_number", b"", ["--max-cycles", "lots"], 2, "needs a number"),
    # A valid image that spins forever must stop at --max-cycles with 124.
    ("spins", SPIN, ["--max-cycles", "1000"], 124, "max cycles"),
    # --rx: an input file that cannot be read, and its options without it.
    ("rx_missing", SPIN, ["--rx", "/nonexistent/courier-rx-input"], 2,
     "cannot read --rx file '/nonexistent/courier-rx-input': No such file or directory"),
    ("rx_directory", SPIN, ["--rx", "/"], 2, "cannot read --rx file '/': Is a directory"),
    ("rx_pace_alone", SPIN, ["--rx-pace", "ready"], 2, "--rx-pace and --rx-gap need --rx FILE"),
    ("rx_gap_alone", SPIN, ["--rx-gap", "10"], 2, "--rx-pace and --rx-gap need --rx FILE"),
    ("rx_bad_gap", SPIN, ["--rx", "/", "--rx-gap", "soon"], 2, "--rx-gap needs a number"),
    ("rx_empty_pace", SPIN, ["--rx", "/", "--rx-pace", ""], 2, "--rx-pace needs a non-empty"),
    # The tohost convention.
    ("tohost_outside_ram", store_program([]), ["--tohost", "0x1000", "--max-cycles", "1000"],
     124, "tohost at 0x00001000 is not two aligned words in RAM"),
    ("tohost_misaligned", store_program([]), ["--tohost", "0x80000202", "--max-cycles", "1000"],
     124, "the tohost convention is off"),
    ("tohost_past_ram_end", store_program([]), ["--tohost", "0x807ffffc", "--max-cycles", "1000"],
     124, "not two aligned words in RAM"),
    ("fromhost_misaligned", store_program([]),
     ["--tohost", hex(TOHOST), "--fromhost", "0x80000209", "--max-cycles", "1000"], 124,
     "fromhost at 0x80000209 is not two aligned words in RAM"),
    ("bad_fromhost_number", b"", ["--fromhost", "here"], 2, "needs a number"),
    ("exit_code_too_big", store_program(tohost_writes((300 << 1) | 1)), HTIF, 255,
     "tohost exit value 0x0000012c does not fit an exit status; exiting with 255"),
    ("block_outside_ram", store_program(tohost_writes(0x10)), HTIF + ["--max-cycles", "2000"],
     124, "syscall block at 0x10 (64 bytes) reaches outside RAM"),
    ("block_past_ram_end", store_program(tohost_writes(0x807FFFF8)),
     HTIF + ["--max-cycles", "2000"], 124, "syscall block at 0x807ffff8 (64 bytes) reaches"),
    ("no_fromhost", store_program(tohost_writes(BLOCK), WRITE_HI),
     ["--tohost", hex(TOHOST), "--max-cycles", "2000"], 124,
     "got no reply: there is no fromhost", "hi\n"),
    ("half_written", store_program([(TOHOST, 0x68)]), HTIF + ["--max-cycles", "2000"], 124,
     "tohost=0x0000000000000068 at the end, not acted on: only its low half was written"),
    ("unknown_device", store_program(tohost_writes(2 << 56 | 7)), HTIF + ["--max-cycles", "2000"],
     124, "device 2 command 0 is not served"),
]


def main():
    # COURIER_SIM overrides the path, as it does for scripts/run-image.
    sim, work = os.environ.get("COURIER_SIM", sys.argv[1]), sys.argv[2]
    if not os.path.isfile(sim):
        print(f"harness_errors: simulator not built: {sim}")
        return 1
    os.makedirs(work, exist_ok=True)
    failures = 0
    for name, contents, extra, want_status, want_msg, *want_out in CASES:
        path = os.path.join(work, name + ".elf")
        if contents is None:
            if os.path.exists(path):
                os.remove(path)
        else:
            with open(path, "wb") as f:
                f.write(contents)
        proc = subprocess.run([sim, *extra, path], capture_output=True, text=True, timeout=30)
        ok = proc.returncode == want_status and want_msg in proc.stderr and \
            (not want_out or proc.stdout == want_out[0])
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
