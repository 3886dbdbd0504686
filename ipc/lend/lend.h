// ipc/lend/lend.h — the `lend` path: memory messages by remapping pages (DESIGN.md §3).
//
// Borrow maps the pages read-only into the server's lending window and leaves the lender
// read-only access; MutableBorrow maps them read-write and withdraws the lender's access;
// both block the lender until return_memory. Move hands the pages over for good. No byte is
// copied: the cost is page-table entries and exact TLB flushes, per page.
#pragma once

#include "courier/core/kernel.h"

namespace courier::lend {

using abi::MessageKind;

struct Args {
  uint32_t cid, id, kind, va, size, offset, valid;
};

// Checks a memory message's arguments (shared by the lend and copy paths): the connection,
// the kind, a whole-page range inside user space, the hints and the pages themselves. On
// success fills in the server, the page count and the lender's permissions.
struct Checked {
  uint16_t server;
  uint32_t pages;
  uint32_t flags;
};
kstd::Result<Checked, abi::Error> check(Kernel& k, Pid lender, const Args& a);

// What every memory message needs before its pages move (shared by the lend and copy paths):
// checked arguments, room in the server's queue and in the borrower's page limit (copies).
// When something is missing, prepare() answers the caller (an error, or it blocks until the
// queue has room) and returns false. The window in the borrower (borrower_va) and, for Borrow
// and MutableBorrow, the lend record (lend) are taken later, by send_pages.
struct Prepared {
  Checked c;
  MessageKind kind;
  Pid borrower;
  uint32_t borrower_va;
  Lend* lend;  // nullptr for Move
};
bool prepare(Kernel& k, const Args& a, bool copies, Prepared* out);

// A memory message, by remapping (lend::send) or by copying (copy::send), in steps: prepared,
// then its pages put into the borrower's window, which may stop at preemption points (then
// true: the thread issues the call again, and it resumes), then posted. Otherwise it answers
// the caller (or blocks it) and returns false.
bool send_pages(Kernel& k, const Args& a, bool copy);

// The message a memory message's receiver gets: its address, the size and the hints.
Message memory_message(const Args& a, uint32_t borrower_va);
// Fills in the prepared lend record of a Borrow or MutableBorrow whose pages are now mapped
// in the borrower (`copy`: copies the borrower owns), and names it in the message.
void record_lend(Kernel& k, const Prepared& p, const Args& a, bool copy, Message* m);

// True if it stopped at a preemption point (send_pages).
bool send(Kernel& k, const Args& a);
void return_memory(Kernel& k, Lend& l, uint32_t offset, uint32_t valid);

}  // namespace courier::lend
