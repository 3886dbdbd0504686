// abi/boot_archive.h — the boot archive: the initial processes the kernel starts, the names
// they alone may register, the priorities and interrupt lines each may use, and the image's
// boot entropy.
//
// The build links user programs as ordinary ELF files; a host-side packer
// (scripts/lib/mkarchive.py) turns them into this flat, little-endian archive, which is linked
// into the kernel image page-aligned. The kernel never parses ELF: it reads these fixed
// records, which it validates like any other untrusted input before using them.
//
// Layout: ArchiveHeader, then `process_count` ArchiveProcess records, then `segment_count`
// ArchiveSegment records, then `reserved_sid_count` ArchiveReservedSid records, then segment
// data. Each segment's data starts at an archive offset congruent to its virtual address modulo
// the page size, so whole pages can be handed over instead of copied.
//
// Reserved SIDs (DESIGN.md §8, "names are authority"): each record names a SID and the boot
// process (an index into the process table) that alone may create_server it. Any other
// process gets AccessDenied, before the owner registers it, while it serves, and after the
// owner has died: a reserved name is never handed to anyone else. Every image reserves the log
// server's SID (abi/log.h kLogSid) for its log server; an image may reserve more
// (courier_image's RESERVE, cmake/courier.cmake). SIDs not reserved are first come, first
// served, as before.
//
// Priorities (abi/syscall.h): each process record gives the priority of the process's first
// thread and its ceiling, `max_priority`: the most urgent priority any of its threads may have
// (0 is the most urgent; seL4 calls it the maximum controlled priority). create_thread above
// the ceiling answers AccessDenied, so a process can never take the hart from processes the
// image placed above it. Both are < abi::kPriorities and priority >= max_priority (the first
// thread obeys the ceiling too). The packer's defaults (scripts/lib/mkarchive.py,
// courier_image's PRIORITY): both abi::kDefaultPriority for ordinary programs; the log server
// and the device drivers in services/ sit above them (cmake/courier.cmake says where).
//
// Interrupt lines (abi/irq.h): `irq_lines` is the set of lines the process may claim, bit n
// for line n. Line 0 is no line and bits at or beyond the platform's line count name no line:
// a record with either set is refused. claim_interrupt of any other line answers
// AccessDenied. Lines follow the record, not the process: a process spawned again from the
// same record (core/spawn.cc) may claim them again, unlike the reserved SIDs above, which are
// orphaned when their owner dies. A name is where other processes send their messages, so a
// new holder would receive what clients meant for the one they connected to; a line carries
// nothing from anyone but the device, and it is freed and masked when its owner dies, so the
// fresh copy of the driver the image named gets only the device's future interrupts.
//
// Boot entropy: `seed` is 256 bits the packer draws from the build host's /dev/urandom for every
// archive it writes (or derives from COURIER_BOOT_SEED for a reproducible build). The kernel keys
// its random-SID generator with it, stirred with the platform timer at boot, then wipes it
// from the archive. It sits at a fixed place in a fixed-size header, so no code or data moves
// when it changes. (On the Precursor the TRNG will take its place.)
#pragma once

#include <stdint.h>

namespace courier::abi {

inline constexpr uint32_t kArchiveMagic = 0x41425243;  // "CRBA"
// 2: reserved SIDs and the boot seed; 3: per-process priorities and interrupt lines
inline constexpr uint32_t kArchiveVersion = 3;
inline constexpr uint32_t kArchiveNameLen = 16;
inline constexpr uint32_t kArchiveSeedWords = 8;  // 256 bits
inline constexpr uint32_t kArchiveMaxReservedSids = 16;

enum SegmentFlags : uint32_t { kSegRead = 1, kSegWrite = 2, kSegExec = 4 };

struct ArchiveHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t total_size;  // bytes, including this header
  uint32_t process_count;
  uint32_t segment_count;
  uint32_t reserved_sid_count;       // <= kArchiveMaxReservedSids
  uint32_t seed[kArchiveSeedWords];  // boot entropy (see above)
};

struct ArchiveProcess {
  char name[kArchiveNameLen];  // NUL-padded
  uint32_t entry;              // initial pc
  uint32_t first_segment;      // index into the segment table
  uint32_t segment_count;
  uint32_t stack_size;    // bytes of stack the kernel maps for the first thread
  uint32_t priority;      // its first thread's priority (>= max_priority)
  uint32_t max_priority;  // the most urgent priority its threads may have (< abi::kPriorities)
  uint32_t irq_lines;     // bit n: it may claim interrupt line n (never bit 0)
};

struct ArchiveSegment {
  uint32_t vaddr;
  uint32_t mem_size;
  uint32_t file_size;  // <= mem_size; the rest is zero
  uint32_t offset;     // from the start of the archive
  uint32_t flags;      // SegmentFlags
};

// A SID only one boot process may register. Never all zero (that asks for a random SID), and
// each SID appears at most once.
struct ArchiveReservedSid {
  uint32_t sid[4];
  uint32_t process;  // index into the process table
};

static_assert(sizeof(ArchiveHeader) == 56);
static_assert(sizeof(ArchiveProcess) == 44);
static_assert(sizeof(ArchiveSegment) == 20);
static_assert(sizeof(ArchiveReservedSid) == 20);

}  // namespace courier::abi
