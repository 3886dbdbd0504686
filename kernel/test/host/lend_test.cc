// lend_test.cc — memory messages on the fake MMU: Borrow, MutableBorrow and Move by remapping
// and by copying, every bad input the lending issue names, and death on either side. After
// every test the fixture checks the ownership table against every page table.
#include "courier/abi/lend.h"
#include "courier/abi/ring.h"

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "courier/core/phys.h"
#include "courier/core/sv32.h"
#include "kernel_fixture.h"
#include "lend_fastpath.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::MessageKind;
using abi::Syscall;

constexpr uint32_t kBuf = 0x30000000;
constexpr uint32_t kBorrow = static_cast<uint32_t>(MessageKind::Borrow);
constexpr uint32_t kMutable = static_cast<uint32_t>(MessageKind::MutableBorrow);
constexpr uint32_t kMove = static_cast<uint32_t>(MessageKind::Move);

class LendTest : public KernelTest {
 protected:
  void SetUp() override {
    KernelTest::SetUp();
    server_pid = spawn("server");
    client_pid = spawn("client");
    handle = sys(srv(), Syscall::create_server, 7, 7, 7, 7).r[0];
    cid = sys(cli(), Syscall::connect, 7, 7, 7, 7).r[0];
    ASSERT_EQ(sys(cli(), Syscall::map_memory, kBuf, 4 * 0x1000, kRw).error, Error::Ok);
    for (uint32_t i = 0; i < 4; ++i)
      ASSERT_TRUE(k_->copy_to_user(client_pid, kBuf + i * 0x1000, &i, 4).is_ok());
    free_before = k_->frames().free_count();
  }
  Thread& srv() { return main_thread(server_pid); }
  Thread& cli() { return main_thread(client_pid); }

  // lend_memory as thread `t` (a6 is the valid hint, beyond the fixture's six arguments).
  Ret lend(Thread& t, uint32_t kind, uint32_t va, uint32_t size, uint32_t offset = 0,
           uint32_t valid = 0, uint32_t to = 0, bool check = true) {
    KernelTestAccess::run(*k_, t);
    const uint32_t regs[7] = {to ? to : cid, 42, kind, va, size, offset, valid};
    for (int i = 0; i < 7; ++i) t.frame.a(i) = regs[i];
    t.frame.a(7) = static_cast<uint32_t>(Syscall::lend_memory);
    dispatch::syscall(*k_);
    if (check) k_->check_invariants();
    return result(t);
  }
  // A fresh client (the last one died) with the fixture's buffer: page 1 holds 1.
  void respawn_client() {
    client_pid = spawn("client");
    cid = sys(cli(), Syscall::connect, 7, 7, 7, 7).r[0];
    ASSERT_EQ(sys(cli(), Syscall::map_memory, kBuf, 2 * 0x1000, kRw).error, Error::Ok);
    const uint32_t one = 1;
    ASSERT_TRUE(k_->copy_to_user(client_pid, kBuf + 0x1000, &one, 4).is_ok());
  }
  // The client's buffer again after a Move took it: 4 pages, page i holding i.
  void respawn_buffer() {
    (void)sys(cli(), Syscall::unmap_memory, kBuf, 4 * 0x1000);
    for (uint32_t i = 0; i < 4; ++i) {
      if (!at(client_pid, kBuf + i * 0x1000)) {
        ASSERT_EQ(sys(cli(), Syscall::map_memory, kBuf + i * 0x1000, 0x1000, kRw).error, Error::Ok);
      }
      ASSERT_TRUE(k_->copy_to_user(client_pid, kBuf + i * 0x1000, &i, 4).is_ok());
    }
  }
  // The server takes the next message.
  Ret take() { return sys(srv(), Syscall::try_receive, handle); }

  // True if the server has anything it can see in its lend window's first pages.
  bool at_window_mapped() {
    for (uint32_t i = 0; i < 8; ++i) {
      if (at(server_pid, kLendWindowBase + i * 0x1000).has_value()) return true;
    }
    return false;
  }
  kstd::Optional<Mapping> at(Pid pid, uint32_t va) {
    return k_->process(pid).space.lookup(kstd::VirtAddr(va));
  }
  uint32_t word(Pid pid, uint32_t va) {
    uint32_t v = 0;
    EXPECT_TRUE(k_->copy_from_user(pid, &v, va, 4).is_ok());
    return v;
  }

  Pid server_pid = 0, client_pid = 0;
  uint32_t handle = 0, cid = 0, free_before = 0;
};

TEST_F(LendTest, BorrowMapsReadOnlyBothSidesUntilReturned) {
  lend(cli(), kBorrow, kBuf, 0x2000, 0x10, 0x100);
  EXPECT_EQ(cli().state, ThreadState::Lending);
  const Ret m = take();
  ASSERT_EQ(m.error, Error::Ok);
  EXPECT_EQ(m.r[2], kBorrow | (client_pid << abi::kMessageSenderShift));  // kind, and the lender
  const uint32_t bva = m.r[3];
  EXPECT_GE(bva, kLendWindowBase);
  EXPECT_EQ(m.r[4], 0x2000u);
  EXPECT_EQ(m.r[5], 0x10u);
  EXPECT_EQ(m.r[6], 0x100u);
  // The same frames, read-only in the server, read-only in the lender: no copy.
  EXPECT_EQ(at(server_pid, bva + 0x1000)->pfn, at(client_pid, kBuf + 0x1000)->pfn);
  EXPECT_EQ(at(server_pid, bva)->flags, kMemR);
  EXPECT_TRUE(at(server_pid, bva)->borrowed);
  EXPECT_EQ(at(client_pid, kBuf)->flags, kMemR);
  EXPECT_EQ(word(server_pid, bva + 0x1000), 1u);
  EXPECT_EQ(k_->check_user_range(server_pid, bva, 4, true).error(),
            Error::BadAddress);                           // no writes
  EXPECT_EQ(k_->frames().free_count(), free_before - 1);  // one second-level table for the window
  k_->check_invariants();

  const uint32_t flushes = static_cast<uint32_t>(fake::g_mmu_log.page_flushes.size());
  EXPECT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0x20, 0x40).error, Error::Ok);
  EXPECT_EQ(fake::g_mmu_log.page_flushes.size(), flushes + 4u);  // 2 unmapped, 2 restored: exact
  const Ret back = result(cli());
  EXPECT_EQ(back.error, Error::Ok);
  EXPECT_EQ(back.r[0], 0x20u);
  EXPECT_EQ(back.r[1], 0x40u);
  EXPECT_EQ(at(client_pid, kBuf)->flags, kMemR | kMemW);
  EXPECT_FALSE(at(client_pid, kBuf)->lent);
  EXPECT_FALSE(at(server_pid, bva).has_value());
}

TEST_F(LendTest, MutableBorrowWithdrawsTheLendersAccess) {
  lend(cli(), kMutable, kBuf, 0x1000);
  const Ret m = take();
  const uint32_t bva = m.r[3];
  EXPECT_EQ(at(server_pid, bva)->flags, kMemR | kMemW);
  EXPECT_EQ(at(client_pid, kBuf)->flags, 0u);  // no access at all: other threads would fault
  EXPECT_TRUE(at(client_pid, kBuf)->lent);
  EXPECT_EQ(k_->check_user_range(client_pid, kBuf, 4, false).error(), Error::BadAddress);
  const uint32_t v = 0xfeed;
  ASSERT_TRUE(k_->copy_to_user(server_pid, bva, &v, 4).is_ok());  // the server writes
  ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 4).error, Error::Ok);
  EXPECT_EQ(word(client_pid, kBuf), 0xfeedu);  // the lender sees it: same page
}

TEST_F(LendTest, MoveGivesThePagesAwayForGood) {
  const uint32_t owned_client = owned_by(client_pid), owned_server = owned_by(server_pid);
  const Ret r = lend(cli(), kMove, kBuf, 0x2000);
  EXPECT_EQ(r.error, Error::Ok);  // no waiting
  EXPECT_FALSE(at(client_pid, kBuf).has_value());
  const Ret m = take();
  EXPECT_EQ(m.r[0], 0u);  // nothing to return
  EXPECT_EQ(word(server_pid, m.r[3] + 0x1000), 1u);
  EXPECT_EQ(owned_by(client_pid), owned_client - 2);
  EXPECT_EQ(owned_by(server_pid), owned_server + 2);
  EXPECT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::InvalidHandle);
  EXPECT_EQ(sys(srv(), Syscall::unmap_memory, m.r[3], 0x2000).error, Error::Ok);  // its own now
}

TEST_F(LendTest, CopyPathDeliversTheSameBytesWithoutTouchingTheLendersPages) {
  lend(cli(), kMutable | abi::kLendByCopy, kBuf, 0x2000);
  const Ret m = take();
  ASSERT_EQ(m.error, Error::Ok);
  const uint32_t bva = m.r[3];
  EXPECT_NE(at(server_pid, bva)->pfn, at(client_pid, kBuf)->pfn);  // a copy
  // The server's copies are its own frames, but marked borrowed: the lend record settles them.
  EXPECT_TRUE(at(server_pid, bva)->borrowed);
  EXPECT_EQ(k_->frames().owner(at(server_pid, bva)->pfn), Owner::process(server_pid));
  EXPECT_EQ(at(client_pid, kBuf)->flags, kMemR | kMemW);  // untouched
  EXPECT_EQ(word(server_pid, bva + 0x1000), 1u);
  const uint32_t v = 0xc0de;
  ASSERT_TRUE(k_->copy_to_user(server_pid, bva + 0x1000, &v, 4).is_ok());
  ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
  EXPECT_EQ(word(client_pid, kBuf + 0x1000), 0xc0deu);    // MutableBorrow copies back
  EXPECT_EQ(k_->frames().free_count(), free_before - 1);  // copies freed (a table stays)
  // A Borrow by copy does not write back.
  lend(cli(), kBorrow | abi::kLendByCopy, kBuf, 0x1000);
  const Ret b = take();
  EXPECT_EQ(at(server_pid, b.r[3])->flags, kMemR);
  ASSERT_EQ(sys(srv(), Syscall::return_memory, b.r[0], 0, 0).error, Error::Ok);
}

