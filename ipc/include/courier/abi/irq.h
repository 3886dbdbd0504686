// abi/irq.h — interrupts handled in userspace (DESIGN.md §2 "Interrupts").
//
// A driver maps its device with map_physical and claims its interrupt line with
// claim_interrupt(line, handler, arg). From then on the kernel only routes: when the line
// fires, the kernel takes it from the platform's interrupt controller and upcalls
//
//     void handler(uint32_t line, uint32_t arg);
//
// in the owning process, in the process's interrupt context: its own thread, on its own stack
// (kIrqStackTop, mapped by the first claim), with gp and tp as they were in the thread that
// claimed, and with every other interrupt line masked until it returns. The interrupted thread
// keeps its place and resumes afterwards, every register as it left it.
//
// The handler's registers at entry: pc = handler, ra = kIrqReturnAddress, sp = kIrqStackTop,
// gp and tp as above, a0 = line, a1 = arg; every other register holds what the interrupt
// context held when its previous handler returned (zero before its first upcall): the
// process's own values, never the interrupted thread's or another process's.
//
// Rules for the handler:
//   - it returns by returning: the kernel sets ra to kIrqReturnAddress, an address no process
//     can execute, and a fetch from there by the interrupt context is the return. The line is
//     then completed (unmasked) at the interrupt controller. A level-triggered device must be
//     quietened by the handler, or it fires again at once.
//   - it may only make non-blocking calls (try_send_scalar, try_receive, reply, return_memory,
//     map/unmap, claim/free_interrupt, ...). A call that could block (send_scalar,
//     call_scalar, receive, lend_memory, wait_event, connect, yield, ring_enter, ...) answers
//     kErrorInHandler (Error::AccessDenied) at once, without blocking.
//   - it is not preempted, but it has a budget: still running at the second timer tick after
//     it started (10 to 20 ms), its process is ended, as is a process whose handler faults.
//     Either way the line is freed and masked, and the kernel goes on.
//   - a line whose upcalls (from the kernel taking the interrupt to the handler's return; the
//     trap entries and exits around them, about a fifth more on QEMU, are not counted) have
//     used more than a quarter of the current timer tick (2.5 of 10 ms) is held: its next interrupt
//     stays claimed at the controller, undelivered, until the next tick, when it is upcalled.
//     So an interrupt storm cannot starve the rest of the system, and no interrupt is lost.
//
// Lines by policy: the boot image assigns lines, as it assigns well-known names
// (abi/boot_archive.h): each process record says which lines that process may claim, and a
// claim of any other line answers AccessDenied, whether the line is claimed or not (so a
// process learns nothing about lines that are not its own, and no process can take the line
// of a driver that has not started yet). An image may grant a line to more than one process
// (a test and the drivers it starts one after another): among those, the first to claim it
// holds it until it frees it or dies. A process spawned again from the same record may claim
// the same lines again: its predecessor's were freed and masked when it died.
// claim_interrupt's checks, in this order: a line outside 1 .. the platform's last line
// (InvalidArgument), a line the image did not grant the caller's process (AccessDenied), a
// handler outside its executable memory or not aligned to kInstructionAlign (abi/syscall.h)
// (BadAddress), a line already claimed, by anyone
// (AlreadyExists), then room for the interrupt context at the first claim (LimitReached,
// OutOfMemory). free_interrupt: InvalidArgument outside the range, AccessDenied unless the
// caller's process holds the line.
#pragma once

#include <stdint.h>

#include "courier/abi/error.h"
#include "courier/abi/syscall.h"

namespace courier::abi {

// Where a handler returns to (never executable by a process: it lies in kernel space).
inline constexpr uint32_t kIrqReturnAddress = 0xffff'f000;
// The interrupt context's stack: [kIrqStackTop - kIrqStackSize, kIrqStackTop), mapped read/write
// into the process at its first claim_interrupt, and counted against its pages.
inline constexpr uint32_t kIrqStackTop = 0x7fff'e000;
inline constexpr uint32_t kIrqStackSize = 0x2000;
// The share of each timer tick one line's upcalls may use before the line is held (1/n).
inline constexpr uint32_t kIrqBudgetShare = 4;
// What a blocking syscall answers when made from a handler.
inline constexpr Error kErrorInHandler = Error::AccessDenied;

}  // namespace courier::abi
