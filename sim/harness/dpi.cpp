// The DPI functions courier_soc imports: RAM reads and writes, console bytes, and the test
// finisher. RAM indices come from the SoC's address decoder, which only selects RAM for
// in-range addresses, so they are in bounds by construction.
#include <cstdio>
#include <string>

#include "Vcourier_soc__Dpi.h"
#include "sim_state.h"

namespace courier_sim {

SimState& state() {
  static SimState s;
  return s;
}

namespace {
std::string console_line;
bool console_at_line_start = true;

// SiFive test finisher encoding (QEMU hw/misc/sifive_test.c).
constexpr uint32_t kFinisherFail = 0x3333;
constexpr uint32_t kFinisherPass = 0x5555;
constexpr uint32_t kFinisherReset = 0x7777;

void finish(int code) {
  SimState& s = state();
  if (!s.finished) {
    s.finished = true;
    s.exit_code = code;
  }
}
}  // namespace

bool console_at_line_start_now() { return console_at_line_start; }

void flush_console() {
  if (!console_line.empty()) {
    console_at_line_start = console_line.back() == '\n';
    std::fwrite(console_line.data(), 1, console_line.size(), stdout);
    console_line.clear();
  }
  std::fflush(stdout);
}

}  // namespace courier_sim

using courier_sim::state;

unsigned int dpi_ram_read(unsigned int word_index) { return state().ram[word_index]; }

void dpi_ram_write(unsigned int word_index, unsigned int data, unsigned char strb) {
  auto& s = state();
  uint32_t mask = 0;
  for (int i = 0; i < 4; ++i)
    if (strb & (1u << i)) mask |= 0xFFu << (8 * i);
  uint32_t& w = s.ram[word_index];
  w = (w & ~mask) | (data & mask);
  // riscv-tests convention: tohost = (code << 1) | 1 ends the run; code 0 is a pass.
  if (s.tohost && s.ram_base + word_index * 4 == *s.tohost && (w & 1u)) {
    courier_sim::finish(int(w >> 1));
  }
}

void dpi_uart_putc(unsigned char c) {
  courier_sim::console_line.push_back(char(c));
  if (c == '\n') courier_sim::flush_console();
}

void dpi_finish(unsigned int value) {
  switch (value & 0xFFFF) {
    case courier_sim::kFinisherPass: courier_sim::finish(0); break;
    case courier_sim::kFinisherFail: courier_sim::finish(int(value >> 16)); break;
    case courier_sim::kFinisherReset:
      std::fprintf(stderr, "courier-sim: finisher reset request; stopping\n");
      courier_sim::finish(0);
      break;
    default: break;
  }
}
