// wl_cipher_test.cc — the Betrusted workload's cipher (workloads/betrusted/cipher.h): ChaCha20
// encryption against RFC 8439 §2.4.2's test vector, across block boundaries and back.
#include "cipher.h"

#include <gtest/gtest.h>

#include <cstring>

namespace {

// RFC 8439 §2.4.2: key 00 01 .. 1f, nonce 00 00 00 00 00 00 00 4a 00 00 00 00, counter 1.
constexpr char kPlain[] =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
    "future, sunscreen would be it.";
constexpr uint8_t kCipher[114] = {
    0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69,
    0x81, 0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27, 0xaf, 0xcc, 0xfd, 0x9f,
    0xae, 0x0b, 0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab, 0x8f, 0x59, 0x3d, 0xab, 0xcd,
    0x62, 0xb3, 0x57, 0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab, 0x8f, 0x53, 0x0c, 0x35,
    0x9f, 0x08, 0x61, 0xd8, 0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d, 0x6a, 0x61, 0x56, 0xa3, 0x8e,
    0x08, 0x8a, 0x22, 0xb6, 0x5e, 0x52, 0xbc, 0x51, 0x4d, 0x16, 0xcc, 0xf8, 0x06, 0x81, 0x8c,
    0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36, 0x5a, 0xf9, 0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6, 0xb4,
    0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42, 0x87, 0x4d};

void rfc_key(uint32_t (&key)[8]) {
  for (uint32_t i = 0; i < 8; ++i)
    key[i] = (4 * i) | (4 * i + 1) << 8 | (4 * i + 2) << 16 | (4 * i + 3) << 24;
}

TEST(WorkloadCipher, EncryptsRfc8439Section242) {
  static_assert(sizeof kPlain - 1 == sizeof kCipher);
  uint32_t key[8];
  rfc_key(key);
  const uint32_t nonce[3] = {0x00000000, 0x4a000000, 0x00000000};
  uint8_t buf[sizeof kCipher];
  std::memcpy(buf, kPlain, sizeof buf);
  wl::chacha20_xor(key, 1, nonce, buf, sizeof buf);  // two blocks, the second partial
  EXPECT_EQ(std::memcmp(buf, kCipher, sizeof buf), 0);
  wl::chacha20_xor(key, 1, nonce, buf, sizeof buf);  // and back
  EXPECT_EQ(std::memcmp(buf, kPlain, sizeof buf), 0);
}

TEST(WorkloadCipher, APrefixIsThePrefixOfTheCiphertext) {
  uint32_t key[8];
  rfc_key(key);
  const uint32_t nonce[3] = {0x00000000, 0x4a000000, 0x00000000};
  for (uint32_t n : {0u, 1u, 63u, 64u, 65u}) {
    uint8_t buf[sizeof kCipher];
    std::memcpy(buf, kPlain, sizeof buf);
    wl::chacha20_xor(key, 1, nonce, buf, n);
    EXPECT_EQ(std::memcmp(buf, kCipher, n), 0) << n;
    EXPECT_EQ(std::memcmp(buf + n, kPlain + n, sizeof buf - n), 0) << n << ": bytes past n changed";
  }
}

}  // namespace
