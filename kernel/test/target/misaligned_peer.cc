// misaligned_peer.cc — one misaligned access the kernel must refuse, chosen at build time by
// PEER (misaligned test, issue 17): a load that reaches an unmapped page, a store into a
// read-only page, a misaligned atomic. Each is killed with the cause QEMU reports for it.
#include <stdint.h>

#include "courier/user/ipc.h"
#include "courier/user/print.h"

int main() {
  // No print first (see peek.cc): the order of the deaths must not depend on the log server.
  constexpr uint32_t kRw = courier::abi::kMemRead | courier::abi::kMemWrite;
  uint32_t va = 0;
  if (courier::map_memory(0, 0x1000, kRw, &va) != courier::abi::Error::Ok) return 1;
  uint32_t v = 0;
#if PEER == 1
  // The page after ours is not mapped: the word's last two bytes are in it.
  asm volatile("lw %0, 0(%1)" : "=r"(v) : "r"(va + 0xffe) : "memory");
#elif PEER == 2
  (void)courier::sys::update_memory_flags(va, 0x1000, courier::abi::kMemRead);
  asm volatile("sw %0, 0(%1)" : : "r"(v), "r"(va + 0x11) : "memory");
#else
  asm volatile("amoswap.w %0, %0, (%1)" : "+r"(v) : "r"(va + 2) : "memory");
#endif
  courier::print("misaligned peer %d: SURVIVED (%08x)\n", PEER, v);
  return 0;
}
