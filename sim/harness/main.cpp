// courier-sim: runs an rv32 ELF image on the Verilator model of Courier's core and SoC.
//
//   courier-sim [--max-cycles N] [--trace FILE.fst] [--trace-start CYCLE] [--tohost ADDR]
//               [--fromhost ADDR] [--flash FILE[@OFFSET]] [--quiet-stats] [--marks]
//               [--rx FILE [--rx-pace TEXT] [--rx-gap N]] [IMAGE.elf]
//
// The model is built for one SoC (COURIER_SIM_SOC): virt (QEMU virt's map; the image's entry is
// the reset pc) or betrusted (the Precursor's map; reset at the boot ROM, which jumps to the
// loader slot in flash; --flash loads raw files into flash). The console (the UART, on
// betrusted the UART that UARTSEL routes to the pins) goes to stdout, flushed per line; the exit
// status is the test finisher's code, SIMEXIT's value or the tohost result; one statistics line
// goes to stderr at the end. Exit 2 means a usage or load error (including an image built for
// the other SoC), 124 that --max-cycles ran out, as `timeout` does. The statistics line ends with
// the cycles spent in each privilege mode, cycles_u=N cycles_s=N cycles_m=N (they add up to
// cycles=). --marks: after each console line holding a benchmark record (`@bench v1 `) or a
// workload's line (`@wl `), one line on stderr with the counters so far, `courier-sim: mark
// cycles=N instret=N icache_fills=N dcache_fills=N cycles_u=N cycles_s=N cycles_m=N`
// (scripts/bench takes each benchmark's cache fills from two marks).
//
// --rx FILE: the file's bytes go to the receive side, one at a time (virt: the 16550's receive
// FIFO; betrusted: the KEYBOARD's injected character), each offered only when the device has
// room and never dropped (rx.h). --rx-pace TEXT: byte k (0-based) is offered only after the
// console has completed k+1 lines containing TEXT. --rx-gap N: the byte is offered N cycles after
// that line (default 0); without --rx-pace, byte 0 N cycles after reset and byte k+1 N cycles
// after byte k was taken (0: a burst, as fast as the device accepts). At the end stderr says
// `courier-sim: rx delivered=N of=M`.
//
// The tohost convention (htif.h), when the image has a `tohost` symbol (or --tohost): an odd
// value (code << 1) | 1 exits with code; the HTIF syscall proxy (SYS_write to fd 1/2 prints on
// the console, SYS_exit, others -ENOSYS) and console putchar (device 1) are served, with replies
// in `fromhost` (symbol or --fromhost). A run that ends through tohost says so on stderr,
// `courier-sim: tohost=0x<64-bit value> (exit N)`; one that ends otherwise names what tohost
// holds if a command in it was not acted on or not answered.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "Vcourier_soc.h"
#include "Vcourier_soc___024root.h"
#include "elf_loader.h"
#include "htif.h"
#include "rx.h"
#include "sim_state.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

namespace {

constexpr bool kBetrusted = COURIER_SIM_SOC_ID == 1;
constexpr const char* kSocName = kBetrusted ? "betrusted" : "virt";
constexpr uint32_t kVirtRamBase = 0x80000000u;  // QEMU virt's DRAM base; size from the model
constexpr uint32_t kSramBase = 0x40000000u;     // betrusted: SRAM; size from the model
constexpr uint32_t kFlashBase = 0x20000000u;
constexpr uint32_t kLoaderEntry = 0x20501000u;  // where the betrusted boot ROM jumps
constexpr uint32_t kLoaderSlot = 0x500000u;     // default --flash offset: the loader slot
constexpr int kUsageExit = 2;
constexpr int kTimeoutExit = 124;
// After SIMEXIT (or another exit) the UARTs may still hold bytes: run on this long at most so
// they reach the console. Not counted in the statistics.
constexpr uint64_t kDrainCycles = 2000000;

void usage(const char* msg) {
  if (msg) std::fprintf(stderr, "courier-sim: %s\n", msg);
  std::fprintf(stderr,
               "usage: courier-sim [--max-cycles N] [--trace FILE.fst] [--trace-start CYCLE]\n"
               "                   [--tohost ADDR] [--fromhost ADDR] [--quiet-stats] [--marks]%s\n"
               "                   [--rx FILE [--rx-pace TEXT] [--rx-gap N]] %s\n"
               "this model: the %s SoC (%s)\n"
               "--marks: counters on stderr after each console line with '@bench v1 ' or '@wl '\n"
               "--rx FILE: its bytes to %s,\n"
               "           one at a time, each when the device has room (none is dropped)\n"
               "--rx-pace TEXT: byte k only after the console's (k+1)-th line containing TEXT\n"
               "--rx-gap N: offer it N cycles after that line (default 0); without --rx-pace,\n"
               "            byte 0 N cycles after reset, byte k+1 N cycles after byte k was taken\n",
               kBetrusted ? " [--flash FILE[@OFFSET]]" : "",
               kBetrusted ? "[IMAGE.elf]" : "IMAGE.elf", kSocName,
               kBetrusted ? "Precursor map: boot ROM 0x80000000 -> 0x20501000, flash 0x20000000, "
                            "SRAM 0x40000000; --flash offset default 0x500000"
                          : "QEMU virt map: RAM 0x80000000",
               kBetrusted ? "the KEYBOARD's injected character (UART_CHAR, inject event, line 13)"
                          : "the 16550's receive FIFO (RBR, LSR.DR, PLIC source 10)");
  std::exit(kUsageExit);
}

uint64_t parse_number(const char* flag, const char* text) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 0);
  if (errno != 0 || end == text || *end != '\0') {
    std::fprintf(stderr, "courier-sim: %s needs a number, got '%s'\n", flag, text);
    std::exit(kUsageExit);
  }
  return v;
}

