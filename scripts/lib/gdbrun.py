"""Debugging an image on QEMU's gdb stub: what scripts/run-image --gdb does.

QEMU is started as run_image() starts it (runner.platform_command: the same machine, -icount
included, so a debugged run is the run the tests make; --fast drops -icount as usual), plus
`-S` (halted before the first instruction, at the reset vector 0x1000) and
`-gdb tcp:127.0.0.1:PORT` (its gdb stub, loopback only). The console still goes to our stdout. The gdb-multiarch command that attaches
is printed, or run (run_gdb=True) on this terminal; when it ends, or on Ctrl-C, QEMU's process
group is killed, so nothing is left running.

Symbols: the image is the kernel's ELF (linked where it runs, 0x8000_0000 up, so its symbols
are right before and after paging starts), given to gdb as its file. The user programs of the
image's boot archive are separate ELFs of the same build tree (`<process name>.elf`): every one
of them is linked at the same user addresses (each process has an address space of its own),
so their symbols would collide. They are listed as `add-symbol-file` lines to type in gdb, one
program at a time; `program=NAME` loads that one's from the start. A breakpoint at a user
address stops in whichever process runs there (`if $satp == ...` tells them apart).
"""
import os
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

import deploy
import mkarchive
import runner

GDB = "gdb-multiarch"
ARCH = "riscv:rv32"
DEFAULT_PORT = 1234
INSTALL_GDB = f"install Debian's {GDB} (scripts/setup does)"
# How long QEMU may take to open its gdb stub, and to go after SIGTERM before SIGKILL.
START_SECONDS = 10.0
STOP_SECONDS = 2.0


class GdbError(Exception):
    """A reason --gdb cannot go ahead; the message is for the user."""


class Program:
    """One process of an image's boot archive and the ELF its symbols come from (elf None:
    none found; note says why, or that the ELF found differs from the image's copy)."""

    def __init__(self, name, entry, elf=None, note=""):
        self.name = name
        self.entry = entry
        self.elf = elf
        self.note = note

    def __repr__(self):
        return f"Program({self.name!r}, {self.entry:#x}, {self.elf!r}, {self.note!r})"


def check_platform(platform):
    """Only QEMU has a gdb stub; the simulators are refused with what they offer instead."""
    if platform == "qemu":
        return
    raise GdbError(
        f"--gdb needs the qemu platform, not {platform}: the simulator has no gdb stub; it "
        "records every signal of the core instead (courier-sim --trace FILE.fst "
        "[--trace-start CYCLE], sim/README.md)")


def port_free(port):
    """True when nothing listens on TCP `port` (any address), i.e. QEMU could open it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # As QEMU does, so a port left in TIME_WAIT by an earlier session counts as free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def check_port(port):
    if not 0 < port < 65536:
        raise GdbError(f"--gdb-port {port}: not a TCP port (1 .. 65535)")
    if not port_free(port):
        raise GdbError(f"port {port} is in use (another QEMU or gdb session?): choose another "
                       "with --gdb-port PORT")


def archive_processes(image):
    """[(name, entry, [(vaddr, memsz, data)])] of the image's boot archive, in archive order;
    [] for an ELF without one (an ISA test, say)."""
    try:
        _, _, sections = deploy.read_elf(image)
    except deploy.DeployError as e:
        raise GdbError(str(e)) from None
    if ".boot_archive" not in sections or sections[".boot_archive"][2] is None:
        return []
    blob = sections[".boot_archive"][2]
    try:
        described = mkarchive.describe(blob)
    except mkarchive.PackError as e:
        raise GdbError(f"{image}: boot archive: {e}") from None
    nprocs = len(described["processes"])
    seg_base = mkarchive.HEADER_LEN + mkarchive.PROC_LEN * nprocs
    out = []
    for i, proc in enumerate(described["processes"]):
        _, entry, first, count, *_ = struct.unpack_from(
            mkarchive.PROC_FMT, blob, mkarchive.HEADER_LEN + mkarchive.PROC_LEN * i)
        segs = []
        for k in range(first, first + count):
            vaddr, memsz, filesz, offset, _ = struct.unpack_from(
                "<5I", blob, seg_base + mkarchive.SEG_LEN * k)
            segs.append((vaddr, memsz, blob[offset:offset + filesz]))
        out.append((proc["name"], entry, segs))
    return out


def build_root(image):
    """The build tree the image belongs to: the nearest folder above it with a CMakeCache.txt,
    else the image's own folder."""
    start = os.path.dirname(os.path.abspath(image))
    here = start
    while True:
        if os.path.isfile(os.path.join(here, "CMakeCache.txt")):
            break
        up = os.path.dirname(here)
        if up == here:
            here = start
            break
        here = up
    if os.path.isabs(image):
        return here
    # As relative as the image's path was, so the printed lines stay short.
    rel = os.path.relpath(here)
    return here if rel.startswith("..") else rel


