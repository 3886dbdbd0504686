// fonts.cc — the font server: owns the glyph table and lends it to graphics (Borrow) for the
// whole session, as Xous maps a font database read-only into the server that draws; graphics
// answers the lend at the end.
#include "font.h"
#include "wl.h"

using namespace wl;

int main() {
  courier::Connection gfx;
  if (!connect(kGfxSid, &gfx, "fonts")) return 1;
  auto* table = static_cast<uint8_t*>(pages(4096));
  if (table == nullptr) return 1;
  copy(table, kFont, sizeof kFont);
  const auto r = lend(gfx, MessageKind::Borrow, kFontTable, table, 4096, kSetupTag);
  courier::print("@wl fonts table_returned=%u\n", r.error == Error::Ok ? 1u : 0u);
  g_counts.report("fonts");
  return 0;
}
