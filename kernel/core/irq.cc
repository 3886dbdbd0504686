// irq.cc — interrupts routed to userspace (abi/irq.h, DESIGN.md §2 "Interrupts").
//
// The kernel owns the interrupt controller and nothing else about a device. A process claims a
// line the boot image granted it (its archive record's irq_lines, abi/boot_archive.h: lines
// are authority, as names are) with a handler; when the line fires, the kernel switches to the
// process's interrupt context (a thread of its own that never blocks), pointed at the handler
// with the line and the argument, on the interrupt stack, with ra = kIrqReturnAddress. Every
// external interrupt stays masked at the hart until the handler returns (one handler at a
// time, never nested); the preempted thread goes back to the front of its run queue, so it
// loses nothing but the time.
//
// Robustness (DESIGN.md §8): a line with no owner is masked; a line whose upcalls have used
// their share of a tick is held until the next tick (its interrupt stays claimed, then is
// upcalled: nothing is lost); a handler that faults or overruns its time ends its process, and
// death frees and masks the process's lines and completes the one in service or held, so the
// controller never stays stuck.
#include "courier/abi/irq.h"

#include "courier/core/kernel.h"
#include "courier/core/console.h"
#include "courier/core/platform.h"
#include "courier/kstd/assert.h"

namespace courier {

namespace {
// Ticks a handler may see before its process is ended: the first may come right after the
// upcall, so a handler has at least one full time slice.
constexpr uint32_t kHandlerTicks = 2;
}  // namespace

kstd::Result<void, abi::Error> Kernel::claim_interrupt(Pid pid, uint32_t line, uint32_t handler,
                                                       uint32_t arg) {
  using abi::Error;
  if (line == 0 || line >= kMaxIrqLines || line >= platform::irq_lines())
    return kstd::err(Error::InvalidArgument);
  Process& proc = processes_[pid];
  // The boot image's policy, before anything about the line's state is looked at (abi/irq.h).
  if ((irq_allowed_[pid] & (1u << line)) == 0) return kstd::err(Error::AccessDenied);
  const auto code = proc.space.lookup(kstd::VirtAddr(handler));
  if ((handler & (abi::kInstructionAlign - 1)) || !code || !(code->flags & kMemX) || code->borrowed)
    return kstd::err(Error::BadAddress);
  if (irq_lines_[line].owner != 0) return kstd::err(Error::AlreadyExists);

  if (proc.irq_thread == kNone) {
    // The first claim makes the interrupt context: its stack, then a thread that is not one of
    // the process's threads (not in thread_count: it never runs except in a handler).
    bool slot_free = false;
    for (const Thread& t : threads_) slot_free |= t.state == ThreadState::Free;
    if (!slot_free) return kstd::err(Error::LimitReached);
    KTRY_VOID(map_memory(pid, abi::kIrqStackTop - abi::kIrqStackSize, abi::kIrqStackSize,
                         kMemR | kMemW));
    Thread* t = new_thread(pid, 0, ThreadState::IrqIdle);
    t->handler = 1;
    proc.irq_thread = t->tid;
  }
  if (current_ != nullptr && current_->pid == pid) {
    proc.irq_gp = current_->frame.x[3];
    proc.irq_tp = current_->frame.x[4];
  }
  irq_lines_[line] = IrqLine{pid, false, false, 0, handler, arg};
  platform::irq_enable(line, true);
  return {};
}

kstd::Result<void, abi::Error> Kernel::free_interrupt(Pid pid, uint32_t line) {
  if (line == 0 || line >= kMaxIrqLines || line >= platform::irq_lines())
    return kstd::err(abi::Error::InvalidArgument);
  if (irq_lines_[line].owner != pid) return kstd::err(abi::Error::AccessDenied);
  platform::irq_enable(line, false);
  if (irq_lines_[line].deferred) platform::irq_complete(line);  // held: let the controller go
  irq_lines_[line] = IrqLine{};
  return {};  // if its handler is running, the line is still completed when it returns
}

void Kernel::interrupt(uint32_t line) {
  if (line == 0 || line >= kMaxIrqLines) return;
  IrqLine& l = irq_lines_[line];
  if (l.owner == 0) {
    // Nobody to run it: keep the device from firing again until someone claims the line, and
    // say so (a line that fires unclaimed is a driver missing or a device misconfigured).
    platform::irq_enable(line, false);
    platform::irq_complete(line);
    ++unrouted_irqs_;
    kprintf("[kernel] interrupt line %u has no owner: masked\n", line);
    return;
  }
  if (l.throttled || active_irq_ != 0) {
    // A storm (this line has had its share of the tick), or a handler already running (which
    // the hart's mask rules out): hold the interrupt, claimed, so the controller delivers
    // nothing more from the line; it is upcalled at the next tick, or when the handler returns.
    l.deferred = true;
    return;
  }
  irq_started_ = static_cast<uint32_t>(platform::now());
  upcall(line);
}

void Kernel::upcall(uint32_t line) {
  KASSERT(threads_[processes_[irq_lines_[line].owner].irq_thread].state == ThreadState::IrqIdle);
  upcall_frame(line);
  platform::irq_mask_all(true);
}

void Kernel::interrupt_return() {
  KASSERT(active_irq_ != 0 && current_ != nullptr && current_->handler);
  IrqLine& l = irq_lines_[active_irq_];
  l.used += static_cast<uint32_t>(platform::now()) - irq_started_;
  if (l.used > irq_budget_) l.throttled = true;
  current_->state = ThreadState::IrqIdle;
  current_ = nullptr;
  Thread* back = irq_preempted_;
  if (back != nullptr && may_run_directly(*back)) {
    irq_preempted_ = nullptr;
    back->state = ThreadState::Running;
    current_ = back;
  }
  end_upcall();
  deliver_deferred();  // one held while this handler ran, if any (not a storm's)
  pick_next();
}

// The upcall is over (returned, or its process died): complete the line, let the hart take
// interrupts again, and give the interrupted thread back its place at the front of its queue.
void Kernel::end_upcall() {
  platform::irq_complete(active_irq_);
  active_irq_ = 0;
  platform::irq_mask_all(false);
  if (irq_preempted_ != nullptr) {
    if (irq_preempted_->state == ThreadState::Preempted) enqueue_ready(*irq_preempted_, true);
    irq_preempted_ = nullptr;
  }
}

bool Kernel::irq_tick() {
  for (IrqLine& l : irq_lines_) {
    l.used = 0;
    l.throttled = false;
  }
  if (active_irq_ == 0) {
    deliver_deferred();  // what storms held, now their budget starts again
    return false;
  }
  return ++irq_ticks_ >= kHandlerTicks;
}

void Kernel::deliver_deferred() {
  for (uint32_t line = 1; line < kMaxIrqLines; ++line) {
    IrqLine& l = irq_lines_[line];
    if (!l.deferred || l.throttled) continue;
    l.deferred = false;
    irq_started_ = static_cast<uint32_t>(platform::now());
    upcall(line);
    return;  // one at a time; the others are held until the next tick
  }
}

void Kernel::release_interrupts(Pid pid) {
  for (uint32_t line = 1; line < kMaxIrqLines; ++line) {
    if (irq_lines_[line].owner != pid) continue;
    platform::irq_enable(line, false);
    if (irq_lines_[line].deferred) platform::irq_complete(line);
    irq_lines_[line] = IrqLine{};
  }
  // Its handler was running (it faulted, overran, or ended the process): complete the line at
  // the controller, masked, and let the hart take interrupts again.
  Process& proc = processes_[pid];
  if (active_irq_ != 0 && proc.irq_thread != kNone && current_ == &threads_[proc.irq_thread]) {
    end_upcall();
  }
  proc.irq_thread = kNone;  // its slot is freed with the process's other threads
}

}  // namespace courier
