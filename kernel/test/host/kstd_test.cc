// kstd_test.cc — the freestanding library's contracts: Result, Optional, strong address types,
// Span and Array bounds, bit fields.
#include <gtest/gtest.h>

#include <type_traits>

#include "courier/kstd/addr.h"
#include "courier/kstd/array.h"
#include "courier/kstd/bits.h"
#include "courier/kstd/optional.h"
#include "courier/kstd/result.h"
#include "courier/kstd/span.h"

namespace {

enum class E { A = 1, B = 2 };

kstd::Result<int, E> half(int v) {
  if (v % 2) return kstd::err(E::A);
  return v / 2;
}

kstd::Result<int, E> quarter(int v) {
  const int h = KTRY(half(v));
  return KTRY(half(h));
}

kstd::Result<void, E> check_even(int v) {
  if (v % 2) return kstd::err(E::B);
  return {};
}

kstd::Result<void, E> check_both(int a, int b) {
  KTRY_VOID(check_even(a));
  KTRY_VOID(check_even(b));
  return {};
}

TEST(Result, CarriesValueOrError) {
  auto ok = half(10);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok.value(), 5);
  auto bad = half(3);
  ASSERT_TRUE(bad.is_err());
  EXPECT_EQ(bad.error(), E::A);
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Result, TryPropagatesTheFirstError) {
  EXPECT_EQ(quarter(12).value(), 3);
  EXPECT_EQ(quarter(6).error(), E::A);  // 6 -> 3 -> odd
  EXPECT_EQ(quarter(7).error(), E::A);
  EXPECT_TRUE(check_both(2, 4).is_ok());
  EXPECT_EQ(check_both(2, 5).error(), E::B);
}

TEST(Result, ErrorTypeConvertibleToValueStaysAnError) {
  // An Err wrapper keeps Result<int, int>-like ambiguity out: the error is never a value.
  kstd::Result<uint32_t, uint32_t> r = kstd::err(7u);
  EXPECT_TRUE(r.is_err());
  EXPECT_EQ(r.error(), 7u);
}

TEST(ResultDeathTest, WrongAlternativeIsAKernelBug) {
  EXPECT_DEATH((void)half(3).value(), "assertion failed");
  EXPECT_DEATH((void)half(4).error(), "assertion failed");
}

TEST(Optional, HoldsAndResets) {
  kstd::Optional<int> o;
  EXPECT_FALSE(o.has_value());
  EXPECT_EQ(o.value_or(4), 4);
  o = kstd::Optional<int>(9);
  ASSERT_TRUE(o);
  EXPECT_EQ(*o, 9);
  o.reset();
  EXPECT_FALSE(o);
  EXPECT_DEATH((void)*o, "assertion failed");
}

TEST(StrongTypes, DoNotConvertSilently) {
  static_assert(!std::is_convertible_v<uint32_t, kstd::VirtAddr>);
  static_assert(!std::is_convertible_v<uint64_t, kstd::PhysAddr>);
  static_assert(!std::is_convertible_v<kstd::VirtAddr, kstd::PhysAddr>);
  static_assert(!std::is_convertible_v<kstd::PhysAddr, kstd::VirtAddr>);
  static_assert(!std::is_convertible_v<kstd::Pfn, kstd::PhysAddr>);
  static_assert(!std::is_convertible_v<kstd::VirtAddr, uint32_t>);
  SUCCEED();
}

TEST(StrongTypes, PhysicalAddressesAre34BitsThroughFrameNumbers) {
  // Sv32: a 22-bit PFN reaches 2^34 bytes of physical memory.
  const kstd::Pfn top(0x3fffff);
  EXPECT_EQ(top.addr().raw(), 0x3fffff000ull);
  EXPECT_EQ(kstd::PhysAddr(0x3fffff123ull).pfn(), top);
  EXPECT_EQ(kstd::PhysAddr(0x3fffff123ull).page_offset(), 0x123u);
}

TEST(StrongTypes, VirtualAddressFields) {
  const kstd::VirtAddr v(0xdeadbeef);
  EXPECT_EQ(v.vpn1(), 0xdeadbeefu >> 22);
  EXPECT_EQ(v.vpn0(), (0xdeadbeefu >> 12) & 0x3ff);
  EXPECT_EQ(v.page_offset(), 0xeefu);
  EXPECT_EQ(v.page_base().raw(), 0xdeadb000u);
  EXPECT_FALSE(v.page_aligned());
  EXPECT_TRUE(v.page_base().page_aligned());
}

