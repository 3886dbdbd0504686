// spawn_test.cc — init (pid 1) starting boot archive processes again (core/spawn.cc).
//
// Every refusal is checked for its error and for leaving the frame and process tables exactly
// as they were; a spawned process is an ordinary one, whose death gives back everything.
#include "courier/abi/log.h"
#include "kernel_fixture.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::Syscall;

constexpr uint32_t kEntry = 0x10000;
constexpr uint32_t kData = 0x11000;
constexpr uint32_t kChildSid[4] = {0xc1, 0xc2, 0xc3, 0xc4};
constexpr uint32_t kChildPriority = 6, kChildCeiling = 3, kChildLine = 5;

// A boot archive of two processes, "init" and "child": text at 0x10000 (one page, the first
// bytes 0x5a), data at 0x11000 (two pages, the first word 0x600df00d), an 8 KiB stack each.
// kChildSid is reserved for "child". Init runs at the default priority and ceiling and may
// claim no line; "child" starts at kChildPriority under ceiling kChildCeiling and may claim
// kChildLine. The bytes live as long as the test (the kernel keeps a
// span of them, as the rv32 kernel keeps its image's archive).
class SpawnTest : public KernelTest {
 protected:
  void SetUp() override {
    KernelTest::SetUp();
    words_.assign(0x3000 / 4, 0);
    auto* bytes = reinterpret_cast<uint8_t*>(words_.data());
    abi::ArchiveHeader h{abi::kArchiveMagic, abi::kArchiveVersion, 0x3000, 2, 4, 1, {1, 2, 3}};
    abi::ArchiveProcess procs[2] = {
        {"init", kEntry, 0, 2, 8192, abi::kDefaultPriority, abi::kDefaultPriority, 0},
        {"child", kEntry, 2, 2, 8192, kChildPriority, kChildCeiling, 1u << kChildLine}};
    const uint32_t rx = abi::kSegRead | abi::kSegExec, rw = abi::kSegRead | abi::kSegWrite;
    abi::ArchiveSegment segs[4] = {{kEntry, 0x1000, 0x10, 0x1000, rx},
                                   {kData, 0x2000, 4, 0x2000, rw},
                                   {kEntry, 0x1000, 0x10, 0x1000, rx},
                                   {kData, 0x2000, 4, 0x2000, rw}};
    abi::ArchiveReservedSid sid{{kChildSid[0], kChildSid[1], kChildSid[2], kChildSid[3]}, 1};
    uint32_t off = 0;
    auto put = [&](const void* p, uint32_t n) {
      std::memcpy(bytes + off, p, n);
      off += n;
    };
    put(&h, sizeof h);
    put(procs, sizeof procs);
    put(segs, sizeof segs);
    put(&sid, sizeof sid);
    std::memset(bytes + 0x1000, 0x5a, 0x10);
    const uint32_t good = 0x600df00d;
    std::memcpy(bytes + 0x2000, &good, 4);
    auto archive = BootArchive::parse({bytes, words_.size() * 4});
    ASSERT_TRUE(archive.is_ok());
    ASSERT_TRUE(k_->boot(archive.value(), 0).is_ok());
    k_->keep_archive(archive.value().bytes());
    ASSERT_EQ(k_->process(1).state, ProcessState::Alive);
    ASSERT_EQ(k_->process(2).state, ProcessState::Alive);
  }

  // The frame and process tables, to compare before and after a refused spawn.
  struct Snapshot {
    uint32_t free_pages, live;
    bool operator==(const Snapshot&) const = default;
  };
  Snapshot snapshot() { return {k_->frames().free_count(), k_->live_processes()}; }

  Ret spawn_from(Pid caller, uint32_t index, uint32_t arg = 0) {
    return sys(main_thread(caller), Syscall::spawn, index, arg);
  }

  // What the process's page at `va` holds, through its own page table.
  uint32_t word_at(Pid pid, uint32_t va) {
    const auto m = k_->process(pid).space.lookup(kstd::VirtAddr(va));
    EXPECT_TRUE(m.has_value());
    uint32_t w = 0;
    if (m) std::memcpy(&w, frame_ptr(m->pfn) + (va & 0xfff), 4);
    return w;
  }

  std::vector<uint32_t> words_;
};

