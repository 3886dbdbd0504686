// lend_test.cc — memory messages on the fake MMU: Borrow, MutableBorrow and Move by remapping
// and by copying, every bad input the lending issue names, and death on either side. After
// every test the fixture checks the ownership table against every page table.
#include "courier/abi/lend.h"

#include "courier/core/sv32.h"
#include "kernel_fixture.h"

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
           uint32_t valid = 0, uint32_t to = 0) {
    KernelTestAccess::run(*k_, t);
    const uint32_t regs[7] = {to ? to : cid, 42, kind, va, size, offset, valid};
    for (int i = 0; i < 7; ++i) t.frame.a(i) = regs[i];
    t.frame.a(7) = static_cast<uint32_t>(Syscall::lend_memory);
    dispatch::syscall(*k_);
    return result(t);
  }
  // The server takes the next message.
  Ret take() { return sys(srv(), Syscall::try_receive, handle); }

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
  EXPECT_EQ(m.r[2], kBorrow);
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
  EXPECT_FALSE(at(server_pid, bva)->borrowed);
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
    ASSERT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
    EXPECT_FALSE(at(server_pid, m.r[3]).has_value());
    EXPECT_GT(k_->frames().free_count(), free_mid);  // now the pages are free
    EXPECT_EQ(owned_by(client_pid), 0u);
    client_pid = spawn("client");  // and again, for the copy path
    cid = sys(cli(), Syscall::connect, 7, 7, 7, 7).r[0];
    ASSERT_EQ(sys(cli(), Syscall::map_memory, kBuf, 2 * 0x1000, kRw).error, Error::Ok);
    const uint32_t one = 1;
    ASSERT_TRUE(k_->copy_to_user(client_pid, kBuf + 0x1000, &one, 4).is_ok());
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

TEST_F(LendTest, LendsAreALimitedResource) {
  // Fill the lend table (as kMaxLends blocked lenders would), then one more lend is refused
  // with an error and changes nothing.
  std::vector<Lend*> held;
  while (Lend* l = k_->alloc_lend()) held.push_back(l);
  EXPECT_EQ(held.size(), kMaxLends);
  EXPECT_EQ(lend(cli(), kBorrow, kBuf, 0x1000).error, Error::LimitReached);
  EXPECT_FALSE(at(client_pid, kBuf)->lent);
  EXPECT_EQ(k_->frames().free_count(), free_before);  // refused before anything was mapped
  EXPECT_FALSE(at(server_pid, kLendWindowBase).has_value());
  for (Lend* l : held) l->active = false;
  lend(cli(), kBorrow | abi::kLendByCopy, kBuf, 0x1000);
  EXPECT_EQ(cli().state, ThreadState::Lending);  // with room again, the lend goes out
}

}  // namespace
}  // namespace courier::test
