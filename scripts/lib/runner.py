"""Running a Courier image on a platform: the one place that knows the QEMU command line.

run_image() starts the platform, streams its console to our stdout (optionally), enforces a
wall-clock timeout, and returns the exit status (the test finisher's code passes through QEMU's
exit status), the captured console text and whether the run timed out.
"""
import os
import selectors
import signal
import subprocess
import sys
import time

QEMU = "qemu-system-riscv32"
# DESIGN.md §4: QEMU virt, rv32 without C/F/D/H, instruction counting so counts are exact.
# An image built with the C extension (ELF flag EF_RISCV_RVC) gets QEMU_CPU_RVC instead.
QEMU_CPU = "rv32,c=false,f=false,d=false,h=false"
QEMU_CPU_RVC = "rv32,c=true,f=false,d=false,h=false"
QEMU_ARGS = [
    "-M", "virt", "-bios", "none",
    "-cpu", QEMU_CPU,
    "-icount", "shift=0,sleep=off",
    # The Goldfish RTC (the ticktimer's timer) follows virtual time, so sleeps are exact and
    # runs repeatable, and an idle guest jumps straight to the next alarm.
    "-rtc", "clock=vm",
    "-m", "8M",
    "-nographic", "-monitor", "none", "-serial", "stdio",
]

# For runs that count nothing and need no determinism (run-image --fast, scripts/fuzz --fast):
# the same machine without instruction counting. Busy code may run faster; guest time then
# follows the host's clock, so an idle guest waits in real time (with sleep=off it does not).
QEMU_FAST_DROP = ["-icount", "shift=0,sleep=off"]

TIMEOUT_EXIT = 124


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The Verilator model of Courier's core (preset `sim`); COURIER_SIM overrides the path.
SIM_DEFAULT = os.path.join(ROOT, "build", "sim", "sim", "courier-sim")
# The core built with the C extension on the virt SoC (preset `sim-rvc`), for images whose ELF
# flags say RVC; COURIER_SIM_RVC overrides.
SIM_RVC_DEFAULT = os.path.join(ROOT, "build", "sim-rvc", "sim", "courier-sim")
# The same core on the Precursor's SoC (preset `sim-betrusted`); COURIER_SIM_BETRUSTED overrides.
SIM_BETRUSTED_DEFAULT = os.path.join(ROOT, "build", "sim-betrusted", "sim", "courier-sim")

PLATFORMS = ("qemu", "sim", "betrusted-sim")
# Where each platform's images start (the ELF entry): QEMU virt and the virt-map sim SoC in RAM
# at 0x8000_0000; the Precursor's boot ROM jumps to the loader slot's code in flash.
VIRT_ENTRY = 0x8000_0000
BETRUSTED_ENTRY = 0x2050_1000
# The loader slot's flash offset (PRECURSOR.md): where a signed image (scripts/deploy) goes.
SLOT_OFFSET = 0x50_0000


def sim_binary(rvc=False):
    """The virt model for an image: the one built with C (sim-rvc) when the image needs C."""
    if rvc:
        return os.environ.get("COURIER_SIM_RVC", SIM_RVC_DEFAULT)
    return os.environ.get("COURIER_SIM", SIM_DEFAULT)


EF_RISCV_RVC = 0x1


def elf_rvc(image):
    """True when `image` is an ELF32 whose e_flags say it uses compressed instructions (the
    RISC-V psABI's EF_RISCV_RVC, which GCC sets for -march=...c), False otherwise."""
    try:
        with open(image, "rb") as f:
            head = f.read(40)
    except OSError:
        return False
    if len(head) < 40 or head[:4] != b"\x7fELF" or head[4] != 1 or head[5] != 1:
        return False
    return bool(int.from_bytes(head[36:40], "little") & EF_RISCV_RVC)


def sim_betrusted_binary():
    return os.environ.get("COURIER_SIM_BETRUSTED", SIM_BETRUSTED_DEFAULT)


def elf_entry(image):
    """The entry point of a 32-bit little-endian ELF, or None if `image` is not one."""
    try:
        with open(image, "rb") as f:
            head = f.read(28)
    except OSError:
        return None
    if len(head) < 28 or head[:4] != b"\x7fELF" or head[4] != 1 or head[5] != 1:
        return None
    return int.from_bytes(head[24:28], "little")


def check_image_platform(platform, image):
    """Refuses, with a message naming both maps, an image linked for the other machine (it
    would hang or fault silently there)."""
    entry = elf_entry(image)
    if entry is None:
        return
    built_for = "betrusted" if entry == BETRUSTED_ENTRY else (
        "qemu-virt" if entry >= VIRT_ENTRY else None)
    wants = "betrusted" if platform == "betrusted-sim" else "qemu-virt"
    if built_for is not None and built_for != wants:
        raise ValueError(
            f"{image} is built for the {built_for} platform (entry {entry:#010x}); "
            f"{platform} runs {wants} images (entry "
            f"{BETRUSTED_ENTRY if wants == 'betrusted' else VIRT_ENTRY:#010x}): "
            f"build it with the {'betrusted' if wants == 'betrusted' else 'qemu'} preset")


