// State shared between the harness loop and the DPI callbacks the RTL makes: the RAM (or, on
// the betrusted SoC, SRAM) image, the flash image, the console line buffer, the bytes dropped
// on the UART the pins do not show, and the exit request (finisher, tohost or SIMEXIT).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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
  std::optional<uint32_t> tohost;
  bool finished = false;
  int exit_code = 0;
  uint64_t dropped[2] = {0, 0};  // bytes sent by the kernel / console UART while not selected
};

SimState& state();
void flush_console();
// False when the image's last console output did not end a line (the statistics line on
// stderr then starts on a fresh line, so a merged log keeps both intact).
bool console_at_line_start_now();

}  // namespace courier_sim
