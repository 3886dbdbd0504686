// sender_test.cc — who said it (issue 13, finding 7): receive names the sending process in a3
// on every path a message takes (abi/syscall.h), and what a process writes with debug_write
// reaches the kernel log as its own marked lines, escaped, never as the kernel's (abi/log.h).
#include <string>

#include "courier/abi/lend.h"
#include "courier/abi/log.h"
#include "courier/abi/ring.h"
#include "kernel_fixture.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::MessageKind;
using abi::Syscall;

constexpr uint32_t kSid[4] = {0x5e, 0x4d, 0xe4, 0x00};
constexpr uint32_t kBuf = 0x30000000;
constexpr uint32_t kRing = 0x38000000;

// a3 as receive answers it: the kind, and the sender's pid above it.
constexpr uint32_t a3(MessageKind kind, Pid sender) {
  return static_cast<uint32_t>(kind) | (sender << abi::kMessageSenderShift);
}

class SenderTest : public KernelTest {
 protected:
  void SetUp() override {
    KernelTest::SetUp();
    server_pid = spawn("server");
    a_pid = spawn("a");
    b_pid = spawn("b");
    const Ret s = sys(srv(), Syscall::create_server, kSid[0], kSid[1], kSid[2], kSid[3]);
    ASSERT_EQ(s.error, Error::Ok);
    handle = s.r[0];
    for (Pid p : {a_pid, b_pid}) {
      const Ret c = sys(main_thread(p), Syscall::connect, kSid[0], kSid[1], kSid[2], kSid[3]);
      ASSERT_EQ(c.error, Error::Ok);
      cid[p] = c.r[0];
    }
  }
  Thread& srv() { return main_thread(server_pid); }
  Thread& a() { return main_thread(a_pid); }
  Thread& b() { return main_thread(b_pid); }
  void server_waits() {
    sys(srv(), Syscall::receive, handle);
    ASSERT_EQ(srv().state, ThreadState::Receiving);
  }

  Pid server_pid = 0, a_pid = 0, b_pid = 0;
  uint32_t handle = 0;
  uint32_t cid[kMaxProcesses] = {};
};

TEST_F(SenderTest, ScalarsNameTheirSenderQueuedOrHandedOver) {
  server_waits();
  ASSERT_EQ(sys(a(), Syscall::try_send_scalar, cid[a_pid], 1).error, Error::Ok);
  EXPECT_EQ(result(srv()).r[2], a3(MessageKind::Scalar, a_pid));  // handed to the receiver
  ASSERT_EQ(sys(b(), Syscall::send_scalar, cid[b_pid], 2).error, Error::Ok);
  ASSERT_EQ(sys(a(), Syscall::send_scalar, cid[a_pid], 3).error, Error::Ok);
  const Ret first = sys(srv(), Syscall::try_receive, handle);  // queued
  EXPECT_EQ(first.r[1], 2u);
  EXPECT_EQ(first.r[2], a3(MessageKind::Scalar, b_pid));
  const Ret second = sys(srv(), Syscall::reply_and_receive_next, handle, 0);  // queued, too
  EXPECT_EQ(second.r[1], 3u);
  EXPECT_EQ(second.r[2], a3(MessageKind::Scalar, a_pid));
}

TEST_F(SenderTest, CallsNameTheirSenderOnTheFastpathTheSlowPathAndFromTheQueue) {
  for (Path path : {Path::Normal, Path::SlowOnly}) {
    for (Pid p : {a_pid, b_pid}) {
      server_waits();
      sys(main_thread(p), Syscall::call_scalar, cid[p], 7, 1, 2, 3, 4, path);
      ASSERT_EQ(main_thread(p).state, ThreadState::Calling);
      const Ret m = result(srv());
      EXPECT_EQ(m.r[2], a3(MessageKind::BlockingScalar, p));
      ASSERT_EQ(sys(srv(), Syscall::reply, m.r[0], 0, 0, 0, 0, 0, path).error, Error::Ok);
    }
  }
  // Queued: the server was not waiting.
  sys(b(), Syscall::call_scalar, cid[b_pid], 8);
  ASSERT_EQ(b().state, ThreadState::Calling);
  const Ret m = sys(srv(), Syscall::try_receive, handle);
  EXPECT_EQ(m.r[2], a3(MessageKind::BlockingScalar, b_pid));
  EXPECT_EQ(sys(srv(), Syscall::reply, m.r[0], 0, 0).error, Error::Ok);
}

