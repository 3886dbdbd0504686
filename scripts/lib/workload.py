"""The Betrusted workload (workloads/betrusted/): its recorded input, running it under each IPC
strategy, checking what it did, and measuring it.

  workload.py check --image IMG --platform P [--recording F] [--burst]
        runs the session once and checks it: the conversation in the app's model, the input
        line, the unknown keys reported, the framebuffer (its checksum, the rows dumped, and an
        independent rendering of the expected screen here), every ciphertext (ChaCha20 here,
        with python3-cryptography) and that nothing was lost. Exit 0 when all hold.
  workload.py parse --recording F
        validates a recording and prints what it types (exit 2 and the reason if it is bad).

scripts/bench --workload betrusted measures it (bench.py calls measure()).

A recording (session.keys) is text: per key "<ms> <code>" (decimal milliseconds, non-decreasing;
the code in hex), '#' starts a comment; the last key is 0x04, the end of the session, and the
file ends with a newline (a file cut short has neither). The harness types key k+1 once the
workload has printed "@wl idle" k+1 times (it prints it when ready and after each key's work),
so keys never overlap; on the simulators the gap after that line is --rx-gap cycles, not the
recorded milliseconds (the recorded idle time would be 20 s of simulated time per run, spent in
WFI). --burst types everything as fast as the device takes it: servers then fall behind, which
must be reported, never lose a key.
"""
import argparse
import json
import os
import re
import statistics
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

ROOT = runner.ROOT
WORKLOAD_DIR = os.path.join(ROOT, "workloads", "betrusted")
RECORDING = os.path.join(WORKLOAD_DIR, "session.keys")
FONT_HEADER = os.path.join(WORKLOAD_DIR, "font.h")
STRATEGIES = ("lend", "copy", "batch", "events")
PACE = "@wl idle"
SIM_GAP_CYCLES = 20_000
KINDS = ("scalar", "blocking_scalar", "borrow", "mutable_borrow", "move")
CLASSES = ("char", "backspace", "enter", "switch", "unknown", "setup")

# workloads/betrusted/wl.h
END, BACKSPACE, SWITCH, ENTER = 0x04, 0x08, 0x09, 0x0D
LINE_MAX, CONV_MAX = 52, 3800
WIDTH, HEIGHT, ROW_BYTES = 336, 536, 44
CELL_W, CELL_H = 12, 16
COLS, ROWS = WIDTH // CELL_W, HEIGHT // CELL_H
TITLE_ROW, CONV_TOP, CONV_ROWS, INPUT_TOP, INPUT_ROWS = 0, 1, 29, 31, 2
TITLES = ("Chat 1 of 2: Alice", "Chat 2 of 2: Bob")
TEST_KEY = bytes(range(32))
NONCE_WORD2 = 0x6C772D63


class RecordingError(ValueError):
    pass


def parse_recording(text, name="recording"):
    """[(ms, code)] of a recording, or RecordingError naming the line and what is wrong."""
    if text and not text.endswith("\n"):
        raise RecordingError(f"{name}: truncated: the last line has no end")
    keys, last_ms, ended = [], 0, False
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if ended:
            raise RecordingError(f"{name}:{n}: a key after the end of the session (0x04)")
        fields = line.split()
        if len(fields) != 2:
            raise RecordingError(f"{name}:{n}: expected '<ms> <code>', got {raw.strip()!r}")
        ms, code = fields
        if not ms.isdigit():
            raise RecordingError(f"{name}:{n}: time {ms!r} is not whole milliseconds")
        if not re.fullmatch(r"0x[0-9a-fA-F]{1,2}", code):
            raise RecordingError(f"{name}:{n}: key code {code!r} is not a byte in hex (0x..)")
        ms, code = int(ms), int(code, 16)
        if ms < last_ms:
            raise RecordingError(f"{name}:{n}: time {ms} ms is before the previous key's "
                                 f"{last_ms} ms")
        last_ms = ms
        keys.append((ms, code))
        ended = code == END
    if not ended:
        raise RecordingError(f"{name}: truncated: no end-of-session key (0x04) at the end")
    return keys