TEST_F(LendTest, BadArgumentsAreRefusedAndChangeNothing) {
  struct Case {
    uint32_t kind, va, size, offset, valid;
    Error want;
    const char* what;
  } cases[] = {
      {kBorrow, kBuf + 4, 0x1000, 0, 0, Error::InvalidArgument, "unaligned address"},
      {kBorrow, kBuf, 0x800, 0, 0, Error::InvalidArgument, "unaligned length"},
      {kBorrow, kBuf, 0, 0, 0, Error::InvalidArgument, "zero length"},
      {kBorrow, 0xfffff000, 0x2000, 0, 0, Error::BadAddress, "length wraps"},
      {kBorrow, 0x80000000, 0x1000, 0, 0, Error::BadAddress, "kernel pages"},
      {kBorrow, 0x7ffff000, 0x2000, 0, 0, Error::BadAddress, "runs into the kernel"},
      {kBorrow, kBuf, (kMaxLendPages + 1) * 0x1000, 0, 0, Error::InvalidArgument, "too many pages"},
      {kBorrow, kBuf, 0x1000, 0x1001, 0, Error::InvalidArgument, "offset past the end"},
      {kBorrow, kBuf, 0x1000, 0x800, 0x801, Error::InvalidArgument, "valid past the end"},
      {0, kBuf, 0x1000, 0, 0, Error::InvalidArgument, "Scalar is not a memory kind"},
      {kBorrow | 0x200, kBuf, 0x1000, 0, 0, Error::InvalidArgument, "unknown flag"},
      {kBorrow, kBuf + 0x4000, 0x1000, 0, 0, Error::BadAddress, "pages not mapped"},
      {kBorrow, kBuf + 0x3000, 0x2000, 0, 0, Error::BadAddress, "range running off the mapping"},
      {kBorrow, 0x10000, 0x1000, 0, 0, Error::Ok, "read-only text may be borrowed"},
      {kMutable, 0x10000, 0x1000, 0, 0, Error::AccessDenied,
       "read-only text may not be lent mutably"},
  };
  for (const Case& c : cases) {
    const Ret r = lend(cli(), c.kind, c.va, c.size, c.offset, c.valid);
    if (c.want == Error::Ok) {
      EXPECT_EQ(cli().state, ThreadState::Lending) << c.what;
      const Ret m = take();
      ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok) << c.what;
      continue;
    }
    EXPECT_EQ(r.error, c.want) << c.what;
    EXPECT_NE(cli().state, ThreadState::Lending) << c.what;
    EXPECT_FALSE(at(client_pid, kBuf)->lent) << c.what;
    k_->check_invariants();
  }
  EXPECT_EQ(lend(cli(), kBorrow, kBuf, 0x1000, 0, 0, 9).error,
            Error::InvalidHandle);  // no such CID
}

TEST_F(LendTest, MmioAndBorrowedPagesCannotBeLent) {
  ASSERT_EQ(sys(cli(), Syscall::map_physical, 0x10001000, 0x50000000, 0x1000, kRw).error,
            Error::Ok);
  EXPECT_EQ(lend(cli(), kBorrow, 0x50000000, 0x1000).error, Error::BadAddress);
  // The server tries to pass on a page it only borrows (which is also the same frame mapped
  // twice when a process lends to itself).
  const Pid third = spawn("third");
  ASSERT_EQ(sys(main_thread(third), Syscall::create_server, 8, 8, 8, 8).error, Error::Ok);
  const uint32_t onward = sys(srv(), Syscall::connect, 8, 8, 8, 8).r[0];
  lend(cli(), kMutable, kBuf, 0x1000);
  const Ret m = take();
  EXPECT_EQ(lend(srv(), kBorrow, m.r[3], 0x1000, 0, 0, onward).error, Error::AccessDenied);
  EXPECT_EQ(sys(srv(), Syscall::unmap_memory, m.r[3], 0x1000).error, Error::AccessDenied);
  EXPECT_EQ(sys(srv(), Syscall::update_memory_flags, m.r[3], 0x1000, kMemR).error,
            Error::AccessDenied);
  ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
}

TEST_F(LendTest, DoubleLendIsRefused) {
  const Ret stack = sys(cli(), Syscall::map_memory, 0, 0x1000, kRw);
  auto t2 = k_->create_thread(client_pid, 0x10000, stack.r[0] + 0x1000, 0, abi::kDefaultPriority);
  ASSERT_TRUE(t2.is_ok());
  lend(cli(), kBorrow, kBuf, 0x2000);
  EXPECT_EQ(lend(k_->thread(t2.value()), kBorrow, kBuf + 0x1000, 0x1000).error,
            Error::AccessDenied);
  EXPECT_EQ(sys(k_->thread(t2.value()), Syscall::unmap_memory, kBuf, 0x1000).error,
            Error::AccessDenied);
  EXPECT_EQ(sys(k_->thread(t2.value()), Syscall::update_memory_flags, kBuf, 0x1000, kRw).error,
            Error::AccessDenied);
}

TEST_F(LendTest, ReturnsThatAreNotOwedAreRefused) {
  lend(cli(), kBorrow, kBuf, 0x1000);
  const Ret m = take();
  const Pid other = spawn("other");
  EXPECT_EQ(sys(main_thread(other), Syscall::return_memory, m.r[0], 0, 0).error,
            Error::InvalidHandle);
  EXPECT_EQ(sys(srv(), Syscall::reply, m.r[0], 1, 2).error,
            Error::InvalidHandle);  // not a scalar call
  EXPECT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0x1000, 1).error, Error::InvalidArgument);
  EXPECT_EQ(sys(srv(), Syscall::return_memory, 0, 0, 0).error, Error::InvalidHandle);
  EXPECT_EQ(sys(srv(), Syscall::return_memory, m.r[0] + 1, 0, 0).error, Error::InvalidHandle);
  ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
  EXPECT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::InvalidHandle);  // twice
  // A scalar call's handle is not a lend either.
  sys(srv(), Syscall::receive, handle);
  sys(cli(), Syscall::call_scalar, cid, 1);
  EXPECT_EQ(sys(srv(), Syscall::return_memory, result(srv()).r[0], 0, 0).error,
            Error::InvalidHandle);
}

TEST_F(LendTest, LendingToADeadServerFails) {
  k_->destroy_process(server_pid, 0);
  EXPECT_EQ(lend(cli(), kBorrow, kBuf, 0x1000).error, Error::ServerNotFound);
  EXPECT_FALSE(at(client_pid, kBuf)->lent);
}

// --- death --------------------------------------------------------------------------------------

TEST_F(LendTest, ServerDeathGivesThePagesBackAndWakesTheLender) {
  for (uint32_t how : {0u, abi::kLendByCopy}) {
    lend(cli(), kMutable | how, kBuf, 0x2000);
    ASSERT_EQ(take().error, Error::Ok);
    const Pid s = server_pid;
    k_->destroy_process(s, 0);
    EXPECT_EQ(result(cli()).error, Error::ServerNotFound);
    EXPECT_NE(cli().state, ThreadState::Lending);
    EXPECT_EQ(at(client_pid, kBuf)->flags, kMemR | kMemW);
    EXPECT_EQ(word(client_pid, kBuf + 0x1000), 1u);
    EXPECT_EQ(owned_by(s), 0u);
    k_->check_invariants();
    server_pid = spawn("server");  // and again, for the copy path
    handle = sys(srv(), Syscall::create_server, 7, 7, 7, 7).r[0];
    sys(cli(), Syscall::disconnect, cid);
    cid = sys(cli(), Syscall::connect, 7, 7, 7, 7).r[0];
  }
}

TEST_F(LendTest, DestroyingTheServerEndsItsLends) {
  lend(cli(), kBorrow, kBuf, 0x1000);
  const Ret m = take();
  ASSERT_EQ(sys(srv(), Syscall::destroy_server, handle).error, Error::Ok);
  EXPECT_EQ(result(cli()).error, Error::ServerNotFound);
  EXPECT_FALSE(at(server_pid, m.r[3]).has_value());
  EXPECT_EQ(at(client_pid, kBuf)->flags, kMemR | kMemW);
}

TEST_F(LendTest, LenderDeathLeavesTheBorrowerItsAccessUntilReturn) {
  for (uint32_t how : {0u, abi::kLendByCopy}) {
    lend(cli(), kMutable | how, kBuf, 0x2000);
    const Ret m = take();
    const uint32_t free_mid = k_->frames().free_count();
    k_->destroy_process(client_pid, 0);
    EXPECT_EQ(word(server_pid, m.r[3] + 0x1000), 1u);  // still there
    k_->check_invariants();
    // The record ended with the lender (issue 13): the pages are the server's own now.
    ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::InvalidHandle);
    ASSERT_EQ(sys(srv(), Syscall::unmap_memory, m.r[3], 0x2000).error, Error::Ok);
    EXPECT_FALSE(at(server_pid, m.r[3]).has_value());
    EXPECT_GT(k_->frames().free_count(), free_mid);  // now the pages are free
    EXPECT_EQ(owned_by(client_pid), 0u);
    respawn_client();  // and again, for the copy path
  }
}

