// chacha20_test.cc — the ChaCha20 block function against RFC 8439, and the generator's
// construction (fast key erasure) against the block function.
#include "courier/kstd/chacha20.h"

#include <gtest/gtest.h>

#include <cstring>

namespace {

using kstd::chacha20_block;
using kstd::ChaChaRng;

// The block's sixteen words as the RFC's 64-byte serialisation (little-endian words).
void serialise(const uint32_t (&w)[16], uint8_t (&out)[64]) {
  for (int i = 0; i < 16; ++i) {
    for (int b = 0; b < 4; ++b) out[4 * i + b] = static_cast<uint8_t>(w[i] >> (8 * b));
  }
}

// RFC 8439 §2.3.2: key 00 01 .. 1f, nonce 00 00 00 09 00 00 00 4a 00 00 00 00, counter 1.
TEST(ChaCha20, BlockFunctionMatchesRfc8439Section232) {
  uint32_t key[8];
  for (uint32_t i = 0; i < 8; ++i) {
    key[i] = (4 * i) | (4 * i + 1) << 8 | (4 * i + 2) << 16 | (4 * i + 3) << 24;
  }
  const uint32_t nonce[3] = {0x09000000, 0x4a000000, 0x00000000};
  uint32_t out[16];
  chacha20_block(key, 1, nonce, out);
  const uint32_t want[16] = {0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033,
                             0x9aaa2204, 0x4e6cd4c3, 0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
                             0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(out[i], want[i]) << "word " << i;
  const uint8_t want_bytes[64] = {0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd,
                                  0x1f, 0xa3, 0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0,
                                  0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2,
                                  0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05,
                                  0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e,
                                  0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e};
  uint8_t bytes[64];
  serialise(out, bytes);
  EXPECT_EQ(std::memcmp(bytes, want_bytes, 64), 0);
}

// RFC 8439 appendix A.1, test vector #1: the all-zero key, nonce and counter.
TEST(ChaCha20, BlockFunctionMatchesRfc8439AppendixA1) {
  const uint32_t key[8] = {};
  const uint32_t nonce[3] = {};
  uint32_t out[16];
  chacha20_block(key, 0, nonce, out);
  const uint8_t want[64] = {0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90, 0x40, 0x5d, 0x6a,
                            0xe5, 0x53, 0x86, 0xbd, 0x28, 0xbd, 0xd2, 0x19, 0xb8, 0xa0, 0x8d,
                            0xed, 0x1a, 0xa8, 0x36, 0xef, 0xcc, 0x8b, 0x77, 0x0d, 0xc7, 0xda,
                            0x41, 0x59, 0x7c, 0x51, 0x57, 0x48, 0x8d, 0x77, 0x24, 0xe0, 0x3f,
                            0xb8, 0xd8, 0x4a, 0x37, 0x6a, 0x43, 0xb8, 0xf4, 0x15, 0x18, 0xa1,
                            0x1c, 0xc3, 0x87, 0xb6, 0x69, 0xb2, 0xee, 0x65, 0x86};
  uint8_t bytes[64];
  serialise(out, bytes);
  EXPECT_EQ(std::memcmp(bytes, want, 64), 0);
}

// Fast key erasure, spelled out with the block function: seeding keys the generator with the
// first half of ChaCha20(seed, nonce = stir), every output is the second half of
// ChaCha20(key), and the first half of that block is the next key, never output.
TEST(ChaCha20, GeneratorIsKeystreamWithFastKeyErasure) {
  const uint32_t seed[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const uint64_t stir = 0x1234'5678'9abc'def0ull;
  ChaChaRng rng;
  rng.seed(seed, stir);

  uint32_t key[8];
  uint32_t block[16];
  const uint32_t seed_nonce[3] = {0x9abcdef0, 0x12345678, 0x64656573};
  chacha20_block(seed, 0, seed_nonce, block);
  std::memcpy(key, block, sizeof key);
  const uint32_t zero_nonce[3] = {};
  for (int call = 0; call < 4; ++call) {
    uint32_t got[8];
    rng.fill(got, 8);
    chacha20_block(key, 0, zero_nonce, block);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(got[i], block[8 + i]) << "call " << call;
    // The next key: what this block's first half was, and no output ever contained it.
    for (int i = 0; i < 8; ++i) {
      for (int j = 0; j < 8; ++j) EXPECT_NE(block[i], got[j]);
    }
    std::memcpy(key, block, sizeof key);
  }
}

TEST(ChaCha20, ShortFillsTakeAWholeBlockEach) {
  const uint32_t seed[8] = {9, 9, 9, 9, 9, 9, 9, 9};
  ChaChaRng a, b;
  a.seed(seed, 0);
  b.seed(seed, 0);
  uint32_t one[1], eight[8];
  a.fill(one, 1);
  b.fill(eight, 8);
  EXPECT_EQ(one[0], eight[0]);
  a.fill(one, 1);
  b.fill(eight, 8);
  EXPECT_EQ(one[0], eight[0]);  // the rest of a's block was thrown away, not kept for later
}

}  // namespace