TEST_F(SenderTest, BatchedSendsAndCallsNameTheProcessWhoseRingItIs) {
  ASSERT_EQ(sys(a(), Syscall::map_memory, kRing, abi::kRingBytes, kRw).error, Error::Ok);
  ASSERT_EQ(sys(a(), Syscall::ring_setup, kRing).error, Error::Ok);
  const abi::RingEntry entries[2] = {
      {static_cast<uint32_t>(Syscall::try_send_scalar), 1, {cid[a_pid], 11, 0, 0, 0, 0}},
      {static_cast<uint32_t>(Syscall::call_scalar), 2, {cid[a_pid], 12, 0, 0, 0, 0}}};
  ASSERT_TRUE(k_->copy_to_user(a_pid, kRing + 4096, entries, sizeof entries).is_ok());
  const uint32_t tail = 2;
  ASSERT_TRUE(
      k_->copy_to_user(a_pid, kRing + offsetof(abi::RingHeader, sq_tail), &tail, 4).is_ok());
  ASSERT_EQ(sys(a(), Syscall::ring_enter, 0).error, Error::Ok);
  const Ret send = sys(srv(), Syscall::try_receive, handle);
  EXPECT_EQ(send.r[1], 11u);
  EXPECT_EQ(send.r[2], a3(MessageKind::Scalar, a_pid));
  const Ret call = sys(srv(), Syscall::try_receive, handle);
  EXPECT_EQ(call.r[1], 12u);
  EXPECT_EQ(call.r[2], a3(MessageKind::BlockingScalar, a_pid));
  EXPECT_EQ(sys(srv(), Syscall::reply, call.r[0], 0, 0).error, Error::Ok);
}

TEST_F(SenderTest, MemoryMessagesNameTheLender) {
  ASSERT_EQ(sys(b(), Syscall::map_memory, kBuf, 3 * 4096, kRw).error, Error::Ok);
  struct Case {
    uint32_t kind;
    uint32_t va;
    MessageKind want;
  };
  const Case cases[] = {
      {static_cast<uint32_t>(MessageKind::Borrow), kBuf, MessageKind::Borrow},
      {static_cast<uint32_t>(MessageKind::MutableBorrow) | abi::kLendByCopy, kBuf,
       MessageKind::MutableBorrow},
      {static_cast<uint32_t>(MessageKind::Move), kBuf + 2 * 4096, MessageKind::Move},
  };
  for (const Case& c : cases) {
    KernelTestAccess::run(*k_, b());
    const uint32_t regs[7] = {cid[b_pid], 5, c.kind, c.va, 4096, 0, 0};
    for (int i = 0; i < 7; ++i) b().frame.a(i) = regs[i];
    b().frame.a(7) = static_cast<uint32_t>(Syscall::lend_memory);
    dispatch::syscall(*k_);
    const Ret m = sys(srv(), Syscall::try_receive, handle);
    ASSERT_EQ(m.error, Error::Ok);
    EXPECT_EQ(m.r[2], a3(c.want, b_pid)) << c.kind;
    if (c.want == MessageKind::Move) {
      EXPECT_EQ(sys(srv(), Syscall::unmap_memory, m.r[3], 4096).error, Error::Ok);
    } else {
      EXPECT_EQ(sys(srv(), Syscall::return_memory, m.r[0], 0, 0).error, Error::Ok);
    }
  }
}

// --- debug_write: a process's lines in the kernel log ------------------------------------------