TEST_F(LendTest, LenderDeathBeforeDeliveryUndoesTheLend) {
  lend(cli(), kBorrow, kBuf, 0x2000);  // queued: the server is not receiving
  EXPECT_EQ(k_->server(handle - 1).count, 1u);
  k_->destroy_process(client_pid, 0);
  EXPECT_EQ(k_->server(handle - 1).count, 0u);
  EXPECT_EQ(sys(srv(), Syscall::try_receive, handle).error, Error::WouldBlock);
  EXPECT_FALSE(at(server_pid, kLendWindowBase).has_value());
}

TEST_F(LendTest, EachThreadHasItsOwnLendRecord) {
  // A lender waits for its answer, so a thread needs one record at most: lends_[tid]. No other
  // process's lends can take it (issue 13, finding 4).
  Lend* mine = k_->alloc_lend(cli().tid);
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(k_->lend_index(*mine), cli().tid);
  EXPECT_EQ(k_->alloc_lend(cli().tid), nullptr);  // taken (cannot happen through syscalls)
  mine->active = false;
  lend(cli(), kBorrow | abi::kLendByCopy, kBuf, 0x1000);
  EXPECT_EQ(cli().state, ThreadState::Lending);
  EXPECT_EQ(cli().lend, cli().tid);
}

// --- Issue 12: hostile programs that took the kernel over through lend records ---------------
// Each reproducer, fed as an attacker would; after every step the fixture holds the page tables
// against every record (core/invariants.cc), and each scenario ends with the pages balanced.

// A lend's copies are marked borrowed: the server can neither unmap nor replace them (1, 2).
TEST_F(LendTest, Issue12_CopiesInTheLendWindowCannotBeUnmappedOrReplaced) {
  const uint32_t free0 = k_->frames().free_count();
  for (int variant = 0; variant < 3; ++variant) {
    lend(cli(), kBorrow | abi::kLendByCopy, kBuf, 0x1000);
    const uint32_t bva = kLendWindowBase;
    ASSERT_TRUE(at(server_pid, bva).has_value());  // pre-mapped while the message is queued
    if (variant == 2) {  // unmap while still queued, then destroy the server
      EXPECT_EQ(sys(srv(), Syscall::unmap_memory, bva, 0x1000).error, Error::AccessDenied);
      ASSERT_EQ(sys(srv(), Syscall::destroy_server, handle).error, Error::Ok);
    } else {
      const Ret m = take();
      ASSERT_EQ(m.error, Error::Ok);
      ASSERT_EQ(m.r[3], bva);
      EXPECT_EQ(sys(srv(), Syscall::unmap_memory, bva, 0x1000).error, Error::AccessDenied);
      EXPECT_EQ(sys(srv(), Syscall::update_memory_flags, bva, 0x1000, kRw).error,
                Error::AccessDenied);
      EXPECT_EQ(sys(srv(), Syscall::map_physical, 0x10001000, bva, 0x1000, kRw).error,
                Error::AlreadyExists);
      if (variant == 0) {
        ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
      } else {
        ASSERT_EQ(sys(srv(), Syscall::destroy_server, handle).error, Error::Ok);
      }
    }
    EXPECT_NE(cli().state, ThreadState::Lending);
    EXPECT_FALSE(at(server_pid, bva).has_value());
    if (variant != 0) {  // a new server under the same SID for the next round
      handle = sys(srv(), Syscall::create_server, 7, 7, 7, 7).r[0];
      ASSERT_EQ(sys(cli(), Syscall::disconnect, cid).error, Error::Ok);
      cid = sys(cli(), Syscall::connect, 7, 7, 7, 7).r[0];
    }
  }
  EXPECT_EQ(k_->frames().free_count(), free0 - 1);  // the lend window's table stays
}

