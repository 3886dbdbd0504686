// names_common.h — the SIDs of the names test (names_root.cc, names_owner.cc).
#pragma once

#include "common.h"
#include "courier/abi/log.h"

namespace names {

// Reserved for names_owner by the image (kernel/test/CMakeLists.txt: RESERVE; keep in step).
inline constexpr courier::Sid kOwnerSid{{0x656d616e, 0x776f5f73, 0x0072656e, 1}};
// Reserved by nobody.
inline constexpr courier::Sid kFreeSid{{0x656d616e, 0x72665f73, 0x00006565, 1}};
inline constexpr courier::Sid kLogSid{{courier::abi::kLogSid[0], courier::abi::kLogSid[1],
                                       courier::abi::kLogSid[2], courier::abi::kLogSid[3]}};

enum : uint32_t { kWhoAreYou = 1, kQuit = 2 };
inline constexpr uint32_t kOwnerAnswer = 0x0600d;

// Tries to register `sid`. A server it gets (the bug this test guards against) is destroyed at
// once, so the name's real owner can still take it and the test reports instead of hanging.
inline courier::abi::Error try_register(const courier::Sid& sid) {
  courier::Server s;
  const courier::abi::Error e = courier::Server::create(sid, &s);
  if (e == courier::abi::Error::Ok) (void)s.destroy();
  return e;
}

}  // namespace names
