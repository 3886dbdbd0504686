// boot_archive_test.cc — the kernel refuses every malformed boot archive instead of trusting it.
#include "courier/core/boot_archive.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "courier/abi/syscall.h"

namespace {

using courier::BootArchive;
using courier::abi::ArchiveHeader;
using courier::abi::ArchiveProcess;
using courier::abi::ArchiveReservedSid;
using courier::abi::ArchiveSegment;
using courier::abi::Error;

// A well-formed two-process archive with two reserved SIDs; tests corrupt one field at a time.
struct Builder {
  ArchiveHeader header{courier::abi::kArchiveMagic, courier::abi::kArchiveVersion, 0, 2, 3, 2,
                       {1, 2, 3, 4, 5, 6, 7, 8}};
  ArchiveProcess procs[2] = {
      {"init", 0x10000, 0, 2, 8192, 4, 4, 0},
      {"server", 0x20004, 2, 1, 4096, 3, 2, (1u << 10) | (1u << 11)},
  };
  ArchiveSegment segs[3] = {
      {0x10000, 0x100, 0x80, 0x1000, courier::abi::kSegRead | courier::abi::kSegExec},
      {0x11000, 0x2000, 0x10, 0x1080, courier::abi::kSegRead | courier::abi::kSegWrite},
      {0x20000, 0x40, 0x40, 0x10c0, courier::abi::kSegRead | courier::abi::kSegExec},
  };
  ArchiveReservedSid sids[2] = {
      {{0x72756f63, 0x2e726569, 0x00676f6c, 0}, 1},
      {{0x11, 0x22, 0x33, 0x44}, 0},
  };
  uint32_t total = 0x2000;