// The same within one process, as the reproducers were written (pid 1 lends to its own server).
TEST_F(LendTest, Issue12_SameProcessCopyLendIsSettledByItsRecordOnly) {
  const uint32_t free0 = k_->frames().free_count();
  const Ret own = sys(cli(), Syscall::create_server, 9, 9, 9, 9);
  const uint32_t self = sys(cli(), Syscall::connect, 9, 9, 9, 9).r[0];
  ASSERT_EQ(own.error, Error::Ok);
  auto second = k_->create_thread(client_pid, 0x10000, 0x7ffe0000, 0, abi::kDefaultPriority);
  ASSERT_TRUE(second.is_ok());
  Thread& lender = k_->thread(second.value());
  for (uint32_t kind : {kBorrow, kMutable, kBorrow | abi::kLendByCopy, kMutable | abi::kLendByCopy}) {
    lend(lender, kind, kBuf, 0x2000, 0, 0, self);
    const Ret m = sys(cli(), Syscall::try_receive, own.r[0]);
    ASSERT_EQ(m.error, Error::Ok);
    EXPECT_EQ(sys(cli(), Syscall::unmap_memory, m.r[3], 0x2000).error, Error::AccessDenied);
    EXPECT_EQ(sys(cli(), Syscall::ring_setup, m.r[3]).error, Error::BadAddress);
    EXPECT_EQ(lend(cli(), kMutable, m.r[3], 0x2000).error, Error::AccessDenied);
    ASSERT_EQ(sys(cli(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
    EXPECT_EQ(lender.state, ThreadState::Ready);
  }
  ASSERT_EQ(sys(cli(), Syscall::destroy_server, own.r[0]).error, Error::Ok);
  EXPECT_EQ(k_->frames().free_count(), free0 - 1);  // the lender thread's stack is not mapped,
                                                     // only the lend window's table stays
}

// 3: a lend's copies cannot become a batch ring (the drain would write into freed frames).
TEST_F(LendTest, Issue12_LentCopiesCannotBeRegisteredAsARing) {
  lend(cli(), kMutable | abi::kLendByCopy, kBuf, 0x2000);
  const Ret m = take();
  ASSERT_EQ(m.error, Error::Ok);
  EXPECT_EQ(sys(srv(), Syscall::ring_setup, m.r[3]).error, Error::BadAddress);
  ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
  EXPECT_EQ(srv().ring_va, 0u);
}

// 4: received copies (and remapped pages) cannot be re-lent: the first return would free
// frames a second borrower still maps.
TEST_F(LendTest, Issue12_ReceivedPagesCannotBeLentOn) {
  const Ret second = sys(srv(), Syscall::create_server, 8, 8, 8, 8);
  const uint32_t to_second = sys(srv(), Syscall::connect, 8, 8, 8, 8).r[0];
  for (uint32_t kind : {kMutable | abi::kLendByCopy, kMutable, kBorrow}) {
    lend(cli(), kind, kBuf, 0x2000);
    const Ret m = take();
    ASSERT_EQ(m.error, Error::Ok);
    for (uint32_t again : {kMutable, kBorrow, kMove, kBorrow | abi::kLendByCopy}) {
      EXPECT_EQ(lend(srv(), again, m.r[3], 0x2000, 0, 0, to_second).error, Error::AccessDenied);
    }
    EXPECT_EQ(sys(srv(), Syscall::try_receive, second.r[0]).error, Error::WouldBlock);
    ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
  }
  EXPECT_EQ(k_->frames().free_count(), free_before - 1);  // the lend window's table stays
}

// 5, as issue 13 settles it: a dead lender's record ends at once and its frames become the
// borrower's own ordinary pages (charged to it); return_memory then answers InvalidHandle and
// unmap_memory frees them. Nothing is left under a record nobody can end.
TEST_F(LendTest, Issue13_ALenderDeathEndsTheRecordAndTheBorrowerOwnsThePages) {
  for (uint32_t kind : {kBorrow, kMutable, kBorrow | abi::kLendByCopy, kMutable | abi::kLendByCopy}) {
    SCOPED_TRACE(kind);
    lend(cli(), kind, kBuf, 0x2000);
    const Ret m = take();
    ASSERT_EQ(m.error, Error::Ok);
    const uint32_t owned0 = owned_by(server_pid);
    const uint32_t used0 = k_->pages_used(server_pid);
    ASSERT_EQ(sys(cli(), Syscall::terminate_process, 0).error, Error::Ok);
    ASSERT_EQ(k_->process(client_pid).state, ProcessState::Free);
    const bool copy = kind & abi::kLendByCopy;
    EXPECT_EQ(owned_by(server_pid), owned0 + (copy ? 0 : 2));  // the frames passed to it
    EXPECT_EQ(k_->pages_used(server_pid), used0 + (copy ? 0 : 2));
    EXPECT_EQ(k_->usage(server_pid).borrowed, 0u);  // no record left
    EXPECT_EQ(k_->usage(client_pid).pages, 0u);
    EXPECT_FALSE(at(server_pid, m.r[3])->borrowed);
    EXPECT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::InvalidHandle);
    ASSERT_EQ(sys(srv(), Syscall::unmap_memory, m.r[3], 0x2000).error, Error::Ok);
    EXPECT_EQ(owned_by(server_pid), owned0 - (copy ? 2 : 0));
    EXPECT_FALSE(at(server_pid, m.r[3]).has_value());
    respawn_client();
  }
}

// 8: device memory is never executable, whichever call asks.
TEST_F(LendTest, Issue12_MmioCannotBeMadeExecutable) {
  constexpr uint32_t kRwx = abi::kMemRead | abi::kMemWrite | abi::kMemExec;
  ASSERT_EQ(sys(cli(), Syscall::map_physical, 0x10001000, 0x50000000, 0x1000, kRw).error,
            Error::Ok);
  EXPECT_EQ(sys(cli(), Syscall::map_physical, 0x10002000, 0x50001000, 0x1000, kRwx).error,
            Error::InvalidArgument);
  EXPECT_EQ(sys(cli(), Syscall::update_memory_flags, 0x50000000, 0x1000, kRwx).error,
            Error::AccessDenied);
  EXPECT_EQ(sys(cli(), Syscall::update_memory_flags, 0x50000000, 0x1000, abi::kMemExec).error,
            Error::AccessDenied);
  EXPECT_EQ(at(client_pid, 0x50000000)->flags, kMemR | kMemW);
  EXPECT_EQ(sys(cli(), Syscall::update_memory_flags, 0x50000000, 0x1000, abi::kMemRead).error,
            Error::Ok);
}

// 9: a range over a mapped page is AlreadyExists whatever its size, before the quota.
TEST_F(LendTest, Issue12_OverlapIsReportedBeforeTheQuota) {
  const uint32_t huge = (kMaxPagesPerProcess + 1) * 0x1000;
  EXPECT_EQ(sys(cli(), Syscall::map_memory, kBuf, huge, kRw).error, Error::AlreadyExists);
  EXPECT_EQ(sys(cli(), Syscall::map_memory, kBuf + 0x4000, huge, kRw).error, Error::OutOfMemory);
  EXPECT_EQ(sys(cli(), Syscall::map_memory, kBuf - 0x1000, 0x2000, kRw).error,
            Error::AlreadyExists);  // overlaps at its end
  EXPECT_EQ(k_->frames().free_count(), free_before);
}

// A Move's pages are the server's from the send but untouchable until it receives them. Its
// sender asks nothing more of it, so the sender's death leaves it queued and it is delivered,
// its bytes intact (the sender was told it was sent: never a silent drop); if the server ends
// first, the pages are freed, never stranded in the lend window (xous-core #985's class: pages
// moved but never delivered).
TEST_F(LendTest, Issue12_AMoveOutlivesItsSenderAndUndeliveredMovesAreFreed) {
  const uint32_t self = sys(srv(), Syscall::connect, 7, 7, 7, 7).r[0];
  const uint32_t owned0 = owned_by(server_pid);
  for (bool by_copy : {false, true}) {
    const Pid mover = spawn("mover");
    Thread& mt = main_thread(mover);
    const uint32_t to = sys(mt, Syscall::connect, 7, 7, 7, 7).r[0];
    ASSERT_EQ(sys(mt, Syscall::map_memory, kBuf, 0x2000, kRw).error, Error::Ok);
    const uint32_t marks[2] = {0x600d0000u + by_copy, 0x600d1000u + by_copy};
    ASSERT_TRUE(k_->copy_to_user(mover, kBuf, &marks[0], 4).is_ok());
    ASSERT_TRUE(k_->copy_to_user(mover, kBuf + 0x1000, &marks[1], 4).is_ok());
    ASSERT_EQ(lend(mt, kMove | (by_copy ? abi::kLendByCopy : 0), kBuf, 0x2000, 0, 0, to).error,
              Error::Ok);
    const uint32_t bva = kLendWindowBase;
    ASSERT_TRUE(at(server_pid, bva)->borrowed);  // queued: not the server's to touch yet
    EXPECT_EQ(sys(srv(), Syscall::unmap_memory, bva, 0x2000).error, Error::AccessDenied);
    EXPECT_EQ(sys(srv(), Syscall::ring_setup, bva).error, Error::BadAddress);
    EXPECT_EQ(lend(srv(), kMove, bva, 0x1000, 0, 0, self).error, Error::AccessDenied);
    EXPECT_EQ(owned_by(server_pid), owned0 + 2);
    const uint32_t free_before_death = k_->frames().free_count();
    k_->destroy_process(mover, 0);
    k_->check_invariants();
    EXPECT_EQ(owned_by(mover), 0u);
    EXPECT_EQ(k_->server(handle - 1).count, 1u);  // still queued, still the server's
    EXPECT_EQ(owned_by(server_pid), owned0 + 2);
    EXPECT_GT(k_->frames().free_count(), free_before_death);  // the mover's own pages came back
    const Ret m = take();
    ASSERT_EQ(m.error, Error::Ok);
    EXPECT_EQ(m.r[2] & abi::kLendKindMask, kMove);
    EXPECT_EQ(m.r[3], bva);
    EXPECT_EQ(word(server_pid, bva), marks[0]);
    EXPECT_EQ(word(server_pid, bva + 0x1000), marks[1]);
    EXPECT_FALSE(at(server_pid, bva)->borrowed);  // its own pages now
    EXPECT_EQ(sys(srv(), Syscall::unmap_memory, bva, 0x2000).error, Error::Ok);
    EXPECT_EQ(owned_by(server_pid), owned0);
  }
  // Queued at a server that is destroyed: freed with it.
  lend(cli(), kMove, kBuf, 0x1000);
  EXPECT_EQ(owned_by(server_pid), owned0 + 1);
  ASSERT_EQ(sys(srv(), Syscall::destroy_server, handle).error, Error::Ok);
  EXPECT_EQ(owned_by(server_pid), owned0);
  EXPECT_FALSE(at(server_pid, kLendWindowBase).has_value());
}

// Found by the generator (shrunk from a libFuzzer input): the lender dies holding a received
// remap lend, its pid is reused, and the new process's death adopted the same frames again,
// counting them twice. A dead lender's records are never the new process's.
TEST_F(LendTest, Gen_ReusedPidOfADeadLenderDoesNotAdoptAgain) {
  lend(cli(), kMutable, kBuf, 0x2000);
  const Ret m = take();
  ASSERT_EQ(m.error, Error::Ok);
  const uint32_t owned0 = owned_by(server_pid);
  k_->destroy_process(client_pid, 0);
  EXPECT_EQ(owned_by(server_pid), owned0 + 2);  // adopted
  const Pid again = spawn("again");
  ASSERT_EQ(again, client_pid);  // the dead lender's pid, reused
  k_->destroy_process(again, 0);
  k_->check_invariants();
  EXPECT_EQ(owned_by(server_pid), owned0 + 2);
  // Since issue 13 the record ended with the first lender: nothing to return, pages its own.
  ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::InvalidHandle);
  ASSERT_EQ(sys(srv(), Syscall::unmap_memory, m.r[3], 0x2000).error, Error::Ok);
  EXPECT_EQ(owned_by(server_pid), owned0);
}


// --- Issue 13: nothing held against others ----------------------------------------------------

// 8: a memory message's pages appear in the server only when it receives the message.
TEST_F(LendTest, Issue13_LentPagesAppearOnlyWhenReceived) {
  for (uint32_t kind : {kBorrow, kMutable, kMove, kBorrow | abi::kLendByCopy,
                        kMutable | abi::kLendByCopy, kMove | abi::kLendByCopy}) {
    SCOPED_TRACE(kind);
    lend(cli(), kind, kBuf + 0x1000, 0x1000);  // queued: the server is not receiving
    const uint32_t bva = kLendWindowBase;
    const auto hidden = at(server_pid, bva);
    ASSERT_TRUE(hidden.has_value());  // the kernel holds it for the message...
    EXPECT_TRUE(hidden->borrowed);
    EXPECT_EQ(hidden->flags, 0u);  // ...but the MMU gives the server no access at all
    uint32_t v = 0;
    EXPECT_TRUE(k_->copy_from_user(server_pid, &v, bva, 4).is_err());
    EXPECT_EQ(sys(srv(), Syscall::debug_write, bva, 4).error, Error::BadAddress);
    const Ret m = take();
    ASSERT_EQ(m.error, Error::Ok);
    ASSERT_EQ(m.r[3], bva);
    EXPECT_EQ(word(server_pid, bva), 1u);  // now it is there
    if ((kind & abi::kLendKindMask) == kMove) {
      ASSERT_EQ(sys(srv(), Syscall::unmap_memory, bva, 0x1000).error, Error::Ok);
      respawn_buffer();
    } else {
      ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
    }
  }
}

// 2: a Move the receiver has no quota for is refused to the sender; nothing changes.
TEST_F(LendTest, Issue13_AMoveBeyondTheReceiversQuotaIsRefused) {
  // Fill the server up to one page below its limit.
  const uint32_t room = kMaxPagesPerProcess - k_->pages_used(server_pid);
  ASSERT_GT(room, 4u);
  // (room - 5) pages and their table leave 4: the lend window's table and 3 pages.
  ASSERT_EQ(sys(srv(), Syscall::map_memory, 0x40000000, (room - 5) * 0x1000, kRw).error, Error::Ok);
  // So a 4-page Move cannot go.
  ASSERT_EQ(sys(cli(), Syscall::map_memory, 0x31000000, 4 * 0x1000, kRw).error, Error::Ok);
  const uint32_t used_s = k_->pages_used(server_pid), used_c = k_->pages_used(client_pid);
  const uint32_t free0 = k_->frames().free_count();
  for (uint32_t how : {0u, abi::kLendByCopy}) {
    EXPECT_EQ(lend(cli(), kMove | how, 0x31000000, 4 * 0x1000).error, Error::OutOfMemory);
    EXPECT_EQ(k_->pages_used(server_pid), used_s);
    EXPECT_EQ(k_->pages_used(client_pid), used_c);
    EXPECT_EQ(k_->frames().free_count(), free0);
    EXPECT_FALSE(at(client_pid, 0x31000000)->lent);
  }
  // A copy lend (the server's pages too) is refused the same way; a remap Borrow needs only
  // the table, and goes.
  EXPECT_EQ(lend(cli(), kBorrow | abi::kLendByCopy, 0x31000000, 4 * 0x1000).error,
            Error::OutOfMemory);
  lend(cli(), kMove, 0x31000000, 3 * 0x1000);  // exactly what is left: accepted
  EXPECT_EQ(k_->pages_used(server_pid), kMaxPagesPerProcess);
  EXPECT_EQ(sys(srv(), Syscall::map_memory, 0x48000000, 0x1000, kRw).error, Error::OutOfMemory);
  ASSERT_EQ(take().error, Error::Ok);
  ASSERT_EQ(sys(srv(), Syscall::unmap_memory, kLendWindowBase, 3 * 0x1000).error, Error::Ok);
  EXPECT_EQ(sys(srv(), Syscall::map_memory, 0x48000000, 0x1000, kRw).error, Error::Ok);
}

// 5: page tables count against the quota; one page per 4 MiB region cannot drain the system.
TEST_F(LendTest, Issue13_PageTablesAreChargedToTheirProcess) {
  const uint32_t free0 = k_->frames().free_count();
  uint32_t mapped = 0;
  Error e = Error::Ok;
  for (uint32_t va = 0x00400000; va < 0x80000000; va += 0x00400000) {
    if (va == (kBuf & 0xffc00000) || va == 0x7fc00000 || va == (0x10000 & 0xffc00000)) continue;
    e = sys(cli(), Syscall::map_memory, va, 0x1000, kRw).error;
    if (e != Error::Ok) break;
    ++mapped;
  }
  EXPECT_EQ(e, Error::OutOfMemory);
  EXPECT_EQ(k_->pages_used(client_pid), kMaxPagesPerProcess - 1);  // one short of a page + table
  EXPECT_EQ(k_->usage(client_pid).pages, k_->pages_used(client_pid));
  EXPECT_EQ(free0 - k_->frames().free_count(), 2 * mapped);  // a page and a table each
  EXPECT_GT(k_->frames().free_count(), 0u);
  // The last page fits inside a table that exists; then nothing more.
  EXPECT_EQ(sys(cli(), Syscall::map_memory, 0x00401000, 0x1000, kRw).error, Error::Ok);
  EXPECT_EQ(k_->pages_used(client_pid), kMaxPagesPerProcess);
  EXPECT_EQ(sys(cli(), Syscall::map_memory, 0x00402000, 0x1000, kRw).error, Error::OutOfMemory);
  // Death gives every page and table back.
  k_->destroy_process(client_pid, 0);
  EXPECT_EQ(k_->usage(client_pid).pages, 0u);
  EXPECT_EQ(tables_of(client_pid), 0u);
}

// 3: every lend settles, whichever party dies at whichever step, by every path; the dead
// process's usage is zero afterwards and the survivor holds exactly what the rule says.
TEST_F(LendTest, Issue13_EveryLendSettlesWhoeverDiesWhenever) {
  enum Step { kQueued, kReceived, kAnswered };
  enum Dies { kLender, kBorrower };
  for (uint32_t kind : {kBorrow, kMutable, kMove}) {
    for (uint32_t how : {0u, abi::kLendByCopy}) {
      for (Step step : {kQueued, kReceived, kAnswered}) {
        for (Dies dies : {kLender, kBorrower}) {
          SCOPED_TRACE(testing::Message() << "kind " << kind << " how " << how << " step " << step
                                          << " dies " << dies);
          const uint32_t free0 = k_->frames().free_count();
          const uint32_t used_s = owned_by(server_pid), tables_s = tables_of(server_pid);
          lend(cli(), kind | how, kBuf, 0x2000);
          const bool move = kind == kMove;
          Ret m{};
          if (step >= kReceived) {
            m = take();
            ASSERT_EQ(m.error, Error::Ok);
          }
          if (step == kAnswered && !move) {
            ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
          }
          const Pid dead = dies == kLender ? client_pid : server_pid;
          k_->destroy_process(dead, 0);
          k_->check_invariants();
          const Kernel::Usage u = k_->usage(dead);
          EXPECT_EQ(u.pages + u.threads + u.servers + u.lends + u.asyncs + u.borrowed, 0u);
          if (dies == kLender) {
            // What the server holds now: a Move's pages (one still queued is delivered after
            // its sender's death), or a received, unanswered lend's pages (its own since the
            // lender died); nothing else.
            const bool holds = step == kReceived || move;
            EXPECT_EQ(owned_by(server_pid), used_s + (holds ? 2 : 0));
            if (move && step == kQueued) {
              m = take();
              ASSERT_EQ(m.error, Error::Ok);
            }
            EXPECT_EQ(k_->usage(server_pid).borrowed, 0u);
            if (holds) {
              if (!move) {
                EXPECT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error,
                          Error::InvalidHandle);
              }
              ASSERT_EQ(sys(srv(), Syscall::unmap_memory, m.r[3], 0x2000).error, Error::Ok);
            }
            EXPECT_EQ(owned_by(server_pid), used_s);
            respawn_client();
          } else {
            // The lender is alive: a Borrow comes back (woken with ServerNotFound unless it
            // was answered); a Move's pages were the server's and went with it.
            if (!move) {
              EXPECT_TRUE(cli().state == ThreadState::Ready || cli().state == ThreadState::Running);
              EXPECT_EQ(result(cli()).error,
                        step == kAnswered ? Error::Ok : Error::ServerNotFound);
              EXPECT_EQ(at(client_pid, kBuf)->flags, kMemR | kMemW);
              EXPECT_FALSE(at(client_pid, kBuf)->lent);
              EXPECT_EQ(k_->frames().free_count(), free0 + used_s + tables_s);
            } else {
              EXPECT_FALSE(at(client_pid, kBuf).has_value());  // a Move takes them, both paths
              respawn_buffer();
            }
            ASSERT_EQ(sys(cli(), Syscall::disconnect, cid).error, Error::Ok);
            server_pid = spawn("server");
            handle = sys(srv(), Syscall::create_server, 7, 7, 7, 7).r[0];
            cid = sys(cli(), Syscall::connect, 7, 7, 7, 7).r[0];
          }
          EXPECT_EQ(k_->usage(client_pid).lends, 0u);
        }
      }
    }
  }
}

