// arch/csr.h — RISC-V control and status registers, named once.
//
// Each accessor is a single csrr/csrw/csrs/csrc instruction; they are macros over the CSR's
// name because the CSR number must be an assembler immediate.
#pragma once

#include <stdint.h>

#include "courier/core/cause.h"
#include "courier/kstd/bits.h"

#define CSR_READ(csr)                                    \
  ({                                                     \
    uint32_t _v;                                         \
    asm volatile("csrr %0, " #csr : "=r"(_v)::"memory"); \
    _v;                                                  \
  })
#define CSR_WRITE(csr, v) \
  asm volatile("csrw " #csr ", %0" ::"r"(static_cast<uint32_t>(v)) : "memory")
#define CSR_SET(csr, v) asm volatile("csrs " #csr ", %0" ::"r"(static_cast<uint32_t>(v)) : "memory")
#define CSR_CLEAR(csr, v) \
  asm volatile("csrc " #csr ", %0" ::"r"(static_cast<uint32_t>(v)) : "memory")

namespace courier::arch {

// sstatus / mstatus bits the kernel uses.
inline constexpr uint32_t kStatusSie = 1u << 1;
inline constexpr uint32_t kStatusMie = 1u << 3;
inline constexpr uint32_t kStatusSpie = 1u << 5;
inline constexpr uint32_t kStatusSpp = 1u << 8;
inline constexpr uint32_t kStatusSum = 1u << 18;
inline constexpr uint32_t kStatusMxr = 1u << 19;
using StatusMpp = kstd::BitField<uint32_t, 11, 2>;

}  // namespace courier::arch
