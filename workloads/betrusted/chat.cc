// chat.cc — the app (the image's first process): keeps two conversations and the input line,
// and asks gam to lay out and draw its text views, each a MutableBorrow of a page holding a
// serialized request (DrawPage). At Enter it moves the message page to crypto, which moves the
// ciphertext on to com.
//
// It times each key: from the input interrupt (t_irq, carried with the key) to the last
// framebuffer write the key caused (graphics' flush, handed back through gam), kept and printed
// at the end ("@wl key seq=N class=C cycles=D"); after each key it prints "@wl idle" (for Enter
// com does, once the ciphertext is delivered), which is when the harness types the next key.
#include "wl.h"

using namespace wl;

namespace {

constexpr uint32_t kConvMax = 3800;
struct Conversation {
  char text[kConvMax];  // messages, each "me: ..." and a '\n'
  uint32_t len, messages;
};
Conversation g_conv[2];
uint32_t g_cur = 0;
char g_input[kLineMax];
uint32_t g_input_len = 0;
uint32_t g_dropped_text = 0;  // bytes a full conversation could not keep (reported)

courier::Connection g_gam, g_crypto;
DrawPage* g_req = nullptr;

// One view: `text` in text rows [top, top + rows). Returns the time of the last framebuffer
// write it caused.
uint32_t draw(uint32_t tag, uint32_t t_irq, uint32_t top, uint32_t rows, const char* prefix,
              const char* text, uint32_t len, bool invert = false) {
  DrawPage& r = *g_req;
  r.tag = tag;
  r.t_irq = t_irq;
  r.top = top;
  r.rows = rows;
  r.invert = invert;
  uint32_t n = 0;
  for (const char* p = prefix; *p && n < kDrawTextMax; ++p) r.text[n++] = *p;
  for (uint32_t i = 0; i < len && n < kDrawTextMax; ++i) r.text[n++] = text[i];
  r.len = n;
  r.out_t_fb = 0;
  const auto res = lend(g_gam, MessageKind::MutableBorrow, kDraw, g_req, 4096, tag);
  if (res.error != Error::Ok) courier::print("@wl error chat: draw %u\n", static_cast<uint32_t>(res.error));
  return r.out_t_fb;
}

uint32_t draw_title(uint32_t tag, uint32_t t_irq) {
  const char* title = g_cur == 0 ? "Chat 1 of 2: Alice" : "Chat 2 of 2: Bob";
  uint32_t n = 0;
  while (title[n]) ++n;
  return draw(tag, t_irq, kTitleRow, 1, "", title, n, true);
}
uint32_t draw_conversation(uint32_t tag, uint32_t t_irq) {
  return draw(tag, t_irq, kConvTop, kConvRows, "", g_conv[g_cur].text, g_conv[g_cur].len);
}
uint32_t draw_input(uint32_t tag, uint32_t t_irq) {
  return draw(tag, t_irq, kInputTop, kInputRows, "> ", g_input, g_input_len);
}

// The keys' times, printed at the end of the session: printing now would put the log
// server's work into the next key's caches and into the simulator's cycles per mode.
struct Record {
  uint32_t tag, cycles;
};
constexpr uint32_t kMaxRecords = 512;
Record g_records[kMaxRecords];
uint32_t g_nrecords = 0, g_records_lost = 0;
void record(uint32_t tag, uint32_t t_irq, uint32_t t_fb) {
  if (g_nrecords < kMaxRecords) {
    g_records[g_nrecords++] = Record{tag, t_fb - t_irq};
  } else {
    ++g_records_lost;  // reported with the rest
  }
}
void print_records() {
  for (uint32_t i = 0; i < g_nrecords; ++i) {
    courier::print("@wl key seq=%u class=%s cycles=%u\n", seq_of(g_records[i].tag),
                   kClassNames[class_of(g_records[i].tag)], g_records[i].cycles);
  }
  if (g_records_lost) courier::print("@wl error chat: %u key times not kept\n", g_records_lost);
}

void append(Conversation& c, const char* text, uint32_t len) {
  const char* who = "me: ";
  const uint32_t need = 4 + len + 1;
  if (c.len + need > kConvMax) {
    g_dropped_text += need;
    return;
  }
  for (uint32_t i = 0; i < 4; ++i) c.text[c.len++] = who[i];
  for (uint32_t i = 0; i < len; ++i) c.text[c.len++] = text[i];
  c.text[c.len++] = '\n';
  ++c.messages;
}

// The model, as the tests compare it: one line per message.
void print_model() {
  for (uint32_t k = 0; k < 2; ++k) {
    const Conversation& c = g_conv[k];
    uint32_t start = 0, msg = 0;
    for (uint32_t i = 0; i < c.len; ++i) {
      if (c.text[i] != '\n') continue;
      char line[kLineMax + 8];
      uint32_t n = 0;
      for (uint32_t j = start + 4; j < i && n + 1 < sizeof line; ++j) line[n++] = c.text[j];
      line[n] = 0;
      courier::print("@wl model conv=%u msg=%u text=%s\n", k, msg++, line);
      start = i + 1;
    }
  }
  g_input[g_input_len < kLineMax ? g_input_len : kLineMax - 1] = 0;
  courier::print("@wl model input=%s\n", g_input);
}

}  // namespace

