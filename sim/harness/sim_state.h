// State shared between the harness loop and the DPI callbacks the RTL makes: the RAM (or, on
// the betrusted SoC, SRAM) image, the flash image, the console line buffer, the bytes dropped
// on the UART the pins do not show, the exit request (finisher, tohost or SIMEXIT), and what
// the run loop must do for the tohost convention (htif.h) between clock edges.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace courier_sim {

// The betrusted SoC's 128 MiB SPI flash window, allocated in 64 KiB chunks as images are loaded
// into it; words nobody loaded read as erased flash, 0xFFFF_FFFF.
class Flash {
 public:
  static constexpr uint32_t kBytes = 128u << 20;
  static constexpr unsigned kChunkWordsLog2 = 14;  // 64 KiB
  static constexpr uint32_t kErased = 0xFFFFFFFFu;

  uint32_t read_word(uint32_t word_index) const {
    const auto& chunk = chunks_[word_index >> kChunkWordsLog2];
    return chunk ? chunk[word_index & ((1u << kChunkWordsLog2) - 1)] : kErased;
  }
  // Bytes at `offset` (bounds checked by the caller against kBytes).
  void write_byte(uint32_t offset, uint8_t value);

 private:
  std::unique_ptr<uint32_t[]> chunks_[kBytes >> (kChunkWordsLog2 + 2)];
};

struct SimState {
  std::vector<uint32_t> ram;
  uint32_t ram_base = 0;
  Flash flash;
  std::optional<uint32_t> flash_base;  // betrusted: where the flash window is mapped
  // The tohost convention (htif.h): the index in `ram` of tohost's low word, while it is on.
  std::optional<uint32_t> tohost_word;
  // Cycles left before a tohost written in part counts as written (0: nothing waits). The run
  // loop counts it down and calls htif_settle() when it reaches 0.
  uint32_t tohost_settle_left = 0;
  // The harness wrote RAM behind the core's data cache: the run loop invalidates the cache.
  bool ram_written_behind_cache = false;
  bool finished = false;
  int exit_code = 0;
  uint64_t dropped[2] = {0, 0};  // bytes sent by the kernel / console UART while not selected
};

SimState& state();

// Ends the run with `code` unless an exit was already requested; returns whether this one
// counts.
bool finish(int code);
// Ends the run with `value` as the exit status. A value that does not fit in a status must not
// read as a pass: it ends the run with 255, and `source` ("SIMEXIT", ...) names it on stderr.
bool finish_with_status(uint64_t value, const char* source);

// One byte to the console (stdout), the path the UARTs take: buffered, flushed per line.
void console_putc(char c);
void flush_console();
// One line on stderr, "courier-sim: " and the message: after the console's pending output, and
// on a line of its own in a log that merges the two streams.
void note(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// False when the image's last console output did not end a line (the statistics line on
// stderr then starts on a fresh line, so a merged log keeps both intact).
bool console_at_line_start_now();
// --marks: after a console line that holds a benchmark record ("@bench v1 ") or a workload's
// line ("@wl "), mark_pending is set; the main loop then prints the counters on stderr
// (`courier-sim: mark ...`), so a benchmark's cache fills are the difference between two marks.
extern bool marks_enabled;
extern bool mark_pending;
// --rx-pace TEXT: console lines holding rx_pace_text (when not empty) are counted in
// rx_pace_lines for the run loop, which hands them to the RxFeeder (rx.h) after the cycle.
extern std::string rx_pace_text;
extern uint32_t rx_pace_lines;
// Set with either of the two above: the run loop looks at them only then (one test per cycle).
extern bool line_event;

}  // namespace courier_sim
