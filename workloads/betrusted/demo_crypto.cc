// demo_crypto.cc — the crypto server: takes strings by Move (encrypting a string: the plaintext is
// handed over and gone from the app), "encrypts" them in place (a toy XOR stream: the point is
// the memory model, not the cipher), keeps the digest and frees the page.
#include "demo.h"

int main() {
  courier::Server s;
  if (courier::Server::create(demo::kCryptoSid, &s) != courier::abi::Error::Ok) return 1;
  uint32_t digest = 0;
  courier::Message m{};
  (void)s.receive(&m);
  for (;;) {
    uint32_t r0 = 0;
    if (m.kind() == courier::abi::MessageKind::Move && m.id == demo::kEncrypt) {
      auto* text = reinterpret_cast<uint8_t*>(m.w[0]);
      const uint32_t len = m.w[3];  // valid hint = string length
      for (uint32_t i = 0; i < len; ++i) text[i] ^= static_cast<uint8_t>(0x5a + i);
      digest = demo::fnv(text, len);
      (void)courier::sys::unmap_memory(m.w[0], m.w[1]);  // the page was ours to free
    } else if (m.id == demo::kDigest) {
      r0 = digest;
    }
    (void)s.reply_and_receive(&m, r0);
  }
}
