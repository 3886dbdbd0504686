// fake_mmu.h — what the host's fake MMU recorded (see fake_mmu.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "courier/core/mmu_hooks.h"

namespace courier::fake {

struct PageFlush {
  uint32_t asid;
  uint32_t va;
};

struct MmuLog {
  uint32_t active_root = 0;
  uint32_t active_asid = 0;
  uint32_t activations = 0;
  std::vector<PageFlush> page_flushes;
  std::vector<uint32_t> asid_flushes;
  void clear() { *this = MmuLog{}; }
};

extern MmuLog g_mmu_log;

}  // namespace courier::fake
