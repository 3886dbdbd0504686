// The DPI functions courier_soc imports: RAM (SRAM) reads and writes, flash reads, console
// bytes, and the exits (virt's test finisher, betrusted's SIMEXIT, the tohost convention's
// stores, which htif.cpp serves). RAM and flash indices come from the SoC's address decoder,
// which only selects a memory for in-range addresses, so they are in bounds by construction. A
// model imports only its SoC's functions; all are defined here, with C linkage whether or not
// the generated header declares them.
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include "Vcourier_soc__Dpi.h"
#include "htif.h"
#include "sim_state.h"

namespace courier_sim {

SimState& state() {
  static SimState s;
  return s;
}

namespace {
std::string console_line;  // console output not yet written to stdout
std::string whole_line;    // the console's current line, from its start
bool console_at_line_start = true;

// SiFive test finisher encoding (QEMU hw/misc/sifive_test.c).
constexpr uint32_t kFinisherFail = 0x3333;
constexpr uint32_t kFinisherPass = 0x5555;
constexpr uint32_t kFinisherReset = 0x7777;
constexpr uint64_t kMaxStatus = 255;
}  // namespace

bool finish(int code) {
  SimState& s = state();
  if (s.finished) return false;
  s.finished = true;
  s.exit_code = code;
  return true;
}

bool finish_with_status(uint64_t value, const char* source) {
  if (value <= kMaxStatus) return finish(int(value));
  if (state().finished) return false;
  note("%s value 0x%08" PRIx64 " does not fit an exit status; exiting with 255", source, value);
  return finish(int(kMaxStatus));
}

bool console_at_line_start_now() { return console_at_line_start; }

bool marks_enabled = false;
bool mark_pending = false;
std::string rx_pace_text;
uint32_t rx_pace_lines = 0;
bool line_event = false;

void console_putc(char c) {
  console_line.push_back(c);
  // The whole line for the matches below (console_line is emptied by a note mid-line).
  whole_line.push_back(c);
  if (c != '\n') return;
  if (marks_enabled && (whole_line.find("@bench v1 ") != std::string::npos ||
                        whole_line.find("@wl ") != std::string::npos)) {
    mark_pending = line_event = true;
  }
  if (!rx_pace_text.empty() && whole_line.find(rx_pace_text) != std::string::npos) {
    ++rx_pace_lines;
    line_event = true;
  }
  whole_line.clear();
  flush_console();
}

void note(const char* fmt, ...) {
  flush_console();
  if (!console_at_line_start) {
    std::fputc('\n', stderr);
    console_at_line_start = true;  // the merged log is at a line start again
  }
  std::fputs("courier-sim: ", stderr);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fputc('\n', stderr);
}

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
  // Unsigned, so an index below tohost's wraps to a large number: one compare per store.
  if (s.tohost_word && word_index - *s.tohost_word < 2) {
    courier_sim::htif_tohost_written(word_index - *s.tohost_word, strb);
  }
}

void dpi_uart_putc(unsigned char c) { courier_sim::console_putc(char(c)); }

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

// SIMEXIT: the value is the exit status (one past 255 ends the run with 255).
void dpi_simexit(unsigned int value) { courier_sim::finish_with_status(value, "SIMEXIT"); }

}  // extern "C"
