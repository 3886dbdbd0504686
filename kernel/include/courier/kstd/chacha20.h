// kstd/chacha20.h — the ChaCha20 block function (RFC 8439 §2.3) and a random generator built
// on it with fast key erasure.
//
// Why: the kernel hands out random SIDs, and in Xous a random SID is the secret that guards a
// private server. A generator whose output reveals its state (xorshift and friends) lets a
// process that sees one of its own random SIDs compute everyone else's next one. ChaCha20 as a
// keystream is indistinguishable from random to anyone without the key, so outputs reveal
// nothing of the key; and after every block the key is replaced by fresh keystream from that
// very block ("fast key erasure", Bernstein 2017), so even the kernel's current state does not
// give away outputs already handed out.
//
// What it does not do: gather entropy. Its key comes from the caller (the boot archive's seed
// stirred with the timer, core/server.cc); it is exactly as unpredictable as that seed.
#pragma once

#include "courier/kstd/types.h"

namespace kstd {

inline constexpr uint32_t kChaChaKeyWords = 8;
inline constexpr uint32_t kChaChaBlockWords = 16;

namespace chacha_detail {
constexpr uint32_t rotl(uint32_t v, int c) { return (v << c) | (v >> (32 - c)); }
// The quarter rounds of one double round, as (a, b, c, d) state indices packed in a word: four
// column rounds, then four diagonal rounds (RFC 8439 §2.3).
inline constexpr uint32_t kQuarterRounds[8] = {
    0x0004080c, 0x0105090d, 0x02060a0e, 0x03070b0f, 0x00050a0f, 0x01060b0c, 0x0207080d, 0x0304090e,
};
}  // namespace chacha_detail

// RFC 8439 §2.3: the 64-byte block for `key`, block `counter` and a 96-bit `nonce`, as sixteen
// little-endian words (serialising them little-endian gives the RFC's byte stream). One
// quarter round in a loop, not unrolled: random SIDs are rare, and kernel text is scarce. The
// copy of the key it works from is wiped before it returns (see ChaChaRng).
inline void chacha20_block(const uint32_t key[kChaChaKeyWords], uint32_t counter,
                           const uint32_t nonce[3], uint32_t out[kChaChaBlockWords]) {
  // The constant "expand 32-byte k", then key, counter, nonce.
  uint32_t init[kChaChaBlockWords] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (uint32_t i = 0; i < kChaChaKeyWords; ++i) init[4 + i] = key[i];
  init[12] = counter;
  for (uint32_t i = 0; i < 3; ++i) init[13 + i] = nonce[i];
  for (uint32_t i = 0; i < kChaChaBlockWords; ++i) out[i] = init[i];
  using chacha_detail::rotl;
#pragma GCC unroll 1
  for (uint32_t q = 0; q < 10 * 8; ++q) {  // 20 rounds: 10 double rounds of 8 quarter rounds
    const uint32_t abcd = chacha_detail::kQuarterRounds[q % 8];
    uint32_t& a = out[abcd >> 24];
    uint32_t& b = out[(abcd >> 16) & 15];
    uint32_t& c = out[(abcd >> 8) & 15];
    uint32_t& d = out[abcd & 15];
    a += b;
    d = rotl(d ^ a, 16);
    c += d;
    b = rotl(b ^ c, 12);
    a += b;
    d = rotl(d ^ a, 8);
    c += d;
    b = rotl(b ^ c, 7);
  }
  for (uint32_t i = 0; i < kChaChaBlockWords; ++i) out[i] += init[i];
  volatile uint32_t* wipe = init;  // volatile: the compiler may not drop these dead stores
  for (uint32_t i = 0; i < kChaChaBlockWords; ++i) wipe[i] = 0;
}

// A generator over ChaCha20 with fast key erasure. Invariant: `key_` is the only state, and
// after every call it is keystream no output has ever contained.
class ChaChaRng {
 public:
  // Keys the generator with `key` (256 bits of seed), stirred with `stir` (e.g. a timer
  // reading): the key becomes the first half of ChaCha20(key) under a nonce made from `stir`.
  void seed(const uint32_t key[kChaChaKeyWords], uint64_t stir) {
    const uint32_t nonce[3] = {static_cast<uint32_t>(stir), static_cast<uint32_t>(stir >> 32),
                               kSeedDomain};
    uint32_t block[kChaChaBlockWords];
    chacha20_block(key, 0, nonce, block);
    take_key(block);
  }

  // n <= kChaChaBlockWords - kChaChaKeyWords fresh words into out: one block, whose first half
  // becomes the next key and whose second half is the output.
  void fill(uint32_t* out, uint32_t n) {
    constexpr uint32_t kNonce[3] = {0, 0, 0};
    uint32_t block[kChaChaBlockWords];
    chacha20_block(key_, 0, kNonce, block);
    for (uint32_t i = 0; i < n && i < kChaChaBlockWords - kChaChaKeyWords; ++i) {
      out[i] = block[kChaChaKeyWords + i];
    }
    take_key(block);
  }

 private:
  // Distinguishes the seeding block from output blocks (which use nonce 0).
  static constexpr uint32_t kSeedDomain = 0x64656573;  // "seed"

  // The block's first half becomes the key; then the whole block is wiped from the stack, so
  // nothing but the new key survives the call.
  void take_key(uint32_t (&block)[kChaChaBlockWords]) {
    for (uint32_t i = 0; i < kChaChaKeyWords; ++i) key_[i] = block[i];
    volatile uint32_t* wipe = block;  // as in chacha20_block
    for (uint32_t i = 0; i < kChaChaBlockWords; ++i) wipe[i] = 0;
  }

  uint32_t key_[kChaChaKeyWords] = {};
};

}  // namespace kstd