// 4: a process cannot take another's lend records: every thread of two processes lending at
// once leaves a third process's lend untouched.
TEST_F(LendTest, Issue13_LendRecordsArePerThread) {
  std::vector<uint32_t> lenders;  // the handles the server holds
  for (int p = 0; p < 2; ++p) {
    const Pid pid = spawn(p ? "b" : "a");
    const uint32_t c = sys(main_thread(pid), Syscall::connect, 7, 7, 7, 7).r[0];
    const Ret stack = sys(main_thread(pid), Syscall::map_memory, 0, 0x1000 * kMaxThreadsPerProcess, kRw);
    ASSERT_EQ(stack.error, Error::Ok);
    for (uint32_t i = 1; i < kMaxThreadsPerProcess; ++i)
      ASSERT_TRUE(k_->create_thread(pid, 0x10000, stack.r[0] + i * 0x1000, 0, 4).is_ok());
    for (Tid t = 0; t < kMaxThreads; ++t) {
      Thread& th = k_->thread(t);
      if (th.state == ThreadState::Free || th.pid != pid) continue;
      const Ret buf = sys(th, Syscall::map_memory, 0, 0x1000, kRw);
      ASSERT_EQ(buf.error, Error::Ok);
      lend(th, kBorrow, buf.r[0], 0x1000, 0, 0, c);
      EXPECT_EQ(th.state, ThreadState::Lending);
      const Ret m = take();  // received and held: the record stays in use
      ASSERT_EQ(m.error, Error::Ok);
      lenders.push_back(m.r[0]);
    }
  }
  EXPECT_EQ(lenders.size(), 2 * kMaxThreadsPerProcess);
  lend(cli(), kBorrow, kBuf, 0x1000);  // a third process's lend: its thread's own record
  EXPECT_EQ(cli().state, ThreadState::Lending);
  EXPECT_EQ(k_->usage(client_pid).lends, 1u);
  EXPECT_EQ(k_->usage(server_pid).borrowed, 2 * kMaxThreadsPerProcess + 1);
  for (uint32_t h : lenders) ASSERT_EQ(sys(srv(), Syscall::return_memory, h, 0, 0).error, Error::Ok);
}

// The usage syscall: one's own, init's view of any pid, nobody else's.
TEST_F(LendTest, Issue13_UsageReportsOwnSharesAndOnlyInitSeesOthers) {
  ASSERT_EQ(server_pid, 1u);
  const Ret own = sys(cli(), Syscall::usage, 0);
  ASSERT_EQ(own.error, Error::Ok);
  EXPECT_EQ(own.r[0], k_->pages_used(client_pid));
  EXPECT_EQ(own.r[0], owned_by(client_pid) + tables_of(client_pid));
  EXPECT_EQ(own.r[1], 1u);  // threads
  EXPECT_EQ(own.r[2], 0u);  // servers
  EXPECT_EQ(own.r[3], 1u);  // connections
  EXPECT_EQ(sys(cli(), Syscall::usage, server_pid).error, Error::AccessDenied);
  EXPECT_EQ(sys(cli(), Syscall::usage, client_pid).r[0], own.r[0]);
  const Ret seen = sys(srv(), Syscall::usage, client_pid);
  EXPECT_EQ(seen.r[0], own.r[0]);
  lend(cli(), kBorrow, kBuf, 0x1000);
  EXPECT_EQ(sys(srv(), Syscall::usage, client_pid).r[4], 1u);  // lends made
  EXPECT_EQ(sys(srv(), Syscall::usage, 0).r[6], 1u);           // lends held (queued)
  EXPECT_EQ(sys(srv(), Syscall::usage, kMaxProcesses).error, Error::InvalidHandle);
  k_->destroy_process(client_pid, 0);
  const Ret gone = sys(srv(), Syscall::usage, client_pid);
  ASSERT_EQ(gone.error, Error::Ok);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(gone.r[i], 0u) << i;
}

// --- stopped at preemption points (core/preempt.h) ----------------------------------------