struct FlashFile {
  std::string path;
  uint32_t offset = kLoaderSlot;
};

struct Options {
  uint64_t max_cycles = 0;  // 0: no limit
  std::string trace_file;
  uint64_t trace_start = 0;
  std::optional<uint32_t> tohost;
  std::optional<uint32_t> fromhost;
  bool quiet_stats = false;
  bool marks = false;
  std::optional<std::string> rx_file;
  std::optional<std::string> rx_pace;
  std::optional<uint64_t> rx_gap;
  std::vector<FlashFile> flash;
  std::string image;
};

FlashFile parse_flash(const std::string& arg) {
  FlashFile f;
  const size_t at = arg.rfind('@');
  f.path = arg.substr(0, at);
  if (at != std::string::npos) {
    const uint64_t off = parse_number("--flash", arg.c_str() + at + 1);
    if (off >= courier_sim::Flash::kBytes) {
      std::fprintf(stderr, "courier-sim: --flash offset 0x%llx is past the 128 MiB flash\n",
                   (unsigned long long)off);
      std::exit(kUsageExit);
    }
    f.offset = uint32_t(off);
  }
  if (f.path.empty()) usage("--flash needs FILE[@OFFSET]");
  return f;
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage((a + " needs a value").c_str());
      return argv[++i];
    };
    if (a == "--max-cycles") o.max_cycles = parse_number("--max-cycles", value());
    else if (a == "--trace") o.trace_file = value();
    else if (a == "--trace-start") o.trace_start = parse_number("--trace-start", value());
    else if (a == "--tohost") o.tohost = uint32_t(parse_number("--tohost", value()));
    else if (a == "--fromhost") o.fromhost = uint32_t(parse_number("--fromhost", value()));
    else if (a == "--quiet-stats") o.quiet_stats = true;
    else if (a == "--marks") o.marks = true;
    else if (a == "--rx") o.rx_file = value();
    else if (a == "--rx-pace") o.rx_pace = value();
    else if (a == "--rx-gap") o.rx_gap = parse_number("--rx-gap", value());
    else if (a == "--flash") {
      if (!kBetrusted) usage("--flash: this model is the virt SoC, which has no flash");
      o.flash.push_back(parse_flash(value()));
    }
    else if (a == "-h" || a == "--help") usage(nullptr);
    else if (!a.empty() && a[0] == '-') usage(("unknown option " + a).c_str());
    else if (o.image.empty()) o.image = a;
    else usage("only one image may be given");
  }
  if (o.image.empty() && o.flash.empty()) usage("no image given");
  if (!o.rx_file && (o.rx_pace || o.rx_gap)) usage("--rx-pace and --rx-gap need --rx FILE");
  if (o.rx_pace && o.rx_pace->empty()) usage("--rx-pace needs a non-empty TEXT");
  if (o.rx_file && o.rx_file->empty()) usage("--rx needs a FILE");
  return o;
}

