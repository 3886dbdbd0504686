// hostile_xous946.cc — the Xous deadlock of betrusted-io/xous-core#946 as a Courier test: a
// server's handler turns a peer's burst into one blocking send per key to a server whose queue
// fills, while that server blocks telling its listener — the first server — of each key. In
// Xous every server then hung and only a power cycle recovered.
//
// Here (process 1, the peer and monitor; hostile_usb and hostile_kbd are processes 2 and 3):
//  - with try_send the same burst meets QueueFull and nothing hangs;
//  - with blocking sends the two servers wedge, but the kernel does not: this process, the
//    timer and the log go on, and a send to the wedged server fails fast with try_send;
//  - the keyboard's watchdog destroys its server: the wedged sender wakes with ServerNotFound,
//    a client blocked on the USB server gets through, the keyboard server comes back, and a
//    burst works again. Pages balance across all of it.
#include "hostile_xous946.h"

using namespace hostile;
using namespace x946;

namespace {

courier::Connection usb, kbd;
volatile uint32_t client_done = 0;
volatile Error client_error = Error::Ok;

void blocked_client(uint32_t) {
  client_error = usb.send(kPing);
  client_done = 1;
  sys::exit_thread();
}

// Waits until the USB server has heard back about `keys` keys; true if it did.
bool heard_back(uint32_t keys) {
  return wait_until([keys] { return usb.call(kStats).r[0] >= keys; }, 1000);
}

}  // namespace

int main() {
  Threads threads;
  if (!threads.reserve(1) || courier::Connection::connect(kUsbSid, &usb) != Error::Ok ||
      courier::Connection::connect(kKbdSid, &kbd) != Error::Ok ||
      usb.call(kHello).error != Error::Ok || kbd.call(kHello).error != Error::Ok) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  courier::print("hostile xous946: the USB and keyboard servers are up\n");
  const uint32_t baseline = free_pages();

  // Backpressure: 40 keys through queues 8 deep.
  const auto burst = usb.call(kBurstTry, 40);
  test::check(burst.error == Error::Ok && burst.r[0] + burst.r[1] == 40 && burst.r[1] > 0,
              "a burst with try_send meets QueueFull and the handler answers");
  courier::print("note: %u keys delivered, %u refused\n", burst.r[0], burst.r[1]);
  test::check(heard_back(burst.r[0]), "every delivered key came back to the USB server");
  const uint32_t heard_before = usb.call(kStats).r[0];

  // The wedge: the same burst with blocking sends.
  test::expect_error(usb.send(kBurstBlocking, 40), Error::Ok, "a burst with blocking sends");
  settle();  // both servers run until they block on each other
  test::expect_error(usb.try_send(kPing), Error::QueueFull,
                     "the USB server is wedged: its queue stays full");
  test::expect_error(kbd.try_send(kPing), Error::QueueFull,
                     "the keyboard server is wedged: its queue stays full");
  courier::print("ok: this process, its timer and the log still run\n");
  test::expect_error(threads.start(blocked_client, 0), Error::Ok,
                     "a client sends to the wedged USB server, blocking");
  test::check(wait_until([] { return client_done != 0; }, 1000),
              "the blocked client got through after the watchdog");
  test::expect_error(client_error, Error::Ok, "what the blocked client was told");
  test::expect_error(static_cast<Error>(usb.call(kLastError).r[0]), Error::ServerNotFound,
                     "the wedged sender woke when the keyboard server went");
  courier::print("note: %u keys sent blocking before the watchdog\n", usb.call(kStats).r[1]);

  // Recovery: the keyboard server is back, and a burst works again.
  (void)kbd.disconnect();
  test::expect_error(courier::Connection::connect(kKbdSid, &kbd), Error::Ok,
                     "connect to the keyboard server again");
  test::expect_error(kbd.call(kHello).error, Error::Ok, "the keyboard server answers");
  const uint32_t heard_now = usb.call(kStats).r[0];
  const auto again = usb.call(kBurstTry, 4);
  test::check(again.error == Error::Ok && again.r[0] + again.r[1] == 4 && again.r[0] > 0,
              "after recovery a burst goes through again");
  test::check(heard_back(heard_now + again.r[0]) && heard_now >= heard_before,
              "and its keys come back");
  expect_pages(baseline, "pages balanced");
  courier::print("hostile xous946 done, %d failures\n", test::failures);
  return test::failures;
}
