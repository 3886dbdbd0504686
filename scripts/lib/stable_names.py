"""The stable benchmark names of DESIGN.md §6, in one place for bench, report and compare.

Names with a size or count are families: `lend/borrow/<bytes>` covers 4096 … 1048576 bytes,
`batch/null/<n>` covers n = 1 … 128. expanded() lists the members the suite is expected to
measure (powers of two), which bench uses to decide which images a --filter can select; the
report reads whatever members a results file actually holds, so other sizes plot too.
"""
import re

FIXED = (
    "sync/null_syscall",
    "sync/yield",
    "sync/scalar_send",
    "sync/call_reply",
    "sync/call_reply_same_as",
    "irq/latency",
    "trap/misaligned_load",     # issue 17: emulated by the kernel where the core traps
    "trap/misaligned_store",
)

# The longest interrupt latency while one long system call runs (issue 13; bench/target/
# worst_bench.cc): kernel/worst/<op>.
WORST = tuple(f"kernel/worst/{op}" for op in (
    "map_memory_700", "ring_128", "protect_700", "lend_1MiB", "copy_lend_1MiB",
    "copy_mutable_1MiB", "move_1MiB", "spawn_destroy_700"))

SIZED = ("lend/borrow", "lend/mutable_borrow", "lend/move", "copy/send")
COUNTED = ("batch/null", "batch/scalar_send")

SIZES = tuple(4096 << i for i in range(9))      # 4 KiB … 1 MiB
COUNTS = tuple(1 << i for i in range(8))        # 1 … 128

_MEMBER = re.compile(r"^(.*)/(\d+)$")


def expanded():
    names = list(FIXED) + list(WORST)
    names += [f"{f}/{s}" for f in SIZED for s in SIZES]
    names += [f"{f}/{n}" for f in COUNTED for n in COUNTS]
    return names


def describe():
    """The names in short: families written with their parameter."""
    return ", ".join(list(FIXED) + ["kernel/worst/<op>"] + [f"{f}/<bytes>" for f in SIZED] +
                     [f"{f}/<n>" for f in COUNTED])


def family_members(figures, family):
    """[(parameter, entry)] for `family/<int>` entries in figures (name -> entry), sorted."""
    out = []
    for name, e in figures.items():
        m = _MEMBER.match(name)
        if m and m.group(1) == family:
            out.append((int(m.group(2)), e))
    return sorted(out, key=lambda pe: pe[0])
