// names_test.cc — names are authority (DESIGN.md §8, core/names.cc): reserved SIDs belong to
// the boot process the image names, before, during and after its life; random SIDs come from a
// CSPRNG and reveal nothing about the next one.
#include <cstring>
#include <string>
#include <vector>

#include "courier/abi/log.h"
#include "kernel_fixture.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::Syscall;

constexpr uint32_t kExtraSid[4] = {0x6e616d65, 0x73000001, 2, 3};
constexpr uint32_t kFreeSid[4] = {0x66726565, 1, 2, 3};  // reserved by nobody

struct Reservation {
  const uint32_t* sid;
  uint32_t process;  // index in the image
};

class NamesTest : public KernelTest {
 protected:
  // A boot image of `names`, each a process with a 4 KiB text segment at 0x10000, with
  // `reserved` SIDs and seed words all `seed`; booted as the rv32 kernel does (Kernel::boot).
  // The bytes stay alive in images_ (the kernel reads the archive only while booting).
  Error boot(const std::vector<std::string>& names, const std::vector<Reservation>& reserved,
             uint32_t seed = 1, uint64_t stir = 0) {
    const uint32_t n = static_cast<uint32_t>(names.size());
    images_.emplace_back((n + 1) * 0x1000 / 4, 0);
    auto* bytes = reinterpret_cast<uint8_t*>(images_.back().data());
    abi::ArchiveHeader h{abi::kArchiveMagic,
                         abi::kArchiveVersion,
                         (n + 1) * 0x1000,
                         n,
                         n,
                         static_cast<uint32_t>(reserved.size()),
                         {}};
    for (uint32_t& w : h.seed) w = seed;
    uint8_t* pos = bytes;
    std::memcpy(pos, &h, sizeof h);
    pos += sizeof h;
    for (uint32_t i = 0; i < n; ++i) {
      abi::ArchiveProcess p{{}, 0x10000, i, 1, 8192, abi::kDefaultPriority, abi::kDefaultPriority,
                            0};
      std::strncpy(p.name, names[i].c_str(), sizeof p.name - 1);
      std::memcpy(pos, &p, sizeof p);
      pos += sizeof p;
    }
    for (uint32_t i = 0; i < n; ++i) {
      const abi::ArchiveSegment s{0x10000, 0x1000, 0x10, (i + 1) * 0x1000,
                                  abi::kSegRead | abi::kSegExec};
      std::memcpy(pos, &s, sizeof s);
      pos += sizeof s;
    }
    for (const Reservation& r : reserved) {
      const abi::ArchiveReservedSid rec{{r.sid[0], r.sid[1], r.sid[2], r.sid[3]}, r.process};
      std::memcpy(pos, &rec, sizeof rec);
      pos += sizeof rec;
    }
    auto archive = BootArchive::parse({bytes, images_.back().size() * 4});
    if (archive.is_err()) return archive.error();
    auto booted = k_->boot(archive.value(), stir);
    return booted.is_ok() ? Error::Ok : booted.error();
  }

  Pid pid_of(const char* name) {
    for (Pid p = 1; p < kMaxProcesses; ++p) {
      const Process& proc = k_->process(p);
      if (proc.state == ProcessState::Alive && std::strcmp(proc.name, name) == 0) return p;
    }
    ADD_FAILURE() << "no process " << name;
    return 0;
  }
  Thread& main_of(const char* name) { return main_thread(pid_of(name)); }

  Ret create(Thread& t, const uint32_t sid[4]) {
    return sys(t, Syscall::create_server, sid[0], sid[1], sid[2], sid[3]);
  }

  std::vector<std::vector<uint32_t>> images_;
};

