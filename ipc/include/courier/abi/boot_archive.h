// abi/boot_archive.h — the boot archive: the initial processes the kernel starts.
//
// The build links user programs as ordinary ELF files; a host-side packer
// (scripts/lib/mkarchive.py) turns them into this flat, little-endian archive, which is linked
// into the kernel image page-aligned. The kernel never parses ELF: it reads these fixed
// records, which it validates like any other untrusted input before using them.
//
// Layout: ArchiveHeader, then `process_count` ArchiveProcess records, then `segment_count`
// ArchiveSegment records, then segment data. Each segment's data starts at an archive offset
// congruent to its virtual address modulo the page size, so whole pages can be handed over
// instead of copied.
#pragma once

#include <stdint.h>

namespace courier::abi {

inline constexpr uint32_t kArchiveMagic = 0x41425243;  // "CRBA"
inline constexpr uint32_t kArchiveVersion = 1;
inline constexpr uint32_t kArchiveNameLen = 16;

enum SegmentFlags : uint32_t { kSegRead = 1, kSegWrite = 2, kSegExec = 4 };

struct ArchiveHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t total_size;  // bytes, including this header
  uint32_t process_count;
  uint32_t segment_count;
};

struct ArchiveProcess {
  char name[kArchiveNameLen];  // NUL-padded
  uint32_t entry;              // initial pc
  uint32_t first_segment;      // index into the segment table
  uint32_t segment_count;
  uint32_t stack_size;  // bytes of stack the kernel maps for the first thread
};

struct ArchiveSegment {
  uint32_t vaddr;
  uint32_t mem_size;
  uint32_t file_size;  // <= mem_size; the rest is zero
  uint32_t offset;     // from the start of the archive
  uint32_t flags;      // SegmentFlags
};

static_assert(sizeof(ArchiveHeader) == 20);
static_assert(sizeof(ArchiveProcess) == 32);
static_assert(sizeof(ArchiveSegment) == 20);

}  // namespace courier::abi
