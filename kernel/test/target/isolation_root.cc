// isolation_root.cc — process 1 of the isolation test. Three other processes each try one
// forbidden access (another process's memory, the kernel's, NULL) and must be killed; this
// process must go on. It also plants a secret where a peer will look for it.
#include "common.h"

int main() {
  uint32_t va = 0;
  const auto e =
      courier::map_memory(0x30000000, 4096, courier::abi::kMemRead | courier::abi::kMemWrite, &va);
  test::expect_error(e, courier::abi::Error::Ok, "map a page at 0x30000000");
  *reinterpret_cast<volatile uint32_t*>(va) = 0x5ec7e7;
  // Give the peers time to run and die (they are at the same priority).
  (void)courier::sys::wait_event(20000);
  test::check(*reinterpret_cast<volatile uint32_t*>(va) == 0x5ec7e7, "secret unchanged");
  courier::print("isolation root still running after its peers died\n");
  return test::failures;
}
