"""Tests of scripts/lib/fuzzrun.py (the fuzzer's host side) and of runner's fast QEMU command:
the configuration block is found and filled as kernel/test/fuzz/fuzz_abi.h lays it out, and a
console is read as the fuzz image prints it."""
import struct
import unittest

import fixtures  # noqa: F401  first: it puts scripts/lib on the path
import fuzzrun  # noqa: E402
import runner  # noqa: E402

# A console as the fuzz image prints it (kernel log lines come through the log server; the
# supervisor's lines carry its mark, "<1> ", a child's debug_write "[pid N] ": abi/log.h).
CONSOLE = """\
Courier kernel 0.1.0 (config full) on qemu-virt
[kernel] process 2 (fuzz_child) exited with code 0
<1> fuzz: start seed 0000000000000007 calls 20000 children 4 life 8000 first_round 0
<1> fuzz: baseline 927 free pages
[kernel] process 2 (fuzz_child) killed: load page fault at pc 00012a98, tval 20007de0
[kernel] process 4 (fuzz_child) killed: interrupt handler: store page fault at pc 00010c70, tval 0
[kernel] process 5 (fuzz_child) killed: interrupt handler of line 11 overran its budget
[kernel] process 6 (fuzz_child) exited with code 87
<1> fuzz: round 0: 9000 calls, 4 children, free 927
[pid 3] FUZZ VIOLATION: spawn by a child answered 00000000 (child tag 80000011 seed 1, call 3)
<1> fuzz: round 1: pages not balanced: free 925, baseline 927
<1> fuzz: round 1: 15000 calls, 8 children, free 925
"""

PANIC = """\
KERNEL PANIC: assertion failed: m.has_value()
  at kernel/core/lend.cc:61
fuzz trace: the current thread is pid 2 tid 23
fuzz trace: pid 2 tag 80000090 seed 2f484f4616b13f42, 687 calls
fuzz trace:   thread 3 (tid 23) #110 return_memory(1c000c, 0, 1000, 0, 0, 0) -> (in flight)
fuzz trace: end
"""


def read(text, seed=7):
    b = fuzzrun.Boot(seed)
    for line in text.splitlines():
        b.line(line)
    return b


class ConfigBlock(unittest.TestCase):
    def image(self, copies=1):
        block = fuzzrun.MAGIC + struct.pack(fuzzrun.CONFIG_WORDS, 1, 0, 20000, 4, 8000, 0, 0)
        return b"\x7fELF" + b"\0" * 100 + block * copies + b"tail"

    def test_fills_the_words_after_the_magic(self):
        data = self.image()
        out = fuzzrun.patch_image(data, 0x1122334455667788, 10**7, 5, 1000, 3, 1)
        self.assertEqual(len(out), len(data))
        at = out.find(fuzzrun.MAGIC) + len(fuzzrun.MAGIC)
        self.assertEqual(struct.unpack_from(fuzzrun.CONFIG_WORDS, out, at),
                         (0x55667788, 0x11223344, 10**7, 5, 1000, 3, 1))
        self.assertTrue(out.endswith(b"tail"))

    def test_layout_matches_the_header(self):
        # fuzz_abi.h: 16 bytes of magic, then seven words; sizeof(Config) == 44.
        self.assertEqual(len(fuzzrun.MAGIC) + struct.calcsize(fuzzrun.CONFIG_WORDS), 44)

    def test_refuses_an_image_without_or_with_two_blocks(self):
        for data in (b"no block here", self.image(copies=2)):
            with self.assertRaises(fuzzrun.ImageError):
                fuzzrun.patch_image(data, 1, 1, 1, 16)


class Console(unittest.TestCase):
    def test_progress_verdicts_deaths_and_violations(self):
        b = read(CONSOLE)
        self.assertTrue(b.started)
        self.assertEqual((b.round, b.calls, b.children), (1, 15000, 8))
        self.assertEqual(b.unbalanced, [(1, 925, 927)])
        self.assertEqual(len(b.violations), 1)
        self.assertIsNone(b.done)
        self.assertEqual(b.deaths, {
            "exited": 1,  # the boot instance
            "killed: load page fault": 1,
            "killed: interrupt handler: store page fault": 1,
            "killed: interrupt handler of line N overran its budget": 1,
            "stuck (watchdog)": 1,
        })
        self.assertEqual(b.panic, [])

    def test_the_supervisors_last_line(self):
        b = read(CONSOLE + "<1> fuzz: done: 20039 calls, 72 children, 18 rounds, pages balanced\n")
        self.assertEqual((b.calls, b.children), (20039, 72))
        self.assertIn("pages balanced", b.done)

    def test_a_dead_childs_usage_that_is_not_zero(self):
        b = read(CONSOLE + "fuzz: round 3: dead child pid 4 still holds: Ok pages 2 threads 0 "
                 "servers 0 connections 0 lends 0 batched 0 borrowed 0\n")
        self.assertEqual(len(b.leaks), 1)
        self.assertEqual(b.leaks[0][:2], (3, 4))
        self.assertIn("pages 2", b.leaks[0][2])
        self.assertEqual(read(CONSOLE).leaks, [])

    def test_a_panic_and_the_trace_after_it(self):
        b = read(CONSOLE + PANIC + "fuzz: round 9: 1 calls, 1 children, free 1\n")
        self.assertEqual(b.panic_reason(),
                         "assertion failed: m.has_value() at kernel/core/lend.cc:61")
        self.assertEqual(b.panic_round(), 2)
        self.assertEqual(len(b.trace()), 4)
        self.assertIn("return_memory(1c000c", b.trace()[2])
        self.assertEqual(b.calls, 15000)  # nothing after the panic counts

    def test_an_m_mode_trap_is_a_panic_too(self):
        b = read("fuzz: start\nM-MODE TRAP: illegal instruction (mcause 00000002) at 80000010\n")
        self.assertTrue(b.panic)
        self.assertEqual(b.trace(), [])

    def test_every_line_reaches_the_sink(self):
        seen = []
        b = fuzzrun.Boot(1, seen.append)
        for line in (CONSOLE + PANIC).splitlines():
            b.line(line)
        self.assertEqual(seen, (CONSOLE + PANIC).splitlines())


class FastQemu(unittest.TestCase):
    def test_fast_drops_icount_and_nothing_else(self):
        exact = runner.platform_command("qemu", "x.elf")
        fast = runner.platform_command("qemu", "x.elf", fast=True)
        self.assertIn("-icount", exact)
        self.assertNotIn("-icount", fast)
        self.assertEqual([a for a in exact if a not in runner.QEMU_FAST_DROP], fast)


if __name__ == "__main__":
    unittest.main()
