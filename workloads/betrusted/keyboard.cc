// keyboard.cc — the keyboard driver server: takes each key code from the keyboard device and
// sends it to ime as a Scalar, stamped with the time its interrupt was taken.
//
// The device: on the virt platforms the console UART's receive side, which the log server
// owns; it hands this server every received byte (abi/log.h: kLogListenInput), so the
// interrupt is the UART's, taken in the log server. A key code this keyboard does not know is
// reported ("@wl unknown") and counted, never passed on nor dropped silently.
#include "courier/abi/log.h"
#include "wl.h"

using namespace wl;

namespace {

uint32_t classify(uint32_t code) {
  if (printable(code)) return kChar;
  if (code == kCodeBackspace) return kBackspace;
  if (code == kCodeEnter) return kEnter;
  if (code == kCodeSwitch) return kSwitchScreen;
  return kOther;
}

}  // namespace

int main() {
  ring_setup();
  courier::Connection ime, log;
  if (!connect(kImeSid, &ime, "keyboard") ||
      !connect(courier::Sid{{courier::abi::kLogSid[0], courier::abi::kLogSid[1],
                             courier::abi::kLogSid[2], courier::abi::kLogSid[3]}},
               &log, "keyboard"))
    return 1;
  courier::Server s;
  if (courier::Server::create(kKeyboardSid, &s) != Error::Ok) return 1;
  const auto listen = log.call(courier::abi::kLogListenInput, kKeyboardSid.w[0],
                               kKeyboardSid.w[1], kKeyboardSid.w[2], kKeyboardSid.w[3]);
  if (listen.error != Error::Ok || listen.r[0] != 0) {
    courier::print("@wl error keyboard: no keyboard device (console input: %u)\n", listen.r[0]);
    return 1;
  }
  Counts device;  // the device path's messages (log server -> here), per key class
  uint32_t seq = 0, next_byte = 1, unknown = 0, lost = 0;
  courier::Message m{};
  while (s.receive(&m) == Error::Ok) {
    if (m.id != courier::abi::kLogInputByte || m.sender() == 0) continue;
    const uint32_t code = m.w[0] & 0xff, t_irq = m.w[1];
    if (m.w[2] != next_byte) lost += m.w[2] - next_byte;  // the log server never drops: checked
    next_byte = m.w[2] + 1;
    if (code == kCodeEnd) {
      device.add(kSetupTag, MessageKind::Scalar);
      break;
    }
    const uint32_t cls = classify(code), tag = tag_of(++seq, cls);
    device.add(tag, MessageKind::Scalar);
    if (cls == kOther) {
      ++unknown;
      courier::print("@wl unknown key code=0x%x seq=%u\n", code, seq);
      courier::print("@wl idle\n");  // nothing else will happen for this key
      continue;
    }
    if (event(ime, kKey, code, t_irq, tag) != Error::Ok) ++lost;
  }
  // End of the session: ime, then the rest, report and answer (chat ends the image).
  (void)call(ime, kEnd, 0, kSetupTag);
  const auto stats = log.call(courier::abi::kLogInputStats);
  courier::print("@wl keyboard keys=%u unknown=%u lost=%u ring_errors=%u device_bytes=%u "
                 "device_queue_full=%u\n",
                 seq, unknown, lost, g_ring_errors, stats.r[0], stats.r[1]);
  device.report("device");
  g_counts.report("keyboard");
  courier::Connection chat;
  if (!connect(kChatSid, &chat, "keyboard")) return 1;
  (void)chat.send(kFinished);
  return 0;
}
