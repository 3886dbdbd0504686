// wl.h — the Betrusted workload (keyboard -> ime -> chat -> gam -> graphics, fonts, crypto ->
// com): what the servers agree on, and the one place that knows the IPC strategy.
//
// Shaped as Xous's services talk (README.md here): key events are Scalars, structured
// requests are serialized into a 4 KiB page that is lent (Borrow / MutableBorrow), and data
// that changes owner (the message to encrypt, its ciphertext) is moved (Move).
//
// Every message a key causes carries that key's tag (its sequence number and class), so each
// process counts what it sends per key class, and the keystroke's start time (the counter at
// the input interrupt), so the process that ends the key's work can time it. The counter is
// the platform's (bench/target/counter/<platform>/counter.h): instructions on QEMU, cycles on
// the simulator.
//
// The strategy is chosen at build time (WL_STRATEGY, one image per strategy, same source):
//   lend   memory messages remap pages; scalars and acknowledgements trap
//   copy   the same memory messages, copied by the kernel (kLendByCopy)
//   batch  as lend, but key events and return_memory acknowledgements go through the FlexSC
//          rings (abi/ring.h) and are drained at the sender's next trap or when the hart idles
//   events as lend, with only the key events through the rings (acknowledgements trap): which
//          half of batch costs what
#pragma once

#include "counter.h"
#include "courier/user/ipc.h"
#include "courier/user/print.h"
#include "courier/user/ring.h"

#ifndef WL_STRATEGY
#error "WL_STRATEGY must be 0 (lend), 1 (copy), 2 (batch) or 3 (events)"
#endif

