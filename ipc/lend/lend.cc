// lend.cc — see ipc/lend/lend.h.
#include "lend.h"

#include "courier/core/phys.h"
#include "courier/kstd/assert.h"

extern "C" void* memcpy(void*, const void*, size_t);

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
  // A copy or a Move takes pages of the borrower's own: more than its whole quota could never
  // go (the window's place and tables are checked once found, in fill).
  const uint32_t own = copies || kind == MessageKind::Move ? c.pages : 0;
  const Error e = k.pages_used(bpid) + own > kMaxPagesPerProcess ? Error::OutOfMemory : Error::Ok;
  if (e != Error::Ok) {
    set_result(caller, e);
    return false;
  }
  *out = Prepared{c, kind, bpid, 0, nullptr};  // the window and the record come later (send)
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

namespace {

// --- a memory message's pages, in steps (core/preempt.h) ------------------------------------
//
// Phases: 0 looks for room in the borrower's lend window (c.search, c.va, as map_memory's); 1
// puts the lender's pages into the window (c.va), c.done so far: a copy of each (the copy
// path) or the lender's frame itself (the lend path), built in place and taken
// (Kernel::take_range) when the call first stops, so the server never sees a half-made
// window. The pages the message takes from the lender — all of a remap's, and a Move's by
// copy — are lent as they are reached (lend_page), so no other thread of the lender can unmap,
// protect, re-lend or (MutableBorrow, Move) touch them meanwhile; they come back if the call is
// abandoned (Kernel::abandon). Pages reached in a later kernel entry than the one that checked
// the call are checked again, as check_lendable did. The message is posted only at the end.

void begin(Thread& lender, const Prepared& p, const Args& a, bool copy) {
  Continuation& c = lender.cont;
  c.op = Split::Lend;
  c.phase = 0;
  c.kind = static_cast<uint8_t>(p.kind);
  c.src = a.va;
  c.copy = copy;
  c.taken = false;
  c.searched = false;
  c.peer = p.borrower;
  c.server = p.c.server;
  c.pages = p.c.pages;
  c.flags = p.c.flags;
  c.done = 0;
  c.reserved = 0;
  c.search = c.va = kLendWindowBase;
}

// Goes on with the pages: Ok when every page is in the window, kPreempted at a preemption
// point, or the error that ended (and undid) the call. `checked`: this kernel entry checked
// the lender's pages already (check_lendable).
Error fill(Kernel& k, Thread& t, Budget& b, bool checked) {
  Continuation& c = t.cont;
  Process& borrower = k.process(c.peer);
  FrameTable& frames = k.frames();
  const auto kind = static_cast<MessageKind>(c.kind);
  const uint32_t bflags = kind == MessageKind::Borrow ? kMemR : c.flags;
  if (c.phase == 0) {
    kstd::VirtAddr at;
    for (;;) {
      const auto found =
          borrower.space.search_free(c.pages, kLendWindowTop, &c.search, &c.va, &b, &at);
      if (found == AddressSpace::Search::Stopped) {
        c.searched = true;
        return kPreempted;
      }
      if (found == AddressSpace::Search::None) {
        c.op = Split::None;
        return Error::OutOfMemory;
      }
      if (!c.searched || !borrower.space.any_mapped(at, c.pages)) break;
      c.search = c.va = at.raw() + kstd::kPageSize;  // taken since the search stopped
    }
    // The borrower's quota (abi/limits.h): the window's page tables always, the pages too when
    // they become its own (a copy; a Move, whose frames pass at the post, checked again there).
    // Refused to the sender, never taken from the borrower. (A Borrow's record is the lending
    // thread's own, lends_[tid]: always there.)
    const uint32_t own = c.copy || kind == MessageKind::Move ? c.pages : 0;
    if (!k.within_quota(c.peer, own, at.raw(), c.pages)) {
      c.op = Split::None;
      return Error::OutOfMemory;
    }
    if (c.copy) borrower.page_count += c.pages;  // the copies are counted from the start
    c.va = at.raw();
    c.phase = 1;
    c.searched = false;
  }
  AddressSpace& lender = k.process(t.pid).space;
  const bool hidden = k.server(c.server).receivers == kNone;
  const bool lock = locks_lender(c), copy = c.copy;
  const uint32_t first = c.src, window = c.va, pages = c.pages;  // in registers for the loop
  if (!checked && lock && k.ring_pinned(t.pid, first + c.done * kstd::kPageSize, pages - c.done)) {
    k.abandon(t);
    return Error::AccessDenied;
  }
  for (uint32_t done = c.done; done < pages;) {
    const kstd::VirtAddr src(first + done * kstd::kPageSize);
    const auto m = lender.lookup(src);
    if (!checked) {  // another kernel entry than the one that checked: check this page again
      Error e = Error::Ok;
      if (!m || !frames.contains(m->pfn)) {
        e = Error::BadAddress;
      } else if (m->lent || m->borrowed || frames.owner(m->pfn) != Owner::process(t.pid)) {
        e = Error::AccessDenied;
      } else if (m->flags != c.flags) {
        e = Error::InvalidArgument;
      }
      if (e != Error::Ok) {
        k.abandon(t);
        return e;
      }
    }
    const kstd::VirtAddr dst(window + done * kstd::kPageSize);
    kstd::Pfn pfn = m->pfn;
    if (copy) {
      if (c.taken) {
        pfn = frames.alloc_reserved(Owner::process(c.peer));
        --c.reserved;
      } else {
        auto made = frames.alloc(Owner::process(c.peer));
        if (made.is_err()) {
          k.abandon(t);
          return made.error();
        }
        pfn = made.value();
      }
      memcpy(frame_ptr(pfn), frame_ptr(m->pfn), kstd::kPageSize);
    }
    if (c.taken) {
      borrower.space.set_pending_frame(dst, pfn);
    } else {
      // Marked borrowed, like every lent page, so the server can neither unmap, protect,
      // re-lend nor pin it while a record or an undelivered Move refers to it.
      // Hidden unless a receiver waits (then the message is posted in this very entry, or the
      // range becomes pending when the call stops: post_pages decides again).
      auto mapped = borrower.space.map(frames, dst, pfn, bflags, true, hidden);
      if (mapped.is_err()) {  // no second-level table to be had
        if (copy) frames.free(pfn);
        k.abandon(t);
        return mapped.error();
      }
    }
    if (lock) {
      const bool ok = lender.lend_page(src, kind == MessageKind::Borrow);
      KASSERT(ok);
    }
    c.done = ++done;
    // A remapped page edits two entries (and their TLB entries) and looks up a third.
    if (done < pages && b.step(copy ? Budget::kPage : Budget::kEdit)) {
      if (!c.taken && !k.take_range(borrower.space, c, bflags, copy ? pages - done : 0)) {
        k.abandon(t);
        return Error::OutOfMemory;
      }
      return kPreempted;
    }
  }
  return Error::Ok;
}

// The pages are all in the window: the Move's pages leave the lender, the record is taken,
// the message goes. A queue that filled up meanwhile is waited for, the pages held unseen in
// the window: the call is issued again then and resumes here.
void post_pages(Kernel& k, const Args& a) {
  Thread& caller = *k.current();
  Continuation& c = caller.cont;
  const uint16_t server = c.server;
  if (!k.queue_has_room(server)) {
    if (!c.taken) {
      const bool ok = k.take_range(k.process(c.peer).space, c, 0, 0);  // all built: no tables
      KASSERT(ok);
    }
    return k.block_on_full_queue(server);
  }
  const auto kind = static_cast<MessageKind>(a.kind);
  const Pid pid = caller.pid, bpid = c.peer;
  // A remap Move's frames become the borrower's now: its quota again, in case it grew while
  // the call was stopped (fill checked it when the window was found).
  if (kind == MessageKind::Move && !c.copy && !k.within_quota(bpid, c.pages, c.va, 0)) {
    k.abandon(caller);
    return set_result(caller, Error::OutOfMemory);
  }
  // The thread's own record (it waits for the answer: lends_[tid] is free).
  Lend* l = nullptr;
  if (kind != MessageKind::Move && (l = k.alloc_lend(caller.tid)) == nullptr) {
    k.abandon(caller);
    return set_result(caller, Error::LimitReached);
  }
  // Hidden until received (abi/lend.h), unless a receiver waits: it takes the message in this
  // very kernel entry (post_call / post), so nothing can see the pages before.
  const bool hidden = k.server(server).receivers == kNone;
  const bool copy = c.copy;
  Prepared p{Checked{server, c.pages, c.flags}, kind, bpid, c.va, l};
  if (kind == MessageKind::Move) {
    // The lender's pages (the call took them as it went) leave it for good: a remap's frames
    // become the borrower's own, a copy's originals are freed (the server has the copies).
    AddressSpace& lender = k.process(pid).space;
    lender.drop_range(kstd::VirtAddr(a.va), p.c.pages, [&](kstd::Pfn pfn) {
      if (copy) {
        k.frames().free(pfn);
      } else {
        k.frames().transfer(pfn, Owner::process(bpid));
      }
    });
    k.process(pid).page_count -= p.c.pages;
    if (!copy) k.process(bpid).page_count += p.c.pages;
  }
  // The pages stay marked borrowed (untouchable) until a thread of the server receives the
  // message (on_received). A window held pending (the call stopped) is made whole now.
  if (c.taken) k.process(bpid).space.publish(kstd::VirtAddr(c.va), c.pages, true, hidden);
  c.op = Split::None;
  c.phase = 0;
  c.taken = false;
  Message m = memory_message(a, p.borrower_va);
  if (kind == MessageKind::Move) {
    m.sender_pid = pid;
    m.sender_tid = caller.tid;
    k.post(server, m);
    return set_result(caller, Error::Ok);
  }
  record_lend(k, p, a, copy, &m);
  l->hidden = hidden;
  k.post_call(server, m);
}

}  // namespace

bool send_pages(Kernel& k, const Args& a, bool copy) {
  Thread& caller = *k.current();
  // A send stopped at a preemption point resumes with its pages half put; a fresh one is
  // checked first (prepare answers the caller itself when something is missing).
  const bool fresh = caller.cont.op != Split::Lend;
  if (fresh) {
    Prepared p;
    if (!prepare(k, a, copy, &p)) return false;
    begin(caller, p, a, copy);
  }
  Budget budget(true);
  const Error e = fill(k, caller, budget, fresh);
  if (e == kPreempted) return true;
  if (e != Error::Ok) {
    set_result(caller, e);
    return false;
  }
  post_pages(k, a);
  return false;
}

bool send(Kernel& k, const Args& a) { return send_pages(k, a, false); }

void return_memory(Kernel& k, Lend& l, uint32_t offset, uint32_t valid) {
  k.unmap_lend(l);
  k.finish_lend(l, Error::Ok, offset, valid);
}

}  // namespace courier::lend
