// copy.cc — see ipc/copy/copy.h. The lender's pages are never remapped: they are read (and,
// for MutableBorrow, written back on return) through the kernel's view of physical memory.
#include "copy.h"

#include "courier/core/phys.h"
#include "courier/kstd/assert.h"

extern "C" void* memcpy(void*, const void*, size_t);

namespace courier::copy {

using abi::Error;
using abi::MessageKind;

void send(Kernel& k, const lend::Args& a) {
  Thread& caller = *k.current();
  const Pid pid = caller.pid;
  lend::Prepared p;
  if (!lend::prepare(k, a, true, &p)) return;
  const lend::Checked c = p.c;
  const MessageKind kind = p.kind;
  const Pid bpid = p.borrower;
  const uint32_t bva = p.borrower_va;
  Lend* l = p.lend;
  Process& borrower = k.process(bpid);
  Process& lender = k.process(pid);
  const uint32_t bflags = kind == MessageKind::Borrow ? kMemR : c.flags;
  for (uint32_t i = 0; i < c.pages; ++i) {
    const kstd::VirtAddr dst(bva + i * kstd::kPageSize);
    auto frame = k.frames().alloc(Owner::process(bpid));
    // The copies are marked borrowed like lent frames, so the server can neither unmap,
    // protect, re-lend nor pin them while a record or an undelivered Move refers to them.
    kstd::Result<void, Error> mapped =
        frame.is_ok() ? borrower.space.map(k.frames(), dst, frame.value(), bflags, true)
                      : kstd::Result<void, Error>(kstd::err(frame.error()));
    if (mapped.is_err()) {
      if (frame.is_ok()) k.frames().free(frame.value());
      for (uint32_t j = 0; j < i; ++j) {
        const auto m = borrower.space.unmap(kstd::VirtAddr(bva + j * kstd::kPageSize));
        k.frames().free(m->pfn);
      }
      borrower.page_count -= i;
      if (l) l->active = false;
      return set_result(caller, mapped.error());
    }
    ++borrower.page_count;
    const auto src = lender.space.lookup(kstd::VirtAddr(a.va + i * kstd::kPageSize));
    memcpy(frame_ptr(frame.value()), frame_ptr(src->pfn), kstd::kPageSize);
  }
  Message m = lend::memory_message(a, bva);
  if (kind == MessageKind::Move) {
    // The lender's pages go: the server has its own copy.
    for (uint32_t i = 0; i < c.pages; ++i) {
      const auto gone = lender.space.unmap(kstd::VirtAddr(a.va + i * kstd::kPageSize));
      k.frames().free(gone->pfn);
    }
    lender.page_count -= c.pages;
    m.sender_pid = pid;
    m.sender_tid = caller.tid;
    k.post(c.server, m);
    return set_result(caller, Error::Ok);
  }
  lend::record_lend(k, p, a, true, &m);
  k.post_call(c.server, m);
}

void return_memory(Kernel& k, Lend& l, uint32_t offset, uint32_t valid) {
  if (l.kind == MessageKind::MutableBorrow) {  // the lender is alive while the record is
    AddressSpace& lender = k.process(l.lender).space;
    AddressSpace& borrower = k.process(l.borrower).space;
    for (uint32_t i = 0; i < l.pages; ++i) {
      const auto from = borrower.lookup(kstd::VirtAddr(l.borrower_va + i * kstd::kPageSize));
      const auto to = lender.lookup(kstd::VirtAddr(l.lender_va + i * kstd::kPageSize));
      // The copy path leaves the lender's pages alone, so another of its threads may have
      // unmapped or replaced them meanwhile: write back only into RAM the lender owns now.
      if (from && to && k.frames().contains(to->pfn) &&
          k.frames().owner(to->pfn) == Owner::process(l.lender)) {
        memcpy(frame_ptr(to->pfn), frame_ptr(from->pfn), kstd::kPageSize);
      }
    }
  }
  k.unmap_lend(l);
  k.finish_lend(l, Error::Ok, offset, valid);
}

}  // namespace courier::copy
