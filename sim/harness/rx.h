// --rx: recorded input fed into the guest, deterministically. The bytes of a file go, one at a
// time and in order, to the SoC's receive side (virt: the 16550's receive FIFO; betrusted: the
// KEYBOARD's injected character) through courier_soc's rx_valid/rx_data/rx_ready ports. A byte is
// offered (rx_valid) from its release cycle on and taken at the first rising edge where the
// device has room (rx_ready); the harness never drops one.
//
// Release: with --rx-pace TEXT, byte k (0-based) is released GAP cycles after the console has
// completed its (k+1)-th line containing TEXT (GAP 0: offered at the very next rising edge);
// without it, byte 0 is released GAP cycles after reset and byte k+1 GAP cycles after byte k was
// taken (GAP 0: back to back, as fast as the device accepts). GAP is --rx-gap (default 0).
//
// Cost: the run loop compares the cycle count with `next` each cycle and calls in only when a
// byte is due or on offer; console lines with TEXT are counted by the console (dpi.cpp) and
// handed over after the cycle in which they ended.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

class Vcourier_soc;

namespace courier_sim {

class RxFeeder {
 public:
  static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

  void init(std::vector<uint8_t> bytes, bool paced, uint64_t gap);
  bool enabled() const { return enabled_; }
  size_t delivered() const { return next_byte_; }
  size_t total() const { return bytes_.size(); }

  // The run loop calls before_edge before the rising edge of cycle `next` (cycles are counted
  // from 0 after reset) and of every cycle after it while a byte is on offer (next is then 0). It
  // offers the due byte and says whether the device takes it at this edge; if so, the loop calls
  // taken() after the edge with that cycle's number.
  uint64_t next = kNever;
  bool before_edge(Vcourier_soc& top);
  void taken(Vcourier_soc& top, uint64_t cycle);
  // A console line with the pace text ended in the cycle just run (cycles: completed cycles,
  // counting that one).
  void pace_line(uint64_t cycles);

 private:
  bool enabled_ = false;
  bool paced_ = false;
  bool offering_ = false;
  uint64_t gap_ = 0;
  std::vector<uint8_t> bytes_;
  size_t next_byte_ = 0;
  // --rx-pace: the release cycle of byte i, for each pace line seen so far (at most one per byte).
  std::vector<uint64_t> release_;
};

// Reads an --rx file; false with *error set if it cannot be read.
bool read_rx_file(const std::string& path, std::vector<uint8_t>* bytes, std::string* error);

}  // namespace courier_sim
