"""Small RISC-V ELF files written byte by byte for the deploy, bench and runner tests: a user
program and a betrusted image (a loader segment at 0x2050_1000, the kernel's segment loaded
from flash, a .boot_archive section holding a real archive and a .bss), shaped as the betrusted
kernel.ld links them, without needing the cross compiler."""
import json
import os
import struct

import fixtures  # noqa: F401  it puts scripts/lib on the path
import mkarchive  # noqa: E402

CODE = 0x2050_1000
PT_LOAD = 1


def write_elf(path, entry, segments, sections=()):
    """segments: (vaddr, paddr, data, memsz, flags); sections: (name, addr, data or size for
    NOBITS). Writes a 32-bit little-endian RISC-V executable."""
    ehdr, phdr, shdr = 52, 32, 40
    off = ehdr + phdr * len(segments)
    seg_offsets = []
    for seg in segments:
        seg_offsets.append(off)
        off += len(seg[2])
    sec_offsets = []
    for _, _, data in sections:
        sec_offsets.append(off)
        off += len(data) if isinstance(data, (bytes, bytearray)) else 0
    names = b"\0" + b"".join(n.encode() + b"\0" for n, _, _ in sections) + b".shstrtab\0"
    names_off = off
    off += len(names)
    off += (-off) % 4
    shoff = off
    nsec = len(sections) + 2
    out = bytearray(struct.pack("<4sBBBB8xHHIIIIIHHHHHH", b"\x7fELF", 1, 1, 1, 0, 2,
                                mkarchive.EM_RISCV, 1, entry, ehdr, shoff, 0, ehdr, phdr,
                                len(segments), shdr, nsec, nsec - 1))
    for (vaddr, paddr, data, memsz, flags), o in zip(segments, seg_offsets):
        out += struct.pack("<8I", PT_LOAD, o, vaddr, paddr, len(data), memsz, flags, 4096)
    for seg in segments:
        out += seg[2]
    for _, _, data in sections:
        if isinstance(data, (bytes, bytearray)):
            out += data
    out += names
    out += b"\0" * (shoff - len(out))
    out += b"\0" * shdr
    name_at = 1
    for (name, addr, data), o in zip(sections, sec_offsets):
        nobits = not isinstance(data, (bytes, bytearray))
        size = data if nobits else len(data)
        out += struct.pack("<10I", name_at, 8 if nobits else 1, 2, addr, o, size, 0, 0, 4, 0)
        name_at += len(name) + 1
    out += struct.pack("<10I", name_at, 3, 0, 0, names_off, len(names), 0, 0, 1, 0)
    with open(path, "wb") as f:
        f.write(out)


def user_program(path, size=300):
    write_elf(path, 0x10000, [(0x10000, 0x10000, bytes((i * 3) & 0xff for i in range(size)),
                               size, 5)])


def betrusted_image(folder, name="demo_betrusted", kernel_bytes=6000, seed=bytes(32),
                    entry=CODE):
    """NAME.elf (+ .size.json, as courier_image writes it) in `folder`, with a boot archive of
    two programs; returns its path."""
    os.makedirs(folder, exist_ok=True)
    progs = []
    for prog in ("app", "log"):
        p = os.path.join(folder, prog + ".elf")
        user_program(p)
        progs.append((prog, p))
    archive = mkarchive.pack(progs, 16384, reserved=[("log", mkarchive.parse_sid(
        "text:courier.log"))], seed=seed, priorities=[("log", (2, 2))], irqs=[("app", 1 << 3)])
    loader = bytes(range(256)) * 2
    kernel = bytes((i * 5 + 1) & 0xff for i in range(kernel_bytes))
    k_lma = CODE + 4096
    a_lma = k_lma + len(kernel) + (-(k_lma + len(kernel)) % 8)
    path = os.path.join(folder, name + ".elf")
    write_elf(path, entry,
              [(CODE, CODE, loader, len(loader), 5),
               (0x8000_0000, k_lma, kernel, len(kernel), 7),
               (0x8010_0000, a_lma, archive, len(archive), 4)],
              [(".loader", CODE, loader), (".text", 0x8000_0000, kernel[:4000]),
               (".rodata", 0x8000_0000 + 4000, kernel[4000:]), (".bss", 0x8008_0000, 8192),
               (".boot_archive", 0x8010_0000, archive)])
    with open(path + ".size.json", "w") as f:
        json.dump({"config": "betrusted", "text_rodata": kernel_bytes}, f)
    expected = bytearray(a_lma + len(archive) - CODE)
    expected[:len(loader)] = loader
    expected[k_lma - CODE:k_lma - CODE + len(kernel)] = kernel
    expected[a_lma - CODE:] = archive
    return path, bytes(expected)


def build_tree(folder, config="betrusted", platform="betrusted", subdir="workloads", **image):
    """A folder that looks like a configured and built betrusted tree to scripts/deploy."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "courier-build.json"), "w") as f:
        json.dump({"config": config, "platform": platform,
                   "ipc_paths": {"sync": True, "lend": True, "copy": False, "batch": False},
                   "compiler": "riscv64-unknown-elf-g++ 12.2.0", "CXX_flags": "-march=rv32ima",
                   "boot_seed": "fresh"}, f)
    return betrusted_image(os.path.join(folder, subdir), **image)
