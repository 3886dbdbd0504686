// fake_mmu.cc — the host's "MMU": page tables are real Sv32 entries in a buffer of fake physical
// memory; activation and TLB maintenance are recorded instead of executed, so tests can check
// that the kernel flushes exactly what changed.
#include "fake_mmu.h"

namespace courier {

uintptr_t g_phys_offset = 0;

namespace fake {
MmuLog g_mmu_log;
}  // namespace fake

namespace mmu {

void activate(kstd::Pfn root, uint32_t asid) {
  fake::g_mmu_log.active_root = root.raw();
  fake::g_mmu_log.active_asid = asid;
  ++fake::g_mmu_log.activations;
}

void release(kstd::Pfn root) {
  if (fake::g_mmu_log.active_root == root.raw()) fake::g_mmu_log.active_root = 0;
}

void flush_page(uint32_t asid, kstd::VirtAddr va) {
  fake::g_mmu_log.page_flushes.push_back({asid, va.raw()});
}

void flush_asid(uint32_t asid) { fake::g_mmu_log.asid_flushes.push_back(asid); }

uint32_t asid_bits() { return 9; }

}  // namespace mmu
}  // namespace courier
