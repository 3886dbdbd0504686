// core/sv32.h — the Sv32 page-table entry, described once.
//
// Both the rv32 kernel and the host tests build real Sv32 entries (the host's "MMU" is these
// same tables in a buffer), so what the tests check is bit-for-bit what the hardware walks.
#pragma once

#include "courier/kstd/addr.h"
#include "courier/kstd/bits.h"

namespace courier::sv32 {

using Pte = uint32_t;
inline constexpr Pte kV = 1u << 0;
inline constexpr Pte kR = 1u << 1;
inline constexpr Pte kW = 1u << 2;
inline constexpr Pte kX = 1u << 3;
inline constexpr Pte kU = 1u << 4;
inline constexpr Pte kG = 1u << 5;
inline constexpr Pte kA = 1u << 6;
inline constexpr Pte kD = 1u << 7;
inline constexpr Pte kRwx = kR | kW | kX;
// Software bits (RSW, ignored by the hardware) that page lending uses:
inline constexpr Pte kLent = 1u << 8;      // lender's entry: lent out (V may be clear)
inline constexpr Pte kBorrowed = 1u << 9;  // borrower's entry: a lend's page (V clear: hidden,
                                           // the message is not received yet)
// Both software bits with V clear: a page a call in progress is building (core/preempt.h). The
// slot is taken (nothing else maps there) but the hardware ignores it and user calls see it as
// unmapped, until the call publishes it. No other entry has both bits.
inline constexpr Pte kPending = kLent | kBorrowed;
using PpnField = kstd::BitField<Pte, 10, 22>;

inline constexpr uint32_t kEntries = 1024;
inline constexpr uint32_t kMegapage = 1u << 22;

constexpr bool is_leaf(Pte p) { return (p & kV) && (p & kRwx); }
constexpr bool is_table(Pte p) { return (p & kV) && !(p & kRwx); }
constexpr bool is_pending(Pte p) { return !(p & kV) && (p & kPending) == kPending; }
// A user page the space still accounts for: mapped, lent out with access withdrawn, borrowed
// and still hidden, or pending (a call in progress is building it; Mapping::pending).
constexpr bool is_present(Pte p) { return is_leaf(p) || (p & (kLent | kBorrowed)) != 0; }
// A memory message's page in its borrower: valid, or hidden until the message is received.
constexpr bool is_borrowed(Pte p) { return (p & kBorrowed) && !(p & kLent) && (p & kRwx); }
constexpr kstd::Pfn pfn_of(Pte p) { return kstd::Pfn(PpnField::get(p)); }
// A/D are set up front: the kernel never relies on hardware A/D updates (a core may fault
// instead of setting them, which the privileged spec allows).
constexpr Pte leaf(kstd::Pfn pfn, Pte perms) {
  return PpnField::make(pfn.raw()) | perms | kV | kA | kD;
}
constexpr Pte table(kstd::Pfn pfn) { return PpnField::make(pfn.raw()) | kV; }

// satp for Sv32: MODE (bit 31), ASID (bits 30:22), root PPN (21:0).
constexpr uint32_t satp(kstd::Pfn root, uint32_t asid) {
  return (1u << 31) | ((asid & 0x1ff) << 22) | (root.raw() & 0x3fffff);
}

}  // namespace courier::sv32