namespace wl {

using courier::abi::Error;
using courier::abi::MessageKind;

enum class Strategy : uint32_t { Lend = 0, Copy = 1, Batch = 2, Events = 3 };
inline constexpr Strategy kStrategy = static_cast<Strategy>(WL_STRATEGY);
inline constexpr const char* kStrategyName =
    kStrategy == Strategy::Lend    ? "lend"
    : kStrategy == Strategy::Copy  ? "copy"
    : kStrategy == Strategy::Batch ? "batch"
                                   : "events";
// Key events through the rings (batch, events); acknowledgements too (batch only).
inline constexpr bool kRingEvents = kStrategy == Strategy::Batch || kStrategy == Strategy::Events;
inline constexpr bool kRingAcks = kStrategy == Strategy::Batch;
inline constexpr courier::Transfer kTransfer =
    kStrategy == Strategy::Copy ? courier::Transfer::Copy : courier::Transfer::Remap;

// The keyboard's name is abi/log.h's kConsoleInputSid, "courier.keyboard", which the images
// reserve for it: the only server the log server hands console input to.
inline constexpr courier::Sid kKeyboardSid{{0x72756f63, 0x2e726569, 0x6279656b, 0x6472616f}};
inline constexpr courier::Sid kImeSid{{0x696d6520, 0xbe7, 0x11, 0}};
inline constexpr courier::Sid kChatSid{{0x63686174, 0xbe7, 0x12, 0}};
inline constexpr courier::Sid kGamSid{{0x67616d20, 0xbe7, 0x13, 0}};
inline constexpr courier::Sid kGfxSid{{0x67667820, 0xbe7, 0x14, 0}};
inline constexpr courier::Sid kCryptoSid{{0x63727970, 0xbe7, 0x15, 0}};
inline constexpr courier::Sid kComSid{{0x636f6d20, 0xbe7, 0x16, 0}};

// Message ids.
enum : uint32_t {
  kKey = 1,         // -> ime, Scalar: w0 key code, w1 t_irq, w2 tag
  kUpdate = 2,      // -> chat, Borrow of ime's line page (LinePage)
  kSubmit = 3,      // -> chat, Move of a LinePage holding the finished line
  kSwitch = 4,      // -> chat, Scalar: w1 t_irq, w2 tag (the second conversation screen)
  kDraw = 5,        // -> gam, MutableBorrow of a DrawPage
  kRun = 6,         // -> graphics, Borrow of a RunPage
  kFlush = 7,       // -> graphics, BlockingScalar w0 tag -> r0 time of the last write
  kFontTable = 8,   // -> graphics, Borrow of the font table (fonts holds it out all session)
  kEncrypt = 9,     // -> crypto, Move of a LinePage
  kCipher = 10,     // -> com, Move of the encrypted LinePage
  kEnd = 11,        // -> every server, BlockingScalar: report and answer
  kDump = 12,       // -> graphics, BlockingScalar: print the panel (checksum, rows)
  kFinished = 13,   // keyboard -> chat, Scalar: everyone has reported; the image ends
  kWake = 14,       // keyboard's interrupt handler -> keyboard, Scalar: characters wait
};

// Key codes as the keyboard device delivers them (the recording's, scripts/lib/workload.py).
enum : uint32_t { kCodeBackspace = 0x08, kCodeSwitch = 0x09, kCodeEnter = 0x0d, kCodeEnd = 0x04 };
inline bool printable(uint32_t c) { return c >= 0x20 && c < 0x7f; }

// Key classes: what each process counts its messages under.
enum : uint32_t { kChar = 0, kBackspace = 1, kEnter = 2, kSwitchScreen = 3, kOther = 4,
                  kSetup = 5, kClasses = 6 };
inline constexpr const char* kClassNames[kClasses] = {"char", "backspace", "enter",
                                                      "switch", "unknown", "setup"};
inline uint32_t tag_of(uint32_t seq, uint32_t cls) { return (seq << 4) | cls; }
inline uint32_t class_of(uint32_t tag) { return tag & 15; }
inline uint32_t seq_of(uint32_t tag) { return tag >> 4; }
inline constexpr uint32_t kSetupTag = kSetup;  // seq 0: before the first key

// The cycle counter (0 where there is none: then nothing is timed, the rest works).
inline bool g_clock = false;
inline uint32_t now() { return g_clock ? courier::bench::counter::read32() : 0; }
// Makes now() readable in this process (on the Precursor's model it maps a timestamp page). On
// a device there is no cycle counter (only the TICKTIMER's milliseconds): the session runs
// untimed, and says so.
inline void clock_start(const char* who) {
  g_clock = courier::bench::counter::start() && !courier::bench::counter::coarse();
  if (!g_clock) courier::print("@wl note %s: no cycle counter here: nothing is timed\n", who);
}

// The display: the Precursor's memory LCD, 336 x 536 pixels, 1 bit each, rows of 44 bytes (42
// of pixels, 2 of the LCD's line address and padding, as Xous's framebuffer lays them out).
inline constexpr uint32_t kWidth = 336, kHeight = 536, kRowBytes = 44;
inline constexpr uint32_t kFbBytes = kHeight * kRowBytes;  // 23,584: six pages
// Text cells: the 5x7 font drawn at twice its size in a 12 x 16 pixel cell.
inline constexpr uint32_t kCellW = 12, kCellH = 16, kCols = kWidth / kCellW;  // 28 columns
inline constexpr uint32_t kRows = kHeight / kCellH;                             // 33 text rows
// The screen: a title row, the conversation, a rule, the input line (two rows).
inline constexpr uint32_t kTitleRow = 0, kConvTop = 1, kConvRows = 29, kInputTop = 31,
                          kInputRows = 2;

// ime's line: what chat is sent on each key (Borrow) and at Enter (Move). Also what crypto
// encrypts and com receives (text replaced by ciphertext).
inline constexpr uint32_t kLineMax = 52;  // two input rows
struct LinePage {
  uint32_t tag, t_irq, conv, len;
  char text[kLineMax];
};

// A view to lay out and draw: text rows in [top, top + rows); the text in `text`, '\n'
// separating paragraphs; gam wraps at kCols and keeps the last `rows` lines (a chat scrolls).
// gam writes back the lines it laid out and the time of the last framebuffer write.
inline constexpr uint32_t kDrawTextMax = 4096 - 32;
struct DrawPage {
  uint32_t tag, t_irq, top, rows;
  uint32_t len;           // bytes of text
  uint32_t out_lines;     // written by gam: lines laid out (before clipping)
  uint32_t out_t_fb;      // written by gam: the counter at graphics' last framebuffer write
  uint32_t invert;        // 1: draw light on dark (the title bar)
  char text[kDrawTextMax];
};
static_assert(sizeof(DrawPage) == 4096);

// A glyph run: n characters at text cell (col, row); `clear_rows` text rows from `row` are
// cleared first (the first run of a view clears the view).
inline constexpr uint32_t kRunMax = kCols;
struct RunPage {
  uint32_t tag, col, row, n, clear_rows, invert;
  char text[kRunMax];
};

// The font: 95 glyphs (0x20..0x7e), 7 rows of 5 bits each (bit 4 = leftmost column).
inline constexpr uint32_t kGlyphs = 95, kGlyphRows = 7;

// What a process sent, per key class and message kind.
struct Counts {
  uint32_t n[kClasses][5] = {};
  uint32_t queue_full = 0;  // sends that found the receiver's queue full (then waited)
  uint32_t late_acks = 0;   // batch: ring entries still queued at the next look
  void add(uint32_t tag, MessageKind kind) { ++n[class_of(tag) % kClasses][static_cast<uint32_t>(kind)]; }
  // One line per class this process sent anything in: "@wl sent proc=P class=C ...".
  void report(const char* proc) const {
    for (uint32_t c = 0; c < kClasses; ++c) {
      const uint32_t* k = n[c];
      if (k[0] + k[1] + k[2] + k[3] + k[4] == 0) continue;
      courier::print("@wl sent proc=%s class=%s scalar=%u blocking_scalar=%u borrow=%u "
                     "mutable_borrow=%u move=%u\n",
                     proc, kClassNames[c], k[0], k[1], k[2], k[3], k[4]);
    }
    courier::print("@wl backlog proc=%s queue_full=%u\n", proc, queue_full);
  }
};
inline Counts g_counts;

// The batch strategy's ring (one per process: every sender here is single-threaded).
inline courier::Ring g_ring;
inline bool g_ring_ready = false;
inline void ring_setup() {
  if constexpr (kRingEvents) g_ring_ready = g_ring.setup() == Error::Ok;
}
// The batch strategy's key events: at most one in the ring at a time. A ring send never
// blocks; to a full queue it completes with QueueFull (abi/ring.h), and the event is then sent
// again by a trapping send, which waits for room. With one in flight, that resend cannot pass
// a later event, and a trapping message (wait_events() first) cannot pass an earlier one.
struct InFlight {
  bool busy = false;
  uint32_t cid, id, w0, w1, tag;
};
inline InFlight g_event;
inline uint32_t g_ring_errors = 0;  // completions with any other error: reported
inline void ring_reap() {
  courier::abi::RingCompletion c{};
  while (g_ring.poll(&c)) {
    if (g_event.busy && c.tag == g_event.tag) {
      g_event.busy = false;
      if (c.error == static_cast<uint32_t>(Error::QueueFull)) {
        ++g_counts.queue_full;
        (void)courier::Connection(g_event.cid).send(g_event.id, g_event.w0, g_event.w1, g_event.tag);
        continue;
      }
    }
    g_ring_errors += c.error != 0;
  }
}
// Until the event in the ring has been delivered (or resent): before a trapping message.
inline void wait_events() {
  if constexpr (kRingEvents) {
    if (!g_ring_ready) return;
    ring_reap();
    while (g_event.busy) {
      (void)g_ring.wait(1);
      ring_reap();
    }
  }
}

// A Scalar event: batch submits it to the ring (no trap: it goes when this process next traps
// or the hart idles); the others trap. A full queue is counted, then waited out.
inline Error event(const courier::Connection& to, uint32_t id, uint32_t w0, uint32_t w1,
                   uint32_t tag) {
  g_counts.add(tag, MessageKind::Scalar);
  if constexpr (kRingEvents) {
    if (g_ring_ready) {
      wait_events();
      g_event = InFlight{true, to.cid(), id, w0, w1, tag};
      if (g_ring.submit(courier::abi::Syscall::send_scalar, tag, to.cid(), id, w0, w1, tag, 0))
        return Error::Ok;
      g_event.busy = false;  // (cannot happen with one entry in flight) trap instead
    }
  }
  Error e = to.try_send(id, w0, w1, tag);
  if (e == Error::QueueFull) {
    ++g_counts.queue_full;
    e = to.send(id, w0, w1, tag);
  }
  return e;
}

// A BlockingScalar.
inline courier::CallResult call(const courier::Connection& to, uint32_t id, uint32_t w0,
                                uint32_t tag) {
  wait_events();
  g_counts.add(tag, MessageKind::BlockingScalar);
  return to.call(id, w0, tag);
}

// A memory message of whole pages, by the strategy's transfer.
inline courier::LendResult lend(const courier::Connection& to, MessageKind kind, uint32_t id,
                                const void* buf, uint32_t bytes, uint32_t tag) {
  wait_events();
  g_counts.add(tag, kind);
  return to.lend(kind, id, buf, (bytes + 4095) & ~4095u, 0, 0, kTransfer);
}

// Answers a Borrow / MutableBorrow: batch queues the answer in the ring (it goes at this
// process's next trap, which is normally the receive that follows).
inline void acknowledge(const courier::Server& s, courier::Message& m, uint32_t offset,
                        uint32_t valid) {
  if constexpr (kRingAcks) {
    if (g_ring_ready) {
      ring_reap();
      if (g_ring.submit(courier::abi::Syscall::return_memory, 0xffff0000u | m.id, m.handle, offset, valid)) {
        m.handle = 0;
        return;
      }
    }
  }
  (void)s.return_memory(m, offset, valid);
  m.handle = 0;
}

// Fresh zeroed pages of this process's own (map_memory gives zeroed frames).
inline void* pages(uint32_t bytes) {
  uint32_t va = 0;
  if (courier::map_memory(0, (bytes + 4095) & ~4095u,
                          courier::abi::kMemRead | courier::abi::kMemWrite, &va) != Error::Ok)
    return nullptr;
  return reinterpret_cast<void*>(va);
}

inline void copy(void* to, const void* from, uint32_t n) {
  auto* d = static_cast<uint8_t*>(to);
  const auto* s = static_cast<const uint8_t*>(from);
  for (uint32_t i = 0; i < n; ++i) d[i] = s[i];
}

// FNV-1a: the checksum the tests compare (the framebuffer, the ciphertext).
inline uint32_t fnv(const uint8_t* p, uint32_t n, uint32_t h = 2166136261u) {
  for (uint32_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

// Connects or says why not.
inline bool connect(const courier::Sid& sid, courier::Connection* c, const char* who) {
  const Error e = courier::Connection::connect(sid, c);
  if (e != Error::Ok) courier::print("@wl error %s cannot connect: %u\n", who, static_cast<uint32_t>(e));
  return e == Error::Ok;
}

// Serves `s` with libcourier's loop (user/ipc.h courier::serve): receive, handle, reply and
// receive the next. The handler also gets the server, to answer the memory it is lent
// (acknowledge); a lend it leaves unanswered goes back with hints (0, 0). Returns 0 when the
// handler ends the loop, 1 with a report when receive fails.
template <class Handler>
int serve(const courier::Server& s, const char* who, Handler&& handler) {
  const Error e = courier::serve(
      s, [&](courier::Message& m, courier::Reply& reply) { return handler(s, m, reply); });
  if (e == Error::Ok) return 0;
  courier::print("@wl error %s receive failed: %u\n", who, static_cast<uint32_t>(e));
  return 1;
}

// The same under a new server registered as `sid`.
template <class Handler>
int serve(const courier::Sid& sid, const char* who, Handler&& handler) {
  courier::Server s;
  if (courier::Server::create(sid, &s) != Error::Ok) {
    courier::print("@wl error %s cannot create its server\n", who);
    return 1;
  }
  return serve(s, who, handler);
}

}  // namespace wl
