// copy.cc — see ipc/copy/copy.h. The lender's pages are never remapped: they are read (and,
// for MutableBorrow, written back on return) through the kernel's view of physical memory.
#include "copy.h"

#include "courier/core/phys.h"
#include "courier/kstd/assert.h"

extern "C" void* memcpy(void*, const void*, size_t);

namespace courier::copy {

using abi::Error;
using abi::MessageKind;

bool send(Kernel& k, const lend::Args& a) { return lend::send_pages(k, a, true); }

bool return_memory(Kernel& k, Lend& l, uint32_t offset, uint32_t valid, Continuation& c,
                   Budget& b) {
  if (l.kind == MessageKind::MutableBorrow) {  // the lender is alive while the record is
    AddressSpace& lender = k.process(l.lender).space;
    AddressSpace& borrower = k.process(l.borrower).space;
    // The copy back, a page at a time with preemption points between: c.done pages so far
    // (0 unless this very call stopped before). The lender waits for the answer meanwhile.
    if (c.op != Split::ReturnMemory) {
      c.op = Split::ReturnMemory;
      c.done = 0;
    }
    while (c.done < l.pages) {
      const uint32_t i = c.done++;
      const auto from = borrower.lookup(kstd::VirtAddr(l.borrower_va + i * kstd::kPageSize));
      const auto to = lender.lookup(kstd::VirtAddr(l.lender_va + i * kstd::kPageSize));
      // The copy path leaves the lender's pages alone, so another of its threads may have
      // unmapped or replaced them meanwhile: write back only into RAM the lender owns now.
      if (from && to && k.frames().contains(to->pfn) &&
          k.frames().owner(to->pfn) == Owner::process(l.lender)) {
        memcpy(frame_ptr(to->pfn), frame_ptr(from->pfn), kstd::kPageSize);
      }
      // A point after every page, the last one too: unmapping the copies comes next.
      if (b.step(Budget::kPage)) return true;
    }
  }
  c.op = Split::None;
  k.unmap_lend(l);
  k.finish_lend(l, Error::Ok, offset, valid);
  return false;
}

}  // namespace courier::copy
