// names.cc — names are authority (DESIGN.md §8): reserved SIDs and unpredictable random SIDs.
//
// A SID is how a client finds a server, so whoever registers a well-known SID receives what
// clients send to it: the log server's SID is every process's print lines and the kernel's own
// log. The boot image therefore says which boot process each well-known SID belongs to
// (abi/boot_archive.h); create_server of a reserved SID by anyone else is AccessDenied, for
// the life of the system. The reservation outlives its owner: when the owner dies the name is
// reserved for nobody, so a process that outlives the log server cannot take its place.
//
// A random SID (create_server with an all-zero SID) is the other kind of name: a secret that
// only those the creator tells can connect to. It must be unguessable even to a process that
// has seen any number of random SIDs of its own, so it comes from ChaCha20 with fast key
// erasure (kstd/chacha20.h), keyed from the boot archive's per-image seed and the timer.
#include "courier/core/kernel.h"
#include "courier/kstd/assert.h"

namespace courier {

namespace {
bool same_sid(const uint32_t a[4], const uint32_t b[4]) {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}
// The process's name is the archive record's (both NUL-terminated; create_process copies it).
bool same_name(const char* a, const char* b) {
  uint32_t i = 0;
  while (a[i] == b[i] && a[i] != '\0') ++i;
  return a[i] == b[i];
}
}  // namespace

kstd::Result<void, abi::Error> Kernel::boot(const BootArchive& archive, uint64_t stir) {
  const auto sids = archive.reserved_sids();
  if (reserved_sid_count_ + sids.size() > kMaxReservedSids) {
    return kstd::err(abi::Error::LimitReached);
  }
  for (const abi::ArchiveReservedSid& r : sids) {
    for (uint32_t i = 0; i < reserved_sid_count_; ++i) {
      if (same_sid(reserved_sids_[i].sid, r.sid)) return kstd::err(abi::Error::AlreadyExists);
    }
  }
  seed_random(archive.seed(), stir);
  // load() gives each new process the lowest free slot, in archive order: so the archive's
  // i-th process is the i-th slot free now.
  Pid slot_of[kMaxProcesses] = {};
  uint32_t free_slots = 0;
  for (Pid p = 1; p < kMaxProcesses; ++p) {
    if (processes_[p].state == ProcessState::Free) slot_of[free_slots++] = p;
  }
  KTRY_VOID(load(archive));
  for (const abi::ArchiveReservedSid& r : sids) {
    // parse() checked r.process against the process table; load() made every process.
    KASSERT(r.process < free_slots);
    const Process& owner = processes_[slot_of[r.process]];
    KASSERT(owner.state == ProcessState::Alive &&
            same_name(owner.name, archive.process(r.process).name));
    ReservedSid& slot = reserved_sids_[reserved_sid_count_++];
    for (int i = 0; i < 4; ++i) slot.sid[i] = r.sid[i];
    slot.owner = slot_of[r.process];
  }
  return {};
}

bool Kernel::may_register(Pid pid, const uint32_t sid[4]) const {
  for (uint32_t i = 0; i < reserved_sid_count_; ++i) {
    if (same_sid(reserved_sids_[i].sid, sid)) return reserved_sids_[i].owner == pid;
  }
  return true;
}

void Kernel::orphan_names(Pid pid) {
  for (uint32_t i = 0; i < reserved_sid_count_; ++i) {
    if (reserved_sids_[i].owner == pid) reserved_sids_[i].owner = 0;
  }
}

void Kernel::random_sid(uint32_t sid[4]) {
  rng_.fill(sid, 4);
  sid[3] |= 1;  // never all zero (that would ask for a random SID again)
}

}  // namespace courier
