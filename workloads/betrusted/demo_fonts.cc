// demo_fonts.cc — the font server: looks glyphs up in a font table it is lent read-only (mapping
// a font database), without copying it. kGlyphSum: offset hint = the character; returns the
// sum of its glyph's rows in the valid hint.
#include "demo.h"

int main() {
  courier::Server s;
  if (courier::Server::create(demo::kFontsSid, &s) != courier::abi::Error::Ok) return 1;
  courier::Message m{};
  (void)s.receive(&m);
  for (;;) {
    if (m.kind() == courier::abi::MessageKind::Borrow && m.id == demo::kGlyphSum) {
      const auto* table = reinterpret_cast<const uint8_t*>(m.w[0]);
      const uint32_t c = m.w[2] & 0x7f;
      uint32_t sum = 0;
      for (uint32_t row = 0; row < demo::kGlyphBytes; ++row)
        sum += table[c * demo::kGlyphBytes + row];
      (void)s.return_memory(m, c, sum);
      m.handle = 0;
    }
    (void)s.reply_and_receive(&m, 0);
  }
}
