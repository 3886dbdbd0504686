// bench_ids.h — what the sync benchmark programs agree on: SIDs and message ids.
#pragma once

#include "courier/user/ipc.h"

namespace bench {

inline constexpr courier::Sid kEchoSid{{0x6563686f, 0x5eed, 1, 1}};   // other address space
inline constexpr courier::Sid kLocalSid{{0x6563686f, 0x5eed, 2, 2}};  // same address space
inline constexpr courier::Sid kYieldSid{{0x79696c64, 0x5eed, 3, 3}};
inline constexpr courier::Sid kLendSid{{0x6c656e64, 0x5eed, 4, 4}};

enum : uint32_t { kIdCall = 1, kIdScalar = 2 };

// The echo server loop: answers calls with their first two words, swallows scalars.
inline void echo_loop(const courier::Server& server) {
  (void)courier::serve(server, [](courier::Message& m, courier::Reply& reply) {
    reply(m.w[0], m.w[1]);
    return true;
  });
}

}  // namespace bench
