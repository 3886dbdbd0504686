// courier-sim: runs an rv32 ELF image on the Verilator model of Courier's core and SoC.
//
//   courier-sim [--max-cycles N] [--trace FILE.fst] [--trace-start CYCLE] [--tohost ADDR]
//               [--quiet-stats] IMAGE.elf
//
// The console (UART) goes to stdout, flushed per line; the exit status is the test finisher's
// code (or the tohost result); one statistics line goes to stderr at the end. Exit 2 means a
// usage or load error, 124 that --max-cycles ran out, as `timeout` does.
#include <chrono>
#include <ctime>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vcourier_soc.h"
#include "elf_loader.h"
#include "sim_state.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

namespace {

constexpr uint32_t kRamBase = 0x80000000u;  // QEMU virt's DRAM base; the size comes from the model
constexpr int kUsageExit = 2;
constexpr int kTimeoutExit = 124;

void usage(const char* msg) {
  if (msg) std::fprintf(stderr, "courier-sim: %s\n", msg);
  std::fprintf(stderr,
               "usage: courier-sim [--max-cycles N] [--trace FILE.fst] [--trace-start CYCLE]\n"
               "                   [--tohost ADDR] [--quiet-stats] IMAGE.elf\n");
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

struct Options {
  uint64_t max_cycles = 0;  // 0: no limit
  std::string trace_file;
  uint64_t trace_start = 0;
  std::optional<uint32_t> tohost;
  bool quiet_stats = false;
  std::string image;
};

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
    else if (a == "--quiet-stats") o.quiet_stats = true;
    else if (a == "-h" || a == "--help") usage(nullptr);
    else if (!a.empty() && a[0] == '-') usage(("unknown option " + a).c_str());
    else if (o.image.empty()) o.image = a;
    else usage("only one image may be given");
  }
  if (o.image.empty()) usage("no image given");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse_args(argc, argv);
  courier_sim::SimState& st = courier_sim::state();
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(1, argv);  // our flags are not Verilator's +args
  // Tracing must be allowed before the model exists; without --trace it costs nothing.
  if (!opt.trace_file.empty()) ctx->traceEverOn(true);
  auto top = std::make_unique<Vcourier_soc>(ctx.get());
  top->rst = 1;
  top->clk = 0;
  top->eval();
  st.ram.assign(top->ram_bytes / 4, 0);
  st.ram_base = kRamBase;

  courier_sim::LoadedImage img;
  std::string err;
  if (!courier_sim::load_elf(opt.image, kRamBase, st.ram, &img, &err)) {
    std::fprintf(stderr, "courier-sim: %s\n", err.c_str());
    return kUsageExit;
  }
  if (opt.tohost) st.tohost = opt.tohost;
  else st.tohost = img.tohost;

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

  top->reset_pc = img.entry;
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
  bool timed_out = false;
  while (!st.finished) {
    if (opt.max_cycles && cycles >= opt.max_cycles) {
      timed_out = true;
      break;
    }
    top->clk = 1;
    top->eval();
#if VM_TRACE
    if (tfp && cycles >= opt.trace_start) tfp->dump(2 * cycles);
#endif
    top->clk = 0;
    top->eval();
#if VM_TRACE
    if (tfp && cycles >= opt.trace_start) tfp->dump(2 * cycles + 1);
#endif
    ++cycles;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // CPU time too: on a shared machine it shows the model's own speed, wall time the user's wait.
  const double cpu = double(std::clock() - cpu0) / CLOCKS_PER_SEC;
  courier_sim::flush_console();
#if VM_TRACE
  if (tfp) tfp->close();
#endif
  const uint64_t instret = top->instret;
  top->final();

  if (!opt.quiet_stats || timed_out) {
    if (!courier_sim::console_at_line_start_now()) std::fputc('\n', stderr);
    std::fprintf(stderr,
                 "courier-sim: cycles=%" PRIu64 " instret=%" PRIu64
                 " cpi=%.2f sim_speed=%.2f Mcycles/s wall=%.2fs cpu=%.2fs\n",
                 cycles, instret, instret ? double(cycles) / double(instret) : 0.0,
                 wall > 0 ? double(cycles) / wall / 1e6 : 0.0, wall, cpu);
  }
  if (timed_out) {
    std::fprintf(stderr, "courier-sim: max cycles %" PRIu64 " exceeded without an exit\n",
                 opt.max_cycles);
    return kTimeoutExit;
  }
  return st.exit_code;
}
