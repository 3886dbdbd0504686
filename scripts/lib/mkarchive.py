#!/usr/bin/python3
"""Pack user ELF programs into a Courier boot archive (format: ipc/include/courier/abi/boot_archive.h).

The kernel never parses ELF; this host-side packer reads each program's PT_LOAD segments and
writes fixed little-endian records plus the segment data, each segment's data placed at an
archive offset congruent to its virtual address modulo 4096. It also writes a one-line
assembly file that pulls the archive into the kernel image's .boot_archive section.

Reserved SIDs (--reserve NAME=SID, repeatable) say which process alone may register a SID; SID
is four words "w0,w1,w2,w3" (each decimal or 0x-hex) or "text:STRING", the string's bytes
(at most 16) zero-padded, read as four little-endian words ("text:courier.log" is the log's).

Priorities (--priority NAME=PRIO[:MAX], repeatable) give a process its first thread's priority
and its ceiling, the most urgent priority its threads may use (0 is the most urgent; MAX
defaults to PRIO, and MAX <= PRIO); processes not named get --default-priority for both.
Interrupt lines (--irq NAME=LINE[,LINE...], repeatable, cumulative) are the lines a process may
claim; a process not named may claim none. NAME must be exactly one process of the archive.

The boot seed (256 bits) comes from os.urandom for every archive written, unless --seed gives
64 hex digits: the image's seed is then SHA-256(seed || label), so a reproducible build still
gives every image (--label, its name) a seed of its own.

usage: mkarchive.py --bin OUT.bin --asm OUT.S [--stack BYTES] [--seed HEX64 --label NAME]
                    [--reserve NAME=SID ...] [--priority NAME=PRIO[:MAX] ...]
                    [--irq NAME=LINE[,LINE...] ...] [--default-priority PRIO]
                    NAME=PROGRAM.elf ...
"""
import argparse
import hashlib
import os
import struct
import sys

MAGIC = 0x41425243
VERSION = 3
HEADER_FMT = "<6I8I"  # magic, version, total, processes, segments, reserved SIDs, seed[8]
HEADER_LEN = struct.calcsize(HEADER_FMT)
# name, entry, first segment, segment count, stack, priority, ceiling, interrupt lines
PROC_FMT = "<16s7I"
PROC_LEN, SEG_LEN, RESERVED_LEN = 44, 20, 20
PRIORITIES = 8  # abi::kPriorities
DEFAULT_PRIORITY = 4  # abi::kDefaultPriority
IRQ_LINES = 32  # the mask is one word; line 0 is no line (the kernel checks its platform's)
MAX_RESERVED = 16
SEED_LEN = 32
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


def parse_sid(text):
    """A SID as four 32-bit words, from "w0,w1,w2,w3" or "text:STRING"."""
    if text.startswith("text:"):
        raw = text[5:].encode()
        if not raw or len(raw) > 16:
            raise PackError(f"SID text '{text[5:]}' must be 1 to 16 bytes")
        return list(struct.unpack("<4I", raw.ljust(16, b"\0")))
    parts = text.split(",")
    try:
        words = [int(p, 0) for p in parts]
    except ValueError:
        words = []
    if len(words) != 4 or any(w < 0 or w > 0xFFFFFFFF for w in words):
        raise PackError(f"SID '{text}' is not four 32-bit words w0,w1,w2,w3 nor text:STRING")
    if not any(words):
        raise PackError("the all-zero SID asks for a random SID; it cannot be reserved")
    return words


def parse_priority(text):
    """(priority, ceiling) from "PRIO" or "PRIO:MAX"."""
    prio, sep, ceiling = text.partition(":")
    try:
        p = int(prio, 0)
        m = int(ceiling, 0) if sep else p
    except ValueError:
        raise PackError(f"priority '{text}' is not PRIO or PRIO:MAX") from None
    if not (0 <= m < PRIORITIES and 0 <= p < PRIORITIES):
        raise PackError(f"priority '{text}': priorities are 0 .. {PRIORITIES - 1}")
    if p < m:
        raise PackError(f"priority '{text}': the first thread ({p}) is more urgent than the "
                        f"ceiling ({m})")
    return p, m


