"""Reading the benchmark console from a byte stream: a serial port, a pseudo-terminal, a pipe or
a recorded file.

A Betrusted board (or anything else that prints the @bench line format) is not a process we
start and wait for: it prints its suites and then keeps running. So a read ends when every suite
that began has ended and the line has then stayed quiet for a moment (`settle`), when the
stream closes, or at the overall timeout; the last two leave the results marked incomplete if a
suite is still open.

Everything goes through read_stream(fd): the serial port (opened with pyserial, imported only
when a serial device is actually used), and the tests' pty replay, opened with plain os.open and
termios raw mode, take the same path.
"""
import errno
import os
import selectors
import termios
import time
import tty

import benchfmt

PYSERIAL_MISSING = ("reading a serial device needs pyserial, which is not installed.\n"
                    "  Install Debian's package:  sudo apt-get install python3-serial")


class StreamOutcome:
    def __init__(self, reason, seconds, nbytes):
        self.reason = reason      # "finished", "eof" or "timeout"
        self.seconds = seconds
        self.nbytes = nbytes

    def incomplete_reason(self, where, parsed):
        """None when the stream ended the way a full run ends."""
        if self.reason == "finished":
            return None
        if self.reason == "timeout":
            return f"{where}: no end of the benchmark run after {self.seconds:.0f} s (timed out)"
        if parsed.unfinished_suites() or not parsed.begun:
            return f"{where}: the stream closed before the benchmark run finished"
        return None


def _fileno(stream):
    return stream if isinstance(stream, int) else stream.fileno()


def read_stream(stream, parsed, where="console", timeout=300.0, settle=2.0, on_line=None,
                echo=None):
    """Feeds every console line from `stream` (an fd or an object with fileno()) to `parsed`.

    on_line(line) sees each complete line after parsing; echo(bytes), if given, sees raw data.
    """
    fd = _fileno(stream)
    # poll, not epoll: epoll refuses regular files, and a recorded log is one.
    sel = selectors.PollSelector()
    sel.register(fd, selectors.EVENT_READ)
    assembler = benchfmt.LineAssembler()
    start = time.monotonic()
    last_data = start
    nbytes = 0
    reason = "timeout"
    try:
        while True:
            now = time.monotonic()
            if parsed.complete() and now - last_data >= settle:
                reason = "finished"
                break
            left = timeout - (now - start)
            if left <= 0:
                break
            if not sel.select(timeout=min(left, settle, 0.25)):
                continue
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                continue
            except OSError as e:
                # A pty whose other end closed reads as EIO on Linux: that is end of stream.
                if e.errno != errno.EIO:
                    raise
                data = b""
            if not data:
                reason = "eof"
                break
            nbytes += len(data)
            last_data = time.monotonic()
            if echo:
                echo(data)
            for line in assembler.feed(data):
                benchfmt.parse_line(line, parsed, where)
                if on_line:
                    on_line(line)
    finally:
        sel.close()
    benchfmt.finish_stream(assembler, parsed, where)
    return StreamOutcome(reason, time.monotonic() - start, nbytes)


def open_raw(path, baud=None):
    """Opens a tty (or pty slave) read-only in raw mode without pyserial; returns the fd.

    Raw mode matters: in canonical mode the line discipline would echo, translate CR/LF and
    hold back a last line without newline, hiding exactly the cut lines we want to see.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        tty.setraw(fd, termios.TCSANOW)
        if baud is not None:
            attrs = termios.tcgetattr(fd)
            speed = getattr(termios, f"B{baud}", None)
            if speed is None:
                raise ValueError(f"{path}: baud rate {baud} is not a standard termios speed")
            attrs[4] = attrs[5] = speed
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
    except BaseException:
        os.close(fd)
        raise
    return fd


class SerialUnavailable(Exception):
    pass


def open_serial(device, baud):
    """Opens a serial device with pyserial; returns the Serial object (it has fileno()).

    Raises SerialUnavailable with a message fit for the user when pyserial is missing or the
    device cannot be opened.
    """
    try:
        import serial  # noqa: PLC0415 - optional: only serial runs need it
    except ImportError:
        raise SerialUnavailable(PYSERIAL_MISSING) from None
    try:
        port = serial.Serial(device, baudrate=baud, timeout=0)
    except (serial.SerialException, OSError, ValueError) as e:
        raise SerialUnavailable(f"cannot open serial device {device} at {baud} baud: {e}") from None
    return port
