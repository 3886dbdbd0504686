// boot_archive.cc — validation of the boot archive (see core/boot_archive.h for the invariant).
#include "courier/core/boot_archive.h"

#include "courier/abi/syscall.h"
#include "courier/core/platform.h"
#include "courier/kstd/addr.h"

namespace courier {
namespace {

using abi::Error;

constexpr uint32_t kValidFlags = abi::kSegRead | abi::kSegWrite | abi::kSegExec;
// More than this many processes or segments is not a boot image we built.
constexpr uint32_t kMaxProcesses = 64;
constexpr uint32_t kMaxSegments = 256;

bool range_fits(uint32_t offset, uint32_t len, uint32_t total) {
  uint32_t end;
  return kstd::checked_add(offset, len, &end) && end <= total;
}

bool same_sid(const uint32_t (&a)[4], const uint32_t (&b)[4]) {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

bool name_terminated(const char (&name)[abi::kArchiveNameLen]) {
  for (char c : name) {
    if (c == '\0') return true;
  }
  return false;
}

}  // namespace

kstd::Result<BootArchive, Error> BootArchive::parse(kstd::Span<const uint8_t> bytes) {
  return parse(bytes, platform::irq_lines());
}

kstd::Result<BootArchive, Error> BootArchive::parse(kstd::Span<const uint8_t> bytes,
                                                    uint32_t irq_lines) {
  // The archive is linked on a page boundary; anything less than word alignment means the
  // bytes are not the archive we expect.
  if (bytes.size() < sizeof(abi::ArchiveHeader) ||
      (reinterpret_cast<uintptr_t>(bytes.data()) & 3) != 0) {
    return kstd::err(Error::InvalidArgument);
  }
  BootArchive a;
  // Safe: size and alignment were checked just above; the header is plain words.
  a.header_ = reinterpret_cast<const abi::ArchiveHeader*>(bytes.data());
  const abi::ArchiveHeader& h = *a.header_;
  if (h.magic != abi::kArchiveMagic || h.version != abi::kArchiveVersion ||
      h.total_size > bytes.size() || h.total_size < sizeof(abi::ArchiveHeader) ||
      h.process_count == 0 || h.process_count > kMaxProcesses || h.segment_count > kMaxSegments ||
      h.reserved_sid_count > abi::kArchiveMaxReservedSids) {
    return kstd::err(Error::InvalidArgument);
  }
  a.bytes_ = bytes.first(h.total_size);

  const uint32_t procs_off = sizeof(abi::ArchiveHeader);
  const uint32_t procs_len = h.process_count * sizeof(abi::ArchiveProcess);
  const uint32_t segs_off = procs_off + procs_len;
  const uint32_t segs_len = h.segment_count * sizeof(abi::ArchiveSegment);
  const uint32_t sids_off = segs_off + segs_len;
  const uint32_t sids_len = h.reserved_sid_count * sizeof(abi::ArchiveReservedSid);
  // The counts are bounded above, so these sums cannot wrap.
  if (!range_fits(procs_off, procs_len + segs_len + sids_len, h.total_size)) {
    return kstd::err(Error::InvalidArgument);
  }
  // Safe: both tables lie inside the archive (checked above) at word-aligned offsets.
  a.procs_ = kstd::Span<const abi::ArchiveProcess>(
      reinterpret_cast<const abi::ArchiveProcess*>(bytes.data() + procs_off), h.process_count);
  a.segs_ = kstd::Span<const abi::ArchiveSegment>(
      reinterpret_cast<const abi::ArchiveSegment*>(bytes.data() + segs_off), h.segment_count);
  a.reserved_ = kstd::Span<const abi::ArchiveReservedSid>(
      reinterpret_cast<const abi::ArchiveReservedSid*>(bytes.data() + sids_off),
      h.reserved_sid_count);

  for (const abi::ArchiveSegment& s : a.segs_) {
    uint32_t end;
    if (s.file_size > s.mem_size || s.mem_size == 0 ||
        !kstd::checked_add(s.vaddr, s.mem_size, &end) ||
        !range_fits(s.offset, s.file_size, h.total_size) || (s.flags & ~kValidFlags) != 0 ||
        (s.flags & abi::kSegRead) == 0) {
      return kstd::err(Error::InvalidArgument);
    }
  }
  // Lines 1 .. irq_lines - 1 exist (at most 31: the mask is one word and line 0 is none).
  const uint32_t known_lines = (irq_lines >= 32 ? ~0u : (1u << irq_lines) - 1) & ~1u;
  for (const abi::ArchiveProcess& p : a.procs_) {
    if (!name_terminated(p.name) || p.segment_count == 0 ||
        !range_fits(p.first_segment, p.segment_count, h.segment_count)) {
      return kstd::err(Error::InvalidArgument);
    }
    // A priority the scheduler has, a first thread within the ceiling, lines the platform has.
    if (p.max_priority >= abi::kPriorities || p.priority >= abi::kPriorities ||
        p.priority < p.max_priority || (p.irq_lines & ~known_lines) != 0) {
      return kstd::err(Error::InvalidArgument);
    }
    bool entry_ok = false;
    for (const abi::ArchiveSegment& s : a.segments(p)) {
      if ((s.flags & abi::kSegExec) && p.entry >= s.vaddr && p.entry - s.vaddr < s.mem_size) {
        entry_ok = true;
      }
    }
    if (!entry_ok) return kstd::err(Error::InvalidArgument);
  }
  // A reserved SID names a process of this archive, is not the all-zero "random" request, and
  // is reserved once (two owners for one name would make the rule depend on record order).
  for (uint32_t i = 0; i < a.reserved_.size(); ++i) {
    const abi::ArchiveReservedSid& r = a.reserved_[i];
    if (r.process >= h.process_count || (r.sid[0] | r.sid[1] | r.sid[2] | r.sid[3]) == 0) {
      return kstd::err(Error::InvalidArgument);
    }
    for (uint32_t j = 0; j < i; ++j) {
      if (same_sid(a.reserved_[j].sid, r.sid)) return kstd::err(Error::InvalidArgument);
    }
  }
  return a;
}

}  // namespace courier