class LendPreemptTest : public LendTest {
 protected:
  // A remap passes a preemption point every Budget::kEditsPerPoint pages, a copy after every
  // page: the buffer each path needs for a few points (kBuf, the fixture's 4 pages, for a copy;
  // a larger one at kBig for a remap), and how many points a lend of all of it passes.
  static constexpr uint32_t kBig = 0x3100'0000;
  static constexpr uint32_t kBigPages = 2 * Budget::kEditsPerPoint + 2;
  void SetUp() override {
    LendTest::SetUp();
    ASSERT_EQ(sys(cli(), Syscall::map_memory, kBig, kBigPages * 0x1000, kRw).error, Error::Ok);
    for (uint32_t i = 0; i < kBigPages; ++i)
      ASSERT_TRUE(k_->copy_to_user(client_pid, kBig + i * 0x1000, &i, 4).is_ok());
    free_before = k_->frames().free_count();
  }
  static uint32_t buf(uint32_t by) { return by ? kBuf : kBig; }
  static uint32_t bytes(uint32_t by) { return (by ? 4 : kBigPages) * 0x1000; }
  static uint64_t points(uint32_t by) { return by ? 3 : 2; }
  // lend_memory as `t` the way the hardware issues it (the pc moves past the ecall); true if
  // it stopped at a preemption point: its pc back on the ecall, still running.
  bool issue(Thread& t, uint32_t kind, uint32_t va, uint32_t size) {
    KernelTestAccess::run(*k_, t);
    const uint32_t regs[7] = {cid, 42, kind, va, size, 0, 0};
    for (int i = 0; i < 7; ++i) t.frame.a(i) = regs[i];
    t.frame.a(7) = static_cast<uint32_t>(Syscall::lend_memory);
    const uint32_t pc = t.frame.pc;
    t.frame.pc += 4;
    dispatch::syscall(*k_);
    k_->check_invariants();
    return parked(t, pc) && t.state == ThreadState::Running;
  }
  // What the server sees of a message it received: the window's words, one per page.
  std::vector<uint32_t> words(const Ret& m) {
    std::vector<uint32_t> w;
    for (uint32_t off = 0; off < m.r[4]; off += 0x1000) w.push_back(word(server_pid, m.r[3] + off));
    return w;
  }
  // Ends a received message: returns a lend, unmaps a Move (and maps the buffer again).
  void settle(const Ret& m, uint32_t kind, uint32_t by) {
    if (kind == kMove) {
      ASSERT_EQ(sys(srv(), Syscall::unmap_memory, m.r[3], m.r[4]).error, Error::Ok);
      ASSERT_EQ(sys(cli(), Syscall::map_memory, buf(by), bytes(by), kRw).error, Error::Ok);
      for (uint32_t i = 0; i < bytes(by) / 0x1000; ++i)
        ASSERT_TRUE(k_->copy_to_user(client_pid, buf(by) + i * 0x1000, &i, 4).is_ok());
    } else {
      ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
    }
  }
};

TEST_F(LendPreemptTest, ALendStoppedAtAnyPointEndsAsIfItRanWhole) {
  for (const uint32_t by : {0u, abi::kLendByCopy}) {
    for (const uint32_t kind : {kBorrow, kMutable, kMove}) {
      SCOPED_TRACE(testing::Message() << "kind " << kind << (by ? " by copy" : " by remap"));
      // Uninterrupted first: what the server gets, and how many points it passed.
      g_preempt = FakePreemption{};
      ASSERT_FALSE(issue(cli(), kind | by, buf(by), bytes(by)));
      const Ret whole = take();
      ASSERT_EQ(whole.error, Error::Ok);
      const std::vector<uint32_t> seen = words(whole);
      const uint32_t free_whole = k_->frames().free_count();
      ASSERT_EQ(g_preempt.checks, points(by));
      settle(whole, kind, by);
      const uint32_t free_start = k_->frames().free_count();
      for (int64_t at = 0; at < static_cast<int64_t>(points(by)); ++at) {
        g_preempt = FakePreemption{at, false, 0};
        ASSERT_TRUE(issue(cli(), kind | by, buf(by), bytes(by))) << at;
        // Nothing reached the server yet, and nothing of its window is visible to it.
        EXPECT_EQ(take().error, Error::WouldBlock);
        EXPECT_FALSE(at_window_mapped());
        g_preempt = FakePreemption{};
        ASSERT_FALSE(issue(cli(), kind | by, buf(by), bytes(by)));
        const Ret m = take();
        ASSERT_EQ(m.error, Error::Ok);
        EXPECT_EQ(m.r[2] & 0xffff, kind);  // a3: kind | sender << 16
        EXPECT_EQ(m.r[3], whole.r[3]);  // the same window
        EXPECT_EQ(words(m), seen);
        EXPECT_EQ(k_->frames().free_count(), free_whole);
        settle(m, kind, by);
        EXPECT_EQ(k_->frames().free_count(), free_start);
      }
    }
  }
}

TEST_F(LendPreemptTest, ACopyReturnStoppedInItsCopyBackEndsAsIfWhole) {
  g_preempt = FakePreemption{};
  ASSERT_FALSE(issue(cli(), kMutable | abi::kLendByCopy, kBuf, 4 * 0x1000));
  const Ret m = take();
  for (uint32_t i = 0; i < 4; ++i) {
    const uint32_t v = 0xab00 + i;
    ASSERT_TRUE(k_->copy_to_user(server_pid, m.r[3] + i * 0x1000, &v, 4).is_ok());
  }
  g_preempt.always = true;
  uint32_t entries = 0;
  const Ret r = sys_until_done(srv(), Syscall::return_memory, m.r[0], 8, 16, 0, 0, 0, &entries);
  EXPECT_EQ(r.error, Error::Ok);
  EXPECT_EQ(entries, 5u);  // a page of copy back each time, then the copies go
  EXPECT_EQ(result(cli()).error, Error::Ok);
  EXPECT_EQ(result(cli()).r[0], 8u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(word(client_pid, kBuf + i * 0x1000), 0xab00 + i);
  EXPECT_EQ(k_->frames().free_count(), free_before - 1);  // the window's table stays
}

TEST_F(LendPreemptTest, ALenderDyingMidLendLeavesNothingInTheServer) {
  const uint32_t server_owned = owned_by(server_pid);
  for (const uint32_t by : {0u, abi::kLendByCopy}) {
    const Pid lender = spawn("lender");
    Thread& t = main_thread(lender);
    ASSERT_EQ(sys(t, Syscall::map_memory, buf(by), bytes(by), kRw).error, Error::Ok);
    const uint32_t to = sys(t, Syscall::connect, 7, 7, 7, 7).r[0];
    KernelTestAccess::run(*k_, t);
    const uint32_t regs[7] = {to, 1, kMutable | by, buf(by), bytes(by), 0, 0};
    for (int i = 0; i < 7; ++i) t.frame.a(i) = regs[i];
    t.frame.a(7) = static_cast<uint32_t>(Syscall::lend_memory);
    t.frame.pc += 4;
    g_preempt = FakePreemption{1, false, 0};
    dispatch::syscall(*k_);
    ASSERT_EQ(t.cont.op, Split::Lend);
    k_->check_invariants();
    g_preempt = FakePreemption{};
    k_->destroy_process(lender, 0);
    EXPECT_EQ(owned_by(server_pid), server_owned);
    EXPECT_FALSE(at_window_mapped());
    EXPECT_FALSE(k_->process(server_pid).space.any_mapped(kstd::VirtAddr(kLendWindowBase), 4));
    EXPECT_EQ(k_->frames().reserved(), 0u);
  }
}

TEST_F(LendPreemptTest, TheServerEndingMidLendGivesTheLenderEverythingBack) {
  for (const bool whole_process : {false, true}) {
    g_preempt = FakePreemption{1, false, 0};
    ASSERT_TRUE(issue(cli(), kMutable, kBig, bytes(0)));
    EXPECT_TRUE(at(client_pid, kBig)->lent);  // taken as the call went
    g_preempt = FakePreemption{};
    if (whole_process) {
      k_->destroy_process(server_pid, 0);
    } else {
      ASSERT_EQ(sys(srv(), Syscall::destroy_server, handle).error, Error::Ok);
    }
    EXPECT_EQ(cli().cont.op, Split::None);  // abandoned with the server
    for (uint32_t i = 0; i < kBigPages; ++i) {
      EXPECT_FALSE(at(client_pid, kBig + i * 0x1000)->lent) << i;
      EXPECT_EQ(at(client_pid, kBig + i * 0x1000)->flags, kRw) << i;
    }
    // Issued again, the call finds the server gone.
    EXPECT_FALSE(issue(cli(), kMutable, kBig, bytes(0)));
    EXPECT_EQ(result(cli()).error, Error::ServerNotFound);
    if (!whole_process) {  // a new server for the second round
      handle = sys(srv(), Syscall::create_server, 7, 7, 7, 7).r[0];
      ASSERT_EQ(sys(cli(), Syscall::disconnect, cid).error, Error::Ok);
      cid = sys(cli(), Syscall::connect, 7, 7, 7, 7).r[0];
    }
  }
}

TEST_F(LendPreemptTest, ALenderThreadUnmappingAPageNotYetTakenFailsTheLendCleanly) {
  const Ret stack = sys(cli(), Syscall::map_memory, 0, 0x1000, kRw);
  auto other = k_->create_thread(client_pid, 0x10000, stack.r[0] + 0x1000, 0, abi::kDefaultPriority);
  ASSERT_TRUE(other.is_ok());
  Thread& t2 = k_->thread(other.value());
  for (const uint32_t by : {0u, abi::kLendByCopy}) {
    g_preempt = FakePreemption{0, false, 0};  // at the first point
    ASSERT_TRUE(issue(cli(), kBorrow | by, buf(by), bytes(by)));
    g_preempt = FakePreemption{};
    // A page taken is lent (remap) and cannot be unmapped; a page not reached yet can be.
    if (by == 0) {
      EXPECT_EQ(sys(t2, Syscall::unmap_memory, buf(by), 0x1000).error, Error::AccessDenied);
    }
    const uint32_t last = buf(by) + bytes(by) - 0x1000;
    ASSERT_EQ(sys(t2, Syscall::unmap_memory, last, 0x1000).error, Error::Ok);
    // Issued again, the call finds it gone: it fails as if the unmap came first.
    EXPECT_FALSE(issue(cli(), kBorrow | by, buf(by), bytes(by)));
    EXPECT_EQ(result(cli()).error, Error::BadAddress);
    EXPECT_FALSE(at(client_pid, buf(by))->lent);
    EXPECT_EQ(at(client_pid, buf(by))->flags, kRw);
    EXPECT_FALSE(at_window_mapped());
    EXPECT_EQ(take().error, Error::WouldBlock);
    ASSERT_EQ(sys(t2, Syscall::map_memory, last, 0x1000, kRw).error, Error::Ok);
  }
}

TEST_F(LendPreemptTest, ADifferentCallAbandonsAStoppedLend) {
  g_preempt = FakePreemption{1, false, 0};
  ASSERT_TRUE(issue(cli(), kMutable, kBig, bytes(0)));
  g_preempt = FakePreemption{};
  ASSERT_FALSE(issue(cli(), kBorrow, kBuf, 0x1000));  // another lend instead
  EXPECT_EQ(cli().state, ThreadState::Lending);
  const Ret m = take();
  ASSERT_EQ(m.error, Error::Ok);
  EXPECT_EQ(m.r[4], 0x1000u);
  for (uint32_t i = 0; i < kBigPages; ++i) EXPECT_FALSE(at(client_pid, kBig + i * 0x1000)->lent) << i;
  ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
  EXPECT_EQ(k_->frames().free_count(), free_before - 1);  // the window's table stays
}

TEST_F(LendPreemptTest, AQueueThatFilledMeanwhileIsWaitedForWithThePagesKept) {
  g_preempt = FakePreemption{1, false, 0};
  ASSERT_TRUE(issue(cli(), kBorrow | abi::kLendByCopy, kBuf, 4 * 0x1000));
  g_preempt = FakePreemption{};
  const Pid other = spawn("other");
  const uint32_t to = sys(main_thread(other), Syscall::connect, 7, 7, 7, 7).r[0];
  for (uint32_t i = 0; i < kQueueDepth; ++i)
    ASSERT_EQ(sys(main_thread(other), Syscall::send_scalar, to, i).error, Error::Ok);
  issue(cli(), kBorrow | abi::kLendByCopy, kBuf, 4 * 0x1000);
  EXPECT_EQ(cli().state, ThreadState::SendBlocked);
  EXPECT_EQ(cli().cont.op, Split::Lend);  // its copies wait in the window, unseen
  for (uint32_t i = 0; i < kQueueDepth; ++i) EXPECT_EQ(take().r[1], i);
  EXPECT_EQ(cli().state, ThreadState::Ready);  // to issue the call again
  ASSERT_FALSE(issue(cli(), kBorrow | abi::kLendByCopy, kBuf, 4 * 0x1000));
  const Ret m = take();
  ASSERT_EQ(m.error, Error::Ok);
  EXPECT_EQ(words(m), (std::vector<uint32_t>{0, 1, 2, 3}));
  ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
}

}  // namespace
}  // namespace courier::test

