"""Parser for the target benchmark line format (documented in bench/target/harness.h).

    @bench v1 name=<n> samples=<k> ops=<m> unit=cycles min=.. median=.. mean=.. stddev=.. overhead=.. crc=XXXXXXXX
    @bench v1 begin suite=<s> crc=..      @bench v1 end suite=<s> crc=..
    @bench v1 absent name=<n> reason=<r> crc=..

With a millisecond counter (a Precursor without the sim's SIMTIME) a result line says unit=ms,
carries its figures in ms per operation with decimals, the overhead in ticks (ms) per sample,
and the resolution (one tick against the median sample):

    @bench v1 name=<n> samples=<k> ops=<m> unit=ms min=0.004210 median=0.004300 ... overhead=0 resolution=0.95% crc=..

Such a result keeps unit "ms" and its resolution (percent), and its figures are converted to
cycles at Betrusted's 100 MHz clock (CYCLES_PER_MS), the unit every result file counts in.

The marker may appear anywhere in a line (other output can precede it on the same line); the
checksum (FNV-1a of everything from "@bench" up to " crc=") rejects lines that were cut short
or had other output spliced into them. Rejected lines are reported, never guessed at.

A platform may also describe the core it runs on with one unchecked line of its own (the
simulator's harness, not the target, prints it, so it cannot be interleaved):

    @core <key>=<value> <key>=<value> ...

Console bytes arrive in arbitrary chunks (a pipe, a pty, a serial port); LineAssembler turns
them into lines and remembers a trailing fragment that never got its newline, so a run that
died mid-line is reported as such.
"""
import re

MARKER = "@bench v1 "
CORE_MARKER = "@core "
_CRC_RE = re.compile(r" crc=([0-9a-f]{8})\s*$")
RESULT_KEYS = ("name", "samples", "ops", "unit", "min", "median", "mean", "stddev", "overhead")
UNITS = ("cycles", "ms")
CYCLES_PER_MS = 100_000  # Betrusted's 100 MHz clock


def fnv1a(text):
    h = 2166136261
    for b in text.encode("utf-8", "replace"):
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


class Result:
    def __init__(self, fields):
        self.name = fields["name"]
        self.samples = int(fields["samples"])
        self.ops = int(fields["ops"])
        self.unit = fields["unit"]
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        self.resolution = None  # percent, for a millisecond counter
        if self.unit == "ms":
            def cycles(v):
                return int(round(float(v) * CYCLES_PER_MS))
            self.min = cycles(fields["min"])
            self.median = cycles(fields["median"])
            self.mean = float(fields["mean"]) * CYCLES_PER_MS
            self.stddev = float(fields["stddev"]) * CYCLES_PER_MS
            self.overhead = cycles(fields["overhead"])
            self.resolution = float(fields.get("resolution", "nan").rstrip("%"))
        else:
            self.min = int(fields["min"])
            self.median = int(fields["median"])
            self.mean = float(fields["mean"])
            self.stddev = float(fields["stddev"])
            self.overhead = int(fields["overhead"])
        if self.samples <= 0 or self.ops <= 0:
            raise ValueError("samples and ops must be positive")


class Parsed:
    def __init__(self):
        self.results = {}   # name -> Result, in the order first seen
        self.absent = {}    # name -> reason
        self.begun = []     # suite names
        self.ended = []
        self.core = {}      # from "@core" lines: whatever the platform says about its core
        self.problems = []  # human-readable descriptions of rejected lines (figures lost)
        self.warnings = []  # oddities that lose nothing
        self._mark = None          # the simulator's counters at its last mark (parse_mark)
        self._last_record = None   # the result the last benchmark record held, if any

    def complete(self):
        """True when every suite that began also ended."""
        return bool(self.begun) and all(s in self.ended for s in self.begun)

    def unfinished_suites(self):
        return [s for s in self.begun if s not in self.ended]

    def incomplete_reasons(self):
        """Why these results cannot stand as a full run; empty when they can.

        A damaged line is a lost figure, so it counts as well as a suite left unfinished.
        """
        reasons = [f"suite '{s}' did not finish (no end-of-suite line)"
                   for s in self.unfinished_suites()]
        if not self.begun and not self.results:
            reasons.append("no benchmark output at all")
        reasons += [f"rejected line: {p}" for p in self.problems]
        return reasons


def _split_fields(kind, words, body, where, parsed):
    """key=value words -> dict. An absent record's reason is free text and may hold spaces."""
    fields = {}
    for i, w in enumerate(words):
        k, sep, v = w.partition("=")
        if not sep:
            parsed.problems.append(f"{where}: malformed field {w!r} in {body!r}")
            return None
        if kind == "absent" and k == "reason":
            fields[k] = " ".join([v] + words[i + 1:])
            break
        fields[k] = v
    return fields


def _parse_core(record, parsed):
    for w in record[len(CORE_MARKER):].split():
        k, sep, v = w.partition("=")
        if not sep:
            continue
        try:
            parsed.core[k] = int(v, 0)
        except ValueError:
            try:
                parsed.core[k] = float(v)
            except ValueError:
                parsed.core[k] = v


