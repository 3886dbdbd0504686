// ipc/copy/copy.h — the `copy` path: the same memory messages, delivered by copying the bytes
// through the kernel into fresh pages of the server (and back, for MutableBorrow). The
// baseline the lend path is measured against (DESIGN.md §3).
#pragma once

#include "courier/core/kernel.h"
#include "lend.h"

namespace courier::copy {

void send(Kernel& k, const lend::Args& a);
void return_memory(Kernel& k, Lend& l, uint32_t offset, uint32_t valid);

}  // namespace courier::copy
