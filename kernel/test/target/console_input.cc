// console_input.cc — console input goes to the keyboard's reserved name only (abi/log.h
// kLogListenInput, kConsoleInputSid). Three programs from this source: CIN_ROLE 0 is the
// image's first process, a would-be snoop, and CIN_ROLE 1 the keyboard, which the image
// reserves "courier.keyboard" for; the harness types "abc" into the UART (courier_target_test
// RX). CIN_ROLE 2, alone in an image that grants the log server no line, serves the name
// itself: asking again and again to turn input on is refused each time and leaves the log
// server nothing more.
#include "common.h"
#include "courier/abi/log.h"

using courier::abi::Error;

namespace {

const courier::Sid kInputSid{{courier::abi::kConsoleInputSid[0], courier::abi::kConsoleInputSid[1],
                              courier::abi::kConsoleInputSid[2], courier::abi::kConsoleInputSid[3]}};
constexpr courier::Sid kRootSid{{0x63696e72, 1, 2, 3}};
const courier::Sid kLog{{courier::abi::kLogSid[0], courier::abi::kLogSid[1],
                         courier::abi::kLogSid[2], courier::abi::kLogSid[3]}};

int snoop() {
  courier::Server root;
  if (courier::Server::create(kRootSid, &root) != Error::Ok) return 1;
  courier::Server stolen;
  test::expect_error(courier::Server::create(kInputSid, &stolen), Error::AccessDenied,
                     "another process cannot take the console input's name");
  // Turning input on is anyone's to ask, and sends it to the keyboard all the same.
  courier::Connection log;
  (void)courier::Connection::connect(kLog, &log);
  courier::Connection kbd;
  (void)courier::Connection::connect(kInputSid, &kbd);  // waits until the keyboard is there
  const auto on = log.call(courier::abi::kLogListenInput);
  test::check(on.error == Error::Ok && on.r[0] == 0, "the snoop's kLogListenInput answers 0");
  courier::Message m{};
  (void)root.receive(&m);  // the keyboard's verdict: w0 = bytes it got right
  test::check(m.w[0] == 3, "the keyboard got \"abc\", in order, numbered 1..3");
  const auto stats = log.call(courier::abi::kLogInputStats);
  test::check(stats.r[0] == 3, "the log server forwarded three bytes");
  courier::print("console input done, %d failures\n", test::failures);
  return test::failures;
}

int keyboard() {
  courier::Server s;
  if (courier::Server::create(kInputSid, &s) != Error::Ok) return 1;
  courier::Connection log, root;
  (void)courier::Connection::connect(kLog, &log);
  (void)courier::Connection::connect(kRootSid, &root);
  const auto on = log.call(courier::abi::kLogListenInput);
  if (on.r[0] != 0) courier::print("FAIL: kLogListenInput answered %u\n", on.r[0]);
  uint32_t right = 0;
  for (uint32_t i = 0; i < 3; ++i) {
    courier::Message m{};
    if (s.receive(&m) != Error::Ok) break;
    right += m.id == courier::abi::kLogInputByte && m.w[0] == static_cast<uint32_t>('a' + i) &&
             m.w[2] == i + 1 && m.sender() != 0;
  }
  (void)root.send(1, right);
  return 0;
}

// The log server is packed after the image's programs (courier_image): pid 2 in an image of one.
constexpr uint32_t kLogPid = 2;

struct Usage {
  uint32_t pages, threads, servers, connections;
  bool operator==(const Usage&) const = default;
};
Usage usage_of(uint32_t pid) {
  const auto r = courier::sys::usage(pid);
  return Usage{r.r[0], r.r[1], r.r[2], r.r[3]};
}

int refused() {
  // The name is not reserved in this image: this process serves it, so the log server finds a
  // listener and only the line stands in its way.
  courier::Server kbd;
  test::expect_error(courier::Server::create(kInputSid, &kbd), Error::Ok,
                     "serve the console input's name (not reserved here)");
  courier::Connection log;
  (void)courier::Connection::connect(kLog, &log);
  const Usage before = usage_of(kLogPid);
  test::check(before.threads >= 1 && before.servers >= 1, "the log server's usage is readable");
  bool all_refused = true;
  for (uint32_t i = 0; i < 50; ++i) {
    const auto on = log.call(courier::abi::kLogListenInput);
    all_refused &= on.error == Error::Ok && on.r[0] == static_cast<uint32_t>(Error::AccessDenied);
  }
  test::check(all_refused, "50 requests for input where the line is not granted: AccessDenied");
  test::check(usage_of(kLogPid) == before,
              "the log server holds no more pages, threads, servers or connections");
  courier::print("console input refused done, %d failures\n", test::failures);
  return test::failures;
}

}  // namespace

int main() { return CIN_ROLE == 0 ? snoop() : CIN_ROLE == 1 ? keyboard() : refused(); }