def parse_line(line, parsed, where="console"):
    """Feeds one console line; returns True if it held a benchmark record."""
    start = line.find("@bench ")
    if start < 0:
        core = line.find(CORE_MARKER)
        if core >= 0:
            _parse_core(line[core:].rstrip("\r\n"), parsed)
        return False
    # A record that another one interrupted holds a second marker; only the last record on a
    # line can be whole (its checksum ends the line), the ones before it lost their tails.
    nxt = line.find("@bench ", start + 1)
    while nxt >= 0:
        parsed.problems.append(f"{where}: benchmark line cut short (another record began inside "
                               f"it): {line[start:nxt][:80]!r}")
        start, nxt = nxt, line.find("@bench ", nxt + 1)
    record = line[start:].rstrip("\r\n")
    if not record.startswith(MARKER):
        parsed.problems.append(f"{where}: unsupported record version: {record[:60]!r}")
        return True
    m = _CRC_RE.search(record)
    if not m:
        parsed.problems.append(f"{where}: benchmark line cut short (no checksum): {record[:80]!r}")
        return True
    body = record[:m.start()]
    if fnv1a(body) != int(m.group(1), 16):
        parsed.problems.append(f"{where}: benchmark line damaged (checksum mismatch): {record[:80]!r}")
        return True
    words = body[len(MARKER):].split()
    kind = "result"
    if words and "=" not in words[0]:
        kind, words = words[0], words[1:]
    fields = _split_fields(kind, words, body, where, parsed)
    if fields is None:
        return True
    parsed._last_record = None
    try:
        if kind == "begin":
            parsed.begun.append(fields["suite"])
        elif kind == "end":
            parsed.ended.append(fields["suite"])
        elif kind == "absent":
            parsed.absent[fields["name"]] = fields.get("reason", "not in this image")
        elif kind == "result":
            missing = [k for k in RESULT_KEYS if k not in fields]
            if missing:
                parsed.problems.append(f"{where}: result line lacks {', '.join(missing)}: {body!r}")
                return True
            r = Result(fields)
            if r.name in parsed.results:
                parsed.warnings.append(f"{where}: benchmark {r.name} reported twice; "
                                       "keeping the later figure")
            parsed.results[r.name] = r
            parsed._last_record = r.name
            return True
        else:
            parsed.problems.append(f"{where}: unknown record kind {kind!r}")
    except (KeyError, ValueError) as e:
        parsed.problems.append(f"{where}: bad value in {body!r}: {e}")
    return True


MARK_PREFIX = "courier-sim: mark "
MARK_KEYS = ("cycles", "instret", "icache_fills", "dcache_fills")


def parse_mark(line, parsed):
    """Feeds a line of `courier-sim --marks` (the counters printed after each benchmark record);
    returns True if it was one. The difference between the mark after a result's record and
    the mark before it is that benchmark's share of the run: its setup, warm-up, samples and
    the printing of its line. It goes to the Result as `counters` (name -> count)."""
    if not line.startswith(MARK_PREFIX):
        return False
    fields = dict(w.partition("=")[::2] for w in line[len(MARK_PREFIX):].split() if "=" in w)
    if not all(fields.get(k, "").isdigit() for k in MARK_KEYS):
        parsed.warnings.append(f"simulator mark without its counters: {line[:80]!r}")
        return True
    mark = {k: int(fields[k]) for k in MARK_KEYS}
    name, before = parsed._last_record, parsed._mark
    if name is not None and before is not None and name in parsed.results:
        parsed.results[name].counters = {k: mark[k] - before[k] for k in MARK_KEYS}
    parsed._mark, parsed._last_record = mark, None
    return True


class LineAssembler:
    """Bytes in arbitrary chunks -> complete console lines (str, without line ending)."""

    def __init__(self):
        self._pending = b""

    def feed(self, data):
        self._pending += data
        *lines, self._pending = self._pending.split(b"\n")
        return [ln.decode("utf-8", "replace").rstrip("\r") for ln in lines]

    def leftover(self):
        """The fragment after the last newline, if the stream stopped mid-line."""
        tail, self._pending = self._pending, b""
        return tail.decode("utf-8", "replace").rstrip("\r") if tail.strip() else None


def finish_stream(assembler, parsed, where="console"):
    """Ends a stream: a last line without its newline is parsed but flagged, since the device
    or emulator stopped while printing it."""
    tail = assembler.leftover()
    if tail is not None and "@bench" in tail:
        before = len(parsed.problems)
        parse_line(tail, parsed, where)
        if len(parsed.problems) == before:
            return
        parsed.problems[-1] += " (output stopped mid-line)"
    elif tail is not None:
        parse_line(tail, parsed, where)


def parse_text(text, where="console", parsed=None):
    parsed = parsed or Parsed()
    for line in text.splitlines():
        parse_line(line, parsed, where)
    return parsed
