// shares_table_mapper.cc — process 2 of the shares_page_tables test: told to, it maps one page
// at the start of every 4 MiB region of user space, in order, until the kernel refuses with
// OutOfMemory: each page needs a page table of its own. A region where map_memory answers
// anything else (its own program's, say) is skipped. Then, told to, it tries a device page
// (map_physical) in the next region, which would need a table too.
#include "shares.h"

using namespace shares;

int main() {
  constexpr uint32_t kRegion = 0x0040'0000;
  uint32_t next = kRegion;
  serve_commands([&](const courier::Message& m, uint32_t* r0, uint32_t* r1) {
    if (m.id == 1) {  // r0 = pages mapped, r1 = the answer that stopped it
      Error e = Error::Ok;
      for (; next != 0x8000'0000; next += kRegion) {
        e = sys::map_memory(next, kPage, kRw).error;
        if (e == Error::OutOfMemory) break;
        *r0 += e == Error::Ok;
      }
      *r1 = static_cast<uint32_t>(e);
    } else if (m.id == 2) {  // r0 = what map_physical in the next fresh region answered
      const auto r = sys::map_physical(kRtcPa, next, kPage, kRw);
      if (r.error == Error::Ok) (void)sys::unmap_memory(r.r[0], kPage);
      *r0 = static_cast<uint32_t>(r.error);
    }
  });
  return 1;
}