def is_slot_image(image):
    """True for a Precursor loader-slot image (scripts/deploy's image.bin: a version-1
    signature page, then the signed code), which only betrusted-sim boots."""
    try:
        with open(image, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    return head == (1).to_bytes(4, "little")


def boot_rom_check(image):
    """What the Precursor's boot ROM checks before it jumps to the slot's code: the signature
    page's layout and its Ed25519 signature over the code and trailer. (The model has no
    KEYROM: the key is the page's own; a device also requires the key to be one it holds.)
    Raises ValueError naming the file."""
    import signpage
    try:
        with open(image, "rb") as f:
            signpage.verify(f.read())
    except signpage.SignError as e:
        raise ValueError(f"{image}: the boot ROM would not boot this loader-slot image: {e}")


def qemu_args(fast=False, rvc=False):
    args = list(QEMU_ARGS)
    if rvc:
        args[args.index(QEMU_CPU)] = QEMU_CPU_RVC
    if not fast:
        return args
    i = args.index(QEMU_FAST_DROP[0])
    assert args[i:i + len(QEMU_FAST_DROP)] == QEMU_FAST_DROP
    return args[:i] + args[i + len(QEMU_FAST_DROP):]


SIM_PLATFORMS = ("sim", "betrusted-sim")
BUDGET_SECTION = ".courier.budget"
OUT_OF_CYCLES = "courier-sim: max cycles"
# The slowest host speed the wall-clock backstop allows for (the model runs 3-4.5 Mcycles/s
# on this project's 2-core machines): a run is cut by its cycle budget, deterministically, long
# before a host this slow would reach the backstop.
BACKSTOP_CYCLES_PER_SECOND = 500_000


def image_budget(image):
    """The cycle budget an image carries (courier_image CYCLES: the non-loaded section
    .courier.budget, "cycles=N"), or None."""
    try:
        import deploy
        _, _, sections = deploy.read_elf(image)
    except Exception:  # not an ELF (a slot image), unreadable: no budget in it
        return None
    sec = sections.get(BUDGET_SECTION)
    if not sec or not sec[2]:
        return None
    text = sec[2].rstrip(b"\0").decode(errors="replace")
    if not text.startswith("cycles=") or not text[len("cycles="):].isdigit():
        return None
    return int(text[len("cycles="):])


def backstop_seconds(cycles):
    """The wall-clock backstop for a run of `cycles` simulated cycles."""
    return 30.0 + cycles / BACKSTOP_CYCLES_PER_SECOND


# Every platform process running now, so an interrupted caller can end them all (kill_all).
_live = set()


def kill_all():
    for proc in list(_live):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Rx:
    """Input for the platform's receive side (the keyboard device of the workloads): `data`, the
    bytes; `pace`, a console text: byte k is typed only once the console has shown k+1 lines
    containing it (None: as fast as the device takes them, a burst); `gap_cycles`, on the
    simulators the cycles between that line and the byte (courier-sim --rx-gap). On QEMU the
    bytes go to the UART through the serial chardev's stdin, written as the lines appear; on
    the simulators the model types them itself (courier-sim --rx, deterministic)."""

    def __init__(self, data, pace=None, gap_cycles=0):
        self.data = bytes(data)
        self.pace = pace
        self.gap_cycles = int(gap_cycles)
        self.path = None  # the simulators' copy of `data` (a temporary file)

    def sim_args(self):
        args = ["--rx", self.path, "--rx-gap", str(self.gap_cycles)]
        if self.pace is not None:
            args += ["--rx-pace", self.pace]
        return args


def platform_command(platform, image, fast=False, max_cycles=None, marks=False, rx=None):
    """The command that runs `image`; fast=True: QEMU without -icount (no effect on sim);
    max_cycles: the simulator's cycle budget (sim platforms; courier-sim --max-cycles);
    marks: the simulator prints its counters after each benchmark record (courier-sim --marks;
    no effect on QEMU); rx: an Rx whose `path` holds its bytes (sim platforms)."""
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform '{platform}' (known: {', '.join(PLATFORMS)})")
    slot_image = elf_entry(image) is None and is_slot_image(image)
    if slot_image and platform != "betrusted-sim":
        raise ValueError(f"{image} is a signed loader-slot image for the Precursor: run it on "
                         "betrusted-sim (or give the ELF)")
    check_image_platform(platform, image)
    if platform == "qemu":
        return [QEMU, *qemu_args(fast, rvc=elf_rvc(image)), "-kernel", image]
    if platform == "sim":
        rvc = elf_rvc(image)
        sim = sim_binary(rvc)
        if not os.path.isfile(sim):
            preset = "sim-rvc" if rvc else "sim"
            why = " (the image uses the C extension)" if rvc else ""
            raise FileNotFoundError(f"simulator not built: {sim}{why} (cmake --preset {preset} "
                                    f"&& cmake --build --preset {preset})")
        return [sim, *budget_args(max_cycles), *mark_args(marks), *rx_args(rx), image]
    sim = sim_betrusted_binary()
    if not os.path.isfile(sim):
        raise FileNotFoundError(f"simulator not built: {sim} (cmake --preset sim-betrusted && "
                                "cmake --build --preset sim-betrusted)")
    if slot_image:
        # The file goes into flash at the loader slot, as usb_update.py -l writes it; the
        # model's boot ROM jumps to the code after the signature page.
        boot_rom_check(image)
        return [sim, *budget_args(max_cycles), *mark_args(marks), *rx_args(rx), "--flash",
                f"{image}@{SLOT_OFFSET:#x}"]
    return [sim, *budget_args(max_cycles), *mark_args(marks), *rx_args(rx), image]


def rx_args(rx):
    return rx.sim_args() if rx is not None else []


def budget_args(max_cycles):
    return ["--max-cycles", str(int(max_cycles))] if max_cycles else []


def mark_args(marks):
    return ["--marks"] if marks else []


class RunResult:
    def __init__(self, status, output, timed_out, seconds, stalled=False, out_of_cycles=False):
        self.status = status
        self.output = output
        self.timed_out = timed_out  # the wall clock (or idle_timeout) ended it
        self.seconds = seconds
        self.stalled = stalled  # killed because it printed nothing for idle_timeout seconds
        self.out_of_cycles = out_of_cycles  # the simulator's cycle budget ended it


def run_image(image, platform="qemu", timeout=30.0, echo=True, on_line=None, fast=False,
              idle_timeout=None, keep_output=True, max_cycles=None, marks=False, rx=None):
    """Runs `image`; returns a RunResult. on_line(str) sees each complete console line.

    fast: see platform_command. idle_timeout: kill the run (timed_out and stalled) when it has
    printed nothing for that many seconds. keep_output=False: RunResult.output stays empty
    (for long runs whose lines on_line has seen). max_cycles: the simulator's cycle budget
    (default: the one the image carries, if any); running out of it ends the run with
    out_of_cycles set, deterministically, unlike the wall-clock `timeout`. marks: see
    platform_command. rx: an Rx, input for the platform's receive side."""
    if not os.path.isfile(image):
        raise FileNotFoundError(f"image not found: {image}")
    if platform in SIM_PLATFORMS and max_cycles is None:
        max_cycles = image_budget(image)
    tmp = None
    feed = None
    if rx is not None and platform in SIM_PLATFORMS:
        import tempfile
        fd, tmp = tempfile.mkstemp(prefix="courier-rx-", suffix=".bin")
        with os.fdopen(fd, "wb") as f:
            f.write(rx.data)
        rx.path = tmp
    try:
        cmd = platform_command(platform, image, fast, max_cycles if platform in SIM_PLATFORMS
                               else None, marks=marks and platform in SIM_PLATFORMS, rx=rx)
        start = time.monotonic()
        qemu_rx = rx is not None and platform == "qemu"
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if qemu_rx else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        _live.add(proc)
        if qemu_rx:
            feed = _QemuFeed(proc, rx)
        try:
            return _follow(proc, start, timeout, echo, on_line, idle_timeout, keep_output, feed)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            _live.discard(proc)
    finally:
        if tmp is not None:
            os.unlink(tmp)


class _QemuFeed:
    """Types an Rx into QEMU's serial chardev (its stdin): each byte when its pace line has been
    seen, or everything at once (the pipe holds what the UART has no room for yet)."""

    def __init__(self, proc, rx):
        self.proc, self.rx, self.next, self.seen = proc, rx, 0, 0
        if rx.pace is None:
            self._write(rx.data)
            self.next = len(rx.data)

    def _write(self, data):
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def line(self, text):
        if self.rx.pace is None or self.rx.pace not in text:
            return
        self.seen += 1
        if self.next < len(self.rx.data) and self.seen > self.next:
            self._write(self.rx.data[self.next:self.next + 1])
            self.next += 1


def _follow(proc, start, timeout, echo, on_line, idle_timeout, keep_output, feed=None):
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    chunks, pending, timed_out, stalled, out_of_cycles = [], b"", False, False, False
    last_output = start
    tail = b""
    while True:
        now = time.monotonic()
        left = timeout - (now - start)
        if left <= 0:
            timed_out = True
            break
        if idle_timeout is not None and now - last_output > idle_timeout:
            timed_out = stalled = True
            break
        if not sel.select(timeout=min(left, 0.5)):
            if proc.poll() is not None:
                break
            continue
        data = os.read(proc.stdout.fileno(), 65536)
        if not data:
            break
        last_output = time.monotonic()
        tail = (tail + data)[-4096:]
        if keep_output:
            chunks.append(data)
        if echo:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        if on_line or feed:
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                text = line.decode("utf-8", "replace").rstrip("\r")
                if feed:
                    feed.line(text)
                if on_line:
                    on_line(text)
    if timed_out:
        os.killpg(proc.pid, signal.SIGKILL)
    status = proc.wait()
    if on_line and pending:
        on_line(pending.decode("utf-8", "replace").rstrip("\r"))
    output = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    out_of_cycles = not timed_out and status == TIMEOUT_EXIT and OUT_OF_CYCLES.encode() in tail
    return RunResult(TIMEOUT_EXIT if timed_out else status, output, timed_out,
                     time.monotonic() - start, stalled, out_of_cycles)
