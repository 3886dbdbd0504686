// ipc/lend/lend.h — the `lend` path: memory messages by remapping pages (DESIGN.md §3).
//
// Borrow maps the pages read-only into the server's lending window and leaves the lender
// read-only access; MutableBorrow maps them read-write and withdraws the lender's access;
// both block the lender until return_memory. Move hands the pages over for good. No byte is
// copied: the cost is page-table entries and exact TLB flushes, per page.
#pragma once

#include "courier/core/kernel.h"

namespace courier::lend {

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

// The borrower's window for `pages` pages, or OutOfMemory.
kstd::Result<uint32_t, abi::Error> window(Kernel& k, Pid borrower, uint32_t pages);

// The message a memory message's receiver gets: its address, the size and the hints.
Message memory_message(const Args& a, uint32_t borrower_va);

void send(Kernel& k, const Args& a);
void return_memory(Kernel& k, Lend& l, uint32_t offset, uint32_t valid);

}  // namespace courier::lend
