// keyboard.cc — the keyboard driver server: takes each key code from the keyboard device and
// sends it to ime as a Scalar, stamped with the time its interrupt was taken.
//
// The device: on the virt platforms the console UART's receive side, which the log server
// owns; it hands this server every received byte (abi/log.h: kLogListenInput), so the
// interrupt is the UART's, taken in the log server. On the Precursor the KEYBOARD (board.h):
// this server claims its line; the handler notes the time, masks the inject event and wakes
// the server, which takes the injected characters (UART_CHAR until its strobe reads 0, each
// read takes one), clears the event and unmasks it (sim/README.md has the registers, after
// Xous's keyboard driver). Either way the server sees the same message per byte. A key code
// this keyboard does not know is reported ("@wl unknown") and counted, never passed on nor
// dropped silently.
#include "courier/abi/log.h"
#include "courier/services/board.h"
#include "courier/user/irq.h"
#include "wl.h"

using namespace wl;

namespace {

// The KEYBOARD's registers (word offsets) and bits.
constexpr uint32_t kUartChar = 0x00 / 4, kEvPending = 0x2c / 4, kEvEnable = 0x30 / 4;
constexpr uint32_t kCharStrobe = 1u << 8, kEvInject = 1u << 1;
volatile uint32_t* g_kbd = nullptr;
courier::Connection g_self;  // this server, for the handler's wake
volatile uint32_t g_t_irq = 0;

void on_key(uint32_t, uint32_t) {
  g_t_irq = now();  // first: the keystroke's start
  g_kbd[kEvEnable] = 0;
  (void)g_self.try_send(kWake);  // one wake per interrupt: the queue has room
}

// Claims the KEYBOARD; false with a report if it cannot.
bool open_keyboard() {
  Error e;
  g_kbd = reinterpret_cast<volatile uint32_t*>(
      courier::map_device(courier::board::kKeyboard, courier::board::kDevicePage, &e));
  if (g_kbd == nullptr ||
      !connect(kKeyboardSid, &g_self, "keyboard") ||
      (e = courier::claim_interrupt(courier::board::kKeyboardIrq, on_key)) != Error::Ok) {
    courier::print("@wl error keyboard: cannot claim the keyboard: %u\n", static_cast<uint32_t>(e));
    return false;
  }
  g_kbd[kEvPending] = kEvInject;
  g_kbd[kEvEnable] = kEvInject;
  return true;
}

uint32_t classify(uint32_t code) {
  if (printable(code)) return kChar;
  if (code == kCodeBackspace) return kBackspace;
  if (code == kCodeEnter) return kEnter;
  if (code == kCodeSwitch) return kSwitchScreen;
  return kOther;
}

}  // namespace

static_assert(kKeyboardSid.w[0] == courier::abi::kConsoleInputSid[0] &&
                  kKeyboardSid.w[1] == courier::abi::kConsoleInputSid[1] &&
                  kKeyboardSid.w[2] == courier::abi::kConsoleInputSid[2] &&
                  kKeyboardSid.w[3] == courier::abi::kConsoleInputSid[3],
              "the keyboard serves under the console input's name");

int main() {
  ring_setup();
  clock_start("keyboard");
  courier::Connection ime, log;
  if (!connect(kImeSid, &ime, "keyboard") ||
      !connect(courier::Sid{{courier::abi::kLogSid[0], courier::abi::kLogSid[1],
                             courier::abi::kLogSid[2], courier::abi::kLogSid[3]}},
               &log, "keyboard"))
    return 1;
  courier::Server s;
  if (courier::Server::create(kKeyboardSid, &s) != Error::Ok) return 1;
  constexpr bool kOwnDevice = courier::board::kKeyboard != 0;
  if constexpr (kOwnDevice) {
    if (!open_keyboard()) return 1;
  } else {
    const auto listen = log.call(courier::abi::kLogListenInput);
    if (listen.error != Error::Ok || listen.r[0] != 0) {
      courier::print("@wl error keyboard: no keyboard device (console input: %u)\n",
                     listen.r[0]);
      return 1;
    }
  }
  Counts device;  // the device path's messages (log server -> here), per key class
  uint32_t seq = 0, next_byte = 1, unknown = 0, lost = 0;
  // One byte from the device; true at the end of the session.
  auto take = [&](const courier::Message& b) {
    const uint32_t code = b.w[0] & 0xff, t_irq = b.w[1];
    if (b.w[2] != next_byte) lost += b.w[2] - next_byte;  // the device path never drops: checked
    next_byte = b.w[2] + 1;
    if (code == kCodeEnd) {
      device.add(kSetupTag, MessageKind::Scalar);
      return true;
    }
    const uint32_t cls = classify(code), tag = tag_of(++seq, cls);
    device.add(tag, MessageKind::Scalar);
    if (cls == kOther) {
      ++unknown;
      courier::print("@wl unknown key code=0x%x seq=%u\n", code, seq);
      courier::print("@wl idle\n");  // nothing else will happen for this key
      return false;
    }
    if (event(ime, kKey, code, t_irq, tag) != Error::Ok) ++lost;
    return false;
  };
  // The KEYBOARD's characters, as the log server's messages would carry them.
  courier::Message bytes[4];
  uint32_t taken = 0;
  courier::Message m{};
  bool ended = false;
  while (!ended && s.receive(&m) == Error::Ok) {
    uint32_t n = 0;
    if constexpr (kOwnDevice) {
      if (m.id != kWake || m.sender() == 0) continue;
      uint32_t t = g_t_irq;
      for (uint32_t c = g_kbd[kUartChar]; (c & kCharStrobe) && n < 4; c = g_kbd[kUartChar]) {
        bytes[n++] = courier::Message{0, courier::abi::kLogInputByte, 0, {c & 0xff, t, ++taken, 0}};
        t = now();
      }
      g_kbd[kEvPending] = kEvInject;
      g_kbd[kEvEnable] = kEvInject;  // a character that came meanwhile raises the line at once
    } else {
      if (m.id != courier::abi::kLogInputByte || m.sender() == 0) continue;
      bytes[n++] = m;
    }
    for (uint32_t i = 0; i < n && !ended; ++i) ended = take(bytes[i]);
  }
  // End of the session: ime, then the rest, report and answer (chat ends the image).
  (void)call(ime, kEnd, 0, kSetupTag);
  auto stats = log.call(courier::abi::kLogInputStats);
  if constexpr (kOwnDevice) stats.r[0] = taken, stats.r[1] = 0;  // the device has no queue
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
