// death_client.cc — process 1 of the server-death test. Two of our threads are blocked in
// calls to a server when its process dies: both must wake with ServerNotFound, and the
// connection must stay dead.
#include "common.h"

using courier::abi::Error;

namespace {
courier::Connection doomed;
volatile Error second_result = Error::Ok;
volatile bool second_done = false;

void second_caller(uint32_t) {
  second_result = doomed.call(2).error;  // queued behind the first call, never received
  second_done = true;
  courier::sys::exit_thread();
}
}  // namespace

int main() {
  test::expect_error(courier::Connection::connect(test::kDoomedSid, &doomed), Error::Ok,
                     "connect to doomed");
  uint32_t tid = 0;
  test::expect_error(
      courier::spawn_thread(second_caller, 0, 4096, courier::abi::kDefaultPriority, &tid),
      Error::Ok, "spawn a second caller");
  // The server receives this call, waits for the second one to queue, then exits.
  const auto r = doomed.call(1);
  test::expect_error(r.error, Error::ServerNotFound, "call in progress when the server died");
  while (!second_done) (void)courier::sys::yield();
  test::expect_error(second_result, Error::ServerNotFound, "queued call when the server died");
  test::expect_error(doomed.send(3), Error::ServerNotFound, "send on the dead connection");
  test::expect_error(doomed.call(3).error, Error::ServerNotFound, "call on the dead connection");
  courier::print("server death done, %d failures\n", test::failures);
  return test::failures;
}