def parse_lines(text):
    """The interrupt-line mask of "LINE[,LINE...]"."""
    mask = 0
    for part in text.split(","):
        try:
            line = int(part, 0)
        except ValueError:
            raise PackError(f"interrupt line '{part}' is not a number") from None
        if not 1 <= line < IRQ_LINES:
            raise PackError(f"interrupt line {line} is outside 1 .. {IRQ_LINES - 1}")
        mask |= 1 << line
    return mask


def image_seed(seed_hex, label):
    """The archive's 32 seed bytes: fresh from os.urandom, or derived from the build's seed."""
    if seed_hex is None:
        return os.urandom(SEED_LEN)
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError:
        seed = b""
    if len(seed) != SEED_LEN:
        raise PackError("--seed must be 64 hex digits (256 bits)")
    return hashlib.sha256(seed + label.encode()).digest()


def pack(programs, stack, reserved=(), seed=None, priorities=(), irqs=(),
         default_priority=DEFAULT_PRIORITY):
    """The archive's bytes. `reserved`: (process name, SID words) pairs; `seed`: 32 bytes;
    `priorities`: (process name, (priority, ceiling)) pairs; `irqs`: (process name, line mask)
    pairs (masks of one name are or-ed)."""
    if seed is None:
        seed = os.urandom(SEED_LEN)
    if len(seed) != SEED_LEN:
        raise PackError("the seed must be 32 bytes")
    procs, seg_records, datas = [], [], []
    for name, path in programs:
        entry, segs = read_elf(path)
        encoded = name.encode()
        if len(encoded) >= NAME_LEN:
            raise PackError(f"process name '{name}' is longer than {NAME_LEN - 1} bytes")
        procs.append((encoded, entry, len(seg_records), len(segs)))
        for seg in segs:
            seg_records.append(seg)
    names = [name for name, _ in programs]

    def index_of(owner, what):
        if names.count(owner) != 1:
            raise PackError(f"{what} for '{owner}': not exactly one process of that name")
        return names.index(owner)

    if not 0 <= default_priority < PRIORITIES:
        raise PackError(f"default priority {default_priority} is outside 0 .. {PRIORITIES - 1}")
    prio = [(default_priority, default_priority)] * len(procs)
    named = set()
    for owner, pair in priorities:
        i = index_of(owner, "priority")
        if i in named:
            raise PackError(f"priority for '{owner}' given twice")
        named.add(i)
        prio[i] = pair
    lines = [0] * len(procs)
    for owner, mask in irqs:
        lines[index_of(owner, "interrupt lines")] |= mask
    sid_records = []
    for owner, sid in reserved:
        index = index_of(owner, "reserved SID")
        if any(sid == other for other, _ in sid_records):
            raise PackError(f"SID {','.join(hex(w) for w in sid)} reserved twice")
        sid_records.append((sid, index))
    if len(sid_records) > MAX_RESERVED:
        raise PackError(f"more than {MAX_RESERVED} reserved SIDs")
    header_len = (HEADER_LEN + PROC_LEN * len(procs) + SEG_LEN * len(seg_records) +
                  RESERVED_LEN * len(sid_records))
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
    struct.pack_into(HEADER_FMT, out, 0, MAGIC, VERSION, total, len(procs), len(seg_records),
                     len(sid_records), *struct.unpack("<8I", seed))
    pos = HEADER_LEN
    for i, (encoded, entry, first, count) in enumerate(procs):
        struct.pack_into(PROC_FMT, out, pos, encoded, entry, first, count, stack, *prio[i],
                         lines[i])
        pos += PROC_LEN
    for rec in placed:
        struct.pack_into("<5I", out, pos, *rec)
        pos += SEG_LEN
    for sid, process in sid_records:
        struct.pack_into("<5I", out, pos, *sid, process)
        pos += RESERVED_LEN
    for off, data in datas:
        out[off:off + len(data)] = data
    return bytes(out)


