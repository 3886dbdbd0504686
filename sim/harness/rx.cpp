// --rx: the harness side of courier_soc's receive port (rx.h).
#include "rx.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "Vcourier_soc.h"

namespace courier_sim {

void RxFeeder::init(std::vector<uint8_t> bytes, bool paced, uint64_t gap) {
  enabled_ = true;
  paced_ = paced;
  gap_ = gap;
  bytes_ = std::move(bytes);
  next_byte_ = 0;
  offering_ = false;
  release_.clear();
  next = kNever;
  // Unpaced, byte 0 is released GAP cycles after reset; paced, it waits for the first line.
  if (!paced_ && !bytes_.empty()) next = gap_;
}

bool RxFeeder::before_edge(Vcourier_soc& top) {
  if (!offering_) {
    top.rx_data = bytes_[next_byte_];
    top.rx_valid = 1;
    offering_ = true;
    next = 0;  // on offer: look every cycle until the device takes it
  }
  // rx_ready depends only on the device's state, which changes at rising edges: its value after
  // the last evaluation holds for this edge.
  return top.rx_ready;
}

void RxFeeder::taken(Vcourier_soc& top, uint64_t cycle) {
  top.rx_valid = 0;
  offering_ = false;
  ++next_byte_;
  if (next_byte_ >= bytes_.size()) {
    next = kNever;
  } else if (paced_) {
    next = next_byte_ < release_.size() ? release_[next_byte_] : kNever;
  } else {
    next = cycle + 1 + gap_;  // GAP cycles between the two edges (0: the next edge)
  }
}

void RxFeeder::pace_line(uint64_t cycles) {
  if (!paced_ || release_.size() >= bytes_.size()) return;
  release_.push_back(cycles + gap_);
  // The byte this line releases is the next one to go: it was waiting for this line.
  if (!offering_ && release_.size() == next_byte_ + 1) next = release_.back();
}

bool read_rx_file(const std::string& path, std::vector<uint8_t>* bytes, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot read --rx file '" + path + "': " + std::strerror(errno);
    return false;
  }
  bytes->clear();
  uint8_t buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes->insert(bytes->end(), buf, buf + n);
  const bool bad = std::ferror(f);
  const int err = errno;
  std::fclose(f);
  if (bad) {
    *error = "cannot read --rx file '" + path + "': " + std::strerror(err);
    return false;
  }
  return true;
}

}  // namespace courier_sim
