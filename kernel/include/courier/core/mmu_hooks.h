// core/mmu_hooks.h — the few things page-table code needs from the hardware.
//
// Implemented by arch/rv32 (satp, sfence.vma) and by arch/host (a fake that records what was
// asked, so tests can check that TLB maintenance is exact).
#pragma once

#include "courier/kstd/addr.h"

namespace courier::mmu {

// ASIDs are used only when the hardware has enough bits for every pid (kMaxProcesses = 16).
inline constexpr uint32_t kMinAsidBits = 4;

// Makes the address space with this root and ASID the current one.
void activate(kstd::Pfn root, uint32_t asid);
// Drops any cached translation of one page of one address space.
void flush_page(uint32_t asid, kstd::VirtAddr va);
// Drops every cached translation of one address space (ASID reuse, teardown).
void flush_asid(uint32_t asid);
// The root `root` is about to be freed: if it is the active one, switch to the kernel's own
// root first (the kernel must never run on a table that may be reused).
void release(kstd::Pfn root);
// Number of ASID bits the hardware implements (0: none; every switch flushes).
uint32_t asid_bits();

}  // namespace courier::mmu
