// hostile_xous946.h — the servers of the hostile_xous946 test and their messages.
#pragma once

#include "hostile.h"

namespace x946 {

// The "USB" server: turns a peer's burst into one keyboard message per character.
inline constexpr courier::Sid kUsbSid{{0x75736231, 9, 4, 6}};
// The "keyboard" server: tells its listener (the USB server) of every key, blocking.
inline constexpr courier::Sid kKbdSid{{0x6b626431, 9, 4, 6}};

enum Op : uint32_t {
  kHello = 1,          // BlockingScalar -> 0
  kBurstTry = 2,       // BlockingScalar w0 = n: inject n keys with try_send -> delivered, dropped
  kBurstBlocking = 3,  // Scalar w0 = n: inject n keys with a blocking send
  kKey = 4,            // Scalar: a key (keyboard -> USB, USB -> keyboard)
  kStats = 5,          // BlockingScalar -> keys heard back from the keyboard, keys sent blocking
  kLastError = 6,      // BlockingScalar -> the error that ended the last blocking burst
  kPing = 7,           // Scalar or BlockingScalar -> 0
};

}  // namespace x946
