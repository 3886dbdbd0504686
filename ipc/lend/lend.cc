// lend.cc — see ipc/lend/lend.h.
#include "lend.h"

#include "courier/kstd/assert.h"

namespace courier::lend {

using abi::Error;
using abi::MessageKind;

kstd::Result<Checked, Error> check(Kernel& k, Pid lender, const Args& a) {
  const uint16_t server = KTRY(k.resolve(lender, a.cid));
  const auto kind = static_cast<MessageKind>(a.kind);
  if (kind != MessageKind::Borrow && kind != MessageKind::MutableBorrow && kind != MessageKind::Move) {
    return kstd::err(Error::InvalidArgument);
  }
  if (a.size == 0 || ((a.va | a.size) & (kstd::kPageSize - 1))) return kstd::err(Error::InvalidArgument);
  uint32_t end;
  if (!kstd::checked_add(a.va, a.size, &end) || a.va < kUserBase || end > kUserTop) {
    return kstd::err(Error::BadAddress);
  }
  const uint32_t pages = a.size / kstd::kPageSize;
  if (pages > kMaxLendPages || a.offset > a.size || a.valid > a.size - a.offset) {
    return kstd::err(Error::InvalidArgument);
  }
  const uint32_t flags = KTRY(k.check_lendable(lender, a.va, pages, kind == MessageKind::MutableBorrow));
  return Checked{server, pages, flags};
}

kstd::Result<uint32_t, Error> window(Kernel& k, Pid borrower, uint32_t pages) {
  const auto at = k.process(borrower).space.find_free(pages, kLendWindowBase);
  if (!at || at->raw() + pages * kstd::kPageSize > kLendWindowTop) return kstd::err(Error::OutOfMemory);
  return at->raw();
}

Message memory_message(const Args& a, uint32_t borrower_va) {
  Message m{};
  m.kind = static_cast<MessageKind>(a.kind);
  m.id = a.id;
  m.w[0] = borrower_va;
  m.w[1] = a.size;
  m.w[2] = a.offset;
  m.w[3] = a.valid;
  return m;
}

void send(Kernel& k, const Args& a) {
  Thread& caller = *k.current();
  const Pid pid = caller.pid;
  auto checked = check(k, pid, a);
  if (checked.is_err()) return set_result(caller, checked.error());
  const Checked c = checked.value();
  if (!k.queue_has_room(c.server)) return k.block_on_full_queue(c.server);  // retried later
  const auto kind = static_cast<MessageKind>(a.kind);
  const Pid bpid = k.server(c.server).owner;
  Process& borrower = k.process(bpid);
  AddressSpace& lender = k.process(pid).space;
  auto at = window(k, bpid, c.pages);
  if (at.is_err()) return set_result(caller, at.error());
  const uint32_t bva = at.value();
  Lend* l = nullptr;
  if (kind != MessageKind::Move) {
    l = k.alloc_lend();
    if (l == nullptr) return set_result(caller, Error::LimitReached);
  }
  // Map everything into the borrower first (a second-level table may be needed and may not
  // be available): on failure nothing has changed for the lender.
  const uint32_t bflags = kind == MessageKind::Borrow ? kMemR : c.flags;
  for (uint32_t i = 0; i < c.pages; ++i) {
    const auto m = lender.lookup(kstd::VirtAddr(a.va + i * kstd::kPageSize));
    auto r = borrower.space.map(k.frames(), kstd::VirtAddr(bva + i * kstd::kPageSize), m->pfn, bflags, true);
    if (r.is_err()) {
      for (uint32_t j = 0; j < i; ++j) (void)borrower.space.unmap(kstd::VirtAddr(bva + j * kstd::kPageSize));
      if (l) l->active = false;
      return set_result(caller, r.error());
    }
  }
  Message m = memory_message(a, bva);
  if (kind == MessageKind::Move) {
    // The pages leave the lender for good and become the borrower's own.
    for (uint32_t i = 0; i < c.pages; ++i) {
      const auto gone = lender.unmap(kstd::VirtAddr(a.va + i * kstd::kPageSize));
      k.frames().transfer(gone->pfn, Owner::process(bpid));
      borrower.space.adopt_page(kstd::VirtAddr(bva + i * kstd::kPageSize));
    }
    k.process(pid).page_count -= c.pages;
    borrower.page_count += c.pages;
    m.sender_pid = pid;
    m.sender_tid = caller.tid;
    k.post(c.server, m);
    return set_result(caller, Error::Ok);
  }
  for (uint32_t i = 0; i < c.pages; ++i) {
    const bool ok = lender.lend_page(kstd::VirtAddr(a.va + i * kstd::kPageSize), kind == MessageKind::Borrow);
    KASSERT(ok);
  }
  *l = Lend{true, false, false, false, kind, pid, bpid, caller.tid, c.server, 0, a.va, bva, c.pages, c.flags};
  m.lend = k.lend_index(*l);
  k.post_call(c.server, m);
}

void return_memory(Kernel& k, Lend& l, uint32_t offset, uint32_t valid) {
  k.unmap_lend(l);
  k.finish_lend(l, Error::Ok, offset, valid);
}

}  // namespace courier::lend
