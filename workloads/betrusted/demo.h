// demo.h — the servers of the Betrusted-shaped demo and what they agree on.
//
// The talk's three uses of Xous's memory model (seed: "Xous: Memory Model"):
//   1. Mutable borrow: draw() — the app lends its framebuffer to the graphics server.
//   2. Immutable borrow: mapping a font database — the app lends a font table to the font
//      server, which looks glyphs up in place.
//   3. Move: encrypting a string — the app gives a page holding a string to the crypto server.
#pragma once

#include "courier/user/ipc.h"
#include "courier/user/print.h"

namespace demo {

inline constexpr courier::Sid kGfxSid{{0x67667820, 0xbe7, 1, 0}};
inline constexpr courier::Sid kFontsSid{{0x666f6e74, 0xbe7, 2, 0}};
inline constexpr courier::Sid kCryptoSid{{0x63727970, 0xbe7, 3, 0}};

// The framebuffer: Betrusted's 336x536 1-bit display, one byte per 8 pixels, rows padded to
// 44 bytes: 536 * 44 = 23584 bytes, six pages.
inline constexpr uint32_t kWidthBytes = 44;
inline constexpr uint32_t kHeight = 536;
inline constexpr uint32_t kFbPages = 6;

// A font table: 128 glyphs of 8x8 pixels, one byte per row: 1 KiB, one page.
inline constexpr uint32_t kGlyphBytes = 8;

enum : uint32_t { kDrawRect = 1, kGlyphSum = 2, kEncrypt = 3, kDigest = 4 };

// FNV-1a over bytes: the demo's stand-in for a digest.
inline uint32_t fnv(const uint8_t* p, uint32_t n) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

}  // namespace demo
