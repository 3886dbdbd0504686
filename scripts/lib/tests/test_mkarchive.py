"""Tests of scripts/lib/mkarchive.py: the version-3 records (reserved SIDs, the boot seed,
per-process priorities and interrupt lines) as abi/boot_archive.h lays them out, the SID,
priority and line syntax, the constants it shares with the ABI headers, the log's SID as the
build spells it, and the packer's refusals."""
import contextlib
import io
import os
import re
import struct
import tempfile
import unittest

import fixtures  # first: it puts scripts/lib on the path
import mkarchive  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(fixtures.HERE)))


def tiny_elf(entry=0x10000, data=b"\x13\x00\x00\x00"):
    """A 32-bit little-endian RISC-V executable with one R+X PT_LOAD of `data` at `entry`."""
    phoff, ehsize, phentsize = 52, 52, 32
    offset = phoff + phentsize
    header = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    header += struct.pack("<HHIIIIIHHHHHH", 2, mkarchive.EM_RISCV, 1, entry, phoff, 0, 0, ehsize,
                          phentsize, 1, 40, 0, 0)
    phdr = struct.pack("<8I", mkarchive.PT_LOAD, offset, entry, entry, len(data), len(data),
                       mkarchive.PF_R | mkarchive.PF_X, 4096)
    return header + phdr + data


def header_constant(path, name):
    """`inline constexpr uint32_t NAME = VALUE;` from an ABI header."""
    with open(os.path.join(ROOT, path)) as f:
        m = re.search(r"constexpr uint32_t " + name + r" = (\w+);", f.read())
    return int(m.group(1), 0)


def log_sid_from_header():
    """abi/log.h's kLogSid, read from the header itself."""
    with open(os.path.join(ROOT, "ipc/include/courier/abi/log.h")) as f:
        m = re.search(r"kLogSid\[4\] = \{([^}]*)\}", f.read())
    return [int(w.strip(), 0) for w in m.group(1).split(",")]


