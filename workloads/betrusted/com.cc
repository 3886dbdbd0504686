// com.cc — the sink standing in for the link to the EC: takes each ciphertext page moved to
// it, times the message (from Enter's interrupt to here), checksums the ciphertext and frees
// the page; the records are printed at the end. Then the key is done: "@wl idle".
#include "wl.h"

using namespace wl;

namespace {
uint32_t g_messages = 0;
// The messages' records, printed at the end of the session (as chat's key times).
struct Delivered {
  uint32_t tag, conv, len, cycles, cipher_fnv;
};
constexpr uint32_t kMaxDelivered = 128;
Delivered g_delivered[kMaxDelivered];
uint32_t g_lost_records = 0;
}

int main() {
  clock_start("com");
  return serve(kComSid, "com", [](const courier::Server&, courier::Message& m,
                                  courier::Reply&) {
    if (m.id == kEnd) {
      for (uint32_t i = 0; i < g_messages && i < kMaxDelivered; ++i) {
        const Delivered& d = g_delivered[i];
        courier::print("@wl msg seq=%u conv=%u len=%u cycles=%u cipher_fnv=%08x\n",
                       seq_of(d.tag), d.conv, d.len, d.cycles, d.cipher_fnv);
      }
      if (g_lost_records) courier::print("@wl error com: %u message records not kept\n", g_lost_records);
      courier::print("@wl com messages=%u\n", g_messages);
      g_counts.report("com");
      return true;
    }
    if (m.id != kCipher || m.kind() != MessageKind::Move) return true;
    const uint32_t t = now();
    const auto* line = reinterpret_cast<const LinePage*>(m.w[0]);
    const uint32_t len = line->len <= kLineMax ? line->len : kLineMax;
    if (g_messages < kMaxDelivered) {
      g_delivered[g_messages] = Delivered{line->tag, line->conv, len, t - line->t_irq,
                                          fnv(reinterpret_cast<const uint8_t*>(line->text), len)};
    } else {
      ++g_lost_records;
    }
    ++g_messages;
    (void)courier::sys::unmap_memory(m.w[0], m.w[1]);
    courier::print("@wl idle\n");
    return true;
  });
}
