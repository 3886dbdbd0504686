// arch/space.h — switching satp, inline because every IPC switch between processes does it.
//
// g_active_satp mirrors the satp CSR (reading a CSR costs more than a load). With ASIDs the
// write alone switches spaces; without them every switch also flushes the TLB.
#pragma once

#include <stdint.h>

#include "courier/arch/csr.h"

namespace courier::arch {

extern uint32_t g_active_satp;
extern bool g_asid_tagged;

inline void switch_space(uint32_t satp) {
  if (satp == g_active_satp) return;
  g_active_satp = satp;
  CSR_WRITE(satp, satp);
  if (!g_asid_tagged) asm volatile("sfence.vma" ::: "memory");
}

}  // namespace courier::arch
