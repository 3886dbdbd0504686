// crypto.cc — encrypts each message moved to it (a LinePage: the text is replaced by its
// ChaCha20 ciphertext in place, RFC 8439, nonce = the message's key sequence number) and moves
// the page on to com. The key is a fixed test key: the workload measures the IPC around a real
// cipher, not key management (on the device it would come from the keystore).
#include "cipher.h"
#include "wl.h"

using namespace wl;

namespace {
// The workload's test key: the bytes 0x00..0x1f as little-endian words (RFC 8439's example key).
constexpr uint32_t kTestKey[8] = {0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c,
                              0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c};
courier::Connection g_com;
uint32_t g_messages = 0, g_bytes = 0;
}  // namespace

int main() {
  ring_setup();
  if (!connect(kComSid, &g_com, "crypto")) return 1;
  return serve(kCryptoSid, "crypto", [](const courier::Server&, courier::Message& m,
                                  courier::Reply&) {
    if (m.id == kEnd) {
      (void)call(g_com, kEnd, 0, kSetupTag);
      courier::print("@wl crypto messages=%u bytes=%u\n", g_messages, g_bytes);
      g_counts.report("crypto");
      return true;
    }
    if (m.id != kEncrypt || m.kind() != MessageKind::Move) return true;
    auto* line = reinterpret_cast<LinePage*>(m.w[0]);
    const uint32_t len = line->len <= kLineMax ? line->len : kLineMax;
    const uint32_t nonce[3] = {0, seq_of(line->tag), 0x6c772d63};
    chacha20_xor(kTestKey, 1, nonce, reinterpret_cast<uint8_t*>(line->text), len);
    ++g_messages;
    g_bytes += len;
    if (lend(g_com, MessageKind::Move, kCipher, line, m.w[1], line->tag).error != Error::Ok) {
      courier::print("@wl error crypto: the ciphertext was not delivered\n");
      (void)courier::sys::unmap_memory(m.w[0], m.w[1]);
      courier::print("@wl idle\n");
    }
    return true;
  });
}