class DebugWriteTest : public KernelTest {
 protected:
  void SetUp() override {
    KernelTest::SetUp();
    klog::reset();
    pid = spawn("writer");
    ASSERT_EQ(sys(me(), Syscall::map_memory, kBuf, 2 * 4096, kRw).error, Error::Ok);
  }
  void TearDown() override {
    klog::reset();
    KernelTest::TearDown();
  }
  Thread& me() { return main_thread(pid); }
  // debug_write of `bytes` by the writer; its answer.
  Error write(const std::string& bytes) {
    EXPECT_LE(bytes.size(), 2u * 4096);
    EXPECT_TRUE(k_->copy_to_user(pid, kBuf, bytes.data(), bytes.size()).is_ok());
    return sys(me(), Syscall::debug_write, kBuf, static_cast<uint32_t>(bytes.size())).error;
  }
  // Everything in the kernel log, read as the log server reads it.
  std::string log(uint32_t* lost = nullptr) {
    std::string out;
    char buf[512];
    uint32_t l = 0, total = 0;
    while (klog::unread() != 0) {
      const uint32_t n = klog::read(buf, sizeof buf, &l);
      total += l;
      out.append(buf, n);
    }
    if (lost) *lost = total;
    return out;
  }
  std::string mark() const { return "[pid " + std::to_string(pid) + "] "; }
  Pid pid = 0;
};

TEST_F(DebugWriteTest, ALineForgedAfterANewlineComesOutMarked) {
  ASSERT_EQ(write("hello\n[kernel] process 1 (init) exited with code 0\n"), Error::Ok);
  EXPECT_EQ(log(), mark() + "hello\n" + mark() + "[kernel] process 1 (init) exited with code 0\n");
}

TEST_F(DebugWriteTest, ControlBytesAreShownEscaped) {
  ASSERT_EQ(write("\r\x1b[2K[kernel] x\b\x7f\t\x01\xff\x80 end\n"), Error::Ok);
  EXPECT_EQ(log(), mark() + "\\x0d\\x1b[2K[kernel] x\\x08\\x7f\t\\x01\\xff\\x80 end\n");
  // Every byte: what the log holds is printable ASCII, tabs, and the newlines that end lines.
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  ASSERT_EQ(write(all), Error::Ok);
  const std::string out = log();
  for (char c : out) EXPECT_TRUE(c == '\n' || abi::log_shows(static_cast<uint8_t>(c))) << int(c);
  size_t at = 0;
  while (at < out.size()) {  // and every line starts with the mark
    EXPECT_EQ(out.compare(at, mark().size(), mark()), 0) << out.substr(at, 40);
    at = out.find('\n', at) + 1;
  }
}

TEST_F(DebugWriteTest, AWriteThatDoesNotEndItsLineCannotBeContinued) {
  ASSERT_EQ(write("unfinished "), Error::Ok);
  kprintf("[kernel] process 2 (b) exited with code 0\n");
  ASSERT_EQ(write("more"), Error::Ok);  // a new call, a new line
  ASSERT_EQ(write("\n"), Error::Ok);    // an empty line is still marked
  EXPECT_EQ(log(), mark() + "unfinished \n[kernel] process 2 (b) exited with code 0\n" + mark() +
                       "more\n" + mark() + "\n");
  ASSERT_EQ(write(""), Error::Ok);  // nothing at all
  EXPECT_EQ(klog::unread(), 0u);
}

TEST_F(DebugWriteTest, LongLinesGoOnInNewMarkedLines) {
  constexpr uint32_t kWidth = ProcessText::kProcessLineWidth;
  ASSERT_EQ(write(std::string(kWidth + 10, 'x') + "\n"), Error::Ok);
  EXPECT_EQ(log(), mark() + std::string(kWidth, 'x') + "\n" + mark() + std::string(10, 'x') + "\n");
  // An escape is never split across lines.
  ASSERT_EQ(write(std::string(kWidth - 2, 'y') + "\x1b"), Error::Ok);
  EXPECT_EQ(log(), mark() + std::string(kWidth - 2, 'y') + "\n" + mark() + "\\x1b\n");
}