def find_elves(root, names):
    """{name: [paths]} of the files `<name>.elf` under `root`, for the wanted names."""
    wanted = {f"{n}.elf": n for n in names}
    found = {n: [] for n in names}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "CMakeFiles" and not d.startswith("."))
        for f in files:
            if f in wanted:
                found[wanted[f]].append(os.path.join(folder, f))
    return found


def matches(elf, entry, segs):
    """True when `elf` is the program the archive holds: same entry and the same segments."""
    try:
        e_entry, e_segs = mkarchive.read_elf(elf)
    except mkarchive.PackError:
        return False
    return e_entry == entry and [(v, m, d) for v, m, d, _ in e_segs] == segs


def programs(image, root=None):
    """The image's boot-archive processes as Programs, each with its ELF under `root` (the
    image's build tree by default) when one is there."""
    procs = archive_processes(image)
    if not procs:
        return []
    root = build_root(image) if root is None else root
    found = find_elves(root, [name for name, _, _ in procs])
    out = []
    for name, entry, segs in procs:
        candidates = found[name]
        if not candidates:
            out.append(Program(name, entry, None, f"no {name}.elf under {root}"))
            continue
        same = [c for c in candidates if matches(c, entry, segs)]
        if same:
            out.append(Program(name, entry, same[0]))
        else:
            out.append(Program(name, entry, candidates[0],
                               "differs from the image's copy (rebuilt since the image was "
                               "linked? rebuild the image)"))
    return out


def choose(progs, name):
    """The Program called `name`, which must have an ELF; GdbError naming the choices."""
    if not progs:
        raise GdbError(f"--gdb-program {name}: the image has no boot archive, so no user "
                       "programs")
    for p in progs:
        if p.name == name:
            if p.elf is None:
                raise GdbError(f"--gdb-program {name}: {p.note}: cannot load its symbols")
            return p
    raise GdbError(f"--gdb-program {name}: not a program of this image (it has: "
                   f"{', '.join(p.name for p in progs)})")


def qemu_command(image, port, fast=False):
    """QEMU's command for the image, halted, with its gdb stub on `port`."""
    # The stub listens on the loopback interface only: nobody else on the network attaches.
    return runner.platform_command("qemu", image, fast) + ["-S", "-gdb",
                                                           f"tcp:127.0.0.1:{port}"]


def gdb_command(image, port, program=None):
    """The gdb-multiarch command that attaches to QEMU's stub with the kernel's symbols, and
    those of `program` (a Program) if given."""
    cmd = [GDB, "-q", image, "-ex", f"set architecture {ARCH}", "-ex", f"target remote :{port}"]
    if program is not None:
        # add-symbol-file asks for confirmation on a terminal; nothing to confirm here.
        cmd += ["-ex", "set confirm off", "-ex", f"add-symbol-file {program.elf}",
                "-ex", "set confirm on"]
    return cmd


def symbol_lines(progs, loaded=None):
    """The lines that tell the user how to get each program's symbols (one per program)."""
    width = max((len(p.elf) for p in progs if p.elf), default=0)
    lines = []
    for p in progs:
        what = f"{p.name}, entry {p.entry:#010x}"
        if p.elf is None:
            lines.append(f"  # {what}: {p.note}: no symbols")
        elif loaded is not None and p is loaded:
            lines.append(f"  # {what}: {p.elf} loaded (--gdb-program {p.name})")
        else:
            note = f"; {p.elf} {p.note}" if p.note else ""
            lines.append(f"  add-symbol-file {p.elf.ljust(width)}  # {what}{note}")
    return lines