def describe(blob):
    """What an archive holds (for scripts/deploy's manifest): its processes (name, entry,
    segments, bytes of data, priority and ceiling, interrupt lines) and reserved SIDs. The boot
    seed is left out on purpose: it seeds the random SIDs. Raises PackError on a damaged
    archive."""
    if len(blob) < HEADER_LEN:
        raise PackError(f"{len(blob)} bytes: shorter than an archive header")
    magic, version, total, nprocs, nsegs, nsids = struct.unpack_from("<6I", blob, 0)
    if magic != MAGIC or version != VERSION:
        raise PackError(f"not a version-{VERSION} boot archive (magic {magic:#x}, version "
                        f"{version})")
    end = HEADER_LEN + PROC_LEN * nprocs + SEG_LEN * nsegs + RESERVED_LEN * nsids
    if total > len(blob) or end > total:
        raise PackError(f"archive of {total} bytes with {nprocs} processes, {nsegs} segments "
                        f"and {nsids} SIDs does not fit its {len(blob)} bytes")
    segs = [struct.unpack_from("<5I", blob, HEADER_LEN + PROC_LEN * nprocs + SEG_LEN * i)
            for i in range(nsegs)]
    procs = []
    for i in range(nprocs):
        raw, entry, first, count, _stack, prio, ceiling, lines = struct.unpack_from(
            PROC_FMT, blob, HEADER_LEN + PROC_LEN * i)
        if first + count > nsegs:
            raise PackError(f"process {i}: segments {first}..{first + count} past {nsegs}")
        mine = segs[first:first + count]
        procs.append({
            "name": raw.rstrip(b"\0").decode(errors="replace"),
            "entry": f"{entry:#010x}",
            "segments": count,
            "bytes": sum(filesz for _, _, filesz, _, _ in mine),
            "memory_bytes": sum(memsz for _, memsz, _, _, _ in mine),
            "priority": prio,
            "ceiling": ceiling,
            "irq_lines": [line for line in range(IRQ_LINES) if lines >> line & 1],
        })
    base = HEADER_LEN + PROC_LEN * nprocs + SEG_LEN * nsegs
    reserved = []
    for i in range(nsids):
        *sid, process = struct.unpack_from("<5I", blob, base + RESERVED_LEN * i)
        raw = struct.pack("<4I", *sid)
        text = raw.rstrip(b"\0")
        shown = ("text:" + text.decode() if text and all(32 <= c < 127 for c in text)
                 and b"\0" not in text else ",".join(f"{w:#x}" for w in sid))
        reserved.append({"sid": shown,
                         "process": procs[process]["name"] if process < nprocs else process})
    return {"bytes": total, "processes": procs, "reserved_sids": reserved}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--asm", required=True)
    ap.add_argument("--stack", type=int, default=16384)
    ap.add_argument("--seed", help="64 hex digits: derive the seed (reproducible builds)")
    ap.add_argument("--label", default="", help="this image's name, mixed into a --seed")
    ap.add_argument("--reserve", action="append", default=[], metavar="NAME=SID")
    ap.add_argument("--priority", action="append", default=[], metavar="NAME=PRIO[:MAX]")
    ap.add_argument("--irq", action="append", default=[], metavar="NAME=LINE[,LINE...]")
    ap.add_argument("--default-priority", type=int, default=DEFAULT_PRIORITY, metavar="PRIO")
    ap.add_argument("programs", nargs="+", metavar="NAME=ELF")
    args = ap.parse_args(argv)
    programs = []
    for spec in args.programs:
        name, sep, path = spec.partition("=")
        if not sep:
            ap.error(f"expected NAME=ELF, got '{spec}'")
        programs.append((name, path))
    try:
        reserved = []
        for spec in args.reserve:
            name, sep, sid = spec.partition("=")
            if not sep:
                raise PackError(f"expected --reserve NAME=SID, got '{spec}'")
            reserved.append((name, parse_sid(sid)))
        priorities, irqs = [], []
        for spec in args.priority:
            name, sep, value = spec.partition("=")
            if not sep:
                raise PackError(f"expected --priority NAME=PRIO[:MAX], got '{spec}'")
            priorities.append((name, parse_priority(value)))
        for spec in args.irq:
            name, sep, value = spec.partition("=")
            if not sep:
                raise PackError(f"expected --irq NAME=LINE[,LINE...], got '{spec}'")
            irqs.append((name, parse_lines(value)))
        blob = pack(programs, args.stack, reserved, image_seed(args.seed, args.label),
                    priorities, irqs, args.default_priority)
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
