"""Tests of reading the console from a byte stream (scripts/lib/serial_source.py) with a
pseudo-terminal that replays a recorded Betrusted run: the pty slave is opened by path in raw
mode, exactly as a serial device would be, so no pyserial and no board are needed."""
import os
import sys
import termios
import threading
import time
import unittest

import fixtures  # first: it puts scripts/lib on the path
import benchfmt  # noqa: E402
import serial_source  # noqa: E402

RECORDING = os.path.join(fixtures.FIXTURES, "betrusted-console.log")


class PtyReplay:
    """A pty whose master side plays `data` in small chunks, like a UART at speed."""

    def __init__(self, data, chunk=37, close_after=False):
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        self.fd = serial_source.open_raw(self.path, baud=115200)
        os.close(slave)  # the reader holds its own descriptor, opened by path
        self.data, self.chunk, self.close_after = data, chunk, close_after
        self.thread = threading.Thread(target=self._play, daemon=True)

    def _play(self):
        for i in range(0, len(self.data), self.chunk):
            os.write(self.master, self.data[i:i + self.chunk])
            time.sleep(0.001)
        if self.close_after:
            # Linux discards what the slave side has not read yet when the master closes, so
            # give the reader time to drain the last (cut) line first, as a real device would.
            time.sleep(0.3)
            os.close(self.master)
            self.master = None

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.thread.join(5)
        os.close(self.fd)
        if self.master is not None:
            os.close(self.master)


def recording():
    with open(RECORDING, "rb") as f:
        return f.read()


class Replay(unittest.TestCase):
    def test_whole_run_finishes_when_the_line_settles(self):
        parsed = benchfmt.Parsed()
        seen = []
        with PtyReplay(recording()) as pty:
            outcome = serial_source.read_stream(pty.fd, parsed, "pty", timeout=10, settle=0.3,
                                                on_line=seen.append)
        self.assertEqual(outcome.reason, "finished")
        self.assertIsNone(outcome.incomplete_reason("pty", parsed))
        self.assertEqual(outcome.nbytes, len(recording()))
        self.assertEqual(list(parsed.results), ["sync/null_syscall", "sync/call_reply",
                                                "sync/yield", "lend/borrow/4096",
                                                "copy/send/4096"])
        self.assertEqual(parsed.results["sync/call_reply"].median, 290)
        self.assertIn("lend/move/4096", parsed.absent)
        self.assertEqual(parsed.core["stages"], 5)
        self.assertEqual(parsed.problems, [])
        self.assertTrue(parsed.complete())
        self.assertFalse(any("\r" in s for s in seen))  # raw mode: CR LF arrive untranslated

    def test_run_that_dies_mid_line(self):
        data = recording()
        cut = data.index(b"name=copy/send") + 20
        parsed = benchfmt.Parsed()
        with PtyReplay(data[:cut], close_after=True) as pty:
            outcome = serial_source.read_stream(pty.fd, parsed, "pty", timeout=10, settle=0.3)
        self.assertEqual(outcome.reason, "eof")
        self.assertIn("closed before", outcome.incomplete_reason("pty", parsed))
        self.assertIn("lend/borrow/4096", parsed.results)  # what arrived is kept
        self.assertNotIn("copy/send/4096", parsed.results)
        self.assertEqual(parsed.unfinished_suites(), ["lend"])
        self.assertIn("stopped mid-line", parsed.problems[0])

    def test_silent_device_times_out(self):
        parsed = benchfmt.Parsed()
        with PtyReplay(b"courier booting\r\n") as pty:
            outcome = serial_source.read_stream(pty.fd, parsed, "pty", timeout=0.5, settle=0.2)
        self.assertEqual(outcome.reason, "timeout")
        self.assertIn("timed out", outcome.incomplete_reason("pty", parsed))

    def test_baud_rate_is_set(self):
        with PtyReplay(b"") as pty:
            attrs = termios.tcgetattr(pty.fd)
        self.assertEqual((attrs[4], attrs[5]), (termios.B115200, termios.B115200))

    def test_recorded_file_reads_the_same_way(self):
        parsed = benchfmt.Parsed()
        with open(RECORDING, "rb") as f:
            outcome = serial_source.read_stream(f, parsed, RECORDING, timeout=10, settle=0.1)
        self.assertEqual(outcome.reason, "eof")
        self.assertIsNone(outcome.incomplete_reason(RECORDING, parsed))
        self.assertEqual(len(parsed.results), 5)


class Pyserial(unittest.TestCase):
    def test_missing_pyserial_says_how_to_install_it(self):
        saved = sys.modules.get("serial")
        sys.modules["serial"] = None  # makes "import serial" fail as if not installed
        try:
            with self.assertRaises(serial_source.SerialUnavailable) as cm:
                serial_source.open_serial("/dev/ttyUSB0", 115200)
        finally:
            if saved is None:
                del sys.modules["serial"]
            else:
                sys.modules["serial"] = saved
        self.assertIn("apt-get install python3-serial", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