def banner(image, port, gdb_cmd, progs, loaded, run_gdb):
    """What run-image --gdb prints before gdb attaches."""
    out = [f"run-image: QEMU is halted at the reset vector, its gdb stub on port {port}."]
    if run_gdb:
        out.append("run-image: running:")
    else:
        out.append("run-image: attach from another terminal with:")
    out.append("  " + shlex.join(gdb_cmd))
    if progs:
        out.append("run-image: the image's user programs. Each process has an address space "
                   "of its own, and all are")
        out.append("run-image: linked at the same user addresses: in gdb, load one program's "
                   "symbols at a time")
        out.append("run-image: (remove-symbol-file FILE drops them). A breakpoint at a user "
                   "address stops in")
        out.append("run-image: whichever process runs there (`break F if $satp == VALUE` "
                   "picks one):")
        out.extend(symbol_lines(progs, loaded))
    else:
        out.append(f"run-image: {image} has no boot archive: only its own symbols.")
    if run_gdb:
        out.append("run-image: QEMU ends when gdb does.")
    else:
        out.append("run-image: Ctrl-C here, or gdb's `kill`, ends QEMU.")
    return out


def stop(proc):
    """Ends QEMU's process group: SIGTERM, then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_SECONDS), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            pass


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def session(image, port=DEFAULT_PORT, fast=False, program=None, run_gdb=False, out=None,
            err=None, popen=subprocess.Popen, call=subprocess.call):
    """The whole --gdb run; returns run-image's exit status (QEMU's, or gdb's with run_gdb).
    GdbError for what stops it before QEMU starts. popen/call: injected by the tests."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if not os.path.isfile(image):
        raise GdbError(f"image not found: {image}")
    have_gdb = shutil.which(GDB) is not None
    if run_gdb and not have_gdb:
        raise GdbError(f"{GDB} not found: {INSTALL_GDB}")
    qemu_cmd = qemu_command(image, port, fast)
    check_port(port)
    progs = programs(image)
    loaded = choose(progs, program) if program is not None else None
    gdb_cmd = gdb_command(image, port, loaded)
    for p in progs:
        if p.elf is None or p.note:
            print(f"run-image: warning: program {p.name}: {p.elf + ' ' if p.elf else ''}"
                  f"{p.note}", file=err)

    try:
        proc = popen(qemu_cmd, stdin=subprocess.DEVNULL, start_new_session=True)
    except FileNotFoundError:
        raise GdbError(f"{runner.QEMU} not found: install Debian's qemu-system-misc "
                       "(scripts/setup does)") from None
    old = {s: signal.signal(s, _raise_interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        deadline = time.monotonic() + START_SECONDS
        while port_free(port):
            if proc.poll() is not None:
                raise GdbError(f"QEMU exited (status {proc.returncode}) before its gdb stub "
                               f"listened on port {port}")
            if time.monotonic() > deadline:
                raise GdbError(f"QEMU's gdb stub did not open port {port} in "
                               f"{START_SECONDS:.0f} s")
            time.sleep(0.05)
        for line in banner(image, port, gdb_cmd, progs, loaded, run_gdb):
            print(line, file=out)
        if not have_gdb:
            print(f"run-image: note: {GDB} is not installed: {INSTALL_GDB}", file=err)
        out.flush()
        if run_gdb:
            # Ctrl-C belongs to gdb (it stops the target), not to us: ignore it meanwhile, with
            # a handler rather than SIG_IGN, which gdb would inherit.
            sigint = signal.signal(signal.SIGINT, lambda signum, frame: None)
            try:
                return call(gdb_cmd)
            finally:
                signal.signal(signal.SIGINT, sigint)
        return proc.wait()
    except KeyboardInterrupt:
        print("\nrun-image: interrupted; QEMU stopped", file=err)
        return 130
    finally:
        stop(proc)
        for s, handler in old.items():
            signal.signal(s, handler)
