"""The in-target fuzzer's host side (scripts/fuzz): configuring an image and reading its console.

The fuzz image (kernel/test/fuzz) carries its run's configuration in one block of its
supervisor's data, found by a magic string; patch_image() writes a copy of the image with the
block filled in. Boot.line() reads the console line by line, as the run goes: the supervisor's
progress and verdicts, the children's deaths, violations they report, and a kernel panic with
the trace of the children's last calls that the fuzz image's kernel prints after it.
"""
import re
import struct

MAGIC = b"courier-fuzz-v1\0"  # kernel/test/fuzz/fuzz_abi.h Config::magic
CONFIG_WORDS = "<7I"  # seed_lo, seed_hi, calls, children, life, first_round, flags
MAX_CHILDREN = 6  # fuzz_abi.h kMaxChildren
FLAG_NO_DEATHS = 1  # fuzz_abi.h kFlagNoDeaths
STUCK_EXIT = 0x57  # kernel/test/fuzz/child.cc kStuckExit: the watchdog ended a stuck child

ROUND_RE = re.compile(r"^fuzz: round (\d+): (\d+) calls, (\d+) children, free (\d+)")
UNBALANCED_RE = re.compile(r"^fuzz: round (\d+): pages not balanced: free (\d+), baseline (\d+)")
LEAK_RE = re.compile(r"^fuzz: round (\d+): dead child pid (\d+) still holds: (.*)$")
DONE_RE = re.compile(r"^fuzz: done: (\d+) calls, (\d+) children, (\d+) rounds, (.*)$")
DEATH_RE = re.compile(r"\(fuzz_child\) (?:(killed: .*?)(?: at pc .*)?|exited with code (\d+))$")
TRACE = "fuzz trace:"
# The mark a process's line carries on the console (ipc/include/courier/abi/log.h): "<pid> "
# through the log server, "[pid N] " through debug_write. The supervisor's lines carry it.
MARK_RE = re.compile(r"^(?:<\d+> |\[pid \d+\] )")


def unmarked(text):
    """A console line without its sender's mark (the kernel's own lines have none)."""
    m = MARK_RE.match(text)
    return text[m.end():] if m else text


class ImageError(Exception):
    pass


def patch_image(data, seed, calls, children, life, first_round=0, flags=0):
    """A copy of the image bytes `data` configured for one boot."""
    at = data.find(MAGIC)
    if at < 0 or data.find(MAGIC, at + 1) >= 0:
        raise ImageError(f"expected exactly one fuzz configuration block (magic {MAGIC!r}); "
                         "is this the fuzz image?")
    out = bytearray(data)
    struct.pack_into(CONFIG_WORDS, out, at + len(MAGIC), seed & 0xffffffff,
                     (seed >> 32) & 0xffffffff, calls, children, life, first_round, flags)
    return bytes(out)


class Boot:
    """What one boot printed, as it printed it."""

    def __init__(self, seed, sink=None):
        self.seed = seed
        self.sink = sink  # sees every line (the log file)
        self.calls = 0
        self.children = 0
        self.round = None  # the last round that completed
        self.started = False
        self.done = None  # the supervisor's last line
        self.unbalanced = []  # (round, free, baseline)
        self.leaks = []  # (round, pid, what): a dead child's usage was not zero
        self.panic = []  # from the KERNEL PANIC line on
        self.violations = []
        self.deaths = {}
        self.tail = []  # the last lines before a panic

    def line(self, text):
        if self.sink:
            self.sink(text)
        if self.panic:
            self.panic.append(text)
            return
        if "KERNEL PANIC" in text or text.startswith("M-MODE TRAP"):
            self.panic.append(text)
            return
        self.tail = (self.tail + [text])[-12:]
        text = unmarked(text)
        if text.startswith("fuzz: start"):
            self.started = True
        m = ROUND_RE.match(text)
        if m:
            self.round, self.calls, self.children = (int(x) for x in m.groups()[:3])
            return
        m = UNBALANCED_RE.match(text)
        if m:
            self.unbalanced.append(tuple(int(x) for x in m.groups()))
            return
        m = LEAK_RE.match(text)
        if m:
            self.leaks.append((int(m.group(1)), int(m.group(2)), m.group(3)))
            return
        m = DONE_RE.match(text)
        if m:
            self.calls, self.children = int(m.group(1)), int(m.group(2))
            self.done = text
            return
        if "FUZZ VIOLATION" in text:
            self.violations.append(text)
            return
        m = DEATH_RE.search(text)
        if m:
            if m.group(1):
                how = re.sub(r"\d+", "N", m.group(1))
            else:
                how = "stuck (watchdog)" if int(m.group(2)) == STUCK_EXIT else "exited"
            self.deaths[how] = self.deaths.get(how, 0) + 1

    def panic_reason(self):
        """'reason at file:line' of the panic, or None."""
        if not self.panic:
            return None
        first = self.panic[0].split("KERNEL PANIC:", 1)[-1].strip() or self.panic[0].strip()
        where = next((l.strip() for l in self.panic[1:3] if l.strip().startswith("at ")), "")
        return f"{first} {where}".strip()

    def trace(self):
        return [l[len(TRACE):].rstrip() for l in self.panic if l.startswith(TRACE)]

    def panic_round(self):
        """The round that was running when the kernel panicked."""
        return None if self.round is None else self.round + 1