TEST_F(NamesTest, TheLogSidIsTheLogServersBeforeWhileAndAfterItLives) {
  ASSERT_EQ(boot({"client", "log"}, {{abi::kLogSid, 1}}), Error::Ok);
  // Before the log server has registered: a squatter is refused, not served.
  EXPECT_EQ(create(main_of("client"), abi::kLogSid).error, Error::AccessDenied);
  // The real log server registers it, and is the kernel log's reader.
  const Ret log = create(main_of("log"), abi::kLogSid);
  ASSERT_EQ(log.error, Error::Ok);
  const Ret buf = sys(main_of("log"), Syscall::map_memory, 0, 4096, kRw);
  ASSERT_EQ(buf.error, Error::Ok);
  EXPECT_EQ(sys(main_of("log"), Syscall::kernel_log, log.r[0], buf.r[0], 64).error, Error::Ok);
  // While it serves: AccessDenied (not AlreadyExists: the name is not the squatter's to wait for).
  EXPECT_EQ(create(main_of("client"), abi::kLogSid).error, Error::AccessDenied);
  // Clients still reach it.
  EXPECT_EQ(sys(main_of("client"), Syscall::try_connect, abi::kLogSid[0], abi::kLogSid[1],
                abi::kLogSid[2], abi::kLogSid[3])
                .error,
            Error::Ok);
  // After it died: still nobody else's, nor a new process's in the dead one's slot.
  const Pid log_pid = pid_of("log");
  sys(main_of("log"), Syscall::terminate_process, 1);
  EXPECT_EQ(create(main_of("client"), abi::kLogSid).error, Error::AccessDenied);
  const Pid heir = spawn("heir");
  EXPECT_EQ(heir, log_pid);  // the slot was reused...
  EXPECT_EQ(create(main_thread(heir), abi::kLogSid).error, Error::AccessDenied);  // ...not the name
}

TEST_F(NamesTest, AnImageMayReserveMoreSidsEachForOneProcess) {
  ASSERT_EQ(boot({"root", "owner", "log"}, {{kExtraSid, 1}, {abi::kLogSid, 2}}), Error::Ok);
  EXPECT_EQ(create(main_of("root"), kExtraSid).error, Error::AccessDenied);
  EXPECT_EQ(create(main_of("log"), kExtraSid).error, Error::AccessDenied);  // not the log's either
  EXPECT_EQ(create(main_of("owner"), abi::kLogSid).error, Error::AccessDenied);
  const Ret owned = create(main_of("owner"), kExtraSid);
  ASSERT_EQ(owned.error, Error::Ok);
  // The owner may destroy and register it again; nobody may take it in between.
  ASSERT_EQ(sys(main_of("owner"), Syscall::destroy_server, owned.r[0]).error, Error::Ok);
  EXPECT_EQ(create(main_of("root"), kExtraSid).error, Error::AccessDenied);
  EXPECT_EQ(create(main_of("owner"), kExtraSid).error, Error::Ok);
  // SIDs the image does not reserve stay first come, first served.
  EXPECT_EQ(create(main_of("root"), kFreeSid).error, Error::Ok);
  EXPECT_EQ(create(main_of("owner"), kFreeSid).error, Error::AlreadyExists);
}

TEST_F(NamesTest, WithoutAReservationAnyProcessMayRegisterTheSid) {
  // Host images (KernelTest::spawn) reserve nothing: the rule is the image's, not hard-wired.
  ASSERT_EQ(boot({"a", "b"}, {}), Error::Ok);
  EXPECT_EQ(create(main_of("b"), abi::kLogSid).error, Error::Ok);
}

TEST_F(NamesTest, AReservedSidIsNeverReservedAgain) {
  ASSERT_EQ(boot({"first", "log"}, {{abi::kLogSid, 1}}), Error::Ok);
  const uint32_t live_before = k_->live_processes();
  // A second image claiming the same name is refused whole: nothing of it starts.
  EXPECT_EQ(boot({"usurper"}, {{abi::kLogSid, 0}}), Error::AlreadyExists);
  EXPECT_EQ(k_->live_processes(), live_before);
  EXPECT_EQ(create(main_of("log"), abi::kLogSid).error, Error::Ok);
}

// --- random SIDs -----------------------------------------------------------------------------

