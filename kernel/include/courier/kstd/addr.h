// kstd/addr.h — strong address types: PhysAddr, VirtAddr, Pfn.
//
// Physical and virtual addresses are different things that happen to share a representation;
// mixing them up is a classic kernel bug, so each is its own type with an explicit
// constructor and no implicit conversion to or from integers or each other.
//
// Sv32 physical addresses are 34 bits wide, so PhysAddr holds 64 bits and page-table entries
// carry page frame numbers (Pfn, 22 bits in Sv32), never raw physical addresses.
#pragma once

#include "courier/kstd/types.h"

namespace kstd {

inline constexpr uint32_t kPageShift = 12;
inline constexpr uint32_t kPageSize = 1u << kPageShift;

class Pfn;

class PhysAddr {
 public:
  constexpr PhysAddr() = default;
  constexpr explicit PhysAddr(uint64_t v) : v_(v) {}
  constexpr uint64_t raw() const { return v_; }
  constexpr bool page_aligned() const { return (v_ & (kPageSize - 1)) == 0; }
  constexpr uint32_t page_offset() const { return static_cast<uint32_t>(v_ & (kPageSize - 1)); }
  constexpr PhysAddr operator+(uint64_t off) const { return PhysAddr(v_ + off); }
  constexpr Pfn pfn() const;
  constexpr bool operator==(const PhysAddr&) const = default;
  constexpr bool operator<(const PhysAddr& o) const { return v_ < o.v_; }
  constexpr bool operator<=(const PhysAddr& o) const { return v_ <= o.v_; }
  constexpr bool operator>(const PhysAddr& o) const { return v_ > o.v_; }
  constexpr bool operator>=(const PhysAddr& o) const { return v_ >= o.v_; }

 private:
  uint64_t v_ = 0;
};

class VirtAddr {
 public:
  constexpr VirtAddr() = default;
  constexpr explicit VirtAddr(uint32_t v) : v_(v) {}
  constexpr uint32_t raw() const { return v_; }
  constexpr bool page_aligned() const { return (v_ & (kPageSize - 1)) == 0; }
  constexpr uint32_t page_offset() const { return v_ & (kPageSize - 1); }
  constexpr VirtAddr page_base() const { return VirtAddr(v_ & ~(kPageSize - 1)); }
  constexpr uint32_t vpn() const { return v_ >> kPageShift; }
  // Sv32's two 10-bit virtual page number fields.
  constexpr uint32_t vpn1() const { return v_ >> 22; }
  constexpr uint32_t vpn0() const { return (v_ >> 12) & 0x3ff; }
  // Wrapping arithmetic is explicit: callers that take lengths from users use checked_add.
  constexpr VirtAddr operator+(uint32_t off) const { return VirtAddr(v_ + off); }
  constexpr bool operator==(const VirtAddr&) const = default;
  constexpr bool operator<(const VirtAddr& o) const { return v_ < o.v_; }
  constexpr bool operator<=(const VirtAddr& o) const { return v_ <= o.v_; }
  constexpr bool operator>(const VirtAddr& o) const { return v_ > o.v_; }
  constexpr bool operator>=(const VirtAddr& o) const { return v_ >= o.v_; }

 private:
  uint32_t v_ = 0;
};

class Pfn {
 public:
  constexpr Pfn() = default;
  constexpr explicit Pfn(uint32_t v) : v_(v) {}
  constexpr uint32_t raw() const { return v_; }
  constexpr PhysAddr addr() const { return PhysAddr(static_cast<uint64_t>(v_) << kPageShift); }
  constexpr Pfn operator+(uint32_t n) const { return Pfn(v_ + n); }
  constexpr bool operator==(const Pfn&) const = default;
  constexpr bool operator<(const Pfn& o) const { return v_ < o.v_; }
  constexpr bool operator<=(const Pfn& o) const { return v_ <= o.v_; }
  constexpr bool operator>(const Pfn& o) const { return v_ > o.v_; }
  constexpr bool operator>=(const Pfn& o) const { return v_ >= o.v_; }

 private:
  uint32_t v_ = 0;
};

constexpr Pfn PhysAddr::pfn() const { return Pfn(static_cast<uint32_t>(v_ >> kPageShift)); }

// a + b without wrap-around: false when the sum does not fit in 32 bits.
constexpr bool checked_add(uint32_t a, uint32_t b, uint32_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

constexpr uint32_t align_up(uint32_t v, uint32_t align) { return (v + align - 1) & ~(align - 1); }
constexpr uint32_t align_down(uint32_t v, uint32_t align) { return v & ~(align - 1); }

}  // namespace kstd