namespace courier::test {
namespace {

// --- the lend fastpath is the slow path, faster (ipc/lend/lend_fastpath.h) -----------------
//
// Each scenario runs twice on a fresh kernel: once with the fastpath, where every lend_memory
// and return_memory must be taken by it (Fast) or declined by it with nothing changed
// (Declines) and then done by the slow path; once by the slow path alone. After every call
// the whole kernel state is recorded: every user page-table entry of every process, its page
// and table counts, every frame's owner, every lend record, every thread's registers and
// waiting state, every server's receivers and queue, the current thread and the TLB flushes
// asked so far. The two runs must agree at every step.

using Snapshot = std::vector<std::pair<std::string, uint32_t>>;

class LendFastpathTest : public LendTest {
 protected:
  enum class Route { Fast, Declines };

  Snapshot snap() {
    Snapshot s;
    auto put = [&](const std::string& what, uint32_t v) { s.emplace_back(what, v); };
    for (Pid pid = 1; pid < kMaxProcesses; ++pid) {
      const Process& p = k_->process(pid);
      if (p.state != ProcessState::Alive) continue;
      const std::string at = "pid " + std::to_string(pid);
      put(at + " pages", p.page_count);
      put(at + " tables", p.space.tables());
      const auto* root = reinterpret_cast<const sv32::Pte*>(frame_ptr(p.space.root()));
      for (uint32_t i = kUserBase >> 22; i < (kUserTop >> 22); ++i) {
        if (!sv32::is_table(root[i])) continue;
        const auto* t = reinterpret_cast<const sv32::Pte*>(frame_ptr(sv32::pfn_of(root[i])));
        for (uint32_t j = 0; j < sv32::kEntries; ++j) {
          std::ostringstream va;
          va << at << " pte " << std::hex << ((i << 22) | (j << 12));
          if (t[j] != 0) put(va.str(), t[j]);
        }
      }
    }
    for (uint32_t f = 0; f < kRamPages; ++f) {
      const Owner o = k_->frames().owner(kstd::Pfn((kRamBase >> 12) + f));
      put("frame " + std::to_string(f), static_cast<uint32_t>(o.kind) << 16 | o.pid);
    }
    for (uint32_t i = 0; i < kMaxLends; ++i) {
      const Lend& l = k_->lend(static_cast<uint8_t>(i));
      const std::string at = "lend " + std::to_string(i);
      put(at + " active", l.active);
      if (!l.active) continue;
      put(at + " copy", l.copy);
      put(at + " received", l.received);
      put(at + " hidden", l.hidden);
      put(at + " kind", static_cast<uint32_t>(l.kind));
      put(at + " lender", l.lender);
      put(at + " borrower", l.borrower);
      put(at + " lender_tid", l.lender_tid);
      put(at + " server", l.server);
      put(at + " handle", l.handle);
      put(at + " lender_va", l.lender_va);
      put(at + " borrower_va", l.borrower_va);
      put(at + " pages", l.pages);
      put(at + " lender_flags", l.lender_flags);
    }
    for (Tid i = 0; i < kMaxThreads; ++i) {
      const Thread& t = k_->thread(i);
      const std::string at = "thread " + std::to_string(i);
      put(at + " state", static_cast<uint32_t>(t.state));
      if (t.state == ThreadState::Free) continue;
      for (int r = 1; r < 32; ++r) put(at + " x" + std::to_string(r), t.frame.x[r]);
      put(at + " pc", t.frame.pc);
      put(at + " wait_server", t.wait_server);
      put(at + " lend", t.lend);
      put(at + " call_received", t.call_received);
      put(at + " generation", t.generation);
      put(at + " next", t.next);
      put(at + " cont.op", static_cast<uint32_t>(t.cont.op));
    }
    for (uint16_t i = 0; i < kMaxServers; ++i) {
      const Server& sv = k_->server(i);
      if (sv.state != ServerState::Alive) continue;
      const std::string at = "server " + std::to_string(i);
      put(at + " receivers", sv.receivers);
      put(at + " count", sv.count);
      put(at + " head", sv.head);
    }
    put("current", k_->current() ? k_->current()->tid : 0xffff);
    put("ready", k_->any_ready());
    for (const auto& f : fake::g_mmu_log.page_flushes) {
      std::ostringstream w;
      w << "flush " << f.asid << " " << std::hex << f.va;
      put(w.str(), 1);
    }
    return s;
  }

  static void expect_same(const Snapshot& a, const Snapshot& b, const std::string& step) {
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) {
        ADD_FAILURE() << step << ": " << a[i].first << " = " << std::hex << a[i].second
                      << " against " << b[i].first << " = " << b[i].second;
        return;
      }
    }
    EXPECT_EQ(a.size(), b.size()) << step << ": the states differ in what they hold";
  }

  // Issues lend_memory (a0..a6 = regs) or return_memory as `t`, by the route the run asks.
  Ret issue(Thread& t, Syscall n, std::vector<uint32_t> regs, Route route) {
    KernelTestAccess::run(*k_, t);
    regs.resize(7, 0);
    for (int i = 0; i < 7; ++i) t.frame.a(i) = regs[i];
    t.frame.a(7) = static_cast<uint32_t>(n);
    t.frame.pc += 4;
    if (slow_run_) {
      slow_only([&] { dispatch::syscall(*k_); });
    } else {
      const Snapshot before = snap();
      const bool taken =
          n == Syscall::lend_memory ? lend::fast_lend(*k_, t) : lend::fast_return(*k_, t);
      EXPECT_EQ(taken, route == Route::Fast) << "step " << steps_.size();
      if (!taken) {
        expect_same(snap(), before, "a declining fastpath changed the state");
        slow_only([&] { dispatch::syscall(*k_); });
      }
    }
    k_->check_invariants();
    steps_.push_back(snap());
    return result(t);
  }
  Ret lend1(Thread& t, uint32_t kind, uint32_t va, Route route, uint32_t size = 0x1000,
            uint32_t offset = 0, uint32_t valid = 0, uint32_t to = 0) {
    return issue(t, Syscall::lend_memory, {to ? to : cid, 42, kind, va, size, offset, valid},
                 route);
  }
  Ret give_back(uint32_t msg, Route route, uint32_t offset = 0, uint32_t valid = 0) {
    return issue(srv(), Syscall::return_memory, {msg, offset, valid}, route);
  }
  // The server's main thread waits in receive (its message then sits in its registers).
  void server_waits() { ASSERT_EQ(srv().state == ThreadState::Receiving || (sys(srv(), Syscall::receive, handle), true), true); }
  Ret received() { return result(srv()); }
  // A first lend and return, so the server's lend window has its table (the fastpath never
  // makes one: the first lend declines).
  void warm_up() {
    server_waits();
    lend1(cli(), kBorrow, kBuf, Route::Declines);
    give_back(received().r[0], Route::Fast);
  }

