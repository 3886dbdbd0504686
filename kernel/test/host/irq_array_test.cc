// The Precursor's interrupt-array bookkeeping (kernel/platform/betrusted/irq_array.h): the
// mask the kernel writes to the `sim` CSR through claim, complete, enable and a running
// handler's hold, with the tick (TIMER0, line 0) always deliverable, and spurious entries
// counted rather than lost.
#include "irq_array.h"

#include <gtest/gtest.h>

using courier::platform::IrqArray;

namespace {

constexpr uint32_t bit(uint32_t line) { return 1u << line; }

TEST(IrqArray, OnlyTheTickIsEnabledAtFirst) {
  IrqArray a;
  EXPECT_EQ(a.mask(), bit(0));
  EXPECT_EQ(a.claim(bit(8)), 0u) << "a line nobody enabled is not claimable";
  EXPECT_EQ(a.spurious(), 1u);
}

TEST(IrqArray, TheTickComesFirstAndIsNeverClaimedOrMasked) {
  IrqArray a;
  a.enable(3, true);
  EXPECT_EQ(a.claim(bit(0) | bit(3)), IrqArray::kTickClaimed);
  EXPECT_EQ(a.mask(), bit(0) | bit(3)) << "the tick is acknowledged at TIMER0, not masked";
  a.enable(0, false);
  EXPECT_EQ(a.mask() & bit(0), bit(0)) << "userspace cannot switch the tick off";
  a.complete(0);
  EXPECT_EQ(a.claimed(), 0u);
}

TEST(IrqArray, AClaimedLineIsMaskedUntilCompleted) {
  IrqArray a;
  a.enable(8, true);
  a.enable(13, true);
  EXPECT_EQ(a.claim(bit(8) | bit(13)), 8u) << "lowest line first, as a PLIC breaks ties";
  EXPECT_EQ(a.mask(), bit(0) | bit(13));
  EXPECT_EQ(a.claim(bit(8) | bit(13)), 13u) << "the claimed line's level no longer counts";
  EXPECT_EQ(a.mask(), bit(0));
  EXPECT_EQ(a.claim(bit(8) | bit(13)), 0u);
  EXPECT_EQ(a.spurious(), 1u);
  a.complete(8);
  EXPECT_EQ(a.mask(), bit(0) | bit(8));
  a.complete(13);
  EXPECT_EQ(a.mask(), bit(0) | bit(8) | bit(13));
}

TEST(IrqArray, DisablingAClaimedLineKeepsItMaskedAfterCompletion) {
  IrqArray a;
  a.enable(2, true);
  EXPECT_EQ(a.claim(bit(2)), 2u);
  a.enable(2, false);  // its owner died while its handler ran
  a.complete(2);
  EXPECT_EQ(a.mask(), bit(0));
  EXPECT_EQ(a.claim(bit(2)), 0u);
}

TEST(IrqArray, AHandlerHoldsEveryLineButTheTick) {
  IrqArray a;
  a.enable(3, true);
  a.enable(8, true);
  EXPECT_EQ(a.claim(bit(8)), 8u);
  a.hold(true);
  EXPECT_EQ(a.mask(), bit(0));
  EXPECT_EQ(a.claim(bit(3)), 0u) << "another line waits for the handler";
  EXPECT_EQ(a.claim(bit(0) | bit(3)), IrqArray::kTickClaimed) << "the tick ends overruns";
  a.complete(8);
  a.hold(false);
  EXPECT_EQ(a.mask(), bit(0) | bit(3) | bit(8));
  EXPECT_EQ(a.claim(bit(3)), 3u);
}

TEST(IrqArray, OutOfRangeLinesAreIgnored) {
  IrqArray a;
  a.enable(32, true);
  a.enable(1000, true);
  a.complete(77);
  EXPECT_EQ(a.mask(), bit(0));
  EXPECT_EQ(a.enabled(), bit(0));
}

}  // namespace
