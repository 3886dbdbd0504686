// shares_move_attacker.cc — process 2 of the shares_move_quota test: on each command it maps
// fresh pages, tags them and Moves them to the victim (process 1's server, which is not
// receiving); a refused Move's pages it unmaps again. Told to, it Moves pages twice (by
// remapping, then by copying) and dies at once, its Moves still queued.
#include "shares.h"

using namespace shares;

int main() {
  courier::Connection victim;
  if (courier::Connection::connect(kVictimSid, &victim) != Error::Ok) return 1;
  // The buffers' page tables are made now, before process 1 counts pages: every buffer is
  // mapped at the same place (the first free range), so no later one needs a table.
  const uint32_t warm = test::pages(190);
  if (warm == 0) return 1;
  (void)sys::unmap_memory(warm, 190 * kPage);

  serve_commands([&](const courier::Message& m, uint32_t* r0, uint32_t*) {
    const uint32_t pages = m.w[0];
    if (m.id == 1) {
      const uint32_t buf = test::pages(pages);
      if (buf == 0) {
        *r0 = static_cast<uint32_t>(Error::OutOfMemory);
        return;
      }
      tag_pages(buf, pages, m.w[1]);
      const Error e = victim
                          .lend(MessageKind::Move, m.w[1], reinterpret_cast<void*>(buf),
                                pages * kPage, 0, 0, static_cast<courier::Transfer>(m.w[2]))
                          .error;
      if (e != Error::Ok) (void)sys::unmap_memory(buf, pages * kPage);
      *r0 = static_cast<uint32_t>(e);
    } else if (m.id == 2) {
      const courier::Transfer both[] = {courier::Transfer::Remap, courier::Transfer::Copy};
      for (const courier::Transfer how : both) {
        const uint32_t buf = test::pages(pages);
        if (buf == 0) break;
        tag_pages(buf, pages, 0x3000);
        (void)victim.lend(MessageKind::Move, 0x3000, reinterpret_cast<void*>(buf), pages * kPage, 0,
                          0, how);
      }
      sys::terminate_process(0);  // the call is never answered
    }
  });
  return 1;
}
