// ipc/copy/copy.h — the `copy` path: the same memory messages, delivered by copying the bytes
// through the kernel into fresh pages of the server (and back, for MutableBorrow). The
// baseline the lend path is measured against (DESIGN.md §3).
#pragma once

#include "courier/core/kernel.h"
#include "lend.h"

namespace courier::copy {

// True if it stopped at a preemption point (lend::send_pages).
bool send(Kernel& k, const lend::Args& a);
// Answers a lend by copy; a MutableBorrow's copy back may stop at a preemption point (true:
// `c` keeps how far it got, and the same call resumes it).
bool return_memory(Kernel& k, Lend& l, uint32_t offset, uint32_t valid, Continuation& c,
                   Budget& b);

}  // namespace courier::copy
