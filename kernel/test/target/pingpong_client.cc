// pingpong_client.cc — process 1 of the ping-pong test: Scalars and BlockingScalars to a server
// in another process, and bad handles to every IPC call.
#include "common.h"

using courier::abi::Error;

int main() {
  courier::Connection pong;
  test::expect_error(courier::Connection::connect(test::kPongSid, &pong), Error::Ok,
                     "connect to pong");

  // BlockingScalar round trips: the server answers w0 + w1 and w2 ^ w3.
  bool all = true;
  for (uint32_t i = 0; i < 100; ++i) {
    const auto r = pong.call(1, i, 1000, i, 0xff);
    all = all && r.error == Error::Ok && r.r[0] == i + 1000 && r.r[1] == (i ^ 0xff);
  }
  test::check(all, "100 blocking scalar round trips with correct replies");

  // Scalars are queued; the server sums them and reports the sum on the next call.
  for (uint32_t i = 1; i <= 20; ++i) (void)pong.send(2, i);
  const auto sum = pong.call(3);
  test::check(sum.error == Error::Ok && sum.r[0] == 210,
              "20 scalars delivered in order and summed");

  // The same SID again gives the same connection.
  courier::Connection again;
  (void)courier::Connection::connect(test::kPongSid, &again);
  test::check(again.cid() == pong.cid(), "connecting twice gives the same CID");

  // Bad handles: never a crash, always an error.
  test::expect_error(courier::Connection(0).call(1).error, Error::InvalidHandle, "call on CID 0");
  test::expect_error(courier::Connection(77).send(1), Error::InvalidHandle, "send on CID 77");
  test::expect_error(courier::sys::reply(0x00010001, 1, 2).error, Error::InvalidHandle,
                     "reply with a forged handle");
  test::expect_error(courier::sys::receive(5).error, Error::InvalidHandle,
                     "receive on a server we do not own");
  test::expect_error(courier::sys::destroy_server(1).error, Error::InvalidHandle,
                     "destroy a server we do not own");
  courier::Connection none;
  test::expect_error(courier::Connection::try_connect(courier::Sid{{9, 9, 9, 9}}, &none),
                     Error::ServerNotFound, "try_connect to a SID nobody serves");

  // Queue full: the server stops receiving (id 4) and try_send must refuse, not drop.
  (void)pong.call(4);
  uint32_t queued = 0;
  Error e = Error::Ok;
  while ((e = pong.try_send(5, queued)) == Error::Ok) ++queued;
  test::expect_error(e, Error::QueueFull, "try_send on a full queue");
  courier::print("queue took %u messages before QueueFull\n", queued);
  // A blocking send on the full queue waits until the server drains it (id 6 makes it drain).
  test::expect_error(pong.send(6), Error::Ok, "blocking send waits for room");
  const auto drained = pong.call(7);
  test::check(drained.error == Error::Ok && drained.r[0] == queued + 1,
              "every queued scalar arrived");

  courier::print("pingpong done, %d failures\n", test::failures);
  return test::failures == 0 ? 0 : 1;
}
