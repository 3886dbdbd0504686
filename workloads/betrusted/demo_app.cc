// demo_app.cc — process 1 of the demo: uses the three servers the way a Betrusted app would.
#include "demo.h"
#include "courier/services/ticktimer.h"

using courier::abi::Error;
using courier::abi::MessageKind;

namespace {
int failures = 0;
void check(bool ok, const char* what) {
  courier::print("%s: %s\n", ok ? "ok" : "FAIL", what);
  failures += !ok;
}
uint32_t pages(uint32_t n) {
  uint32_t va = 0;
  (void)courier::map_memory(0, n * 4096, courier::abi::kMemRead | courier::abi::kMemWrite, &va);
  return va;
}
}  // namespace

int main() {
  courier::Connection gfx, fonts, crypto;
  if (courier::Connection::connect(demo::kGfxSid, &gfx) != Error::Ok ||
      courier::Connection::connect(demo::kFontsSid, &fonts) != Error::Ok ||
      courier::Connection::connect(demo::kCryptoSid, &crypto) != Error::Ok) {
    return 1;
  }

  // 1. draw(): lend the framebuffer mutably; the server draws rows 100..119.
  auto* fb = reinterpret_cast<uint8_t*>(pages(demo::kFbPages));
  const auto drawn =
      gfx.lend(MessageKind::MutableBorrow, demo::kDrawRect, fb, demo::kFbPages * 4096, 100, 20);
  const bool inside =
      fb[100 * demo::kWidthBytes] == 0xff && fb[119 * demo::kWidthBytes + 43] == 0xff;
  const bool outside = fb[99 * demo::kWidthBytes] == 0 && fb[120 * demo::kWidthBytes] == 0;
  check(drawn.error == Error::Ok && drawn.valid == 20 * demo::kWidthBytes && inside && outside,
        "gfx drew 20 rows into the lent framebuffer, and only those");

  // 2. the font table, lent read-only: the font server reads glyph 'A' in place.
  auto* font = reinterpret_cast<uint8_t*>(pages(1));
  for (uint32_t i = 0; i < 128 * demo::kGlyphBytes; ++i) font[i] = static_cast<uint8_t>(i * 7);
  uint32_t want = 0;
  for (uint32_t row = 0; row < demo::kGlyphBytes; ++row)
    want += font['A' * demo::kGlyphBytes + row];
  const auto glyph = fonts.lend(MessageKind::Borrow, demo::kGlyphSum, font, 4096, 'A', 0);
  check(glyph.error == Error::Ok && glyph.valid == want,
        "fonts read glyph 'A' from the borrowed table");

  // 3. move a string to be encrypted: afterwards the app no longer has it.
  auto* text = reinterpret_cast<char*>(pages(1));
  const char secret[] = "attack at dawn";
  for (uint32_t i = 0; i < sizeof secret; ++i) text[i] = secret[i];
  uint8_t expect[sizeof secret];
  for (uint32_t i = 0; i + 1 < sizeof secret; ++i)
    expect[i] = static_cast<uint8_t>(secret[i] ^ (0x5a + i));
  const auto moved =
      crypto.lend(MessageKind::Move, demo::kEncrypt, text, 4096, 0, sizeof secret - 1);
  const auto digest = crypto.call(demo::kDigest);
  check(moved.error == Error::Ok && digest.error == Error::Ok &&
            digest.r[0] == demo::fnv(expect, sizeof secret - 1),
        "crypto encrypted the moved string");
  uint32_t again = 0;
  check(courier::map_memory(reinterpret_cast<uint32_t>(text), 4096, courier::abi::kMemRead,
                            &again) == Error::Ok,
        "the string's page left the app (its address is free again)");
  // 4. animation: three more frames, one every 16 ms, paced by the ticktimer server (which
  // owns the RTC and its interrupt): each sleep is a call the server answers when it is time.
  courier::ticktimer::Client timer;
  bool paced = timer.connect() == Error::Ok;
  const uint64_t start = paced ? timer.elapsed_ms() : 0;
  for (uint32_t frame = 0; paced && frame < 3; ++frame) {
    paced = timer.sleep_ms(16) == Error::Ok &&
            gfx.lend(MessageKind::MutableBorrow, demo::kDrawRect, fb, demo::kFbPages * 4096,
                     10 * frame, 10)
                    .error == Error::Ok;
  }
  const uint64_t took = paced ? timer.elapsed_ms() - start : 0;
  courier::print("animation: 3 frames in %u ms\n", static_cast<uint32_t>(took));
  check(paced && took >= 48, "three frames paced by the ticktimer, 16 ms apart");
  courier::print("betrusted demo done, %d failures\n", failures);
  return failures;
}