  // Runs `scenario` with the fastpath and then, on a fresh kernel, without; every step must
  // leave the same state.
  void compare(const std::function<void()>& scenario) {
    slow_run_ = false;
    scenario();
    const std::vector<Snapshot> fast = steps_;
    ASSERT_FALSE(HasFailure());
    TearDown();
    SetUp();
    slow_run_ = true;
    steps_.clear();
    scenario();
    ASSERT_EQ(fast.size(), steps_.size());
    for (size_t i = 0; i < fast.size(); ++i) expect_same(fast[i], steps_[i], "step " + std::to_string(i));
  }

  bool slow_run_ = false;
  std::vector<Snapshot> steps_;
};

TEST_F(LendFastpathTest, BorrowAndReturnLeaveWhatTheSlowPathLeaves) {
  compare([&] {
    warm_up();
    server_waits();
    lend1(cli(), kBorrow, kBuf + 0x1000, Route::Fast, 0x1000, 0x10, 0x100);
    EXPECT_EQ(cli().state, ThreadState::Lending);  // answered at the return
    EXPECT_EQ(k_->current(), &srv());
    const Ret m = received();
    EXPECT_EQ(m.r[1], 42u);
    EXPECT_EQ(m.r[2], kBorrow | (client_pid << abi::kMessageSenderShift));
    EXPECT_EQ(m.r[4], 0x1000u);
    EXPECT_EQ(word(server_pid, m.r[3]), 1u);
    EXPECT_EQ(at(client_pid, kBuf + 0x1000)->flags, kMemR);
    const size_t flushes = fake::g_mmu_log.page_flushes.size();
    EXPECT_EQ(give_back(m.r[0], Route::Fast, 0x20, 0x40).error, Error::Ok);
    EXPECT_EQ(fake::g_mmu_log.page_flushes.size(), flushes + 2);  // one unmapped, one restored
    EXPECT_EQ(result(cli()).r[0], 0x20u);
    EXPECT_EQ(result(cli()).r[1], 0x40u);
    EXPECT_EQ(at(client_pid, kBuf + 0x1000)->flags, kMemR | kMemW);
  });
}

TEST_F(LendFastpathTest, MutableBorrowAndReturnLeaveWhatTheSlowPathLeaves) {
  compare([&] {
    warm_up();
    server_waits();
    lend1(cli(), kMutable, kBuf + 0x2000, Route::Fast, 0x1000, 0, 0x1000);
    const Ret m = received();
    EXPECT_EQ(at(client_pid, kBuf + 0x2000)->flags, 0u);
    EXPECT_EQ(at(server_pid, m.r[3])->flags, kMemR | kMemW);
    const uint32_t v = 0xfeed;
    ASSERT_TRUE(k_->copy_to_user(server_pid, m.r[3], &v, 4).is_ok());
    give_back(m.r[0], Route::Fast, 0, 4);
    EXPECT_EQ(word(client_pid, kBuf + 0x2000), 0xfeedu);
  });
}

TEST_F(LendFastpathTest, OutstandingLendsTakeTheNextWindowEntryAndFreedOnesAreReused) {
  compare([&] {
    warm_up();
    auto second = k_->create_thread(client_pid, 0x10000, 0x7fff0000, 0, abi::kDefaultPriority);
    ASSERT_TRUE(second.is_ok());
    Thread& two = k_->thread(second.value());
    server_waits();
    lend1(cli(), kBorrow, kBuf, Route::Fast);
    const Ret first = received();
    server_waits();
    lend1(two, kMutable, kBuf + 0x1000, Route::Fast);
    const Ret next = received();
    EXPECT_EQ(next.r[3], first.r[3] + 0x1000);  // the first entry is taken
    give_back(first.r[0], Route::Fast);
    server_waits();
    lend1(cli(), kBorrow, kBuf + 0x2000, Route::Fast);
    EXPECT_EQ(received().r[3], first.r[3]);  // freed, and found again first
    give_back(received().r[0], Route::Fast);
    give_back(next.r[0], Route::Fast);
  });
}

TEST_F(LendFastpathTest, EveryGuardDeclinesAndTheSlowPathDecides) {
  compare([&] {
    warm_up();
    // No server thread waiting: queued by the slow path; returned by the fastpath.
    lend1(cli(), kBorrow, kBuf, Route::Declines);
    const Ret queued = take();
    ASSERT_EQ(queued.error, Error::Ok);
    give_back(queued.r[0], Route::Fast);
    server_waits();
    // Bad arguments: each is the slow path's to report.
    EXPECT_EQ(lend1(cli(), kBorrow, kBuf + 4, Route::Declines).error, Error::InvalidArgument);
    EXPECT_EQ(lend1(cli(), kBorrow, kBuf, Route::Declines, 0x1000, 0x1001).error,
              Error::InvalidArgument);
    EXPECT_EQ(lend1(cli(), kBorrow, kBuf, Route::Declines, 0x1000, 0x800, 0x801).error,
              Error::InvalidArgument);
    EXPECT_EQ(lend1(cli(), kBorrow, kBuf, Route::Declines, 0, 0, 0, 99).error,
              Error::InvalidHandle);
    EXPECT_EQ(lend1(cli(), kBorrow, 0x80000000u, Route::Declines).error,
              Error::BadAddress);
    EXPECT_EQ(lend1(cli(), kMove, kBuf, Route::Declines, 0x1000).error, Error::Ok);  // a Move
    EXPECT_EQ(sys(srv(), Syscall::unmap_memory, received().r[3], 0x1000).error, Error::Ok);
    server_waits();
    lend1(cli(), kBorrow | abi::kLendByCopy, kBuf + 0x1000, Route::Declines);  // by copy
    EXPECT_EQ(cli().state, ThreadState::Lending);
    give_back(received().r[0], Route::Declines);  // a copy's return is the copy path's
    server_waits();
    // Pages that may not be lent: unmapped, MMIO, read-only for a MutableBorrow.
    EXPECT_EQ(lend1(cli(), kBorrow, 0x20000000, Route::Declines).error, Error::BadAddress);
    ASSERT_EQ(sys(cli(), Syscall::map_physical, 0x10001000, 0x50000000, 0x1000, kRw).error,
              Error::Ok);
    EXPECT_EQ(lend1(cli(), kBorrow, 0x50000000, Route::Declines).error, Error::BadAddress);
    ASSERT_EQ(sys(cli(), Syscall::update_memory_flags, kBuf + 0x3000, 0x1000, kMemR).error,
              Error::Ok);
    EXPECT_EQ(lend1(cli(), kMutable, kBuf + 0x3000, Route::Declines).error, Error::AccessDenied);
    // Two pages: the slow path's, and so is their return.
    lend1(cli(), kBorrow, kBuf + 0x1000, Route::Declines, 0x2000);
    give_back(received().r[0], Route::Declines);
    server_waits();
    // A page lent already (by another thread) and a page the server only borrows.
    auto second = k_->create_thread(client_pid, 0x10000, 0x7fff0000, 0, abi::kDefaultPriority);
    ASSERT_TRUE(second.is_ok());
    Thread& two = k_->thread(second.value());
    lend1(cli(), kBorrow, kBuf + 0x2000, Route::Fast);
    const Ret held = received();
    server_waits();
    EXPECT_EQ(lend1(two, kBorrow, kBuf + 0x2000, Route::Declines).error, Error::AccessDenied);
    const Pid third = spawn("third");
    ASSERT_EQ(sys(main_thread(third), Syscall::create_server, 8, 8, 8, 8).error, Error::Ok);
    const uint32_t onward = sys(srv(), Syscall::connect, 8, 8, 8, 8).r[0];
    (void)sys(main_thread(third), Syscall::receive, 1);
    EXPECT_EQ(lend1(srv(), kBorrow, held.r[3], Route::Declines, 0x1000, 0, 0, onward).error,
              Error::AccessDenied);
    // Returns the fastpath leaves to the slow path: bad hints, a handle not owed.
    EXPECT_EQ(give_back(held.r[0], Route::Declines, 0x1001).error, Error::InvalidArgument);
    EXPECT_EQ(give_back(held.r[0] + 0x10000, Route::Declines).error, Error::InvalidHandle);
    give_back(held.r[0], Route::Fast);
    // A more urgent thread is ready: the lend must not jump over it.
    server_waits();
    const Pid urgent = spawn("urgent", Grant{abi::kDefaultPriority - 1, abi::kDefaultPriority - 1});
    (void)urgent;
    lend1(cli(), kBorrow, kBuf + 0x2000, Route::Declines);
    EXPECT_EQ(srv().state, ThreadState::Ready);
  });
}

TEST_F(LendFastpathTest, ALendFromARingPageDeclines) {
  compare([&] {
    warm_up();
    ASSERT_EQ(sys(cli(), Syscall::map_memory, 0x31000000, abi::kRingBytes, kRw).error, Error::Ok);
    ASSERT_EQ(sys(cli(), Syscall::ring_setup, 0x31000000).error, Error::Ok);
    server_waits();
    EXPECT_EQ(lend1(cli(), kBorrow, 0x31000000, Route::Declines).error, Error::AccessDenied);
    // The client's other pages still go fast.
    lend1(cli(), kBorrow, kBuf, Route::Fast);
    give_back(received().r[0], Route::Fast);
  });
}

}  // namespace
}  // namespace courier::test
