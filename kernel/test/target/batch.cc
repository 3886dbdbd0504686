// batch.cc — FlexSC rings on the real kernel: nulls and sends without traps, a BlockingScalar
// that completes with the server's reply, bad indices refused, ring pages pinned, and a
// thread that dies with a call in flight (its process goes on).
#include "common.h"
#include "courier/user/ring.h"

using courier::abi::Error;
using courier::abi::Syscall;

namespace {

courier::Connection pong;

void dies_with_a_call_in_flight(uint32_t) {
  courier::Ring ring;
  if (ring.setup() != Error::Ok) courier::sys::exit_thread();
  (void)pong.call(4);  // the server stops receiving for a while (see pingpong_server.cc)
  ring.submit(Syscall::call_scalar, 1, pong.cid(), 1, 2, 3, 0, 0);
  (void)ring.flush();
  courier::print("batch: a thread exits with a call in flight\n");
  courier::sys::exit_thread();
}

}  // namespace

int main() {
  test::expect_error(courier::Connection::connect(test::kPongSid, &pong), Error::Ok,
                     "connect to pong");
  courier::Ring ring;
  test::expect_error(ring.setup(), Error::Ok, "register a ring");

  for (uint32_t i = 0; i < 20; ++i) ring.submit(Syscall::null, i);
  test::check(ring.flush() == 20, "one trap drains 20 null entries");
  courier::abi::RingCompletion c{};
  uint32_t seen = 0;
  bool in_order = true;
  while (ring.poll(&c)) in_order = in_order && c.tag == seen++ && c.error == 0;
  test::check(seen == 20 && in_order, "20 completions, in order, without a trap");

  // A call in the batch completes later with the reply; the null after it is not held up.
  ring.submit(Syscall::call_scalar, 100, pong.cid(), 1, 40, 2, 3, 0xff);
  ring.submit(Syscall::null, 101);
  test::expect_error(ring.wait(2), Error::Ok, "wait for two completions");
  uint32_t reply = 0, got = 0;
  while (ring.poll(&c)) {
    ++got;
    if (c.tag == 100) reply = c.r[0];
  }
  test::check(got == 2 && reply == 42, "the batched call completed with the server's reply");

  // Bad entries get error completions; the ring keeps working.
  ring.submit(static_cast<Syscall>(1234), 7);
  ring.submit(Syscall::map_memory, 8, 0x80000000u, 4096u, 3u);
  (void)ring.flush();
  courier::abi::RingCompletion bad[2]{};
  test::check(ring.poll(&bad[0]) && ring.poll(&bad[1]) &&
                  bad[0].error == static_cast<uint32_t>(Error::NotSupported) &&
                  bad[1].error == static_cast<uint32_t>(Error::BadAddress),
              "bad entries complete with NotSupported and BadAddress");

  // Untrusted indices: a tail far past the head is refused and nothing is consumed.
  volatile courier::abi::RingHeader* h = ring.header();
  const uint32_t tail = h->sq_tail;
  h->sq_tail = tail + 1000;
  test::expect_error(courier::sys::ring_enter(0).error, Error::InvalidArgument,
                     "a tail beyond the ring");
  h->sq_tail = tail;
  test::expect_error(courier::sys::unmap_memory(reinterpret_cast<uint32_t>(h), 4096).error,
                     Error::AccessDenied, "unmapping a ring page in use");

  test::expect_error(courier::spawn_thread(dies_with_a_call_in_flight, 0, 4096,
                                           courier::abi::kDefaultPriority, nullptr),
                     Error::Ok, "spawn a thread that exits with a call in flight");
  (void)courier::sys::wait_event(20000);
  // The server answers the orphaned call later; that must not disturb anyone.
  const auto after = pong.call(1, 1, 1, 0, 0);
  test::check(after.error == Error::Ok && after.r[0] == 2, "the server and this process go on");
  courier::print("batch done, %d failures\n", test::failures);
  return test::failures;
}
