#!/usr/bin/python3
"""qemu/gdb_attach: scripts/run-image --gdb on a real image, with real QEMU and gdb-multiarch.

run-image --gdb --gdb-program PROGRAM starts QEMU halted and prints the gdb command; that
command, run in batch mode with a few more -ex, must stop at kernel_main (the kernel's
symbols), then at the user program's `main` in U-mode (its symbols), and its `kill` must end
QEMU and run-image. Then Ctrl-C (SIGINT) to a halted run-image must end QEMU too. The port is
one the system hands out free, so the test can run beside others.

usage: gdb_attach.py [--program NAME] IMAGE
Exit 0: passed; 1: failed (the reason on stderr); 77: skipped (gdb-multiarch or QEMU missing:
scripts/setup installs both).
"""
import argparse
import os
import re
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_IMAGE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "run-image")
sys.path.insert(0, os.path.dirname(HERE))
import gdbrun  # noqa: E402
import runner  # noqa: E402

SKIP = 77
START_SECONDS = 15
GDB_SECONDS = 60


class Failure(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(("", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(image, port, program):
    return subprocess.Popen([sys.executable, RUN_IMAGE, "--gdb", "--gdb-port", str(port),
                             "--gdb-program", program, image],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def read_until(proc, pattern, seconds):
    """run-image's output up to and including the first line matching `pattern`."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    text, deadline = b"", time.monotonic() + seconds
    while True:
        for line in text.decode(errors="replace").splitlines(keepends=True):
            if line.endswith("\n") and re.search(pattern, line):
                return text.decode(errors="replace"), line.rstrip("\n")
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure(f"no line /{pattern}/ from run-image in {seconds} s:\n"
                          f"{text.decode(errors='replace')}")
        if sel.select(timeout=min(left, 0.5)):
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                raise Failure(f"run-image ended (status {proc.wait()}) before /{pattern}/:\n"
                              f"{text.decode(errors='replace')}")
            text += data


def wait_gone(proc, port, seconds=15):
    """run-image must end, and QEMU with it (its stub's port free again)."""
    try:
        status = proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise Failure(f"run-image still running {seconds} s after gdb's kill") from None
    deadline = time.monotonic() + 5
    while not gdbrun.port_free(port):
        if time.monotonic() > deadline:
            raise Failure(f"port {port} still taken after run-image ended: QEMU left running")
        time.sleep(0.1)
    return status


def finish(proc):
    """Whatever happened: run-image (and so QEMU) must not outlive the test."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)  # run-image stops QEMU on SIGTERM
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def attach(image, program):
    port = free_port()
    proc = start(image, port, program)
    try:
        banner, line = read_until(proc, r"^\s+gdb-multiarch ", START_SECONDS)
        cmd = shlex.split(line)
        if f"target remote :{port}" not in cmd or image not in cmd:
            raise Failure(f"the printed gdb command lacks the port or the image: {line}")
        program_elf = [c for c in cmd if c.startswith("add-symbol-file ")]
        if not program_elf:
            raise Failure(f"--gdb-program {program}: no add-symbol-file in: {line}")
        batch = [cmd[0], "-batch", *cmd[1:],
                 "-ex", "break kernel_main", "-ex", "continue", "-ex", "info registers pc",
                 "-ex", "break main", "-ex", "continue", "-ex", "info registers pc priv",
                 "-ex", "kill"]
        try:
            r = subprocess.run(batch, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=GDB_SECONDS)
        except subprocess.TimeoutExpired:
            raise Failure(f"gdb did not finish in {GDB_SECONDS} s: {shlex.join(batch)}") from None
        out = r.stdout + r.stderr
        checks = [
            (r"Breakpoint 1, (0x[0-9a-f]+ in )?kernel_main \(", "stopped at kernel_main"),
            (r"^pc\s+0x8[0-9a-f]{7}\s+0x[0-9a-f]+ <kernel_main(\+\d+)?>", "pc in kernel_main"),
            (r"Breakpoint 2, (0x[0-9a-f]+ in )?main \(", f"stopped at {program}'s main"),
            (r"^pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <main(\+\d+)?>", "pc in main"),
            (r"^priv\s+0x0\s+prv:0 \[User", "in U-mode"),
        ]
        missing = [what for pattern, what in checks if not re.search(pattern, out, re.M)]
        if missing:
            raise Failure(f"gdb: not {', '.join(missing)}; it ran {shlex.join(batch)}:\n{out}\n"
                          f"run-image said:\n{banner}")
        wait_gone(proc, port)
        print(f"gdb_attach: ok: stopped at kernel_main and at {program}'s main in U-mode; "
              f"QEMU ended with gdb's kill (port {port})")
    finally:
        finish(proc)


def interrupt(image, program):
    port = free_port()
    proc = start(image, port, program)
    try:
        read_until(proc, r"^run-image: Ctrl-C here", START_SECONDS)
        os.kill(proc.pid, signal.SIGINT)
        status = wait_gone(proc, port)
        if status != 130:
            raise Failure(f"run-image after Ctrl-C: status {status}, expected 130")
        print(f"gdb_attach: ok: Ctrl-C ended run-image (130) and QEMU (port {port} free)")
    finally:
        finish(proc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--program", default="hello")
    ap.add_argument("image")
    args = ap.parse_args()
    for tool, package in ((gdbrun.GDB, gdbrun.GDB), (runner.QEMU, "qemu-system-misc")):
        if shutil.which(tool) is None:
            print(f"gdb_attach: SKIP: {tool} not installed (Debian's {package}; scripts/setup "
                  "installs it)")
            return SKIP
    try:
        attach(args.image, args.program)
        interrupt(args.image, args.program)
    except Failure as e:
        print(f"gdb_attach: FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
