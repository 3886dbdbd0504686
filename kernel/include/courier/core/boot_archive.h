// core/boot_archive.h — reading the boot archive the build links into the kernel image.
//
// The archive (format in abi/boot_archive.h) is produced by our own packer, but the kernel still
// treats it as untrusted bytes: parse() checks every table and range before any field is used,
// so a corrupt image is refused with an error instead of sending the loader out of bounds.
//
// Invariant after a successful parse(): every process's segment range lies inside the segment
// table, every segment's [offset, offset + file_size) lies inside the archive, file_size <=
// mem_size, [vaddr, vaddr + mem_size) does not wrap, each entry point lies in an executable
// segment of its process, every reserved SID is non-zero, unique, and names a process of
// the table, and every process's priorities are the scheduler's (max_priority <= priority <
// abi::kPriorities) and its interrupt lines are lines of the platform (never line 0).
#pragma once

#include "courier/abi/boot_archive.h"
#include "courier/abi/error.h"
#include "courier/kstd/result.h"
#include "courier/kstd/span.h"

namespace courier {

class BootArchive {
 public:
  // Interrupt lines are checked against the platform's (platform::irq_lines()).
  static kstd::Result<BootArchive, abi::Error> parse(kstd::Span<const uint8_t> bytes);
  // The same for a controller of `irq_lines` lines (1 .. irq_lines - 1).
  static kstd::Result<BootArchive, abi::Error> parse(kstd::Span<const uint8_t> bytes,
                                                     uint32_t irq_lines);

  uint32_t process_count() const { return header_->process_count; }
  const abi::ArchiveProcess& process(uint32_t i) const { return procs_[i]; }
  kstd::Span<const abi::ArchiveSegment> segments(const abi::ArchiveProcess& p) const {
    return segs_.subspan(p.first_segment, p.segment_count);
  }
  kstd::Span<const uint8_t> data(const abi::ArchiveSegment& s) const {
    return bytes_.subspan(s.offset, s.file_size);
  }
  kstd::Span<const uint8_t> bytes() const { return bytes_; }
  kstd::Span<const abi::ArchiveReservedSid> reserved_sids() const { return reserved_; }
  const uint32_t* seed() const { return header_->seed; }  // abi::kArchiveSeedWords words

 private:
  BootArchive() = default;
  kstd::Span<const uint8_t> bytes_;
  const abi::ArchiveHeader* header_ = nullptr;
  kstd::Span<const abi::ArchiveProcess> procs_;
  kstd::Span<const abi::ArchiveSegment> segs_;
  kstd::Span<const abi::ArchiveReservedSid> reserved_;
};

}  // namespace courier