// The loadable memories of this model's map.
std::vector<courier_sim::Region> memory_map(courier_sim::SimState& st) {
  auto ram_store = [&st](uint64_t off, const uint8_t* data, uint64_t filesz, uint64_t memsz) {
    auto* bytes = reinterpret_cast<uint8_t*>(st.ram.data()) + off;
    std::memcpy(bytes, data, filesz);
    std::memset(bytes + filesz, 0, memsz - filesz);
  };
  const uint64_t ram_bytes = uint64_t{st.ram.size()} * 4;
  if (!kBetrusted) return {{"RAM", kVirtRamBase, ram_bytes, ram_store}};
  auto flash_store = [&st](uint64_t off, const uint8_t* data, uint64_t filesz, uint64_t memsz) {
    for (uint64_t i = 0; i < memsz; ++i)
      st.flash.write_byte(uint32_t(off + i), i < filesz ? data[i] : 0);
  };
  return {{"flash", kFlashBase, courier_sim::Flash::kBytes, flash_store},
          {"SRAM", kSramBase, ram_bytes, ram_store}};
}

// The other SoC's map, only to recognise an image built for it (nothing is stored).
std::vector<courier_sim::Region> other_map() {
  if (kBetrusted) return {{"RAM", kVirtRamBase, 0x80000000u, nullptr}};
  return {{"flash", kFlashBase, courier_sim::Flash::kBytes, nullptr},
          {"SRAM", kSramBase, 16u << 20, nullptr}};
}

bool load_flash_file(const FlashFile& f, courier_sim::Flash& flash, std::string* error) {
  std::ifstream in(f.path, std::ios::binary);
  if (!in) {
    *error = "cannot open '" + f.path + "': " + std::strerror(errno);
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() > courier_sim::Flash::kBytes - f.offset) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "'%s' (%zu bytes) at flash offset 0x%x runs past the 128 MiB flash",
                  f.path.c_str(), bytes.size(), f.offset);
    *error = buf;
    return false;
  }
  for (size_t i = 0; i < bytes.size(); ++i)
    flash.write_byte(uint32_t(f.offset + i), uint8_t(bytes[i]));
  return true;
}

