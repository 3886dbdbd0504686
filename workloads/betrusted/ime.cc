// ime.cc — the input method: assembles the input line from key Scalars. After each key that
// changes the line it lends the line to chat (Borrow of a serialized LinePage); at Enter it
// moves the finished line to chat in a page of its own (Move) and starts an empty one; the
// switch key is an event (Scalar).
#include "wl.h"

using namespace wl;

int main() {
  ring_setup();
  courier::Connection chat;
  if (!connect(kChatSid, &chat, "ime")) return 1;
  auto* line = static_cast<LinePage*>(pages(4096));
  if (line == nullptr) return 1;
  uint32_t conv = 0, full = 0;
  return serve(kImeSid, "ime", [&](const courier::Server&, courier::Message& m,
                                  courier::Reply&) {
    if (m.id == kEnd) {
      (void)call(chat, kEnd, 0, kSetupTag);
      courier::print("@wl ime line_full=%u ring_errors=%u\n", full, g_ring_errors);
      g_counts.report("ime");
      return true;
    }
    if (m.id != kKey) return true;
    const uint32_t code = m.w[0], t_irq = m.w[1], tag = m.w[2];
    switch (class_of(tag)) {
      case kChar:
        if (line->len < kLineMax) {
          line->text[line->len++] = static_cast<char>(code);
        } else {
          ++full;  // the line holds no more: the key is shown as refused (no change)
        }
        break;
      case kBackspace:
        if (line->len > 0) --line->len;
        break;
      case kEnter: {
        auto* done = static_cast<LinePage*>(pages(4096));
        if (done == nullptr) return true;
        *done = *line;
        done->tag = tag;
        done->t_irq = t_irq;
        done->conv = conv;
        (void)lend(chat, MessageKind::Move, kSubmit, done, 4096, tag);
        line->len = 0;
        return true;
      }
      case kSwitchScreen:
        conv ^= 1;
        (void)event(chat, kSwitch, conv, t_irq, tag);
        return true;
      default:
        return true;
    }
    line->tag = tag;
    line->t_irq = t_irq;
    line->conv = conv;
    (void)lend(chat, MessageKind::Borrow, kUpdate, line, 4096, tag);
    return true;
  });
}