  std::vector<uint32_t> build() {
    header.total_size = total;
    std::vector<uint32_t> words(0x2000 / 4, 0);
    auto* bytes = reinterpret_cast<uint8_t*>(words.data());
    std::memcpy(bytes, &header, sizeof header);
    std::memcpy(bytes + sizeof header, procs, sizeof procs);
    std::memcpy(bytes + sizeof header + sizeof procs, segs, sizeof segs);
    std::memcpy(bytes + sizeof header + sizeof procs + sizeof segs, sids, sizeof sids);
    for (uint32_t i = 0x1000; i < 0x1100; ++i) bytes[i] = static_cast<uint8_t>(i);
    return words;
  }
};

kstd::Span<const uint8_t> as_bytes(const std::vector<uint32_t>& w) {
  return {reinterpret_cast<const uint8_t*>(w.data()), w.size() * 4};
}

Error parse_error(Builder b) {
  auto words = b.build();
  auto r = BootArchive::parse(as_bytes(words));
  return r.is_ok() ? Error::Ok : r.error();
}

TEST(BootArchive, ParsesAWellFormedArchive) {
  Builder b;
  auto words = b.build();
  auto r = BootArchive::parse(as_bytes(words));
  ASSERT_TRUE(r.is_ok());
  const BootArchive& a = r.value();
  ASSERT_EQ(a.process_count(), 2u);
  EXPECT_STREQ(a.process(1).name, "server");
  ASSERT_EQ(a.segments(a.process(0)).size(), 2u);
  EXPECT_EQ(a.segments(a.process(1))[0].vaddr, 0x20000u);
  auto data = a.data(a.segments(a.process(0))[0]);
  ASSERT_EQ(data.size(), 0x80u);
  EXPECT_EQ(data[1], 0x01);  // byte 0x1001 of the archive
  ASSERT_EQ(a.reserved_sids().size(), 2u);
  EXPECT_EQ(a.reserved_sids()[0].process, 1u);
  EXPECT_EQ(a.reserved_sids()[1].sid[3], 0x44u);
  EXPECT_EQ(a.seed()[7], 8u);
  EXPECT_EQ(a.process(1).priority, 3u);
  EXPECT_EQ(a.process(1).max_priority, 2u);
  EXPECT_EQ(a.process(1).irq_lines, (1u << 10) | (1u << 11));
}

TEST(BootArchive, RejectsTooShortOrMisalignedInput) {
  std::vector<uint32_t> tiny(4, 0);
  EXPECT_EQ(BootArchive::parse(as_bytes(tiny)).error(), Error::InvalidArgument);
  Builder b;
  auto words = b.build();
  auto bytes = as_bytes(words);
  EXPECT_EQ(BootArchive::parse(bytes.subspan(1, bytes.size() - 1)).error(), Error::InvalidArgument);
}

TEST(BootArchive, RejectsBadHeader) {
  Builder b1;
  b1.header.magic = 0;
  EXPECT_EQ(parse_error(b1), Error::InvalidArgument);
  Builder b2;
  b2.header.version = 1;  // the format before reserved SIDs and the seed
  EXPECT_EQ(parse_error(b2), Error::InvalidArgument);
  Builder b2a;
  b2a.header.version = 2;  // the format before priorities and interrupt lines
  EXPECT_EQ(parse_error(b2a), Error::InvalidArgument);
  Builder b3;
  b3.total = 0x2004;  // claims more bytes than there are
  EXPECT_EQ(parse_error(b3), Error::InvalidArgument);
  Builder b4;
  b4.header.process_count = 0;
  EXPECT_EQ(parse_error(b4), Error::InvalidArgument);
  Builder b5;
  b5.header.process_count = 0x10000000;  // table size would overflow 32 bits
  EXPECT_EQ(parse_error(b5), Error::InvalidArgument);
  Builder b6;
  b6.header.segment_count = 400;
  EXPECT_EQ(parse_error(b6), Error::InvalidArgument);
}

TEST(BootArchive, RejectsSegmentsOutsideTheArchiveOrWrapping) {
  Builder b1;
  b1.segs[0].offset = 0x1ff0;  // 0x80 bytes from here run past the end
  EXPECT_EQ(parse_error(b1), Error::InvalidArgument);
  Builder b2;
  b2.segs[0].offset = 0xffffff90;  // offset + size wraps
  EXPECT_EQ(parse_error(b2), Error::InvalidArgument);
  Builder b3;
  b3.segs[1].vaddr = 0xfffff000;  // vaddr + mem_size wraps
  EXPECT_EQ(parse_error(b3), Error::InvalidArgument);
  Builder b4;
  b4.segs[1].file_size = 0x3000;  // more file bytes than memory
  EXPECT_EQ(parse_error(b4), Error::InvalidArgument);
  Builder b5;
  b5.segs[2].mem_size = 0;
  EXPECT_EQ(parse_error(b5), Error::InvalidArgument);
}

TEST(BootArchive, RejectsBadFlagsAndProcessRecords) {
  Builder b1;
  b1.segs[0].flags = 0x10;
  EXPECT_EQ(parse_error(b1), Error::InvalidArgument);
  Builder b2;
  b2.segs[1].flags = courier::abi::kSegWrite;  // write-only is not a mapping we make
  EXPECT_EQ(parse_error(b2), Error::InvalidArgument);
  Builder b3;
  std::memset(b3.procs[0].name, 'x', sizeof b3.procs[0].name);  // not NUL-terminated
  EXPECT_EQ(parse_error(b3), Error::InvalidArgument);
  Builder b4;
  b4.procs[1].first_segment = 2;
  b4.procs[1].segment_count = 2;  // runs past the segment table
  EXPECT_EQ(parse_error(b4), Error::InvalidArgument);
  Builder b5;
  b5.procs[1].first_segment = 0xffffffff;  // first + count wraps
  EXPECT_EQ(parse_error(b5), Error::InvalidArgument);
  Builder b6;
  b6.procs[0].segment_count = 0;
  EXPECT_EQ(parse_error(b6), Error::InvalidArgument);
}

TEST(BootArchive, RejectsAnEntryPointOutsideExecutableMemory) {
  Builder b1;
  b1.procs[0].entry = 0x11000;  // inside the data segment, which is not executable
  EXPECT_EQ(parse_error(b1), Error::InvalidArgument);
  Builder b2;
  b2.procs[0].entry = 0x10100;  // one past the end of the text segment
  EXPECT_EQ(parse_error(b2), Error::InvalidArgument);
  Builder b3;
  b3.procs[1].entry = 0x10000;  // another process's text
  EXPECT_EQ(parse_error(b3), Error::InvalidArgument);
}

// Reserved SIDs are authority over names: a record that names no process, the all-zero SID
// (which asks for a random one), a SID reserved twice, or a table beyond the archive is refused.
TEST(BootArchive, RejectsBadReservedSids) {
  Builder b1;
  b1.sids[1].process = 2;  // only processes 0 and 1 exist
  EXPECT_EQ(parse_error(b1), Error::InvalidArgument);
  Builder b2;
  b2.sids[1].process = 0xffffffff;
  EXPECT_EQ(parse_error(b2), Error::InvalidArgument);
  Builder b3;
  for (uint32_t& w : b3.sids[0].sid) w = 0;
  EXPECT_EQ(parse_error(b3), Error::InvalidArgument);
  Builder b4;
  // The same SID twice, even for the same owner.
  std::memcpy(b4.sids[1].sid, b4.sids[0].sid, sizeof b4.sids[0].sid);
  b4.sids[1].process = 1;
  EXPECT_EQ(parse_error(b4), Error::InvalidArgument);
  Builder b5;
  b5.header.reserved_sid_count = courier::abi::kArchiveMaxReservedSids + 1;
  EXPECT_EQ(parse_error(b5), Error::InvalidArgument);
  Builder b6;
  b6.header.reserved_sid_count = 0xffffffff;  // table size would overflow 32 bits
  EXPECT_EQ(parse_error(b6), Error::InvalidArgument);
  Builder b7;
  b7.total = 56 + 88 + 60 + 30;  // the table runs past the archive's end
  EXPECT_EQ(parse_error(b7), Error::InvalidArgument);
  Builder ok;
  ok.header.reserved_sid_count = 1;  // a shorter table is fine: the second record is data
  EXPECT_EQ(parse_error(ok), Error::Ok);
}

// Priorities and interrupt lines are authority too (abi/boot_archive.h): a priority the
// scheduler does not have, a first thread above its ceiling, line 0, or a line the platform
// does not have is refused.
TEST(BootArchive, RejectsBadPriorities) {
  Builder b1;
  b1.procs[0].max_priority = courier::abi::kPriorities;  // and priority 4 < it: both wrong
  EXPECT_EQ(parse_error(b1), Error::InvalidArgument);
  Builder b2;
  b2.procs[1].priority = courier::abi::kPriorities;
  EXPECT_EQ(parse_error(b2), Error::InvalidArgument);
  Builder b3;
  b3.procs[1].priority = 0xffffffff;
  b3.procs[1].max_priority = 0;
  EXPECT_EQ(parse_error(b3), Error::InvalidArgument);
  Builder b4;
  b4.procs[1].priority = 1;  // the first thread above the ceiling (2)
  EXPECT_EQ(parse_error(b4), Error::InvalidArgument);
  Builder b5;
  b5.procs[0].max_priority = 0x100 | 4;  // no bits beyond the value
  EXPECT_EQ(parse_error(b5), Error::InvalidArgument);
  Builder ok;
  ok.procs[0].priority = courier::abi::kPriorities - 1;  // the least urgent, under ceiling 0
  ok.procs[0].max_priority = 0;
  EXPECT_EQ(parse_error(ok), Error::Ok);
}

Error parse_error_on(Builder b, uint32_t irq_lines) {
  auto words = b.build();
  auto r = BootArchive::parse(as_bytes(words), irq_lines);
  return r.is_ok() ? Error::Ok : r.error();
}

TEST(BootArchive, RejectsInterruptLinesThePlatformDoesNotHave) {
  Builder b1;
  b1.procs[0].irq_lines = 1;  // line 0 is no line
  EXPECT_EQ(parse_error(b1), Error::InvalidArgument);
  EXPECT_EQ(parse_error_on(b1, 32), Error::InvalidArgument);
  // A controller of 12 lines (1 .. 11): the server's 10 and 11 are fine, 12 is not a line.
  Builder b2;
  EXPECT_EQ(parse_error_on(b2, 12), Error::Ok);
  b2.procs[0].irq_lines = 1u << 12;
  EXPECT_EQ(parse_error_on(b2, 12), Error::InvalidArgument);
  EXPECT_EQ(parse_error_on(b2, 32), Error::Ok);
  Builder b3;
  b3.procs[1].irq_lines = 1u << 31;  // the last line of a 32-line controller
  EXPECT_EQ(parse_error_on(b3, 32), Error::Ok);
  EXPECT_EQ(parse_error_on(b3, 31), Error::InvalidArgument);
  EXPECT_EQ(parse_error_on(b3, 0), Error::InvalidArgument);
  Builder b4;
  EXPECT_EQ(parse_error_on(b4, 0), Error::InvalidArgument);  // no lines at all: none granted
  EXPECT_EQ(parse_error_on(b4, 11), Error::InvalidArgument);
  b4.procs[1].irq_lines = 0;
  EXPECT_EQ(parse_error_on(b4, 0), Error::Ok);
  EXPECT_EQ(parse_error_on(b4, 1), Error::Ok);
  Builder b5;
  b5.procs[1].irq_lines = 0xffffffff;  // every bit: line 0 among them
  EXPECT_EQ(parse_error_on(b5, 32), Error::InvalidArgument);
  b5.procs[1].irq_lines = 0xfffffffe;  // every line of a 32-line controller
  EXPECT_EQ(parse_error_on(b5, 32), Error::Ok);
  EXPECT_EQ(parse_error_on(b5, 64), Error::Ok);  // more than the mask can name: the same
}

}  // namespace
