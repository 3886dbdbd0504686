// gam.cc — the graphics abstraction manager: lays out the text of a view it is lent mutably
// (a DrawPage), wrapping words at the screen's width and keeping the last lines that fit (a
// chat scrolls), and has graphics draw it a glyph run at a time (Borrow of a RunPage), then
// flush. It writes back how many lines the text took and when the last pixel changed.
#include "wl.h"

using namespace wl;

namespace {

courier::Connection g_gfx;
RunPage* g_run = nullptr;

struct Span {
  uint32_t start, len;
};
constexpr uint32_t kMaxLines = 256;
Span g_lines[kMaxLines];

// Word wrap: paragraphs end at '\n'; a line breaks at its last space that fits, or at kCols.
uint32_t layout(const char* text, uint32_t len) {
  uint32_t n = 0, i = 0;
  while (i < len && n < kMaxLines) {
    uint32_t end = i;
    while (end < len && text[end] != '\n') ++end;  // the paragraph [i, end)
    if (end == i) g_lines[n++] = Span{i, 0};      // an empty paragraph is an empty line
    while (i < end && n < kMaxLines) {
      uint32_t take = end - i;
      uint32_t next = end;
      if (take > kCols) {
        take = kCols;
        for (uint32_t j = kCols; j > 0; --j) {
          if (text[i + j] == ' ') {  // break at the space (j <= kCols: it may be just past)
            take = j;
            break;
          }
        }
        next = i + take;
        if (text[next] == ' ') ++next;
      }
      g_lines[n++] = Span{i, take};
      i = next;
    }
    i = end + 1;
  }
  return n;
}

void run(uint32_t tag, uint32_t row, const char* text, uint32_t n, uint32_t clear_rows,
         uint32_t invert) {
  RunPage& r = *g_run;
  r.tag = tag;
  r.col = 0;
  r.row = row;
  r.n = n < kRunMax ? n : kRunMax;
  r.clear_rows = clear_rows;
  r.invert = invert;
  copy(r.text, text, r.n);
  (void)lend(g_gfx, MessageKind::Borrow, kRun, g_run, 4096, tag);
}

}  // namespace

int main() {
  ring_setup();
  if (!connect(kGfxSid, &g_gfx, "gam")) return 1;
  g_run = static_cast<RunPage*>(pages(4096));
  if (g_run == nullptr) return 1;
  return serve(kGamSid, "gam", [](const courier::Server& s, courier::Message& m,
                                  courier::Reply&) {
    if (m.id == kEnd) {
      (void)call(g_gfx, kDump, 0, kSetupTag);
      (void)call(g_gfx, kEnd, 0, kSetupTag);
      courier::print("@wl gam ring_errors=%u\n", g_ring_errors);
      g_counts.report("gam");
      return true;
    }
    if (m.id != kDraw || m.kind() != MessageKind::MutableBorrow) return true;
    auto& d = *reinterpret_cast<DrawPage*>(m.w[0]);
    const uint32_t tag = d.tag, rows = d.rows < kRows ? d.rows : kRows;
    const uint32_t len = d.len < kDrawTextMax ? d.len : kDrawTextMax;
    const uint32_t lines = layout(d.text, len);
    const uint32_t first = lines > rows ? lines - rows : 0;
    // The first run clears the whole view; empty lines need no run of their own.
    bool cleared = false;
    for (uint32_t k = first; k < lines; ++k) {
      if (g_lines[k].len == 0 && cleared) continue;
      run(tag, d.top + (k - first), d.text + g_lines[k].start, g_lines[k].len,
          cleared ? 0 : rows, d.invert);
      cleared = true;
    }
    if (!cleared) run(tag, d.top, "", 0, rows, d.invert);
    const auto flushed = call(g_gfx, kFlush, 0, tag);
    d.out_lines = lines;
    d.out_t_fb = flushed.r[0];
    acknowledge(s, m, 0, 0);
    return true;
  });
}
