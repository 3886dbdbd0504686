#!/usr/bin/python3
"""Pack user ELF programs into a Courier boot archive (format: ipc/include/courier/abi/boot_archive.h).

The kernel never parses ELF; this host-side packer reads each program's PT_LOAD segments and
writes fixed little-endian records plus the segment data, each segment's data placed at an
archive offset congruent to its virtual address modulo 4096. It also writes a one-line
assembly file that pulls the archive into the kernel image's .boot_archive section.

usage: mkarchive.py --bin OUT.bin --asm OUT.S [--stack BYTES] NAME=PROGRAM.elf ...
"""
import argparse
import struct
import sys

MAGIC = 0x41425243
VERSION = 1
PAGE = 4096
EM_RISCV = 243
PT_LOAD = 1
PF_X, PF_W, PF_R = 1, 2, 4
SEG_READ, SEG_WRITE, SEG_EXEC = 1, 2, 4
NAME_LEN = 16


class PackError(Exception):
    pass


def read_elf(path):
    """Returns (entry, [(vaddr, memsz, data, flags)]) for a 32-bit little-endian RISC-V ELF."""
    try:
        with open(path, "rb") as f:
            blob = f.read()
    except OSError as e:
        raise PackError(f"{path}: {e.strerror}") from e
    if len(blob) < 52 or blob[:4] != b"\x7fELF":
        raise PackError(f"{path}: not an ELF file")
    if blob[4] != 1 or blob[5] != 1:
        raise PackError(f"{path}: not a 32-bit little-endian ELF")
    (e_type, e_machine, _, e_entry, e_phoff, _, _, _, e_phentsize, e_phnum) = struct.unpack_from(
        "<HHIIIIIHHH", blob, 16)
    if e_machine != EM_RISCV or e_type != 2:
        raise PackError(f"{path}: not a RISC-V executable")
    segs = []
    for i in range(e_phnum):
        off = e_phoff + i * e_phentsize
        if off + 32 > len(blob):
            raise PackError(f"{path}: program header {i} outside the file")
        p_type, p_offset, p_vaddr, _, p_filesz, p_memsz, p_flags, _ = struct.unpack_from("<8I", blob, off)
        if p_type != PT_LOAD or p_memsz == 0:
            continue
        if p_offset + p_filesz > len(blob):
            raise PackError(f"{path}: segment {i} data outside the file")
        flags = (SEG_READ if p_flags & PF_R else 0) | (SEG_WRITE if p_flags & PF_W else 0) | (
            SEG_EXEC if p_flags & PF_X else 0)
        segs.append((p_vaddr, p_memsz, blob[p_offset:p_offset + p_filesz], flags | SEG_READ))
    if not segs:
        raise PackError(f"{path}: no loadable segments")
    return e_entry, segs


def pack(programs, stack):
    procs, seg_records, datas = [], [], []
    for name, path in programs:
        entry, segs = read_elf(path)
        encoded = name.encode()
        if len(encoded) >= NAME_LEN:
            raise PackError(f"process name '{name}' is longer than {NAME_LEN - 1} bytes")
        procs.append((encoded, entry, len(seg_records), len(segs)))
        for seg in segs:
            seg_records.append(seg)
    header_len = 20 + 32 * len(procs) + 20 * len(seg_records)
    offset = header_len
    placed = []
    for vaddr, memsz, data, flags in seg_records:
        # Data starts where offset % PAGE == vaddr % PAGE (whole pages can be handed over).
        offset += (vaddr - offset) % PAGE
        placed.append((vaddr, memsz, len(data), offset, flags))
        datas.append((offset, data))
        offset += len(data)
    total = offset
    out = bytearray(total)
    struct.pack_into("<5I", out, 0, MAGIC, VERSION, total, len(procs), len(seg_records))
    pos = 20
    for encoded, entry, first, count in procs:
        struct.pack_into("<16s4I", out, pos, encoded, entry, first, count, stack)
        pos += 32
    for rec in placed:
        struct.pack_into("<5I", out, pos, *rec)
        pos += 20
    for off, data in datas:
        out[off:off + len(data)] = data
    return bytes(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--asm", required=True)
    ap.add_argument("--stack", type=int, default=16384)
    ap.add_argument("programs", nargs="+", metavar="NAME=ELF")
    args = ap.parse_args(argv)
    programs = []
    for spec in args.programs:
        name, sep, path = spec.partition("=")
        if not sep:
            ap.error(f"expected NAME=ELF, got '{spec}'")
        programs.append((name, path))
    try:
        blob = pack(programs, args.stack)
    except PackError as e:
        print(f"mkarchive: {e}", file=sys.stderr)
        return 1
    with open(args.bin, "wb") as f:
        f.write(blob)
    with open(args.asm, "w") as f:
        f.write(f'  .section .boot_archive, "a"\n  .incbin "{args.bin}"\n')
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
