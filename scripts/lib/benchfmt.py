"""Parser for the target benchmark line format (documented in bench/target/harness.h).

    @bench v1 name=<n> samples=<k> ops=<m> unit=cycles min=.. median=.. mean=.. stddev=.. overhead=.. crc=XXXXXXXX
    @bench v1 begin suite=<s> crc=..      @bench v1 end suite=<s> crc=..
    @bench v1 absent name=<n> reason=<r> crc=..

The marker may appear anywhere in a line (other output can precede it on the same line); the
checksum (FNV-1a of everything from "@bench" up to " crc=") rejects lines that were cut short
or had other output spliced into them. Rejected lines are reported, never guessed at.
"""
import re

MARKER = "@bench v1 "
_CRC_RE = re.compile(r" crc=([0-9a-f]{8})\s*$")
RESULT_KEYS = ("name", "samples", "ops", "unit", "min", "median", "mean", "stddev", "overhead")


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
        self.min = int(fields["min"])
        self.median = int(fields["median"])
        self.mean = float(fields["mean"])
        self.stddev = float(fields["stddev"])
        self.overhead = int(fields["overhead"])


class Parsed:
    def __init__(self):
        self.results = {}   # name -> Result, in the order first seen
        self.absent = {}    # name -> reason
        self.begun = []     # suite names
        self.ended = []
        self.problems = []  # human-readable descriptions of rejected lines

    def complete(self):
        """True when every suite that began also ended."""
        return bool(self.begun) and all(s in self.ended for s in self.begun)


def parse_line(line, parsed, where="console"):
    """Feeds one console line; returns True if it held a benchmark record."""
    start = line.find("@bench ")
    if start < 0:
        return False
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
    fields = {}
    for w in words:
        k, sep, v = w.partition("=")
        if not sep:
            parsed.problems.append(f"{where}: malformed field {w!r} in {body!r}")
            return True
        fields[k] = v
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
            parsed.results[r.name] = r
        else:
            parsed.problems.append(f"{where}: unknown record kind {kind!r}")
    except (KeyError, ValueError) as e:
        parsed.problems.append(f"{where}: bad value in {body!r}: {e}")
    return True


def parse_text(text, where="console", parsed=None):
    parsed = parsed or Parsed()
    for line in text.splitlines():
        parse_line(line, parsed, where)
    return parsed
