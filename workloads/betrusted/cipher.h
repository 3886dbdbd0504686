// cipher.h — ChaCha20 encryption (RFC 8439 §2.4) over kstd's block function: what the crypto
// server applies to each message moved to it. Checked against the RFC's test vectors in
// kernel/test/host/wl_cipher_test.cc.
#pragma once

#include <stdint.h>

#include "courier/kstd/chacha20.h"

namespace wl {

// XORs `n` bytes at `p` with the keystream of (key, nonce) from block `counter` on: encrypts,
// or decrypts what it encrypted.
inline void chacha20_xor(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
                         uint8_t* p, uint32_t n) {
  uint32_t block[kstd::kChaChaBlockWords];
  for (uint32_t done = 0; done < n; done += 64, ++counter) {
    kstd::chacha20_block(key, counter, nonce, block);
    for (uint32_t i = 0; i < 64 && done + i < n; ++i)
      p[done + i] ^= static_cast<uint8_t>(block[i / 4] >> (8 * (i % 4)));
  }
  for (uint32_t& w : block) *static_cast<volatile uint32_t*>(&w) = 0;  // no keystream left behind
}

}  // namespace wl