def read_recording(path):
    try:
        with open(path, encoding="ascii") as f:
            text = f.read()
    except UnicodeDecodeError as e:
        raise RecordingError(f"{path}: not ASCII text ({e})")
    except OSError as e:
        raise RecordingError(f"{path}: {e.strerror}")
    return parse_recording(text, path)


def key_class(code):
    if 0x20 <= code < 0x7F:
        return "char"
    return {BACKSPACE: "backspace", ENTER: "enter", SWITCH: "switch"}.get(code, "unknown")


def expected_session(keys):
    """What the servers must end with, by their rules (ime.cc, chat.cc): the two
    conversations' messages, the input line, the screen shown, the messages sent (seq, conv,
    text), the unknown keys (seq, code), and each key's class by sequence number."""
    conv_msgs, conv_len = [[], []], [0, 0]
    line, conv, cur = "", 0, 0
    sent, unknown, classes = [], [], {}
    for seq, (_, code) in enumerate((k for k in keys if k[1] != END), 1):
        cls = key_class(code)
        classes[seq] = cls
        if cls == "char":
            if len(line) < LINE_MAX:
                line += chr(code)
        elif cls == "backspace":
            line = line[:-1]
        elif cls == "enter":
            need = 4 + len(line) + 1
            if conv_len[conv] + need <= CONV_MAX:
                conv_msgs[conv].append(line)
                conv_len[conv] += need
            sent.append((seq, conv, line))
            cur = conv
            line = ""
        elif cls == "switch":
            conv ^= 1
            cur = conv
        else:
            unknown.append((seq, code))
    return {"conversations": conv_msgs, "input": line, "screen": cur, "sent": sent,
            "unknown": unknown, "classes": classes}


# --- the screen, rendered here as gam and graphics do --------------------------------------

def read_font(path=FONT_HEADER):
    with open(path) as f:
        text = f.read()
    body = text[text.index("kFont[95 * 7] = {"):]
    body = body[:body.index("};")]
    rows = [int(v, 16) for v in re.findall(r"0x([0-9a-f]{2})", body.split("{", 1)[1])]
    if len(rows) != 95 * 7:
        raise ValueError(f"{path}: {len(rows)} glyph rows, expected {95 * 7}")
    return rows


def layout(text):
    """gam.cc's word wrap: [(start, len)]."""
    lines, i, n = [], 0, len(text)
    while i < n and len(lines) < 256:
        end = text.find("\n", i)
        end = n if end < 0 else end
        if end == i:
            lines.append((i, 0))
        while i < end and len(lines) < 256:
            take, nxt = end - i, end
            if take > COLS:
                take = COLS
                for j in range(COLS, 0, -1):
                    if text[i + j] == " ":
                        take = j
                        break
                nxt = i + take
                if text[nxt] == " ":
                    nxt += 1
            lines.append((i, take))
            i = nxt
        i = end + 1
    return lines


