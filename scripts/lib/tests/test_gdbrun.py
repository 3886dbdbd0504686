"""Tests of scripts/lib/gdbrun.py (scripts/run-image --gdb) on synthetic images: the QEMU and
gdb command lines, the user programs found for an image's boot archive (missing or stale ELFs
named, not a crash), a busy port and a simulator platform refused with a message, and a session
against a stand-in for QEMU that listens on the port, which must not outlive the session. The
same against real QEMU and gdb-multiarch is the qemu/gdb_attach CTest (gdb_attach.py)."""
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

import elf_fixtures
import fixtures  # noqa: F401  it puts scripts/lib on the path
import gdbrun  # noqa: E402
import mkarchive  # noqa: E402
import runner  # noqa: E402

RUN_IMAGE = os.path.join(os.path.dirname(os.path.dirname(fixtures.HERE)), "run-image")


def free_port():
    s = socket.socket()
    s.bind(("", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def listener(port):
    """A socket listening on `port` as QEMU's stub would (the caller closes it)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", port))
    s.listen(1)
    return s


def kernel_image(path, programs, archive=True):
    """A virt kernel ELF (entry 0x8000_0000) whose .boot_archive holds `programs`."""
    sections = []
    if archive:
        blob = mkarchive.pack(programs, 16384, seed=bytes(32))
        sections.append((".boot_archive", 0x8003_0000, blob))
    code = bytes(range(64))
    elf_fixtures.write_elf(path, runner.VIRT_ENTRY,
                           [(runner.VIRT_ENTRY, runner.VIRT_ENTRY, code, len(code), 5)],
                           sections)
    return path


class Tree(unittest.TestCase):
    """A build tree like CMake's: CMakeCache.txt at its root, the image in kernel/test, the
    user programs beside it and in services/."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.root = os.path.join(self.tmp.name, "build", "qemu")
        for d in ("kernel/test", "services", "kernel/test/CMakeFiles/x.dir"):
            os.makedirs(os.path.join(self.root, d))
        open(os.path.join(self.root, "CMakeCache.txt"), "w").close()
        self.hello = os.path.join(self.root, "kernel/test/hello.elf")
        self.log = os.path.join(self.root, "services/log.elf")
        elf_fixtures.user_program(self.hello, size=300)
        elf_fixtures.user_program(self.log, size=500)
        # Not a program's ELF: CMake's own folders are not searched.
        elf_fixtures.user_program(os.path.join(self.root, "kernel/test/CMakeFiles/x.dir/log.elf"))
        self.image = kernel_image(os.path.join(self.root, "kernel/test/boot_hello.elf"),
                                  [("hello", self.hello), ("log", self.log)])


class Commands(Tree):
    def test_qemu_is_halted_with_its_stub_on_the_port(self):
        cmd = gdbrun.qemu_command(self.image, 4321)
        self.assertEqual(cmd[0], runner.QEMU)
        self.assertIn("-S", cmd)
        i = cmd.index("-gdb")
        self.assertEqual(cmd[i + 1], "tcp:127.0.0.1:4321")
        # The machine of the tests, -icount and all, and the image.
        self.assertEqual(cmd[1:1 + len(runner.QEMU_ARGS)], runner.QEMU_ARGS)
        self.assertEqual(cmd[cmd.index("-kernel") + 1], self.image)
        self.assertNotIn("-icount", gdbrun.qemu_command(self.image, 4321, fast=True))

    def test_the_gdb_command_has_the_kernel_and_attaches(self):
        cmd = gdbrun.gdb_command(self.image, 4321)
        self.assertEqual(cmd[:3], [gdbrun.GDB, "-q", self.image])
        exs = [cmd[i + 1] for i, a in enumerate(cmd) if a == "-ex"]
        self.assertEqual(exs, ["set architecture riscv:rv32", "target remote :4321"])

    def test_a_chosen_program_is_loaded_without_a_question(self):
        hello = gdbrun.choose(gdbrun.programs(self.image), "hello")
        cmd = gdbrun.gdb_command(self.image, 1234, hello)
        exs = [cmd[i + 1] for i, a in enumerate(cmd) if a == "-ex"]
        self.assertEqual(exs, ["set architecture riscv:rv32", "target remote :1234",
                               "set confirm off", f"add-symbol-file {self.hello}",
                               "set confirm on"])


class Programs(Tree):
    def test_the_archive_processes_are_found_in_the_build_tree(self):
        progs = gdbrun.programs(self.image)
        self.assertEqual([(p.name, p.entry, p.elf, p.note) for p in progs],
                         [("hello", 0x10000, self.hello, ""), ("log", 0x10000, self.log, "")])
        self.assertEqual(gdbrun.build_root(self.image), self.root)

    def test_one_symbol_line_per_program(self):
        progs = gdbrun.programs(self.image)
        lines = gdbrun.symbol_lines(progs)
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].lstrip().startswith(f"add-symbol-file {self.hello} "))
        self.assertIn("# hello, entry 0x00010000", lines[0])
        self.assertTrue(lines[1].lstrip().startswith(f"add-symbol-file {self.log} "))
        # The one --gdb-program loads is marked so, not offered again.
        loaded = gdbrun.symbol_lines(progs, progs[1])
        self.assertNotIn("add-symbol-file", loaded[1])
        self.assertIn("loaded (--gdb-program log)", loaded[1])

    def test_a_missing_elf_is_named(self):
        os.remove(self.log)
        progs = gdbrun.programs(self.image)
        self.assertEqual(progs[0].elf, self.hello)
        self.assertIsNone(progs[1].elf)
        self.assertIn("no log.elf under", progs[1].note)
        line = gdbrun.symbol_lines(progs)[1]
        self.assertIn("# log", line)
        self.assertIn("no symbols", line)
        with self.assertRaises(gdbrun.GdbError) as e:
            gdbrun.choose(progs, "log")
        self.assertIn("--gdb-program log: no log.elf", str(e.exception))

    def test_an_elf_rebuilt_since_the_image_is_flagged(self):
        elf_fixtures.user_program(self.hello, size=301)
        progs = gdbrun.programs(self.image)
        self.assertEqual(progs[0].elf, self.hello)
        self.assertIn("differs from the image's copy", progs[0].note)
        self.assertEqual(progs[1].note, "")

    def test_an_unknown_program_names_the_choices(self):
        with self.assertRaises(gdbrun.GdbError) as e:
            gdbrun.choose(gdbrun.programs(self.image), "nosuch")
        self.assertIn("not a program of this image (it has: hello, log)", str(e.exception))

    def test_an_image_without_an_archive_has_no_programs(self):
        bare = kernel_image(os.path.join(self.root, "bare.elf"), [], archive=False)
        self.assertEqual(gdbrun.programs(bare), [])
        text = "\n".join(gdbrun.banner(bare, 1234, gdbrun.gdb_command(bare, 1234), [], None,
                                       False))
        self.assertIn("has no boot archive", text)
        with self.assertRaises(gdbrun.GdbError):
            gdbrun.choose([], "hello")

    def test_a_file_that_is_no_elf_is_refused(self):
        junk = os.path.join(self.root, "junk.elf")
        with open(junk, "wb") as f:
            f.write(b"no elf here" * 10)
        with self.assertRaises(gdbrun.GdbError) as e:
            gdbrun.programs(junk)
        self.assertIn("junk.elf", str(e.exception))


