// hostile_log.h — what the two processes of the hostile_log_spoof test share (issue 13,
// finding 7): the attacker's server, and a client's raw pieces to the log server (abi/log.h),
// sent with whatever tid the sender claims.
#pragma once

#include "courier/abi/log.h"
#include "hostile.h"

namespace hostile {

inline constexpr courier::Sid kSpoofSid{{0x676f6c73, 0x666f6f70, 1, 3}};
enum SpoofRequest : uint32_t {
  kLineOpen = 1,  // the victim: my line is open, w0 = my tid, w1 = my pid
  kLineDone = 2,  // the victim: my line is written; answer, and I end
};

inline courier::Connection log_connection() {
  courier::Connection log;
  const courier::Sid sid{{courier::abi::kLogSid[0], courier::abi::kLogSid[1],
                          courier::abi::kLogSid[2], courier::abi::kLogSid[3]}};
  (void)courier::Connection::connect(sid, &log);
  return log;
}

// `text` to the log server in pieces of up to 16 bytes under `tid`; kLogEnd on the last if
// `end`.
inline void log_raw(const courier::Connection& log, uint32_t tid, const char* text, bool end) {
  uint32_t len = 0;
  while (text[len] != '\0') ++len;
  for (uint32_t done = 0; done < len;) {
    const uint32_t n = len - done < 16 ? len - done : 16;
    uint32_t w[4] = {0, 0, 0, 0};
    for (uint32_t i = 0; i < n; ++i)
      w[i / 4] |= static_cast<uint32_t>(static_cast<uint8_t>(text[done + i])) << (8 * (i % 4));
    done += n;
    const bool last = end && done == len;
    const uint32_t id =
        courier::abi::kLogWrite | (last ? courier::abi::kLogEnd : 0) | (n << 8) | (tid << 16);
    (void)sys::call_scalar(log.cid(), id, w[0], w[1], w[2], w[3]);
  }
}

inline void debug_write(const char* text) {
  uint32_t len = 0;
  while (text[len] != '\0') ++len;
  (void)sys::debug_write(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(text)), len);
}

}  // namespace hostile
