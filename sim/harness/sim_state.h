// State shared between the harness loop and the DPI callbacks the RTL makes: the RAM image,
// the console line buffer and the exit request (finisher or tohost).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace courier_sim {

struct SimState {
  std::vector<uint32_t> ram;
  uint32_t ram_base = 0;
  std::optional<uint32_t> tohost;
  bool finished = false;
  int exit_code = 0;
};

SimState& state();
void flush_console();
// False when the image's last console output did not end a line (the statistics line on
// stderr then starts on a fresh line, so a merged log keeps both intact).
bool console_at_line_start_now();

}  // namespace courier_sim