struct Sid128 {
  uint32_t w[4];
  bool operator==(const Sid128& o) const { return std::memcmp(w, o.w, sizeof w) == 0; }
};

Sid128 sid_of(const Ret& r) { return Sid128{{r.r[1], r.r[2], r.r[3], r.r[4]}}; }

// xorshift64*, the generator this kernel used before (fa3bfc6), run from the state that
// produced `out` as its output (state = out * inverse of the multiplier, mod 2^64).
uint64_t old_next(uint64_t out) {
  constexpr uint64_t kMul = 0x2545f4914f6cdd1dull;
  uint64_t inv = 1;  // Newton's iteration for the inverse mod 2^64 (kMul is odd)
  for (int i = 0; i < 6; ++i) inv *= 2 - kMul * inv;
  uint64_t s = out * inv;
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  return s * kMul;  // the timer term was zero in these tests' kernels
}

TEST_F(NamesTest, RandomSidsDependOnTheSeedAndTheTimer) {
  std::vector<Sid128> seen;
  for (uint32_t seed : {1u, 2u}) {
    for (uint64_t stir : {0ull, 1ull}) {
      TearDown();
      SetUp();
      ASSERT_EQ(boot({"p"}, {}, seed, stir), Error::Ok);
      const Ret r = sys(main_of("p"), Syscall::create_server, 0, 0, 0, 0);
      ASSERT_EQ(r.error, Error::Ok);
      seen.push_back(sid_of(r));
    }
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    for (size_t j = 0; j < i; ++j) EXPECT_FALSE(seen[i] == seen[j]) << i << " vs " << j;
  }
  // The same seed and timer give the same SIDs: the seed is all there is to the state.
  TearDown();
  SetUp();
  ASSERT_EQ(boot({"p"}, {}, 2, 1), Error::Ok);
  EXPECT_TRUE(sid_of(sys(main_of("p"), Syscall::create_server, 0, 0, 0, 0)) == seen[3]);
}

TEST_F(NamesTest, ConsecutiveRandomSidsAreNotRelatedByTheOldGenerator) {
  ASSERT_EQ(boot({"p", "q"}, {}, 7), Error::Ok);
  // Two processes alternate, as an attacker and its victim would: from its own SID, the
  // attacker computes what the old generator would have given next.
  Thread* turn[2] = {&main_of("p"), &main_of("q")};
  std::vector<Sid128> sids;
  for (int i = 0; i < 10; ++i) {
    Thread& t = *turn[i % 2];
    const Ret r = sys(t, Syscall::create_server, 0, 0, 0, 0);
    ASSERT_EQ(r.error, Error::Ok);
    sids.push_back(sid_of(r));
    ASSERT_EQ(sys(t, Syscall::destroy_server, r.r[0]).error, Error::Ok);  // stay under the limit
  }
  int ones = 0;
  for (size_t i = 0; i < sids.size(); ++i) {
    const Sid128& s = sids[i];
    const uint64_t lo = s.w[0] | uint64_t{s.w[1]} << 32;
    const uint64_t hi = s.w[2] | uint64_t{s.w[3]} << 32;
    // Within a SID, the old generator's second word pair followed from the first...
    EXPECT_NE(old_next(lo) | 1ull << 32, hi | 1ull << 32) << "SID " << i;
    // ...and the next SID followed from this one.
    if (i + 1 < sids.size()) {
      const uint64_t next_lo = sids[i + 1].w[0] | uint64_t{sids[i + 1].w[1]} << 32;
      EXPECT_NE(old_next(hi), next_lo) << "SID " << i;
    }
    for (size_t j = 0; j < i; ++j) EXPECT_FALSE(sids[j] == s);
    for (uint32_t w : s.w) ones += __builtin_popcount(w);
  }
  // 1280 bits: a fair source gives 640 ± 18 (one standard deviation); allow six.
  EXPECT_GT(ones, 640 - 6 * 18);
  EXPECT_LT(ones, 640 + 6 * 18);
}

}  // namespace
}  // namespace courier::test
