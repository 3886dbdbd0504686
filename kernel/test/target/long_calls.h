// long_calls.h — what hostile_long_calls.cc (the measurer, init) and hostile_long_hammer.cc
// agree on: the measurer's server and how much the hammer asks for.
#pragma once

#include "courier/user/ipc.h"

namespace long_calls {

inline constexpr courier::Sid kSid{{0x6c6f6e67, 0x6361, 9, 9}};
enum : uint32_t { kIdDone = 1 };
inline constexpr uint32_t kMapPages = 500;   // map_memory / unmap_memory, each round
inline constexpr uint32_t kLendPages = 128;  // a Borrow and a MutableBorrow by copy, each round
inline constexpr uint32_t kRounds = 2;

}  // namespace long_calls
