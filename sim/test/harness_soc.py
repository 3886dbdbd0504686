#!/usr/bin/python3
"""Each simulator model refuses an image built for the other SoC (exit 2, a message naming both
maps), and the betrusted model's flash loading works: ELF segments by physical address, raw
files with --flash FILE[@OFFSET] (default offset: the loader slot), a refusal when nothing is at
the boot ROM's jump target, SIMEXIT's value as the exit status, tohost in SRAM and --trace.

usage: harness_soc.py VIRT_SIM BETRUSTED_SIM VIRT_ELF BETRUSTED_ELF WORKDIR
"""
import os
import struct
import subprocess
import sys

EM_RISCV = 243


def words(*ws):
    return b"".join(struct.pack("<I", w) for w in ws)


def simexit_code(status_insn):
    """lui t0, 0xF003F; <status_insn: t1 = status>; sw t1, 0(t0); j ."""
    return words(0xF003F2B7, status_insn, 0x0062A023, 0x0000006F)


EXIT5 = simexit_code(0x00500313)        # li t1, 5
EXIT_BIG = simexit_code(0x00001337)     # lui t1, 1: 0x1000 does not fit an exit status
# lui t0, 0x40000; li t1, (3 << 1) | 1; sw t1, 0(t0); j .  -- tohost at the start of SRAM
TOHOST3 = words(0x400002B7, 0x00700313, 0x0062A023, 0x0000006F)


def elf32(segments, entry=0x20501000):
    """A minimal ELF32 LE RISC-V executable; segments: [(paddr, data, memsz)]."""
    ehsize, phsize = 52, 32
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    eh = ident + struct.pack("<HHIIIIIHHHHHH", 2, EM_RISCV, 1, entry, ehsize, 0, 0, ehsize,
                             phsize, len(segments), 40, 0, 0)
    off = ehsize + phsize * len(segments)
    phs, body = b"", b""
    for paddr, data, memsz in segments:
        phs += struct.pack("<IIIIIIII", 1, off + len(body), paddr, paddr, len(data), memsz, 7, 4)
        body += data
    return eh + phs + body


def main():
    virt_sim, bt_sim, virt_elf, bt_elf, work = sys.argv[1:6]
    for sim in (virt_sim, bt_sim):
        if not os.path.isfile(sim):
            print(f"harness_soc: simulator not built: {sim} (skipped)")
            return 77  # CTest's SKIP_RETURN_CODE for this test
    os.makedirs(work, exist_ok=True)

    def path(name, contents):
        p = os.path.join(work, name)
        with open(p, "wb") as f:
            f.write(contents)
        return p

    raw_slot = path("slot.bin", b"\xff" * 4096 + EXIT5)  # signature page, then code
    raw_code = path("code.bin", EXIT5)
    cases = [
        # name, simulator, arguments, expected exit, stderr fragments
        ("virt_image_on_betrusted", bt_sim, [virt_elf], 2, ["virt SoC", "betrusted SoC"]),
        ("betrusted_image_on_virt", virt_sim, [bt_elf], 2, ["virt SoC", "betrusted SoC"]),
        ("elf_in_flash", bt_sim, [path("flash.elf", elf32([(0x20501000, EXIT5, 16)]))], 5,
         ["soc=betrusted"]),
        ("elf_flash_and_sram", bt_sim,
         [path("both.elf", elf32([(0x20501000, EXIT5, 16), (0x40000000, bytes(8), 64)]))], 5, []),
        ("sram_overrun", bt_sim,
         [path("overrun.elf", elf32([(0x20501000, EXIT5, 16), (0x40fffff8, bytes(8), 16)]))], 2,
         ["lies outside flash 0x20000000..0x28000000, SRAM 0x40000000..0x41000000"]),
        ("raw_loader_slot", bt_sim, ["--flash", raw_slot], 5, []),
        ("raw_at_offset", bt_sim, ["--flash", raw_code + "@0x501000"], 5, []),
        ("raw_nothing_at_entry", bt_sim, ["--flash", raw_code + "@0x600000"], 2,
         ["nothing is loaded at 0x20501000"]),
        ("raw_past_flash", bt_sim, ["--flash", raw_code + "@0x7fffffc"], 2, ["past the 128 MiB"]),
        ("raw_missing", bt_sim, ["--flash", os.path.join(work, "absent.bin")], 2, ["cannot open"]),
        ("flash_on_virt", virt_sim, ["--flash", raw_code, virt_elf], 2, ["no flash"]),
        ("simexit_too_big", bt_sim, [path("big.elf", elf32([(0x20501000, EXIT_BIG, 16)]))], 255,
         ["does not fit an exit status"]),
        ("tohost_in_sram", bt_sim,
         ["--tohost", "0x40000000", path("tohost.elf", elf32([(0x20501000, TOHOST3, 16)]))], 3, []),
        ("trace", bt_sim, ["--trace", os.path.join(work, "bt.fst"), "--max-cycles", "200",
                           os.path.join(work, "flash.elf")], 5, []),
        ("help_names_soc", bt_sim, ["--help"], 2, ["betrusted SoC", "--flash"]),
        ("help_names_virt", virt_sim, ["--help"], 2, ["virt SoC"]),
    ]
    failures = 0
    for name, sim, args, want_status, want_msgs in cases:
        proc = subprocess.run([sim, "--max-cycles", "100000", *args], capture_output=True,
                              text=True, timeout=30)
        ok = proc.returncode == want_status and all(m in proc.stderr for m in want_msgs)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {proc.returncode} (want {want_status}); "
              f"stderr: {proc.stderr.strip().splitlines()[-2:]}")
        failures += not ok
    fst = os.path.join(work, "bt.fst")
    if not (os.path.exists(fst) and os.path.getsize(fst) > 0):
        print(f"FAIL trace: {fst} not written")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
