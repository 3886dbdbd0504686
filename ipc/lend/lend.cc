// lend.cc — see ipc/lend/lend.h.
#include "lend.h"

#include "courier/kstd/assert.h"

namespace courier::lend {

using abi::Error;
using abi::MessageKind;

kstd::Result<Checked, Error> check(Kernel& k, Pid lender, const Args& a) {
  const uint16_t server = KTRY(k.resolve(lender, a.cid));
  const auto kind = static_cast<MessageKind>(a.kind);
  if (kind != MessageKind::Borrow && kind != MessageKind::MutableBorrow &&
      kind != MessageKind::Move) {
    return kstd::err(Error::InvalidArgument);
  }
  if (a.size == 0 || ((a.va | a.size) & (kstd::kPageSize - 1)))
    return kstd::err(Error::InvalidArgument);
  uint32_t end;
  if (!kstd::checked_add(a.va, a.size, &end) || a.va < kUserBase || end > kUserTop) {
    return kstd::err(Error::BadAddress);
  }
  const uint32_t pages = a.size / kstd::kPageSize;
  if (pages > kMaxLendPages || a.offset > a.size || a.valid > a.size - a.offset) {
    return kstd::err(Error::InvalidArgument);
  }
  const uint32_t flags =
      KTRY(k.check_lendable(lender, a.va, pages, kind == MessageKind::MutableBorrow));
  return Checked{server, pages, flags};
}

bool prepare(Kernel& k, const Args& a, bool copies, Prepared* out) {
  Thread& caller = *k.current();
  auto checked = check(k, caller.pid, a);
  if (checked.is_err()) {
    set_result(caller, checked.error());
    return false;
  }
  const Checked c = checked.value();
  if (!k.queue_has_room(c.server)) {
    k.block_on_full_queue(c.server);  // the whole call is retried when there is room
    return false;
  }
  const Pid bpid = k.server(c.server).owner;
  const auto kind = static_cast<MessageKind>(a.kind);
  Error e = Error::Ok;
  const auto at = k.process(bpid).space.find_free(c.pages, kLendWindowBase);
  if (!at || at->raw() + c.pages * kstd::kPageSize > kLendWindowTop) e = Error::OutOfMemory;
  // The borrower's quota: the window's page tables always; the pages too when they become its
  // own (a copy, a Move). Refused to the sender, never taken from the borrower.
  const uint32_t own = copies || kind == MessageKind::Move ? c.pages : 0;
  if (e == Error::Ok && !k.within_quota(bpid, own, at->raw(), c.pages)) e = Error::OutOfMemory;
  Lend* l = nullptr;
  if (e == Error::Ok && kind != MessageKind::Move && (l = k.alloc_lend(caller.tid)) == nullptr)
    e = Error::LimitReached;
  if (e != Error::Ok) {
    set_result(caller, e);
    return false;
  }
  *out = Prepared{c, kind, bpid, at->raw(), l};
  return true;
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

void record_lend(Kernel& k, const Prepared& p, const Args& a, bool copy, Message* m) {
  Lend& l = *p.lend;
  l = Lend{};
  l.active = true;
  l.copy = copy;
  l.kind = p.kind;
  l.lender = k.current()->pid;
  l.lender_tid = k.current()->tid;
  l.borrower = p.borrower;
  l.server = p.c.server;
  l.lender_va = a.va;
  l.borrower_va = p.borrower_va;
  l.pages = p.c.pages;
  l.lender_flags = p.c.flags;
  l.hidden = true;
  m->lend = k.lend_index(l);
}

void send(Kernel& k, const Args& a) {
  Thread& caller = *k.current();
  const Pid pid = caller.pid;
  Prepared p;
  if (!prepare(k, a, false, &p)) return;
  const Checked c = p.c;
  const MessageKind kind = p.kind;
  const Pid bpid = p.borrower;
  const uint32_t bva = p.borrower_va;
  Lend* l = p.lend;
  Process& borrower = k.process(bpid);
  AddressSpace& lender = k.process(pid).space;
  // Map everything into the borrower first (a second-level table may be needed and may not
  // be available): on failure nothing has changed for the lender.
  const uint32_t bflags = kind == MessageKind::Borrow ? kMemR : c.flags;
  // Hidden until received (abi/lend.h), unless a receiver waits: it takes the message in this
  // very kernel entry (post_call / post), so nothing could see the pages before.
  const bool hidden = k.server(c.server).receivers == kNone;
  for (uint32_t i = 0; i < c.pages; ++i) {
    const auto m = lender.lookup(kstd::VirtAddr(a.va + i * kstd::kPageSize));
    auto r = borrower.space.map(k.frames(), kstd::VirtAddr(bva + i * kstd::kPageSize), m->pfn,
                                bflags, true, hidden);
    if (r.is_err()) {
      for (uint32_t j = 0; j < i; ++j)
        (void)borrower.space.unmap(kstd::VirtAddr(bva + j * kstd::kPageSize));
      if (l) l->active = false;
      return set_result(caller, r.error());
    }
  }
  Message m = memory_message(a, bva);
  if (kind == MessageKind::Move) {
    // The pages leave the lender for good and become the borrower's own; they stay marked
    // borrowed (untouchable) until a thread of the server receives the message (on_received).
    for (uint32_t i = 0; i < c.pages; ++i) {
      const auto gone = lender.unmap(kstd::VirtAddr(a.va + i * kstd::kPageSize));
      k.frames().transfer(gone->pfn, Owner::process(bpid));
    }
    k.process(pid).page_count -= c.pages;
    borrower.page_count += c.pages;
    m.sender_pid = pid;
    m.sender_tid = caller.tid;
    k.post(c.server, m);
    return set_result(caller, Error::Ok);
  }
  for (uint32_t i = 0; i < c.pages; ++i) {
    const bool ok =
        lender.lend_page(kstd::VirtAddr(a.va + i * kstd::kPageSize), kind == MessageKind::Borrow);
    KASSERT(ok);
  }
  record_lend(k, p, a, false, &m);
  l->hidden = hidden;
  k.post_call(c.server, m);
}

void return_memory(Kernel& k, Lend& l, uint32_t offset, uint32_t valid) {
  k.unmap_lend(l);
  k.finish_lend(l, Error::Ok, offset, valid);
}

}  // namespace courier::lend
