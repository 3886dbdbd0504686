// worst_hog.cc — destroy_700's child (worst_bench.cc): maps worst::kMapPages pages, one in each
// of 200 page tables and the rest in one block, tells its parent, and ends, so that its death
// has all of them to give back. Started at boot too (argument 0): it then ends at once.
#include "worst_ids.h"

int main(int spawned, char**) {
  if (spawned == 0) return 0;
  constexpr uint32_t kPage = 4096, kRw = courier::abi::kMemRead | courier::abi::kMemWrite;
  constexpr uint32_t kTables = 200;
  for (uint32_t i = 0; i < kTables; ++i)
    (void)courier::sys::map_memory(0x0800'0000 + i * (4u << 20), kPage, kRw);
  (void)courier::sys::map_memory(0x4000'0000, (worst::kMapPages - kTables) * kPage, kRw);
  courier::Connection parent;
  if (courier::Connection::connect(worst::kDoneSid, &parent) != courier::abi::Error::Ok) return 1;
  (void)parent.send(1);
  return 0;
}
