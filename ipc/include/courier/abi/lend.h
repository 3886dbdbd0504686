// abi/lend.h — memory messages: how lend_memory's arguments are laid out.
//
// lend_memory: a0 = CID, a1 = id, a2 = kind (MessageKind::Borrow, MutableBorrow or Move),
// optionally or'ed with kLendByCopy, a3 = address, a4 = size (whole pages), a5 = offset hint,
// a6 = valid hint. Borrow and MutableBorrow block until the server answers with
// return_memory (a0 = message handle, a1 = offset, a2 = valid), and then return a1 = offset,
// a2 = valid as the server left them. Move returns at once: the pages are the server's.
// The server receives a4 = the address of the memory in its own space, a5 = size,
// a6 = offset, a7 = valid.
#pragma once

#include <stdint.h>

namespace courier::abi {

// Deliver by copying through the kernel instead of remapping pages (the `copy` baseline).
inline constexpr uint32_t kLendByCopy = 0x100;
inline constexpr uint32_t kLendKindMask = 0xff;

}  // namespace courier::abi
