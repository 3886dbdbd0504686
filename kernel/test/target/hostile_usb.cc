// hostile_usb.cc — process 2 of the hostile_xous946 test: the "USB" server. A burst from the
// peer becomes one message per key to the keyboard server, inside the handler, as in
// xous-core#946; the keyboard's notifications of those keys come back to this same server.
#include "hostile_xous946.h"

using namespace hostile;
using namespace x946;

namespace {

courier::Connection kbd;
bool kbd_ok = false;
uint32_t heard = 0, sent_blocking = 0;
Error last_error = Error::Ok;

// A connection that died with its server is dropped and made again (waiting for the server).
void ensure_kbd() {
  if (kbd_ok) return;
  (void)kbd.disconnect();
  kbd_ok = courier::Connection::connect(kKbdSid, &kbd) == Error::Ok;
}

bool handle(courier::Message& m, courier::Reply& reply) {
  switch (m.id) {
    case kBurstTry: {
      ensure_kbd();
      uint32_t delivered = 0, dropped = 0;
      for (uint32_t i = 0; i < m.w[0]; ++i) {
        const Error e = kbd.try_send(kKey, 'a' + i % 26);
        if (e == Error::Ok) {
          ++delivered;
        } else if (e == Error::QueueFull) {
          ++dropped;  // backpressure: the key is refused, the handler goes on
        } else {
          kbd_ok = false;
          break;
        }
      }
      reply(delivered, dropped);
      break;
    }
    case kBurstBlocking:
      ensure_kbd();
      sent_blocking = 0;
      last_error = Error::Ok;
      for (uint32_t i = 0; i < m.w[0]; ++i) {
        const Error e = kbd.send(kKey, 'a' + i % 26);
        if (e != Error::Ok) {
          last_error = e;
          kbd_ok = false;
          break;
        }
        ++sent_blocking;
      }
      break;
    case kKey: ++heard; break;
    case kStats: reply(heard, sent_blocking); break;
    case kLastError: reply(static_cast<uint32_t>(last_error)); break;
    default: reply(0); break;
  }
  return true;
}

}  // namespace

int main() {
  courier::Server usb;
  if (courier::Server::create(kUsbSid, &usb) != Error::Ok) return 1;
  ensure_kbd();
  return static_cast<int>(courier::serve(usb, handle));
}