class Refusals(Tree):
    def test_a_busy_port_is_refused(self):
        port = free_port()
        s = listener(port)
        self.addCleanup(s.close)
        self.assertFalse(gdbrun.port_free(port))
        with self.assertRaises(gdbrun.GdbError) as e:
            gdbrun.check_port(port)
        self.assertIn(f"port {port} is in use", str(e.exception))
        self.assertIn("--gdb-port", str(e.exception))
        started = []
        with self.assertRaises(gdbrun.GdbError):
            gdbrun.session(self.image, port, popen=lambda *a, **k: started.append(a))
        self.assertEqual(started, [], "QEMU must not be started on a busy port")
        s.close()
        self.assertTrue(gdbrun.port_free(port))

    def test_not_a_port(self):
        for port in (0, 70000):
            with self.assertRaises(gdbrun.GdbError):
                gdbrun.check_port(port)

    def test_the_simulators_are_refused(self):
        gdbrun.check_platform("qemu")
        for platform in ("sim", "betrusted-sim"):
            with self.assertRaises(gdbrun.GdbError) as e:
                gdbrun.check_platform(platform)
            self.assertIn(f"--gdb needs the qemu platform, not {platform}", str(e.exception))
            self.assertIn("--trace FILE.fst", str(e.exception))

    def test_run_image_refuses_sim_and_checks(self):
        r = subprocess.run([sys.executable, RUN_IMAGE, "--platform", "sim", "--gdb", self.image],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("run-image: --gdb needs the qemu platform, not sim", r.stderr)
        r = subprocess.run([sys.executable, RUN_IMAGE, "--gdb", "--expect", "x", self.image],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("do not apply", r.stderr)
        r = subprocess.run([sys.executable, RUN_IMAGE, "--gdb-port", "5", self.image],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("go with --gdb", r.stderr)

    def test_gdb_run_without_gdb_says_what_to_install(self):
        started = []
        with mock.patch.object(gdbrun.shutil, "which", return_value=None):
            with self.assertRaises(gdbrun.GdbError) as e:
                gdbrun.session(self.image, free_port(), run_gdb=True,
                               popen=lambda *a, **k: started.append(a))
        self.assertIn("gdb-multiarch not found: install Debian's gdb-multiarch "
                      "(scripts/setup does)", str(e.exception))
        self.assertEqual(started, [])

    def test_a_betrusted_image_is_refused(self):
        bt, _ = elf_fixtures.betrusted_image(os.path.join(self.tmp.name, "bt"))
        with self.assertRaises(ValueError) as e:
            gdbrun.session(bt, free_port(), popen=None)
        self.assertIn("built for the betrusted platform", str(e.exception))


# A stand-in for QEMU: it listens on the port, then exits with STATUS after LIFE seconds.
FAKE_QEMU = """
import socket, sys, time
port, life, status = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", port))
s.listen(1)
time.sleep(life)
sys.exit(status)
"""


class Session(Tree):
    def fake(self, life, status):
        """A popen for session() that starts FAKE_QEMU on the port of QEMU's command."""
        self.started = []

        def popen(cmd, **kw):
            port = cmd[cmd.index("-gdb") + 1].rpartition(":")[2]
            self.qemu_cmd = cmd
            proc = subprocess.Popen([sys.executable, "-c", FAKE_QEMU, port, str(life),
                                     str(status)], **kw)
            self.started.append(proc)
            self.addCleanup(lambda: proc.poll() is None and proc.kill())
            return proc
        return popen

    def run_session(self, **kw):
        out, err = io.StringIO(), io.StringIO()
        status = gdbrun.session(self.image, self.port, out=out, err=err, **kw)
        return status, out.getvalue(), err.getvalue()

    def setUp(self):
        super().setUp()
        self.port = free_port()

    def test_prints_the_command_and_returns_qemus_status(self):
        status, out, err = self.run_session(popen=self.fake(0.5, 7))
        self.assertEqual(status, 7)
        self.assertIn("-S", self.qemu_cmd)
        self.assertIn(f"its gdb stub on port {self.port}", out)
        self.assertIn(f"  gdb-multiarch -q {self.image} -ex 'set architecture riscv:rv32' "
                      f"-ex 'target remote :{self.port}'\n", out)
        self.assertIn(f"add-symbol-file {self.hello}", out)
        self.assertIn(f"add-symbol-file {self.log}", out)
        self.assertIn("same user addresses", out)

    def test_gdb_run_ends_qemu_when_gdb_ends(self):
        calls = []

        def call(cmd):
            calls.append(cmd)
            self.assertIsNone(self.started[0].poll(), "QEMU runs while gdb does")
            return 3
        with mock.patch.object(gdbrun.shutil, "which", return_value="/usr/bin/gdb-multiarch"):
            status, out, _ = self.run_session(popen=self.fake(60, 0), run_gdb=True, call=call,
                                              program="hello")
        self.assertEqual(status, 3)
        self.assertEqual(calls, [gdbrun.gdb_command(self.image, self.port,
                                                    gdbrun.programs(self.image)[0])])
        self.assertIsNotNone(self.started[0].poll(), "QEMU outlived gdb")
        self.assertTrue(gdbrun.port_free(self.port))
        self.assertIn("loaded (--gdb-program hello)", out)

    def test_ctrl_c_ends_qemu(self):
        def call(cmd):
            raise KeyboardInterrupt
        with mock.patch.object(gdbrun.shutil, "which", return_value="/usr/bin/gdb-multiarch"):
            status, _, err = self.run_session(popen=self.fake(60, 0), run_gdb=True, call=call)
        self.assertEqual(status, 130)
        self.assertIn("interrupted; QEMU stopped", err)
        self.assertIsNotNone(self.started[0].poll())

    def test_a_missing_elf_is_a_warning_not_a_failure(self):
        os.remove(self.hello)
        status, out, err = self.run_session(popen=self.fake(0.3, 0))
        self.assertEqual(status, 0)
        self.assertIn("run-image: warning: program hello: no hello.elf under", err)
        self.assertIn("# hello, entry 0x00010000: no hello.elf under", out)
        self.assertIn(f"add-symbol-file {self.log}", out)

    def test_qemu_that_dies_at_start_is_reported(self):
        def popen(cmd, **kw):
            return subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"], **kw)
        start = time.monotonic()
        with self.assertRaises(gdbrun.GdbError) as e:
            self.run_session(popen=popen)
        self.assertIn("QEMU exited (status 1) before its gdb stub listened", str(e.exception))
        self.assertLess(time.monotonic() - start, gdbrun.START_SECONDS)

    def test_no_qemu_says_what_to_install(self):
        def popen(cmd, **kw):
            raise FileNotFoundError(cmd[0])
        with self.assertRaises(gdbrun.GdbError) as e:
            self.run_session(popen=popen)
        self.assertIn("qemu-system-misc (scripts/setup does)", str(e.exception))


if __name__ == "__main__":
    unittest.main()
