// demo_gfx.cc — the graphics server: draws into framebuffers it is lent mutably (draw()).
// kDrawRect: offset hint = top row, valid hint = height in rows; fills those rows.
#include "demo.h"

int main() {
  courier::Server s;
  if (courier::Server::create(demo::kGfxSid, &s) != courier::abi::Error::Ok) return 1;
  courier::Message m{};
  (void)s.receive(&m);
  for (;;) {
    if (m.kind() == courier::abi::MessageKind::MutableBorrow && m.id == demo::kDrawRect) {
      auto* fb = reinterpret_cast<uint8_t*>(m.w[0]);
      const uint32_t top = m.w[2], rows = m.w[3];
      for (uint32_t y = top; y < top + rows && y < demo::kHeight; ++y) {
        for (uint32_t x = 0; x < demo::kWidthBytes; ++x) fb[y * demo::kWidthBytes + x] = 0xff;
      }
      (void)s.return_memory(m, top, rows * demo::kWidthBytes);  // valid = bytes drawn
      m.handle = 0;
    }
    (void)s.reply_and_receive(&m, 0);
  }
}
