// format_test.cc — the shared formatter used by the kernel console and user printing.
#include "courier/kstd/format.h"

#include <gtest/gtest.h>

#include <string>

#include "courier/core/console.h"
#include "test_support.h"

namespace {

std::string fmt(const char* f, auto... args) {
  char buf[128];
  kstd::sformat(buf, sizeof buf, f, args...);
  return buf;
}

TEST(Format, Conversions) {
  EXPECT_EQ(fmt("%s=%u", "x", 42u), "x=42");
  EXPECT_EQ(fmt("%d %d", -5, 0), "-5 0");
  EXPECT_EQ(fmt("%d", INT32_MIN), "-2147483648");
  EXPECT_EQ(fmt("%u", 4294967295u), "4294967295");
  EXPECT_EQ(fmt("%x", 0xdeadbeefu), "deadbeef");
  EXPECT_EQ(fmt("%08x", 0xbeefu), "0000beef");
  EXPECT_EQ(fmt("%5u|", 42u), "   42|");
  EXPECT_EQ(fmt("%c%c", 'o', 'k'), "ok");
  EXPECT_EQ(fmt("100%%"), "100%");
  EXPECT_EQ(fmt("%s", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_EQ(fmt("%q"), "%q");  // unknown conversions are shown, not swallowed
}

TEST(Format, TruncatesAndReportsFullLength) {
  char buf[6];
  EXPECT_EQ(kstd::sformat(buf, sizeof buf, "%s", "abcdefgh"), 8u);
  EXPECT_STREQ(buf, "abcde");
  EXPECT_EQ(kstd::sformat(buf, 0, "%s", "abc"), 3u);  // nothing written at all
  char one[1] = {'x'};
  EXPECT_EQ(kstd::sformat(one, 1, "abc"), 3u);
  EXPECT_EQ(one[0], '\0');
}

TEST(Console, KprintfGoesToTheKernelLogNotTheUart) {
  courier::test::console_output.clear();
  courier::klog::reset();
  courier::kprintf("[kernel] process %u (%s) exited\n", 3u, "init");
  EXPECT_EQ(courier::test::console_output, "");
  char buf[64] = {};
  uint32_t lost = 7;
  const uint32_t n = courier::klog::read(buf, sizeof buf, &lost);
  EXPECT_EQ(std::string(buf, n), "[kernel] process 3 (init) exited\n");
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(courier::klog::unread(), 0u);
}

TEST(Console, TheKernelLogKeepsTheNewestLinesAndCountsTheLost) {
  courier::klog::reset();
  // 257 lines of 16 bytes: one more than fits. The oldest goes whole.
  for (uint32_t i = 0; i < courier::klog::kSize / 16 + 1; ++i) courier::kprintf("line %010u\n", i);
  EXPECT_EQ(courier::klog::unread(), courier::klog::kSize);
  char first[16] = {};
  uint32_t lost = 0;
  EXPECT_EQ(courier::klog::read(first, sizeof first, &lost), 16u);
  EXPECT_EQ(lost, 16u);
  EXPECT_EQ(std::string(first, 16), "line 0000000001\n");  // line 0 went
  courier::klog::reset();
  // A line longer than kLineMax (only the kernel's own can be) goes kLineMax bytes at a time.
  for (uint32_t i = 0; i < courier::klog::kSize + 10; ++i) courier::kprintf("%c", 'a' + i % 26);
  EXPECT_EQ(courier::klog::unread(), courier::klog::kSize + 10 - courier::klog::kLineMax);
  EXPECT_EQ(courier::klog::read(first, 1, &lost), 1u);
  EXPECT_EQ(lost, courier::klog::kLineMax);
  EXPECT_EQ(first[0], 'a' + courier::klog::kLineMax % 26);
  courier::klog::reset();
}

TEST(Console, FlushToConsoleWritesWhatIsUnreadToTheUart) {
  courier::klog::reset();
  courier::test::console_output.clear();
  courier::kprintf("last words\n");
  courier::klog::flush_to_console();
  EXPECT_EQ(courier::test::console_output, "last words\n");
  EXPECT_EQ(courier::klog::unread(), 0u);
}

}  // namespace