// The harness has written RAM behind the core's data cache (the host side of the tohost
// convention: tohost consumed, fromhost, a syscall's return value). The cache is write-through,
// so RAM is current, but it keeps the lines a program has read: polling fromhost would read the
// stale word forever. The SoC's dflush input empties the data cache at the next rising edge, as
// a coherent host's write would make its lines stale; a program polling for the reply cannot
// tell that from a host that answers a cycle later. A line fill in flight cannot overlap the
// store that made the harness write, as both use the one bus.
//
// Between the rising and the falling edge of each cycle: the tohost convention's timer, and
// the cache invalidation its replies need.
inline void after_rising_edge(courier_sim::SimState& st, Vcourier_soc& top) {
  if (st.tohost_settle_left != 0 && --st.tohost_settle_left == 0) courier_sim::htif_settle();
  top.dflush = st.ram_written_behind_cache;
  st.ram_written_behind_cache = false;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse_args(argc, argv);
  courier_sim::SimState& st = courier_sim::state();
  courier_sim::marks_enabled = opt.marks;
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(1, argv);  // our flags are not Verilator's +args
  // Tracing must be allowed before the model exists; without --trace it costs nothing.
  if (!opt.trace_file.empty()) ctx->traceEverOn(true);
  auto top = std::make_unique<Vcourier_soc>(ctx.get());
  top->rst = 1;
  top->clk = 0;
  top->eval();
  if (top->soc_id != COURIER_SIM_SOC_ID) {
    std::fprintf(stderr, "courier-sim: the model was built with SOC=%d but the harness for SOC=%d "
                 "(COURIER_SIM_PARAMS must not set -GSOC; use COURIER_SIM_SOC)\n",
                 int(top->soc_id), COURIER_SIM_SOC_ID);
    return kUsageExit;
  }
  st.ram.assign(top->ram_bytes / 4, 0);
  st.ram_base = kBetrusted ? kSramBase : kVirtRamBase;
  if (kBetrusted) st.flash_base = kFlashBase;

  courier_sim::LoadedImage img;
  std::string err;
  if (!opt.image.empty() && !courier_sim::load_elf(opt.image, memory_map(st), &img, &err)) {
    std::fprintf(stderr, "courier-sim: %s\n", err.c_str());
    courier_sim::LoadedImage other;
    std::string other_err;
    if (courier_sim::load_elf(opt.image, other_map(), &other, &other_err)) {
      std::fprintf(stderr,
                   kBetrusted
                       ? "courier-sim: this model is the betrusted SoC (flash 0x20000000, SRAM "
                         "0x40000000); the image is for the virt SoC (RAM 0x80000000): run it "
                         "on the virt model (preset sim, build/sim/sim/courier-sim)\n"
                       : "courier-sim: this model is the virt SoC (RAM 0x80000000); the image is "
                         "for the betrusted SoC (flash 0x20000000, SRAM 0x40000000): run it on "
                         "the betrusted model (preset sim-betrusted, "
                         "build/sim-betrusted/sim/courier-sim)\n");
    }
    return kUsageExit;
  }
  if (img.rvc && !top->rvc) {
    std::fprintf(stderr, "courier-sim: '%s' uses compressed instructions (ELF flag EF_RISCV_RVC) "
                 "but this model's core was built without C: run it on a model with RVC=1 "
                 "(preset sim-rvc, build/sim-rvc/sim/courier-sim)\n", opt.image.c_str());
    return kUsageExit;
  }
  for (const FlashFile& f : opt.flash) {
    if (!load_flash_file(f, st.flash, &err)) {
      std::fprintf(stderr, "courier-sim: %s\n", err.c_str());
      return kUsageExit;
    }
  }
  // The boot ROM jumps to the loader slot whatever was loaded: erased flash there would only
  // trap in a loop, so refuse it rather than spin silently.
  const uint32_t entry_word = (kLoaderEntry - kFlashBase) / 4;
  if (kBetrusted && st.flash.read_word(entry_word) == courier_sim::Flash::kErased) {
    std::fprintf(stderr, "courier-sim: nothing is loaded at 0x%08x (flash offset 0x%x), where the "
                 "boot ROM jumps; give an ELF with code there or --flash FILE[@OFFSET]\n",
                 kLoaderEntry, kLoaderEntry - kFlashBase);
    return kUsageExit;
  }
  if (kBetrusted && !opt.image.empty() && img.entry != kLoaderEntry) {
    std::fprintf(stderr, "courier-sim: note: the image's entry 0x%08x is not 0x%08x, where the "
                 "boot ROM jumps\n", img.entry, kLoaderEntry);
  }
  courier_sim::htif_init(opt.tohost ? opt.tohost : img.tohost,
                         opt.fromhost ? opt.fromhost : img.fromhost);
  courier_sim::RxFeeder rx;
  if (opt.rx_file) {
    std::vector<uint8_t> bytes;
    if (!courier_sim::read_rx_file(*opt.rx_file, &bytes, &err)) {
      std::fprintf(stderr, "courier-sim: %s\n", err.c_str());
      return kUsageExit;
    }
    rx.init(std::move(bytes), opt.rx_pace.has_value(), opt.rx_gap.value_or(0));
    if (opt.rx_pace) courier_sim::rx_pace_text = *opt.rx_pace;
  }

#if VM_TRACE
  std::unique_ptr<VerilatedFstC> tfp;
  if (!opt.trace_file.empty()) {
    tfp = std::make_unique<VerilatedFstC>();
    top->trace(tfp.get(), 99);
    tfp->open(opt.trace_file.c_str());
  }
#else
  if (!opt.trace_file.empty()) {
    std::fprintf(stderr, "courier-sim: this build has no trace support\n");
    return kUsageExit;
  }
#endif

  top->reset_pc = img.entry;  // virt only; betrusted resets at its boot ROM
  top->dflush = 0;
  top->rx_valid = 0;
  top->rx_data = 0;
  top->rst = 1;
  for (int i = 0; i < 4; ++i) {
    top->clk = 0;
    top->eval();
    top->clk = 1;
    top->eval();
  }
  top->rst = 0;
  top->clk = 0;
  top->eval();

  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t cpu0 = std::clock();
  uint64_t cycles = 0;
  // Cycles by the privilege mode the core is in during them (index: priv, 0 U, 1 S, 3 M).
  uint64_t mode_cycles[4] = {0, 0, 0, 0};
  // Of those, the cycles the core spent waiting in wfi (the kernel's idle loop): idle, not work.
  uint64_t wfi_cycles = 0;
  auto print_mark = [&](uint64_t at_cycle, uint64_t at_instret) {
    std::fprintf(stderr,
                 "courier-sim: mark cycles=%" PRIu64 " instret=%" PRIu64 " icache_fills=%" PRIu64
                 " dcache_fills=%" PRIu64 " cycles_u=%" PRIu64 " cycles_s=%" PRIu64
                 " cycles_m=%" PRIu64 " cycles_wfi=%" PRIu64 "\n",
                 at_cycle, at_instret, uint64_t(top->icache_fills), uint64_t(top->dcache_fills),
                 mode_cycles[0], mode_cycles[1], mode_cycles[3], wfi_cycles);
  };
  bool timed_out = false;
  // One compare per cycle for the cycle limit and the rx feeder's next step together.
  const uint64_t stop = opt.max_cycles ? opt.max_cycles : courier_sim::RxFeeder::kNever;
  uint64_t next_event = std::min(stop, rx.next);
  while (!st.finished) {
    bool rx_take = false;
    if (cycles >= next_event) {
      if (cycles >= stop) {
        timed_out = true;
        break;
      }
      if (cycles >= rx.next) rx_take = rx.before_edge(*top);
      next_event = std::min(stop, rx.next);
    }
    ++mode_cycles[top->priv & 3];
    wfi_cycles += top->wfi;
    top->clk = 1;
    top->eval();
#if VM_TRACE
    if (tfp && cycles >= opt.trace_start) tfp->dump(2 * cycles);
#endif
    after_rising_edge(st, *top);
    if (rx_take) {
      rx.taken(*top, cycles);
      next_event = std::min(stop, rx.next);
    }
    top->clk = 0;
    top->eval();
#if VM_TRACE
    if (tfp && cycles >= opt.trace_start) tfp->dump(2 * cycles + 1);
#endif
    ++cycles;
    if (courier_sim::line_event) {
      courier_sim::line_event = false;
      for (; courier_sim::rx_pace_lines != 0; --courier_sim::rx_pace_lines) rx.pace_line(cycles);
      next_event = std::min(stop, rx.next);
      if (courier_sim::mark_pending) {
        courier_sim::mark_pending = false;
        print_mark(cycles, top->instret);
      }
    }
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // CPU time too: on a shared machine it shows the model's own speed, wall time the user's wait.
  const double cpu = double(std::clock() - cpu0) / CLOCKS_PER_SEC;
  const uint64_t instret = top->instret;
  top->rx_valid = 0;  // nothing more is delivered while the UARTs drain
  // Let the UARTs send what they still hold (betrusted; virt's UART holds nothing). A line that
  // reaches the console now still gets its mark, with the counters as the run ended.
  for (uint64_t extra = 0; !timed_out && !top->io_idle && extra < kDrainCycles; ++extra) {
    top->clk = 1;
    top->eval();
    after_rising_edge(st, *top);
    top->clk = 0;
    top->eval();
    if (courier_sim::line_event) {
      courier_sim::line_event = false;
      courier_sim::rx_pace_lines = 0;
      if (courier_sim::mark_pending) {
        courier_sim::mark_pending = false;
        print_mark(cycles, instret);
      }
    }
  }
  courier_sim::flush_console();
#if VM_TRACE
  if (tfp) tfp->close();
#endif
  top->final();

  if (!opt.quiet_stats || timed_out) {
    if (!courier_sim::console_at_line_start_now()) std::fputc('\n', stderr);
    std::fprintf(stderr,
                 "courier-sim: cycles=%" PRIu64 " instret=%" PRIu64
                 " cpi=%.2f sim_speed=%.2f Mcycles/s wall=%.2fs cpu=%.2fs soc=%s"
                 " icache_fills=%" PRIu64 " dcache_fills=%" PRIu64 " cycles_u=%" PRIu64
                 " cycles_s=%" PRIu64 " cycles_m=%" PRIu64 " cycles_wfi=%" PRIu64 "\n",
                 cycles, instret, instret ? double(cycles) / double(instret) : 0.0,
                 wall > 0 ? double(cycles) / wall / 1e6 : 0.0, wall, cpu, kSocName,
                 uint64_t(top->icache_fills), uint64_t(top->dcache_fills), mode_cycles[0],
                 mode_cycles[1], mode_cycles[3], wfi_cycles);
  }
  if (rx.enabled()) {
    std::fprintf(stderr, "courier-sim: rx delivered=%zu of=%zu\n", rx.delivered(), rx.total());
  }
  // Bytes the pins never showed: a wrong UARTSEL is then visible, not just a silent console.
  if (st.dropped[0] + st.dropped[1] != 0) {
    std::fprintf(stderr,
                 "courier-sim: %" PRIu64 " bytes on the unselected UART (kernel UART %" PRIu64
                 ", console UART %" PRIu64 ")\n",
                 st.dropped[0] + st.dropped[1], st.dropped[0], st.dropped[1]);
  }
  courier_sim::htif_report_end();
  if (timed_out) {
    std::fprintf(stderr, "courier-sim: max cycles %" PRIu64 " exceeded without an exit\n",
                 opt.max_cycles);
    return kTimeoutExit;
  }
  return st.exit_code;
}