TEST_F(SpawnTest, InitStartsAnArchiveProcessAgainWithItsArgument) {
  const Ret r = spawn_from(1, 1, 0xa5a5'0001);
  ASSERT_EQ(r.error, Error::Ok);
  const Pid pid = static_cast<Pid>(r.r[0]);
  EXPECT_EQ(pid, 3u);
  const Process& proc = k_->process(pid);
  EXPECT_EQ(proc.state, ProcessState::Alive);
  EXPECT_STREQ(proc.name, "child");
  EXPECT_EQ(proc.thread_count, 1u);
  Thread& t = main_thread(pid);
  EXPECT_EQ(t.state, ThreadState::Ready);
  EXPECT_EQ(t.frame.pc, kEntry);
  EXPECT_EQ(t.frame.a(0), 0xa5a5'0001u);  // boot processes start with 0
  EXPECT_EQ(main_thread(2).frame.a(0), 0u);
  for (unsigned i = 1; i < 32; ++i) {  // nothing else: no register of init's leaks into it
    if (i != 2 && i != 10) {
      EXPECT_EQ(t.frame.x[i], 0u) << "x" << i;
    }
  }
  EXPECT_EQ(word_at(pid, kData), 0x600df00du);
  EXPECT_EQ(word_at(pid, kEntry) & 0xff, 0x5au);
  // Its own fresh frames, not the boot child's.
  EXPECT_NE(k_->process(pid).space.lookup(kstd::VirtAddr(kData))->pfn,
            k_->process(2).space.lookup(kstd::VirtAddr(kData))->pfn);
  // Init may start itself again too; the copy is not init (it may not spawn).
  const Ret again = spawn_from(1, 0);
  ASSERT_EQ(again.error, Error::Ok);
  EXPECT_EQ(spawn_from(static_cast<Pid>(again.r[0]), 1).error, Error::AccessDenied);
}

TEST_F(SpawnTest, OnlyInitMaySpawn) {
  const Snapshot before = snapshot();
  EXPECT_EQ(spawn_from(2, 1).error, Error::AccessDenied);
  EXPECT_EQ(spawn_from(2, 0).error, Error::AccessDenied);
  EXPECT_EQ(spawn_from(2, 99).error, Error::AccessDenied);  // denied before anything else
  const Ret r = spawn_from(1, 1);
  ASSERT_EQ(r.error, Error::Ok);
  const Snapshot with_child = snapshot();
  EXPECT_EQ(spawn_from(static_cast<Pid>(r.r[0]), 1).error, Error::AccessDenied);
  EXPECT_EQ(snapshot(), with_child);
  EXPECT_NE(with_child, before);
}

TEST_F(SpawnTest, AnyThreadOfInitMaySpawn) {
  Thread& main = main_thread(1);
  const Ret stack = sys(main, Syscall::map_memory, 0x3000'0000, 0x1000, kRw);
  ASSERT_EQ(stack.error, Error::Ok);
  const Ret tid = sys(main, Syscall::create_thread, kEntry, 0x3000'1000, 0, 4);
  ASSERT_EQ(tid.error, Error::Ok);
  EXPECT_EQ(sys(k_->thread(static_cast<Tid>(tid.r[0])), Syscall::spawn, 1).error, Error::Ok);
}

TEST_F(SpawnTest, AnIndexOutsideTheArchiveIsInvalid) {
  const Snapshot before = snapshot();
  for (uint32_t index : {2u, 3u, 64u, 0x8000'0000u, 0xffff'ffffu}) {
    EXPECT_EQ(spawn_from(1, index).error, Error::InvalidArgument) << index;
    EXPECT_EQ(snapshot(), before);
  }
}

TEST_F(SpawnTest, WithoutTheArchiveSpawnIsNotSupported) {
  k_->keep_archive({});  // as an image that gave its archive's pages back
  const Snapshot before = snapshot();
  EXPECT_EQ(spawn_from(1, 1).error, Error::NotSupported);
  EXPECT_EQ(spawn_from(2, 1).error, Error::AccessDenied);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(SpawnTest, AFullProcessTableIsLimitReached) {
  std::vector<Pid> spawned;
  for (;;) {
    const Ret r = spawn_from(1, 1);
    if (r.error != Error::Ok) {
      EXPECT_EQ(r.error, Error::LimitReached);
      break;
    }
    spawned.push_back(static_cast<Pid>(r.r[0]));
    ASSERT_LT(spawned.size(), kMaxProcesses);
  }
  EXPECT_EQ(spawned.size(), kMaxProcesses - 3u);  // pid 0 is never used; 1 and 2 booted
  EXPECT_EQ(k_->live_processes(), kMaxProcesses - 1u);
  const Snapshot full = snapshot();
  EXPECT_EQ(spawn_from(1, 0).error, Error::LimitReached);
  EXPECT_EQ(snapshot(), full);
  // One ends: its slot (and only that one) is free again.
  const Pid gone = spawned[4];
  sys(main_thread(gone), Syscall::terminate_process, 0);
  const Ret r = spawn_from(1, 1);
  ASSERT_EQ(r.error, Error::Ok);
  EXPECT_EQ(r.r[0], gone);
  EXPECT_EQ(spawn_from(1, 1).error, Error::LimitReached);
}

TEST_F(SpawnTest, OutOfMemoryAtEveryStepLeaksNothing) {
  // Take every free frame, then give them back one at a time: each spawn that fails on the way
  // (page directory, segment pages, second-level tables, stack) leaves the tables untouched.
  std::vector<kstd::Pfn> held;
  for (;;) {
    auto f = k_->frames().alloc(Owner::kernel());
    if (f.is_err()) break;
    held.push_back(f.value());
  }
  uint32_t failures = 0;
  for (;;) {
    const Snapshot before = snapshot();
    const Ret r = spawn_from(1, 1);
    if (r.error == Error::Ok) break;
    ASSERT_EQ(r.error, Error::OutOfMemory) << "with " << failures << " free pages";
    ASSERT_EQ(snapshot(), before);
    ++failures;
    ASSERT_FALSE(held.empty());
    k_->frames().free(held.back());
    held.pop_back();
  }
  // Directory, two tables (text/data, stack), text, two data pages, two stack pages.
  EXPECT_EQ(failures, 8u);
  EXPECT_EQ(k_->frames().free_count(), 0u);
  for (kstd::Pfn p : held) k_->frames().free(p);
}

TEST_F(SpawnTest, ASpawnedProcessIsReclaimedAtDeath) {
  const uint32_t free_before = k_->frames().free_count();
  const Ret r = spawn_from(1, 1);
  ASSERT_EQ(r.error, Error::Ok);
  const Pid pid = static_cast<Pid>(r.r[0]);
  Thread& t = main_thread(pid);
  // It acquires what a process can: memory (and page tables), a server, a connection.
  ASSERT_EQ(sys(t, Syscall::map_memory, 0x3000'0000, 0x4000, kRw).error, Error::Ok);
  ASSERT_EQ(sys(t, Syscall::map_memory, 0x3040'0000, 0x1000, kRw).error, Error::Ok);
  const Ret srv = sys(t, Syscall::create_server, 0, 0, 0, 0);
  ASSERT_EQ(srv.error, Error::Ok);
  const Ret init_srv = sys(main_thread(1), Syscall::create_server, 0x11, 0x22, 0x33, 0x44);
  ASSERT_EQ(init_srv.error, Error::Ok);
  const Ret cid = sys(t, Syscall::try_connect, 0x11, 0x22, 0x33, 0x44);
  ASSERT_EQ(cid.error, Error::Ok);
  std::memset(frame_ptr(k_->process(pid).space.lookup(kstd::VirtAddr(kData))->pfn), 0xee, 64);
  ASSERT_GT(free_before - k_->frames().free_count(), 8u);
  sys(t, Syscall::terminate_process, 7);
  EXPECT_EQ(k_->process(pid).state, ProcessState::Free);
  EXPECT_EQ(owned_by(pid), 0u);
  EXPECT_EQ(tables_of(pid), 0u);
  EXPECT_EQ(k_->frames().free_count(), free_before);
  EXPECT_FALSE(k_->first_process_ended());
  // The next one in that slot starts from the archive again, not from what the last one left.
  const Ret again = spawn_from(1, 1);
  ASSERT_EQ(again.error, Error::Ok);
  EXPECT_EQ(again.r[0], pid);
  EXPECT_EQ(word_at(pid, kData), 0x600df00du);
  EXPECT_EQ(word_at(pid, kData + 0x1000), 0u);
  EXPECT_FALSE(k_->process(pid).space.lookup(kstd::VirtAddr(0x3000'0000)).has_value());
}

TEST_F(SpawnTest, ASpawnedCopyDoesNotInheritReservedNames) {
  // The boot child's name stays its own while it lives, and nobody's once it is gone: a
  // spawned "child" is a new process, not the one the boot image named (core/names.cc).
  const Ret r = spawn_from(1, 1);
  ASSERT_EQ(r.error, Error::Ok);
  Thread& copy = main_thread(static_cast<Pid>(r.r[0]));
  const uint32_t* s = kChildSid;
  EXPECT_EQ(sys(copy, Syscall::create_server, s[0], s[1], s[2], s[3]).error, Error::AccessDenied);
  sys(main_thread(2), Syscall::terminate_process, 0);
  const Ret in_slot = spawn_from(1, 1);
  ASSERT_EQ(in_slot.error, Error::Ok);
  EXPECT_EQ(in_slot.r[0], 2u);
  Thread& reborn = main_thread(2);
  EXPECT_EQ(sys(reborn, Syscall::create_server, s[0], s[1], s[2], s[3]).error, Error::AccessDenied);
  const uint32_t* log = abi::kLogSid;
  EXPECT_EQ(sys(reborn, Syscall::create_server, log[0], log[1], log[2], log[3]).error,
            Error::Ok);  // not reserved in this archive
}

// Priorities and lines follow the archive record (abi/boot_archive.h): every process made from
// "child" has its priority, its ceiling and its line, at boot and when spawned.
TEST_F(SpawnTest, ASpawnedProcessGetsItsRecordsPrioritiesAndLines) {
  const Ret r = spawn_from(1, 1);
  ASSERT_EQ(r.error, Error::Ok);
  const Pid copy = static_cast<Pid>(r.r[0]);
  for (Pid pid : {Pid{2}, copy}) {
    EXPECT_EQ(main_thread(pid).priority, kChildPriority) << pid;
    EXPECT_EQ(k_->process(pid).max_priority, kChildCeiling) << pid;
    EXPECT_EQ(k_->irq_allowed(pid), 1u << kChildLine) << pid;
  }
  EXPECT_EQ(main_thread(1).priority, abi::kDefaultPriority);
  Thread& t = main_thread(copy);
  const Ret stack = sys(t, Syscall::map_memory, 0x3000'0000, 0x1000, kRw);
  ASSERT_EQ(stack.error, Error::Ok);
  EXPECT_EQ(sys(t, Syscall::create_thread, kEntry, 0x3000'1000, 0, kChildCeiling - 1).error,
            Error::AccessDenied);
  EXPECT_EQ(k_->process(copy).thread_count, 1u);
  EXPECT_EQ(sys(t, Syscall::create_thread, kEntry, 0x3000'1000, 0, kChildCeiling).error,
            Error::Ok);
  EXPECT_EQ(k_->process(copy).thread_count, 2u);
}

// A respawned driver may claim its line again (its predecessor's was freed at its death);
// nobody the record does not name may claim it, before, during or after.
TEST_F(SpawnTest, ARespawnedProcessMayClaimItsRecordsLinesAgain) {
  Thread& init = main_thread(1);
  EXPECT_EQ(sys(init, Syscall::claim_interrupt, kChildLine, kEntry, 0).error, Error::AccessDenied);
  ASSERT_EQ(sys(main_thread(2), Syscall::claim_interrupt, kChildLine, kEntry, 0).error, Error::Ok);
  const Ret r = spawn_from(1, 1);
  ASSERT_EQ(r.error, Error::Ok);
  const Pid copy = static_cast<Pid>(r.r[0]);
  // Granted, but held by the boot child: first come, first served among the granted.
  EXPECT_EQ(sys(main_thread(copy), Syscall::claim_interrupt, kChildLine, kEntry, 0).error,
            Error::AlreadyExists);
  EXPECT_EQ(sys(init, Syscall::claim_interrupt, kChildLine, kEntry, 0).error, Error::AccessDenied);
  sys(main_thread(2), Syscall::terminate_process, 0);
  EXPECT_EQ(k_->irq_line(kChildLine).owner, 0u);
  EXPECT_EQ(sys(init, Syscall::claim_interrupt, kChildLine, kEntry, 0).error, Error::AccessDenied);
  ASSERT_EQ(sys(main_thread(copy), Syscall::claim_interrupt, kChildLine, kEntry, 0).error,
            Error::Ok);
  EXPECT_EQ(k_->irq_line(kChildLine).owner, copy);
  // The copy dies; the one spawned after it, in the same slot, claims the line again.
  sys(main_thread(copy), Syscall::terminate_process, 0);
  const Ret again = spawn_from(1, 1);
  ASSERT_EQ(again.error, Error::Ok);
  const Pid reborn = static_cast<Pid>(again.r[0]);
  EXPECT_EQ(sys(main_thread(reborn), Syscall::claim_interrupt, kChildLine, kEntry, 0).error,
            Error::Ok);
  EXPECT_EQ(k_->irq_line(kChildLine).owner, reborn);
  // Init, respawned from its own record, still may not.
  const Ret init_copy = spawn_from(1, 0);
  ASSERT_EQ(init_copy.error, Error::Ok);
  EXPECT_EQ(sys(main_thread(static_cast<Pid>(init_copy.r[0])), Syscall::claim_interrupt,
                kChildLine, kEntry, 0)
                .error,
            Error::AccessDenied);
}

}  // namespace
}  // namespace courier::test
