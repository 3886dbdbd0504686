// The DPI functions courier_soc imports: RAM (SRAM) reads and writes, flash reads, console
// bytes, and the exits (virt's test finisher, betrusted's SIMEXIT). RAM and flash indices come
// from the SoC's address decoder, which only selects a memory for in-range addresses, so they
// are in bounds by construction. A model imports only its SoC's functions; all are defined
// here, with C linkage whether or not the generated header declares them.
#include <cstdio>
#include <cstring>
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

void Flash::write_byte(uint32_t offset, uint8_t value) {
  auto& chunk = chunks_[offset >> (kChunkWordsLog2 + 2)];
  if (!chunk) {
    chunk = std::make_unique<uint32_t[]>(1u << kChunkWordsLog2);
    std::memset(chunk.get(), 0xFF, sizeof(uint32_t) << kChunkWordsLog2);
  }
  reinterpret_cast<uint8_t*>(chunk.get())[offset & ((4u << kChunkWordsLog2) - 1)] = value;
}

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

extern "C" {

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

unsigned int dpi_flash_read(unsigned int word_index) {
  return state().flash.read_word(word_index);
}

void dpi_uart_drop(unsigned int uart) { ++state().dropped[uart & 1]; }

// SIMEXIT: the value is the exit status; one that does not fit in a status must not read as a
// pass, so it ends the run with 255 (and says so).
void dpi_simexit(unsigned int value) {
  if (value > 255) {
    std::fprintf(stderr, "courier-sim: SIMEXIT value 0x%08x does not fit an exit status; "
                 "exiting with 255\n", value);
    courier_sim::finish(255);
  } else {
    courier_sim::finish(int(value));
  }
}

}  // extern "C"