def render(expected, font=None):
    """The panel's bytes (HEIGHT rows of ROW_BYTES) the workload must end with."""
    font = font or read_font()
    fb = bytearray(HEIGHT * ROW_BYTES)

    def view(top, rows, text, invert=False):
        bg = 0xFF if invert else 0
        for y in range(top * CELL_H, min(top + rows, ROWS) * CELL_H):
            fb[y * ROW_BYTES:y * ROW_BYTES + WIDTH // 8] = bytes([bg]) * (WIDTH // 8)
        spans = layout(text)
        first = max(0, len(spans) - rows)
        for k, (start, ln) in enumerate(spans[first:]):
            row = top + k
            for i, ch in enumerate(text[start:start + min(ln, COLS)]):
                c = ord(ch)
                if not 0x20 <= c <= 0x7E:
                    continue
                x0, y0 = i * CELL_W + 1, row * CELL_H + 1
                for gy in range(7):
                    bits = font[(c - 0x20) * 7 + gy]
                    for gx in range(5):
                        if not (bits >> (4 - gx)) & 1:
                            continue
                        for dy in range(2):
                            for dx in range(2):
                                x, y = x0 + 2 * gx + dx, y0 + 2 * gy + dy
                                bit = 0x80 >> (x % 8)
                                if invert:
                                    fb[y * ROW_BYTES + x // 8] &= ~bit & 0xFF
                                else:
                                    fb[y * ROW_BYTES + x // 8] |= bit

    cur = expected["screen"]
    view(TITLE_ROW, 1, TITLES[cur], invert=True)
    view(CONV_TOP + CONV_ROWS, 1, "_" * COLS)
    view(CONV_TOP, CONV_ROWS, "".join(f"me: {m}\n" for m in expected["conversations"][cur]))
    view(INPUT_TOP, INPUT_ROWS, "> " + expected["input"])
    return bytes(fb)


def fnv(data, h=2166136261):
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def png(fb, scale=1):
    """A 1-bit grayscale PNG of the panel (ink black on white)."""
    width_bytes = WIDTH // 8
    raw = bytearray()
    for y in range(HEIGHT):
        row = bytes(~b & 0xFF for b in fb[y * ROW_BYTES:y * ROW_BYTES + width_bytes])
        if scale != 1:
            bits = "".join(f"{b:08b}" for b in row)
            bits = "".join(c * scale for c in bits)
            row = int(bits, 2).to_bytes(len(bits) // 8, "big")
        for _ in range(scale):
            raw += b"\0" + row

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", WIDTH * scale, HEIGHT * scale, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def ciphertext_fnv(seq, text):
    """The checksum com must report: ChaCha20 (RFC 8439) of `text` under the test key, nonce
    (0, seq, NONCE_WORD2) as little-endian words, block counter 1."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
    nonce = struct.pack("<III", 0, seq, NONCE_WORD2)
    enc = Cipher(algorithms.ChaCha20(TEST_KEY, struct.pack("<I", 1) + nonce), None).encryptor()
    return fnv(enc.update(text.encode()) + enc.finalize())


# --- running and reading the console -------------------------------------------------------

def rx_for(keys, burst=False, gap_cycles=SIM_GAP_CYCLES):
    return runner.Rx(bytes(code for _, code in keys), pace=None if burst else PACE,
                     gap_cycles=0 if burst else gap_cycles)


KV = re.compile(r"(\w+)=(\S*)")


def parse_output(text):
    """The workload's '@wl' lines (and the simulator's marks) as a dict."""
    out = {"keys": [], "messages": [], "sent": [], "backlog": {}, "model": {}, "input": None,
           "fbrows": {}, "fb": None, "unknown": [], "stats": {}, "errors": [], "done": False,
           "ready": None, "marks": [], "idle": 0, "notes": []}
    last_wl = None
    for line in text.splitlines():
        if line.startswith("courier-sim: mark "):
            fields = dict(KV.findall(line))
            out["marks"].append((last_wl, {k: int(v) for k, v in fields.items() if v.isdigit()}))
            continue
        at = line.find("@wl ")
        if at < 0:
            continue
        body = line[at + 4:]
        word, _, rest = body.partition(" ")
        last_wl = word
        if word == "model":
            m = re.match(r"conv=(\d+) msg=(\d+) text=(.*)$", rest)
            if m:
                out["model"].setdefault(int(m[1]), []).append(m[3])
            elif rest.startswith("input="):
                out["input"] = rest[len("input="):]
            continue
        f = dict(KV.findall(rest))
        if word == "key":
            out["keys"].append({"seq": int(f["seq"]), "class": f["class"],
                                "cycles": int(f["cycles"])})
        elif word == "msg":
            out["messages"].append({"seq": int(f["seq"]), "conv": int(f["conv"]),
                                    "len": int(f["len"]), "cycles": int(f["cycles"]),
                                    "cipher_fnv": int(f["cipher_fnv"], 16)})
        elif word == "sent":
            out["sent"].append({"proc": f["proc"], "class": f["class"],
                                **{k: int(f[k]) for k in KINDS}})
        elif word == "backlog":
            out["backlog"][f["proc"]] = int(f["queue_full"])
        elif word == "fbrow":
            out["fbrows"][int(f["y"])] = bytes.fromhex(f["hex"])
        elif word == "fb":
            out["fb"] = {k: int(v, 16) if k == "fnv" else int(v) for k, v in f.items()}
        elif word == "unknown":
            out["unknown"].append((int(f["seq"]), int(f["code"], 16)))
        elif word == "error":
            out["errors"].append(rest)
        elif word == "note":
            out["notes"].append(rest)
        elif word == "done":
            out["done"] = True
        elif word == "ready":
            out["ready"] = f.get("strategy")
        elif word == "idle":
            out["idle"] += 1
        elif word in ("keyboard", "ime", "chat", "gam", "graphics", "crypto", "com", "fonts"):
            out["stats"][word] = {k: int(v) for k, v in f.items() if v.isdigit()}
    return out


def panel_from_rows(rows):
    fb = bytearray(HEIGHT * ROW_BYTES)
    for y, data in rows.items():
        if 0 <= y < HEIGHT and len(data) == ROW_BYTES:
            fb[y * ROW_BYTES:(y + 1) * ROW_BYTES] = data
    return bytes(fb)


def check(parsed, expected, strategy=None, burst=False):
    """Problems with a run, as sentences (empty: it did what the recording says)."""
    problems = []
    if not parsed["done"]:
        problems.append("the session did not end ('@wl done' missing)")
    if strategy and parsed["ready"] != strategy:
        problems.append(f"the image runs strategy {parsed['ready']!r}, not {strategy!r}")
    problems += [f"error reported: {e}" for e in parsed["errors"]]
    for conv in (0, 1):
        got, want = parsed["model"].get(conv, []), expected["conversations"][conv]
        if got != want:
            problems.append(f"conversation {conv}: the app has {got}, the recording types {want}")
    if parsed["input"] != expected["input"]:
        problems.append(f"input line {parsed['input']!r}, expected {expected['input']!r}")
    if parsed["unknown"] != expected["unknown"]:
        problems.append(f"unknown keys reported {parsed['unknown']}, expected "
                        f"{expected['unknown']}")
    typed = len(expected["classes"])
    kbd = parsed["stats"].get("keyboard", {})
    if kbd.get("keys") != typed or kbd.get("lost", 1) != 0:
        problems.append(f"the keyboard took {kbd.get('keys')} keys (lost {kbd.get('lost')}), "
                        f"the recording has {typed}")
    for name, st in parsed["stats"].items():
        if st.get("ring_errors", 0):
            problems.append(f"{name}: {st['ring_errors']} ring entries failed")
    timed = [k for k in parsed["keys"]]
    want_timed = [s for s, c in expected["classes"].items() if c != "unknown"]
    if sorted(k["seq"] for k in timed) != want_timed:
        problems.append(f"{len(timed)} keys timed, expected {len(want_timed)} (every key the "
                        "keyboard knows)")
    for k in timed:
        if expected["classes"].get(k["seq"]) != k["class"]:
            problems.append(f"key {k['seq']} timed as {k['class']}, the recording has "
                            f"{expected['classes'].get(k['seq'])}")
    sent = [(m["seq"], m["conv"]) for m in parsed["messages"]]
    if sent != [(s, c) for s, c, _ in expected["sent"]]:
        problems.append(f"messages delivered {sent}, expected "
                        f"{[(s, c) for s, c, _ in expected['sent']]}")
    else:
        for m, (seq, _, text) in zip(parsed["messages"], expected["sent"]):
            if m["len"] != len(text) or m["cipher_fnv"] != ciphertext_fnv(seq, text):
                problems.append(f"message {seq}: the ciphertext is not ChaCha20 of {text!r}")
    if parsed["fb"] is None:
        problems.append("no framebuffer dump")
    else:
        panel = panel_from_rows(parsed["fbrows"])
        if fnv(panel) != parsed["fb"]["fnv"]:
            problems.append("the dumped rows do not give the checksum graphics reported")
        want = render(expected)
        if panel != want:
            bad = [y for y in range(HEIGHT)
                   if panel[y * ROW_BYTES:(y + 1) * ROW_BYTES] != want[y * ROW_BYTES:(y + 1) * ROW_BYTES]]
            problems.append(f"the screen differs from the expected rendering in {len(bad)} rows "
                            f"(first {bad[:5]})")
    if burst and not any(parsed["backlog"].values()) and not kbd.get("device_queue_full"):
        problems.append("a burst of input found no queue full: the backlog is not being counted")
    return problems


def run(image, platform, keys, burst=False, timeout=None, marks=False, echo=False):
    rx = rx_for(keys, burst)
    if timeout is None:
        timeout = 120.0 if platform == "qemu" else 1200.0
    res = runner.run_image(image, platform, timeout=timeout, echo=echo, rx=rx, marks=marks,
                           idle_timeout=60.0)
    return res, parse_output(res.output)


def image_strategy(image):
    m = re.search(r"workload_betrusted_([a-z]+)(?:_checked)?\.elf$", image)
    return m[1] if m else None


def _recording_or_none(path):
    """The recording's keys, or None after saying on stderr why it is refused."""
    try:
        return read_recording(path)
    except RecordingError as e:
        print(f"workload: {e}", file=sys.stderr)
        return None


def cmd_check(args):
    keys = _recording_or_none(args.recording)
    if keys is None:
        return 2
    expected = expected_session(keys)
    res, parsed = run(args.image, args.platform, keys, burst=args.burst, echo=args.verbose)
    problems = []
    if res.timed_out or res.status != 0:
        problems.append(f"the run ended with status {res.status}"
                        + (" (timed out)" if res.timed_out else ""))
    problems += check(parsed, expected, image_strategy(args.image), burst=args.burst)
    if args.png and parsed["fbrows"]:
        with open(args.png, "wb") as f:
            f.write(png(panel_from_rows(parsed["fbrows"])))
    full = sum(parsed["backlog"].values()) + parsed["stats"].get("keyboard", {}).get(
        "device_queue_full", 0)
    print(f"workload: {args.image} on {args.platform}: {len(parsed['keys'])} keys timed, "
          f"{len(parsed['messages'])} messages, {len(parsed['unknown'])} unknown keys, "
          f"queue full {full} times, screen fnv "
          f"{parsed['fb']['fnv'] if parsed['fb'] else 0:08x}")
    for p in problems:
        print(f"workload: FAIL: {p}")
    if not problems:
        print("workload: ok: the session's conversation, screen and ciphertexts are as recorded")
    return 1 if problems else 0


def cmd_parse(args):
    keys = _recording_or_none(args.recording)
    if keys is None:
        return 2
    exp = expected_session(keys)
    print(json.dumps({"keys": len(keys) - 1, "conversations": exp["conversations"],
                      "input": exp["input"], "unknown": exp["unknown"],
                      "screen_fnv": f"{fnv(render(exp)):08x}"}, indent=2))
    return 0


# --- measuring --------------------------------------------------------------------------------

def percentile(values, p):
    """Nearest-rank percentile."""
    v = sorted(values)
    if not v:
        return None
    k = max(0, min(len(v) - 1, -(-p * len(v) // 100) - 1))
    return v[int(k)]


def summary(values):
    if not values:
        return None
    return {"n": len(values), "median": statistics.median(values),
            "p90": percentile(values, 90), "p99": percentile(values, 99), "max": max(values),
            "min": min(values)}


def mode_shares(parsed):
    """Kernel (S and M mode) share of the busy cycles from the first '@wl ready' mark to the
    mark after the last '@wl idle' (the simulator's --marks: cycles_u/s/m, and cycles_wfi, the
    idle loop's wait, which is not work), or None."""
    marks = parsed["marks"]
    start = next((m for w, m in marks if w == "ready"), None)
    idles = [m for w, m in marks if w == "idle"]
    if not start or not idles or "cycles_u" not in start:
        return None
    end = idles[-1]
    d = {k: end[k] - start[k] for k in ("cycles_u", "cycles_s", "cycles_m", "cycles_wfi")
         if k in end and k in start}
    if len(d) < 4:
        return None
    window = d["cycles_u"] + d["cycles_s"] + d["cycles_m"]
    busy = window - d["cycles_wfi"]
    if busy <= 0:
        return None
    kernel = d["cycles_s"] + d["cycles_m"] - d["cycles_wfi"]
    return {"window_cycles": window, "idle_wfi": d["cycles_wfi"], "busy_cycles": busy,
            "user": d["cycles_u"], "kernel": kernel, "machine": d["cycles_m"],
            "kernel_share": kernel / busy}


def message_counts(parsed, expected):
    """Messages per key by class and kind: what every process sent for that class, over the
    number of keys of the class."""
    per_class = {}
    for row in parsed["sent"]:
        c = per_class.setdefault(row["class"], {k: 0 for k in KINDS})
        for k in KINDS:
            c[k] += row[k]
    n = {}
    for cls in expected["classes"].values():
        n[cls] = n.get(cls, 0) + 1
    out = {}
    for cls, counts in per_class.items():
        keys = n.get(cls, 0)
        out[cls] = {"keys": keys, "total": counts,
                    "per_key": {k: (v / keys if keys else None) for k, v in counts.items()}}
    return out


def measure(image, platform, keys, strategy, marks=True):
    """One paced session: figures and problems."""
    expected = expected_session(keys)
    res, parsed = run(image, platform, keys, marks=marks and platform != "qemu")
    problems = []
    if res.timed_out or res.status != 0:
        problems.append(f"status {res.status}" + (" (timed out)" if res.timed_out else ""))
    problems += check(parsed, expected, strategy)
    problems += [f"untimed: {n}" for n in parsed["notes"] if "no cycle counter" in n]
    by_class = {}
    for k in parsed["keys"]:
        by_class.setdefault(k["class"], []).append(k["cycles"])
    return {
        "strategy": strategy,
        "keystroke": summary([k["cycles"] for k in parsed["keys"]]),
        "keystroke_by_class": {c: summary(v) for c, v in sorted(by_class.items())},
        "message": summary([m["cycles"] for m in parsed["messages"]]),
        "messages_per_key": message_counts(parsed, expected),
        "queue_full": sum(parsed["backlog"].values()),
        "modes": mode_shares(parsed),
        "screen_fnv": f"{parsed['fb']['fnv']:08x}" if parsed["fb"] else None,
        "problems": problems,
    }, parsed


class _Figure:
    """A figure in the shape gbench_json.entry() takes (benchfmt.Result's fields)."""

    def __init__(self, name, values):
        self.name = name
        self.samples, self.ops = len(values), 1
        self.median = statistics.median(values)
        self.min = min(values)
        self.mean = statistics.fmean(values)
        self.stddev = statistics.pstdev(values) if len(values) > 1 else 0.0
        self.overhead = 0
        self.values = values
        self.counters = None


WORKLOAD_RESULTS = os.path.join(ROOT, "results", "workloads")


def results_document(platform, figures, runs, keys, images, revision):
    """Google Benchmark JSON (DESIGN.md §6) with the stable names
    workload/betrusted/<strategy>/keystroke and .../message (median per operation, plus
    cycles_p90/p99/max) and per key class .../keystroke/<class>; the rest of each run
    (messages per key by kind, the kernel's share, the screen) in courier_workload."""
    import gbench_json
    import hashlib
    with open(RECORDING, "rb") as f:
        rec_sha = hashlib.sha256(f.read()).hexdigest()
    context = {
        "courier_git_revision": revision,
        "courier_workload": {
            "recording": os.path.relpath(RECORDING, ROOT),
            "recording_sha256": rec_sha,
            "keys": len(keys) - 1,
            "pacing": ("each key typed once the previous one's work is done ('@wl idle'); "
                       + (f"then {SIM_GAP_CYCLES} cycles" if platform != "qemu" else
                          "at once") + "; not the recorded milliseconds"),
            "runs": runs,
        },
        "courier_images_sha256": {os.path.basename(i): bench_sha(i) for i in images},
    }
    doc = gbench_json.document(platform, "full", figures, {}, context)
    for e, fig in zip(doc["benchmarks"], figures):
        e["cycles_p90"] = percentile(fig.values, 90)
        e["cycles_p99"] = percentile(fig.values, 99)
        e["cycles_max"] = max(fig.values)
    return doc


def bench_sha(image):
    import bench
    return bench.loaded_sha256(image)


def layout_spread(platform, keys, layouts, jobs):
    """The strategies' medians on `layouts` seeded kernel layouts (the simulators: code
    placement alone moves a figure): {strategy: {"keystroke": [...], "message": [...]}} and the
    problems met."""
    import concurrent.futures
    import bench as benchmod
    preset = "betrusted" if platform == "betrusted-sim" else "qemu"
    targets = [f"workload_betrusted_{s}" for s in STRATEGIES]
    out, problems = {s: {"seeds": [], "keystroke": [], "message": []} for s in STRATEGIES}, []
    for seed in range(1, layouts + 1):
        tree = benchmod.build_layout(preset, seed, targets)
        images = {s: os.path.join(tree, "workloads", "betrusted", f"workload_betrusted_{s}.elf")
                  for s in STRATEGIES}
        print(f"bench: workload layout {seed} of {layouts} on {platform}", flush=True)
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            done = dict(zip(STRATEGIES, pool.map(
                lambda s: measure(images[s], platform, keys, s, marks=False), STRATEGIES)))
        for s, (fig, _) in done.items():
            problems += [f"layout {seed} {s}: {p}" for p in fig["problems"]]
            if fig["keystroke"] and fig["message"]:
                out[s]["seeds"].append(seed)
                out[s]["keystroke"].append(fig["keystroke"]["median"])
                out[s]["message"].append(fig["message"]["median"])
    return out, problems


def bench(platforms, out_dir=WORKLOAD_RESULTS, build=None, jobs=2, layouts=0):
    """scripts/bench --workload betrusted: every strategy's session on each platform; writes
    OUT/betrusted-<platform>.json and the end screen OUT/betrusted-<platform>.png; with
    `layouts` N, also each strategy's medians on N seeded kernel layouts on the simulators.
    Returns 0, or 1 when a run failed its checks (the file is written, marked incomplete)."""
    import concurrent.futures
    import bench as benchmod
    import gbench_json
    keys = read_recording(RECORDING)
    # The images: the virt map's (preset qemu) for qemu and sim, the Precursor's (preset
    # betrusted) for betrusted-sim; each simulator's model.
    trees = {}
    for platform in platforms:
        preset = "betrusted" if platform == "betrusted-sim" else "qemu"
        if build is not None:
            trees[platform] = build
        elif preset not in trees.values():
            trees[platform] = benchmod.build_with_preset(
                ROOT, preset, f"the workload images ({preset})")
        else:
            trees[platform] = next(t for p, t in trees.items()
                                   if ("betrusted" if p == "betrusted-sim" else "qemu") == preset)
        if build is None and platform in benchmod.SIM_PRESETS:
            benchmod.build_with_preset(ROOT, benchmod.SIM_PRESETS[platform], "the simulator")
    all_images = {}
    for platform, tree in trees.items():
        all_images[platform] = {
            s: os.path.join(tree, "workloads", "betrusted", f"workload_betrusted_{s}.elf")
            for s in STRATEGIES}
        missing = [i for i in all_images[platform].values() if not os.path.isfile(i)]
        if missing:
            raise benchmod.BenchError(f"workload images not built: {', '.join(missing)}")
    status = 0
    os.makedirs(out_dir, exist_ok=True)
    revision = benchmod.git_revision(ROOT)
    for platform in platforms:
        images = all_images[platform]
        print(f"bench: workload betrusted on {platform}: {', '.join(STRATEGIES)}", flush=True)
        workers = jobs if platform != "qemu" else 1
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            done = dict(zip(STRATEGIES, pool.map(
                lambda s: measure(images[s], platform, keys, s), STRATEGIES)))
        figures, runs, incomplete, screens = [], {}, [], {}
        for s in STRATEGIES:
            fig, parsed = done[s]
            runs[s] = fig
            for p in fig["problems"]:
                incomplete.append(f"{s}: {p}")
            keyv = [k["cycles"] for k in parsed["keys"]]
            msgv = [m["cycles"] for m in parsed["messages"]]
            if keyv:
                figures.append(_Figure(f"workload/betrusted/{s}/keystroke", keyv))
            if msgv:
                figures.append(_Figure(f"workload/betrusted/{s}/message", msgv))
            by = {}
            for k in parsed["keys"]:
                by.setdefault(k["class"], []).append(k["cycles"])
            for cls in sorted(by):
                figures.append(_Figure(f"workload/betrusted/{s}/keystroke/{cls}", by[cls]))
            screens[s] = panel_from_rows(parsed["fbrows"]) if parsed["fbrows"] else None
        if layouts and platform != "qemu":
            spread, problems = layout_spread(platform, keys, layouts, jobs)
            incomplete += problems
            for s in STRATEGIES:
                runs[s]["layouts"] = spread[s]
        shown = {s: fnv(v) for s, v in screens.items() if v is not None}
        if len(set(shown.values())) > 1:
            incomplete.append(f"the strategies ended on different screens: {shown}")
        doc = results_document(platform, figures, runs, keys, list(images.values()), revision)
        if incomplete:
            doc["context"]["courier_incomplete"] = incomplete
            status = 1
        path = os.path.join(out_dir, f"betrusted-{platform}.json")
        gbench_json.write(path, doc)
        screen = next((v for v in screens.values() if v is not None), None)
        if screen is not None:
            with open(os.path.join(out_dir, f"betrusted-{platform}.png"), "wb") as f:
                f.write(png(screen))
        unit = gbench_json.PLATFORMS[platform]["counter_unit"]
        for s in STRATEGIES:
            k, m = runs[s]["keystroke"], runs[s]["message"]
            share = runs[s]["modes"]
            lay = runs[s].get("layouts")
            if lay and lay["keystroke"]:
                print(f"bench: {platform} {s:5}: over {len(lay['keystroke'])} layouts keystroke "
                      f"median {min(lay['keystroke']):,.0f}..{max(lay['keystroke']):,.0f}, "
                      f"message {min(lay['message']):,.0f}..{max(lay['message']):,.0f} {unit}")
            print(f"bench: {platform} {s:5}: keystroke median {k['median']:,.0f} p90 {k['p90']:,} "
                  f"p99 {k['p99']:,} max {k['max']:,} {unit}; message median "
                  f"{m['median']:,.0f} {unit}"
                  + (f"; kernel {100 * share['kernel_share']:.0f}% of busy cycles" if share else "")
                  if k and m else f"bench: {platform} {s}: no figures")
        for reason in incomplete:
            print(f"bench: {platform}: incomplete: {reason}", file=sys.stderr)
        print(f"bench: wrote {os.path.relpath(path, ROOT)}")
    return status


def main(argv):
    ap = argparse.ArgumentParser(prog="workload.py", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--image", required=True)
    c.add_argument("--platform", choices=runner.PLATFORMS, default="qemu")
    c.add_argument("--recording", default=RECORDING)
    c.add_argument("--burst", action="store_true")
    c.add_argument("--png", default=None, help="write the end screen here")
    c.add_argument("-v", "--verbose", action="store_true", help="echo the console")
    p = sub.add_parser("parse")
    p.add_argument("--recording", default=RECORDING)
    args = ap.parse_args(argv)
    return cmd_check(args) if args.cmd == "check" else cmd_parse(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