int main() {
  ring_setup();
  if (!connect(kGamSid, &g_gam, "chat") || !connect(kCryptoSid, &g_crypto, "chat")) return 1;
  g_req = static_cast<DrawPage*>(pages(4096));
  if (g_req == nullptr) return 1;
  courier::Server s;
  if (courier::Server::create(kChatSid, &s) != Error::Ok) return 1;
  // The first screen.
  const char rule[] = "____________________________";
  (void)draw_title(kSetupTag, 0);
  (void)draw(kSetupTag, 0, kConvTop + kConvRows, 1, "", rule, kCols);
  (void)draw_conversation(kSetupTag, 0);
  (void)draw_input(kSetupTag, 0);
  courier::print("@wl ready strategy=%s\n", kStrategyName);
  courier::print("@wl idle\n");

  bool finished = false;
  const int status = serve(s, "chat", [&](const courier::Server&, courier::Message& m,
                                          courier::Reply&) {
    switch (m.id) {
      case kUpdate: {  // Borrow of ime's line: copy it, answer, then draw
        if (m.kind() != MessageKind::Borrow) break;
        const auto* line = reinterpret_cast<const LinePage*>(m.w[0]);
        const uint32_t tag = line->tag, t_irq = line->t_irq;
        g_input_len = line->len <= kLineMax ? line->len : kLineMax;
        copy(g_input, line->text, g_input_len);
        acknowledge(s, m, 0, 0);
        record(tag, t_irq, draw_input(tag, t_irq));
        courier::print("@wl idle\n");
        break;
      }
      case kSubmit: {  // Move of the finished line: keep it, redraw, send it on
        if (m.kind() != MessageKind::Move) break;
        auto* line = reinterpret_cast<LinePage*>(m.w[0]);
        const uint32_t tag = line->tag, t_irq = line->t_irq, conv = line->conv & 1;
        const uint32_t len = line->len <= kLineMax ? line->len : kLineMax;
        append(g_conv[conv], line->text, len);
        g_input_len = 0;
        g_cur = conv;
        (void)draw_conversation(tag, t_irq);
        record(tag, t_irq, draw_input(tag, t_irq));
        line->len = len;
        const auto sent = lend(g_crypto, MessageKind::Move, kEncrypt, line, m.w[1], tag);
        if (sent.error != Error::Ok) {
          courier::print("@wl error chat: the message was not sent: %u\n",
                         static_cast<uint32_t>(sent.error));
          courier::print("@wl idle\n");
        }
        break;
      }
      case kSwitch: {  // the other conversation
        g_cur = m.w[0] & 1;
        const uint32_t t_irq = m.w[1], tag = m.w[2];
        (void)draw_title(tag, t_irq);
        (void)draw_conversation(tag, t_irq);
        record(tag, t_irq, draw_input(tag, t_irq));
        courier::print("@wl idle\n");
        break;
      }
      case kEnd: {  // ime says the session is over: the servers report, then the model
        (void)call(g_gam, kEnd, 0, kSetupTag);
        (void)call(g_crypto, kEnd, 0, kSetupTag);
        print_records();
        print_model();
        courier::print("@wl chat dropped_text=%u ring_errors=%u\n", g_dropped_text, g_ring_errors);
        g_counts.report("chat");
        break;
      }
      case kFinished:  // the keyboard, last of all: the image ends
        finished = true;
        break;
      default:
        break;
    }
    return !finished;
  });
  courier::print("@wl done\n");
  return status;
}