class Pack(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.elfs = {}
        for name in ("init", "log"):
            path = os.path.join(self.tmp.name, name + ".elf")
            with open(path, "wb") as f:
                f.write(tiny_elf())
            self.elfs[name] = path
        self.programs = [("init", self.elfs["init"]), ("log", self.elfs["log"])]

    def header(self, blob):
        return struct.unpack_from(mkarchive.HEADER_FMT, blob, 0)

    def test_describe_reads_back_what_was_packed_but_not_the_seed(self):
        blob = mkarchive.pack(self.programs, 8192,
                              reserved=[("log", mkarchive.parse_sid("text:courier.log")),
                                        ("init", [1, 2, 3, 0xfeedface])],
                              seed=b"\xab" * 32, priorities=[("log", (1, 0))],
                              irqs=[("init", (1 << 2) | (1 << 13))])
        d = mkarchive.describe(blob)
        self.assertEqual(d["bytes"], len(blob))
        self.assertEqual([p["name"] for p in d["processes"]], ["init", "log"])
        init, log = d["processes"]
        self.assertEqual(init["irq_lines"], [2, 13])
        self.assertEqual((log["priority"], log["ceiling"]), (1, 0))
        self.assertEqual((init["priority"], init["ceiling"]),
                         (mkarchive.DEFAULT_PRIORITY, mkarchive.DEFAULT_PRIORITY))
        self.assertEqual(d["reserved_sids"],
                         [{"sid": "text:courier.log", "process": "log"},
                          {"sid": "0x1,0x2,0x3,0xfeedface", "process": "init"}])
        self.assertNotIn("ab" * 8, repr(d))

    def test_describe_refuses_damaged_archives(self):
        blob = bytearray(mkarchive.pack(self.programs, 8192, seed=bytes(32)))
        for bad, why in ((blob[:20], "shorter than"), (b"\0" + blob[1:], "not a version"),
                         (blob[:mkarchive.HEADER_LEN + 10], "does not fit")):
            with self.assertRaises(mkarchive.PackError) as e:
                mkarchive.describe(bytes(bad))
            self.assertIn(why, str(e.exception))

    def test_header_reserved_sids_and_seed_are_where_the_kernel_reads_them(self):
        seed = bytes(range(32))
        log_sid = mkarchive.parse_sid("text:courier.log")
        blob = mkarchive.pack(self.programs, 8192, [("log", log_sid), ("init", [1, 2, 3, 4])], seed)
        h = self.header(blob)
        self.assertEqual(mkarchive.HEADER_LEN, 56)  # sizeof(ArchiveHeader)
        self.assertEqual(h[:6], (mkarchive.MAGIC, 3, len(blob), 2, 2, 2))
        self.assertEqual(struct.pack("<8I", *h[6:]), seed)
        sids_at = mkarchive.HEADER_LEN + 2 * mkarchive.PROC_LEN + 2 * mkarchive.SEG_LEN
        self.assertEqual(struct.unpack_from("<5I", blob, sids_at), (*log_sid, 1))
        self.assertEqual(struct.unpack_from("<5I", blob, sids_at + 20), (1, 2, 3, 4, 0))
        # Segment data still lands congruent to its address modulo a page.
        seg = struct.unpack_from("<5I", blob, mkarchive.HEADER_LEN + 2 * mkarchive.PROC_LEN)
        self.assertEqual(seg[3] % 4096, 0x10000 % 4096)

    def test_constants_agree_with_the_abi_headers(self):
        abi = "ipc/include/courier/abi/"
        self.assertEqual(mkarchive.VERSION,
                         header_constant(abi + "boot_archive.h", "kArchiveVersion"))
        self.assertEqual(mkarchive.PRIORITIES, header_constant(abi + "syscall.h", "kPriorities"))
        self.assertEqual(mkarchive.DEFAULT_PRIORITY,
                         header_constant(abi + "syscall.h", "kDefaultPriority"))
        with open(os.path.join(ROOT, abi + "boot_archive.h")) as f:
            text = f.read()
        self.assertIn(f"static_assert(sizeof(ArchiveProcess) == {mkarchive.PROC_LEN});", text)
        self.assertEqual(struct.calcsize(mkarchive.PROC_FMT), mkarchive.PROC_LEN)

    def proc(self, blob, i):
        """Process record i: (name, entry, first, count, stack, priority, ceiling, lines)."""
        return struct.unpack_from(mkarchive.PROC_FMT, blob,
                                  mkarchive.HEADER_LEN + i * mkarchive.PROC_LEN)

    def test_priorities_and_lines_are_where_the_kernel_reads_them(self):
        blob = mkarchive.pack(self.programs, 8192, seed=bytes(32),
                              priorities=[("log", mkarchive.parse_priority("2"))],
                              irqs=[("init", mkarchive.parse_lines("10,11")),
                                    ("init", mkarchive.parse_lines("3"))])
        init, log = self.proc(blob, 0), self.proc(blob, 1)
        self.assertEqual(init[0].rstrip(b"\0"), b"init")
        self.assertEqual(init[4:], (8192, 4, 4, (1 << 10) | (1 << 11) | (1 << 3)))
        self.assertEqual(log[4:], (8192, 2, 2, 0))
        # Segment records still follow the process table.
        seg = struct.unpack_from("<5I", blob, mkarchive.HEADER_LEN + 2 * mkarchive.PROC_LEN)
        self.assertEqual(seg[0], 0x10000)
        blob = mkarchive.pack(self.programs, 8192, seed=bytes(32), default_priority=6,
                              priorities=[("init", mkarchive.parse_priority("5:1"))])
        self.assertEqual(self.proc(blob, 0)[5:], (5, 1, 0))
        self.assertEqual(self.proc(blob, 1)[5:], (6, 6, 0))

    def test_priority_and_line_syntax(self):
        self.assertEqual(mkarchive.parse_priority("4"), (4, 4))
        self.assertEqual(mkarchive.parse_priority("6:2"), (6, 2))
        self.assertEqual(mkarchive.parse_priority("0x7:0"), (7, 0))
        for bad in ("", "x", "8", "-1", "4:8", "2:3", "4:", ":4", "4:2:1"):
            with self.assertRaises(mkarchive.PackError, msg=bad):
                mkarchive.parse_priority(bad)
        self.assertEqual(mkarchive.parse_lines("11"), 1 << 11)
        self.assertEqual(mkarchive.parse_lines("1,31,0x5"), (1 << 1) | (1 << 31) | (1 << 5))
        for bad in ("", "0", "32", "-1", "x", "10,", "10,,11"):
            with self.assertRaises(mkarchive.PackError, msg=bad):
                mkarchive.parse_lines(bad)

    def test_refuses_priorities_and_lines_that_name_no_single_process(self):
        with self.assertRaises(mkarchive.PackError):
            mkarchive.pack(self.programs, 8192, seed=bytes(32), priorities=[("nobody", (4, 4))])
        with self.assertRaises(mkarchive.PackError):
            mkarchive.pack(self.programs, 8192, seed=bytes(32), irqs=[("nobody", 1 << 11)])
        twice = self.programs + [("init", self.elfs["init"])]
        with self.assertRaises(mkarchive.PackError):
            mkarchive.pack(twice, 8192, seed=bytes(32), irqs=[("init", 1 << 11)])
        with self.assertRaises(mkarchive.PackError):
            mkarchive.pack(self.programs, 8192, seed=bytes(32),
                           priorities=[("init", (4, 4)), ("init", (5, 5))])
        for bad in (-1, 8):
            with self.assertRaises(mkarchive.PackError):
                mkarchive.pack(self.programs, 8192, seed=bytes(32), default_priority=bad)

    def test_the_builds_log_sid_is_abi_log_h_kLogSid(self):
        with open(os.path.join(ROOT, "cmake/courier.cmake")) as f:
            spelled = re.search(r'set\(COURIER_LOG_SID "([^"]*)"\)', f.read()).group(1)
        self.assertEqual(mkarchive.parse_sid(spelled), log_sid_from_header())

    def test_the_builds_console_input_sid_is_abi_log_h_kConsoleInputSid(self):
        with open(os.path.join(ROOT, "cmake/courier.cmake")) as f:
            spelled = re.search(r'set\(COURIER_CONSOLE_INPUT_SID "([^"]*)"\)', f.read()).group(1)
        with open(os.path.join(ROOT, "ipc/include/courier/abi/log.h")) as f:
            m = re.search(r"kConsoleInputSid\[4\] = \{([^}]*)\}", f.read())
        self.assertEqual(mkarchive.parse_sid(spelled),
                         [int(w.strip(), 0) for w in m.group(1).split(",")])

    def test_sid_syntax(self):
        self.assertEqual(mkarchive.parse_sid("0x10,2,0x30,4"), [0x10, 2, 0x30, 4])
        self.assertEqual(mkarchive.parse_sid("text:ab"), [0x6261, 0, 0, 0])
        for bad in ("1,2,3", "1,2,3,x", "0,0,0,0", "text:", "text:" + "x" * 17,
                    "0x100000000,0,0,1", "-1,0,0,1"):
            with self.assertRaises(mkarchive.PackError, msg=bad):
                mkarchive.parse_sid(bad)

    def test_refuses_reservations_that_name_no_single_process_or_repeat(self):
        with self.assertRaises(mkarchive.PackError):
            mkarchive.pack(self.programs, 8192, [("nobody", [1, 2, 3, 4])], bytes(32))
        twice = self.programs + [("init", self.elfs["init"])]
        with self.assertRaises(mkarchive.PackError):
            mkarchive.pack(twice, 8192, [("init", [1, 2, 3, 4])], bytes(32))
        with self.assertRaises(mkarchive.PackError):
            mkarchive.pack(self.programs, 8192, [("init", [1, 2, 3, 4]), ("log", [1, 2, 3, 4])],
                           bytes(32))
        many = [("init", [i + 1, 0, 0, 1]) for i in range(mkarchive.MAX_RESERVED + 1)]
        with self.assertRaises(mkarchive.PackError):
            mkarchive.pack(self.programs, 8192, many, bytes(32))

    def test_seeds_fresh_per_archive_or_derived_per_image(self):
        fresh = {mkarchive.image_seed(None, "x") for _ in range(4)}
        self.assertEqual(len(fresh), 4)
        build = "ab" * 32
        self.assertEqual(mkarchive.image_seed(build, "image_a"), mkarchive.image_seed(build, "image_a"))
        self.assertNotEqual(mkarchive.image_seed(build, "image_a"),
                            mkarchive.image_seed(build, "image_b"))
        for bad in ("ab" * 31, "zz" * 32):
            with self.assertRaises(mkarchive.PackError):
                mkarchive.image_seed(bad, "x")

    def run_main(self, *args):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = mkarchive.main(list(args))
        return code, err.getvalue()

    def test_command_line(self):
        out = os.path.join(self.tmp.name, "a.bin")
        asm = os.path.join(self.tmp.name, "a.S")
        specs = [f"init={self.elfs['init']}", f"log={self.elfs['log']}"]
        code, _ = self.run_main("--bin", out, "--asm", asm, "--seed", "01" * 32, "--label", "img",
                                "--reserve", "log=text:courier.log", *specs)
        self.assertEqual(code, 0)
        with open(out, "rb") as f:
            first = f.read()
        self.assertEqual(self.header(first)[5], 1)
        code, _ = self.run_main("--bin", out, "--asm", asm, "--seed", "01" * 32, "--label", "img",
                                "--reserve", "log=text:courier.log", *specs)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), first)  # reproducible with a build seed
        code, err = self.run_main("--bin", out, "--asm", asm, "--reserve", "log", *specs)
        self.assertEqual(code, 1)
        self.assertIn("NAME=SID", err)
        code, _ = self.run_main("--bin", out, "--asm", asm, "--priority", "log=2",
                                "--irq", "init=11", "--irq", "init=10", *specs)
        self.assertEqual(code, 0)
        with open(out, "rb") as f:
            blob = f.read()
        self.assertEqual(self.proc(blob, 0)[5:], (4, 4, (1 << 10) | (1 << 11)))
        self.assertEqual(self.proc(blob, 1)[5:], (2, 2, 0))
        for args, what in ((("--priority", "log"), "NAME=PRIO"),
                           (("--irq", "init"), "NAME=LINE"),
                           (("--irq", "init=0"), "outside"),
                           (("--priority", "log=1:2"), "ceiling")):
            code, err = self.run_main("--bin", out, "--asm", asm, *args, *specs)
            self.assertEqual(code, 1, args)
            self.assertIn(what, err)


if __name__ == "__main__":
    unittest.main()
