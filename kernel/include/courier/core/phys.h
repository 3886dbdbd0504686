// core/phys.h — how the kernel reaches physical memory.
//
// On rv32 all of RAM is mapped into every address space at its own physical address (global,
// supervisor-only megapages), so a frame's contents are at "address == physical address". On the
// host, "physical memory" is a buffer the test owns, and frames live at buffer + (pa - base).
// Either way, the kernel reads and writes frames only through phys_ptr(): never through a user
// virtual address, so what it touches is exactly what the page tables say.
#pragma once

#include "courier/kstd/addr.h"
#include "courier/kstd/types.h"

namespace courier {

// Added to a physical address to get the kernel pointer for it: 0 on rv32.
extern uintptr_t g_phys_offset;

// Invariant the caller upholds: `pa` lies in RAM the frame table manages (or a page table).
inline uint8_t* phys_ptr(kstd::PhysAddr pa) {
  return reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(pa.raw()) + g_phys_offset);
}
inline uint8_t* frame_ptr(kstd::Pfn pfn) { return phys_ptr(pfn.addr()); }

}  // namespace courier
