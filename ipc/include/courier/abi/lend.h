// abi/lend.h — memory messages: how lend_memory's arguments are laid out.
//
// lend_memory: a0 = CID, a1 = id, a2 = kind (MessageKind::Borrow, MutableBorrow or Move),
// optionally or'ed with kLendByCopy, a3 = address, a4 = size (whole pages), a5 = offset hint,
// a6 = valid hint. Borrow and MutableBorrow block until the server answers with
// return_memory (a0 = message handle, a1 = offset, a2 = valid), and then return a1 = offset,
// a2 = valid as the server left them. Move returns at once: the pages are the server's.
// The server receives a4 = the address of the memory in its own space, a5 = size,
// a6 = offset, a7 = valid.
//
// Visibility: the pages are mapped into the server's lend window at the send but hidden (not
// valid for the MMU, unreadable through the kernel) until a thread of the server receives the
// message; a message never received never shows its pages.
//
// Quota (abi/limits.h): pages that become the server's own — a Move's, a copy lend's copies —
// and the lend window's page tables count against the server's page quota. A lend the server
// has no quota for is refused to the sender with OutOfMemory; nothing is taken from the server.
//
// Every lend settles (kernel/core/lend.cc):
//  - the server (or its process) ends before answering: the lender's pages come back as they
//    were, and lend_memory answers ServerNotFound; pages Moved to it go with it;
//  - the lender ends before the server received the message: the message is dropped, nothing
//    ever appears in the server (a Move's pages are freed);
//  - the lender ends after the server received it: the lend ends then. The pages the server
//    holds become its own ordinary pages (charged to its quota; a MutableBorrow's writes reach
//    nobody). This is the one way a process can hold more than its page quota: the pages
//    existed already (they were the lender's, on its quota), the excess is at most what it
//    was lent, and it lasts until it answers; meanwhile its own map_memory answers
//    OutOfMemory. return_memory of that message answers InvalidHandle, and the server frees them
//    with unmap_memory of the message's range (libcourier's Server::return_memory does both and
//    answers Interrupted). No record outlives its lender, so no process can strand another's.
// A lend record belongs to the lending thread (it waits for the answer): a process holds at
// most one per thread, and no process's lends can exhaust another's.
#pragma once

#include <stdint.h>

namespace courier::abi {

// Deliver by copying through the kernel instead of remapping pages (the `copy` baseline).
inline constexpr uint32_t kLendByCopy = 0x100;
inline constexpr uint32_t kLendKindMask = 0xff;

}  // namespace courier::abi
