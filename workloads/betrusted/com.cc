// com.cc — the sink standing in for the link to the EC: takes each ciphertext page moved to
// it, times the message (from Enter's interrupt to here), checksums the ciphertext and frees
// the page. Then the key is done: "@wl idle".
#include "wl.h"

using namespace wl;

namespace {
uint32_t g_messages = 0;
}

int main() {
  if (!clock_start("com")) return 1;
  return serve(kComSid, "com", [](const courier::Server&, courier::Message& m, uint32_t*,
                                  uint32_t*) {
    if (m.id == kEnd) {
      courier::print("@wl com messages=%u\n", g_messages);
      g_counts.report("com");
      return true;
    }
    if (m.id != kCipher || m.kind() != MessageKind::Move) return true;
    const uint32_t t = now();
    const auto* line = reinterpret_cast<const LinePage*>(m.w[0]);
    const uint32_t len = line->len <= kLineMax ? line->len : kLineMax;
    ++g_messages;
    courier::print("@wl msg seq=%u conv=%u len=%u cycles=%u cipher_fnv=%08x\n", seq_of(line->tag),
                   line->conv, len, t - line->t_irq,
                   fnv(reinterpret_cast<const uint8_t*>(line->text), len));
    (void)courier::sys::unmap_memory(m.w[0], m.w[1]);
    courier::print("@wl idle\n");
    return true;
  });
}
