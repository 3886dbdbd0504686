// hostile_kbd.cc — process 3 of the hostile_xous946 test: the "keyboard" server. Every key it
// receives it passes to its listener, the USB server, with a blocking send. A watchdog thread
// destroys the server when a key has been stuck in that send for 50 ms, and the server comes
// back: the recovery Xous's deadlock lacked (it needed a power cycle).
#include "hostile_xous946.h"

using namespace hostile;
using namespace x946;

namespace {

courier::Server kbd;
courier::Connection usb;
volatile uint32_t busy = 0, progress = 0;

void watchdog(uint32_t) {
  uint32_t last = progress, still = 0;
  for (;;) {
    (void)sys::wait_event(10'000);  // one kernel tick
    const uint32_t now = progress;
    if (busy == 0 || now != last) {
      last = now;
      still = 0;
      continue;
    }
    if (++still == 5) {
      courier::print("kbd: watchdog: a key stuck for 50 ms; destroying the keyboard server\n");
      (void)kbd.destroy();
      still = 0;
    }
  }
}

bool handle(courier::Message& m, courier::Reply& reply) {
  if (m.id == kKey) {
    busy = 1;
    (void)usb.send(kKey, m.w[0]);
    busy = 0;
    progress = progress + 1;
  }
  reply(0);
  return true;
}

}  // namespace

int main() {
  Threads threads;
  if (!threads.reserve(1) || courier::Server::create(kKbdSid, &kbd) != Error::Ok ||
      courier::Connection::connect(kUsbSid, &usb) != Error::Ok ||
      threads.start(watchdog, 0) != Error::Ok) {
    return 1;
  }
  for (;;) {
    (void)courier::serve(kbd, handle);  // returns when the watchdog destroyed the server
    while (courier::Server::create(kKbdSid, &kbd) != Error::Ok) (void)sys::wait_event(10'000);
    courier::print("kbd: the keyboard server is back\n");
  }
}
