#!/usr/bin/python3
"""A seeded kernel code layout (issue 16: layout as a measured variable).

The kernel is compiled with -ffunction-sections, so every function is its own input section
(.text.NAME, or .text.hot.NAME for the trap and IPC fast routes). This script lists those
sections in the kernel's objects and archives and writes two linker-script fragments naming
them in an order shuffled by the seed; kernel.ld INCLUDEs them inside .text, one before its
.text.hot group and one before the rest, so the hot routes stay together, and a seed moves every function to another place and nothing
else: same code, same data, same user programs. Seed 0 (or no seed) writes an empty fragment:
the linker's own order, the unperturbed build.

The order depends only on the seed and the set of section names (sorted before shuffling), not
on the objects' paths or the order they are given in, so a seed names one layout of a source.

usage: layout.py --seed N --out DIR [OBJECT.o | ARCHIVE.a] ...   (DIR/layout_hot.ld and
       layout.py --seed 0 --out DIR                                    DIR/layout_text.ld)
"""
import argparse
import os
import random
import struct
import sys

HOT = ".text.hot"
TEXT = ".text."
# Placed by name in kernel.ld before everything else (the reset and loader code): never moved.
PINNED = (".text.boot", ".text.loader")
HOT_FILE, REST_FILE = "layout_hot.ld", "layout_text.ld"


class LayoutError(Exception):
    pass


def elf_section_names(blob, where):
    """Names of the sections of a 32-bit little-endian ELF relocatable object."""
    if blob[:4] != b"\x7fELF" or len(blob) < 52 or blob[4] != 1 or blob[5] != 1:
        raise LayoutError(f"{where}: not a 32-bit little-endian ELF object")
    shoff, = struct.unpack_from("<I", blob, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", blob, 46)
    if not shoff or shstrndx >= shnum or shoff + shnum * shentsize > len(blob):
        raise LayoutError(f"{where}: no usable section headers")
    headers = [struct.unpack_from("<10I", blob, shoff + i * shentsize) for i in range(shnum)]
    strtab_off = headers[shstrndx][4]
    names = []
    for h in headers:
        at = strtab_off + h[0]
        end = blob.find(b"\0", at)
        names.append(blob[at:end].decode(errors="replace"))
    return names


def archive_members(blob, where):
    """(name, bytes) of each member of a System V / GNU `ar` archive."""
    if not blob.startswith(b"!<arch>\n"):
        raise LayoutError(f"{where}: not an ar archive")
    pos, out = 8, []
    while pos + 60 <= len(blob):
        header = blob[pos:pos + 60]
        name = header[:16].decode(errors="replace").strip()
        try:
            size = int(header[48:58].decode().strip())
        except ValueError:
            raise LayoutError(f"{where}: damaged member header at {pos}") from None
        data = blob[pos + 60:pos + 60 + size]
        if name not in ("/", "//", "/SYM64/"):
            out.append((name, data))
        pos += 60 + size + (size & 1)
    return out


def text_sections(paths):
    """The function sections (.text.* and .text.hot.*) of the given objects and archives."""
    found = set()
    for path in paths:
        try:
            with open(path, "rb") as f:
                blob = f.read()
        except OSError as e:
            raise LayoutError(f"{path}: cannot read: {e.strerror}") from None
        members = archive_members(blob, path) if blob.startswith(b"!<arch>") else [(path, blob)]
        for name, data in members:
            for sec in elf_section_names(data, f"{path}({name})" if name != path else path):
                if sec.startswith(TEXT) and len(sec) > len(TEXT) and sec not in PINNED:
                    found.add(sec)
    return found


def order(sections, seed):
    """The seeded order: hot functions shuffled among themselves, then the rest."""
    rng = random.Random(f"courier-layout-{seed}")
    hot = sorted(s for s in sections if s == HOT or s.startswith(HOT + "."))
    rest = sorted(s for s in sections if s not in hot)
    rng.shuffle(hot)
    rng.shuffle(rest)
    return hot, rest


def fragments(sections, seed):
    """(hot fragment, rest fragment): the texts kernel.ld INCLUDEs before its own .text.hot
    and .text patterns."""
    if not seed:
        empty = "/* layout.py: no seed: the linker's own order (the unperturbed build) */\n"
        return empty, empty
    hot, rest = order(sections, seed)
    return tuple(f"/* layout.py: seed {seed}, {len(group)} functions */\n" +
                 "".join(f"*({s})\n" for s in group) for group in (hot, rest))


def write(path, text):
    """Writes only when the text changes (no relink for an unchanged layout)."""
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True, help=f"folder for {HOT_FILE} and {REST_FILE}")
    ap.add_argument("objects", nargs="*")
    args = ap.parse_args(argv)
    if args.seed < 0:
        ap.error("--seed must be 0 (no layout) or positive")
    try:
        sections = text_sections(args.objects) if args.seed else set()
        if args.seed and not sections:
            raise LayoutError("no .text.* sections in the objects given (built without "
                              "-ffunction-sections?)")
    except LayoutError as e:
        print(f"layout: {e}", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    for name, text in zip((HOT_FILE, REST_FILE), fragments(sections, args.seed)):
        write(os.path.join(args.out, name), text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
