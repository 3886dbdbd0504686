// dispatch.h — the composition root's entry points, called from the architecture's trap code.
#pragma once

#include <stdint.h>

#include "courier/arch/trap_frame.h"

namespace courier::dispatch {

// Runs the syscall named by a7 in `frame`, writes its answer into a0..a4, and returns the frame
// to resume.
arch::TrapFrame* syscall(arch::TrapFrame* frame);

// The running process took an exception it cannot survive: it is ended, the kernel goes on.
arch::TrapFrame* user_fault(arch::TrapFrame* frame, uint32_t cause, uint32_t tval);

}  // namespace courier::dispatch