TEST(CheckedAdd, RefusesWrapAround) {
  uint32_t out = 0;
  EXPECT_TRUE(kstd::checked_add(0xfffff000u, 0xfffu, &out));
  EXPECT_EQ(out, 0xffffffffu);
  EXPECT_FALSE(kstd::checked_add(0xfffff000u, 0x1000u, &out));
  EXPECT_FALSE(kstd::checked_add(1u, 0xffffffffu, &out));
}

TEST(Span, CheckedSubspanRejectsOutOfRangeAndWrap) {
  int data[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  kstd::Span<int> s(data);
  EXPECT_EQ(s.size(), 8u);
  auto mid = s.subspan(2, 3);
  ASSERT_EQ(mid.size(), 3u);
  EXPECT_EQ(mid[0], 2);
  EXPECT_EQ(mid[2], 4);
  EXPECT_TRUE(s.subspan(8, 0).empty());
  EXPECT_EQ(s.subspan(8, 0).size(), 0u);
  EXPECT_TRUE(s.subspan(7, 2).empty());
  EXPECT_TRUE(s.subspan(9, 0).empty());
  EXPECT_TRUE(s.subspan(2, SIZE_MAX).empty());  // offset + count would wrap
  EXPECT_TRUE(s.subspan(SIZE_MAX, 2).empty());
  EXPECT_EQ(s.at(7), &data[7]);
  EXPECT_EQ(s.at(8), nullptr);
  EXPECT_EQ(s.drop(6).size(), 2u);
  EXPECT_TRUE(s.drop(9).empty());
  kstd::Span<const int> c = s;  // a mutable span converts to a read-only one
  EXPECT_EQ(c.data(), data);
}

TEST(SpanDeathTest, UncheckedIndexPastTheEndIsCaught) {
  int data[2] = {1, 2};
  kstd::Span<int> s(data);
  EXPECT_DEATH((void)s[2], "assertion failed");
}

TEST(Array, BoundsAndIteration) {
  kstd::Array<uint32_t, 4> a{{1, 2, 3, 4}};
  uint32_t sum = 0;
  for (uint32_t v : a) sum += v;
  EXPECT_EQ(sum, 10u);
  EXPECT_EQ(a.span().size(), 4u);
  EXPECT_DEATH((void)a[4], "assertion failed");
}

TEST(BitField, GetSetAndMask) {
  using Ppn = kstd::BitField<uint32_t, 10, 22>;
  using V = kstd::Bit<uint32_t, 0>;
  uint32_t pte = 0;
  pte = Ppn::set(pte, 0x3fffff);
  pte = V::set(pte, 1);
  EXPECT_EQ(pte, 0xfffffc01u);
  EXPECT_EQ(Ppn::get(pte), 0x3fffffu);
  pte = Ppn::set(pte, 0x400000);  // too wide: truncated to the field, neighbours untouched
  EXPECT_EQ(Ppn::get(pte), 0u);
  EXPECT_EQ(V::get(pte), 1u);
  using Whole = kstd::BitField<uint32_t, 0, 32>;
  EXPECT_EQ(Whole::kMask, 0xffffffffu);
}

}  // namespace

// The scheduler's and the interrupt controller's lowest-set-bit (kstd/bits.h) against the
// compiler's count: every single bit, and every word with bits above its lowest.
TEST(KstdBits, LowestSetBitMatchesCountTrailingZeros) {
  for (uint32_t b = 0; b < 32; ++b) {
    EXPECT_EQ(kstd::lowest_set_bit(1u << b), b);
    EXPECT_EQ(kstd::lowest_set_bit(~0u << b), b);
    EXPECT_EQ(kstd::lowest_set_bit((0x9e37'79b9u | 1u) << b), b);
  }
  uint32_t x = 0x2545'f491;
  for (int i = 0; i < 100000; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    ASSERT_EQ(kstd::lowest_set_bit(x), static_cast<uint32_t>(__builtin_ctz(x))) << std::hex << x;
  }
  static_assert(kstd::lowest_set_bit(0x8000'0000u) == 31);
}
