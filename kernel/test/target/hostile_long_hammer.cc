// hostile_long_hammer.cc — hostile_long_calls.cc's load: the heaviest calls an ordinary
// process may issue, written from the ABI and libcourier only.
#include "common.h"
#include "courier/user/ring.h"
#include "long_calls.h"

namespace sys = courier::sys;
using courier::abi::Error;
using courier::abi::MessageKind;

int main() {
  constexpr uint32_t kPage = 4096, kRw = courier::abi::kMemRead | courier::abi::kMemWrite;
  constexpr uint32_t kAt = 0x4000'0000;
  courier::Connection probe;
  if (courier::Connection::connect(long_calls::kSid, &probe) != Error::Ok) return 1;
  courier::Ring ring;
  const uint32_t buffer = test::pages(long_calls::kLendPages);
  if (ring.setup() != Error::Ok || buffer == 0) return 2;
  uint32_t failures = 0;
  for (uint32_t round = 0; round < long_calls::kRounds; ++round) {
    failures += sys::map_memory(kAt, long_calls::kMapPages * kPage, kRw).error != Error::Ok;
    failures += sys::unmap_memory(kAt, long_calls::kMapPages * kPage).error != Error::Ok;
    for (uint32_t i = 0; i < courier::abi::kRingEntries / 2; ++i) {
      ring.submit(courier::abi::Syscall::map_memory, 0, kAt, 16 * kPage, kRw);
      ring.submit(courier::abi::Syscall::unmap_memory, 1, kAt, 16 * kPage);
    }
    (void)ring.flush();
    courier::abi::RingCompletion c;
    while (ring.poll(&c)) failures += c.error != 0;
    const void* buf = reinterpret_cast<const void*>(buffer);
    const MessageKind kinds[] = {MessageKind::Borrow, MessageKind::MutableBorrow};
    for (const MessageKind kind : kinds) {
      failures += probe.lend(kind, 1, buf, long_calls::kLendPages * kPage, 0, 0,
                             courier::Transfer::Copy)
                      .error != Error::Ok;
    }
  }
  courier::print("hammer: %u rounds, %u failures\n", long_calls::kRounds, failures);
  (void)probe.send(long_calls::kIdDone);
  return static_cast<int>(failures);
}
