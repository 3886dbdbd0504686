// graphics.cc — the graphics server: draws glyph runs it is lent (Borrow of a RunPage) into a
// 336 x 536 1-bit framebuffer, with glyphs from the font table the fonts server lends it for
// the whole session (Borrow, answered at the end), and on kFlush copies the rows that changed
// to the panel (the memory LCD's image: what the screen shows). kFlush answers the counter at
// the last write. kDump prints the panel: its FNV-1a checksum and every row that is not blank.
#include "wl.h"

using namespace wl;

namespace {

uint8_t* g_fb = nullptr;     // what is drawn
uint8_t* g_panel = nullptr;  // what the panel shows (flushed rows)
uint32_t g_dirty[(kHeight + 31) / 32];
const uint8_t* g_font = nullptr;
courier::Message g_font_msg{};  // the fonts server's lend, answered at the end
uint32_t g_runs_without_font = 0, g_bad_runs = 0;

void set_pixel(uint32_t x, uint32_t y, bool ink) {
  uint8_t& b = g_fb[y * kRowBytes + x / 8];
  const uint8_t bit = static_cast<uint8_t>(0x80u >> (x % 8));
  b = ink ? (b | bit) : (b & ~bit);
}

void draw_run(const RunPage& r) {
  if (r.row >= kRows || r.col >= kCols) {
    ++g_bad_runs;
    return;
  }
  const uint32_t clear_end = r.row + r.clear_rows < kRows ? r.row + r.clear_rows : kRows;
  const uint8_t bg = r.invert ? 0xff : 0x00;
  for (uint32_t y = r.row * kCellH; y < clear_end * kCellH; ++y) {
    for (uint32_t x = 0; x < kWidth / 8; ++x) g_fb[y * kRowBytes + x] = bg;
    g_dirty[y / 32] |= 1u << (y % 32);
  }
  const uint32_t n = r.n <= kCols - r.col ? r.n : kCols - r.col;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t c = static_cast<uint8_t>(r.text[i]);
    if (c < 0x20 || c > 0x7e) continue;
    const uint8_t* glyph = g_font + (c - 0x20) * kGlyphRows;
    const uint32_t x0 = (r.col + i) * kCellW + 1, y0 = r.row * kCellH + 1;
    for (uint32_t gy = 0; gy < kGlyphRows; ++gy) {
      const uint8_t bits = glyph[gy];
      for (uint32_t gx = 0; gx < 5; ++gx) {
        if (((bits >> (4 - gx)) & 1) == 0) continue;  // background: already cleared
        for (uint32_t dy = 0; dy < 2; ++dy)
          for (uint32_t dx = 0; dx < 2; ++dx)
            set_pixel(x0 + 2 * gx + dx, y0 + 2 * gy + dy, r.invert == 0);
      }
    }
    for (uint32_t y = y0; y < y0 + 2 * kGlyphRows; ++y) g_dirty[y / 32] |= 1u << (y % 32);
  }
}

// The dirty rows to the panel; the counter right after the last write.
uint32_t flush(uint32_t* rows) {
  uint32_t n = 0;
  for (uint32_t w = 0; w < sizeof g_dirty / 4; ++w) {
    while (g_dirty[w]) {
      const uint32_t y = w * 32 + static_cast<uint32_t>(__builtin_ctz(g_dirty[w]));
      g_dirty[w] &= g_dirty[w] - 1;
      const auto* from = reinterpret_cast<const uint32_t*>(g_fb + y * kRowBytes);
      auto* to = reinterpret_cast<uint32_t*>(g_panel + y * kRowBytes);
      for (uint32_t i = 0; i < kRowBytes / 4; ++i) to[i] = from[i];
      ++n;
    }
  }
  *rows = n;
  return now();
}

void dump() {
  uint32_t blank = 0;
  for (uint32_t y = 0; y < kHeight; ++y) {
    const uint8_t* row = g_panel + y * kRowBytes;
    bool any = false;
    for (uint32_t x = 0; x < kRowBytes; ++x) any |= row[x] != 0;
    if (!any) {
      ++blank;
      continue;
    }
    char hex[2 * kRowBytes + 1];
    constexpr char kHex[] = "0123456789abcdef";
    for (uint32_t x = 0; x < kRowBytes; ++x) {
      hex[2 * x] = kHex[row[x] >> 4];
      hex[2 * x + 1] = kHex[row[x] & 15];
    }
    hex[2 * kRowBytes] = 0;
    courier::print("@wl fbrow y=%u hex=%s\n", y, hex);
  }
  courier::print("@wl fb width=%u height=%u row_bytes=%u blank_rows=%u fnv=%08x\n", kWidth,
                 kHeight, kRowBytes, blank, fnv(g_panel, kFbBytes));
}

}  // namespace

int main() {
  ring_setup();
  clock_start("graphics");
  g_fb = static_cast<uint8_t*>(pages(kFbBytes));
  g_panel = static_cast<uint8_t*>(pages(kFbBytes));
  if (g_fb == nullptr || g_panel == nullptr) return 1;
  return serve(kGfxSid, "graphics", [](const courier::Server& s, courier::Message& m,
                                       courier::Reply& reply) {
    switch (m.id) {
      case kFontTable:
        if (m.kind() == MessageKind::Borrow && g_font == nullptr && m.w[1] >= kGlyphs * kGlyphRows) {
          g_font = reinterpret_cast<const uint8_t*>(m.w[0]);
          g_font_msg = m;
          m.handle = 0;  // kept: answered at kEnd
        }
        break;
      case kRun:
        if (m.kind() != MessageKind::Borrow) break;
        if (g_font == nullptr) {
          ++g_runs_without_font;
        } else {
          draw_run(*reinterpret_cast<const RunPage*>(m.w[0]));
        }
        acknowledge(s, m, 0, 0);
        break;
      case kFlush: {
        uint32_t rows = 0;
        const uint32_t t = flush(&rows);
        reply(t, rows);
        break;
      }
      case kDump:
        dump();
        break;
      case kEnd:
        if (g_font_msg.handle) (void)s.return_memory(g_font_msg, 0, 0);
        g_font_msg.handle = 0;
        courier::print("@wl graphics runs_without_font=%u bad_runs=%u ring_errors=%u\n",
                       g_runs_without_font, g_bad_runs, g_ring_errors);
        g_counts.report("graphics");
        break;
      default:
        break;
    }
    return true;
  });
}