// Every line of `out` starts with `mark` and ends with a newline, within kLineMax bytes.
void expect_marked_lines(const std::string& out, const std::string& mark) {
  size_t at = 0;
  while (at < out.size()) {
    EXPECT_EQ(out.compare(at, mark.size(), mark), 0) << out.substr(at, 40);
    const size_t end = out.find('\n', at);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 1 - at, klog::kLineMax);
    at = end + 1;
  }
}

TEST_F(DebugWriteTest, OneWriteHasABoundedShareOfTheLog) {
  EXPECT_EQ(write(std::string(4097, 'z')), Error::InvalidArgument);  // the bound stays
  EXPECT_EQ(klog::unread(), 0u);
  // 4096 escapes would be 16 KiB of lines: what fits is shown, the rest counted.
  ASSERT_EQ(write(std::string(4096, '\x1b')), Error::Ok);
  uint32_t lost = 0;
  std::string out = log(&lost);
  EXPECT_EQ(lost, 0u);
  EXPECT_LE(out.size(), klog::kSize);
  expect_marked_lines(out, mark());
  const uint32_t per_line = ProcessText::kProcessLineWidth / 4;  // escapes in a full line
  const uint32_t lines = ProcessText::kWriteBudget / (mark().size() + 4 * per_line + 1);
  const std::string note =
      mark() + "(debug_write: " + std::to_string(4096 - lines * per_line) + " bytes not shown)\n";
  ASSERT_GE(out.size(), note.size());
  EXPECT_EQ(out.substr(out.size() - note.size()), note);
  EXPECT_EQ(out.size(), lines * (mark().size() + 4 * per_line + 1) + note.size());
  // 4096 newlines: 4096 empty marked lines would not fit either.
  ASSERT_EQ(write(std::string(4096, '\n')), Error::Ok);
  out = log();
  const uint32_t empty = ProcessText::kWriteBudget / (mark().size() + 1);
  EXPECT_EQ(out, [&] {
    std::string want;
    for (uint32_t i = 0; i < empty; ++i) want += mark() + "\n";
    return want + mark() + "(debug_write: " + std::to_string(4096 - empty) + " bytes not shown)\n";
  }());
}

TEST_F(DebugWriteTest, AFullLogLosesWholeLines) {
  // Earlier writes fill the log; a later one's lines push the oldest out whole, so what is read
  // starts where a line does and a forged tail never stands at a line's start unmarked.
  kprintf("[kernel] before\n");
  ASSERT_EQ(write(std::string(3000, 'A')), Error::Ok);
  const std::string tail = "[kernel] process 1 (init) exited with code 0";
  ASSERT_EQ(write(std::string(2000, 'B') + tail), Error::Ok);
  uint32_t lost = 0;
  const std::string out = log(&lost);
  EXPECT_GT(lost, 0u);
  // "[kernel] before\n", then 15 lines of 200 A's and 11 of B's and the tail, each with its
  // mark and newline: nothing else went in, nothing was lost but whole lines.
  EXPECT_EQ(out.size() + lost, 16u + 3000 + 2000 + tail.size() + (15 + 11) * (mark().size() + 1));
  expect_marked_lines(out, mark());
  EXPECT_EQ(out.substr(out.size() - tail.size() - 1), tail + "\n");  // the newest are kept
  EXPECT_NE(out.find(mark() + "B"), std::string::npos);
}

TEST_F(DebugWriteTest, AFullLogOfKernelLinesAlsoDropsWholeLines) {
  for (uint32_t i = 0; i < 400; ++i) kprintf("[kernel] line %04u\n", i);  // 19 bytes each
  uint32_t lost = 0;
  const std::string out = log(&lost);
  EXPECT_EQ(lost % 19, 0u);
  EXPECT_EQ(out.size() + lost, 400u * 19);
  EXPECT_EQ(out.compare(0, 14, "[kernel] line "), 0);
  EXPECT_EQ(out.substr(out.size() - 19), "[kernel] line 0399\n");
}

}  // namespace
}  // namespace courier::test
