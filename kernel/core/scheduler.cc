// scheduler.cc — threads and the priority round-robin scheduler.
//
// One FIFO run queue per priority (0 = most urgent); the current thread is in no queue. A
// thread that yields or is preempted goes to the back of its queue; a thread that a direct
// switch (IPC fastpath) displaces goes to the front, so handing the CPU to a server does not
// cost the client its place. Simple and O(priorities) to pick: no clever structures.
#include "courier/core/kernel.h"
#include "courier/kstd/assert.h"
#include "courier/kstd/bits.h"

namespace courier {

void Kernel::enqueue_ready(Thread& t, bool front) {
  const Tid id = tid_of(t);
  const uint8_t p = t.priority;
  t.state = ThreadState::Ready;
  ready_mask_ |= 1u << p;
  if (ready_head_[p] == kNone) {
    t.next = t.prev = kNone;
    ready_head_[p] = ready_tail_[p] = id;
  } else if (front) {
    t.prev = kNone;
    t.next = ready_head_[p];
    threads_[ready_head_[p]].prev = id;
    ready_head_[p] = id;
  } else {
    t.next = kNone;
    t.prev = ready_tail_[p];
    threads_[ready_tail_[p]].next = id;
    ready_tail_[p] = id;
  }
}

void Kernel::remove_ready(Thread& t) {
  KASSERT(t.state == ThreadState::Ready);
  const uint8_t p = t.priority;
  if (t.prev != kNone) {
    threads_[t.prev].next = t.next;
  } else {
    ready_head_[p] = t.next;
  }
  if (t.next != kNone) {
    threads_[t.next].prev = t.prev;
  } else {
    ready_tail_[p] = t.prev;
  }
  if (ready_head_[p] == kNone) ready_mask_ &= ~(1u << p);
  t.next = t.prev = kNone;
}

void Kernel::make_ready(Thread& t) {
  KASSERT(t.state != ThreadState::Ready && t.state != ThreadState::Running &&
          t.state != ThreadState::Free);
  enqueue_ready(t, false);
}

bool Kernel::pick_next() {
  if (current_ != nullptr) return true;
  if (ready_mask_ != 0) {
    const uint32_t p = kstd::lowest_set_bit(ready_mask_);
    Thread& t = threads_[ready_head_[p]];
    remove_ready(t);
    t.state = ThreadState::Running;
    current_ = &t;
    return true;
  }
  return false;
}

void Kernel::block_current(ThreadState s) {
  Thread* t = current();
  KASSERT(t != nullptr && s != ThreadState::Ready && s != ThreadState::Running);
  t->state = s;
  current_ = nullptr;
  pick_next();
}

void Kernel::yield_current() {
  Thread* t = current();
  KASSERT(t != nullptr);
  current_ = nullptr;
  enqueue_ready(*t, false);
  pick_next();
}

void Kernel::switch_to(Thread& next) {
  Thread* t = current();
  KASSERT(t != nullptr && &next != t);
  if (next.state == ThreadState::Ready) remove_ready(next);
  enqueue_ready(*t, true);
  next.state = ThreadState::Running;
  current_ = &next;
}

void Kernel::switch_to_and_block(Thread& next, ThreadState s) {
  Thread* t = current();
  KASSERT(t != nullptr && &next != t);
  if (next.state == ThreadState::Ready) remove_ready(next);
  t->state = s;
  next.state = ThreadState::Running;
  current_ = &next;
}

Thread* Kernel::new_thread(Pid pid, uint32_t priority, ThreadState state) {
  for (Tid i = 0; i < kMaxThreads; ++i) {
    Thread& t = threads_[i];
    if (t.state != ThreadState::Free) continue;
    const uint32_t gen = t.generation + 1;
    t = Thread{};
    t.tid = i;
    t.generation = gen;
    t.pid = pid;
    t.satp = processes_[pid].space.satp();
    t.lend = kNoLend;
    t.priority = static_cast<uint8_t>(priority);
    t.more_urgent = (1u << priority) - 1;
    t.connections = processes_[pid].connections;
    t.wait_server = kNone;
    t.next = t.prev = kNone;
    t.state = state;
    return &t;
  }
  return nullptr;
}

kstd::Result<Tid, abi::Error> Kernel::create_thread(Pid pid, uint32_t pc, uint32_t sp, uint32_t arg,
                                                    uint32_t priority) {
  Process& proc = processes_[pid];
  if (priority >= abi::kPriorities) return kstd::err(abi::Error::InvalidArgument);
  // Its ceiling (abi/syscall.h): no thread of a process is more urgent than the image allows.
  if (priority < proc.max_priority) return kstd::err(abi::Error::AccessDenied);
  if (proc.thread_count >= kMaxThreadsPerProcess) return kstd::err(abi::Error::LimitReached);
  // Waiting: a valid "not runnable" state for make_ready.
  Thread* t = new_thread(pid, priority, ThreadState::Waiting);
  if (t == nullptr) return kstd::err(abi::Error::LimitReached);
  t->frame.pc = pc;
  t->frame.sp() = sp;
  t->frame.a(0) = arg;
  ++proc.thread_count;
  make_ready(*t);
  return t->tid;
}

void Kernel::exit_current_thread() {
  Thread* t = current();
  KASSERT(t != nullptr);
  Process& proc = processes_[t->pid];
  if (proc.thread_count == 1) {
    destroy_process(t->pid, 0);
    return;
  }
  --proc.thread_count;
  abandon(*t);  // a call it left half done (core/preempt.h)
  if (t->ring_va != 0) {  // its batch ring's pages are no longer pinned
    t->ring_va = 0;
    --proc.rings;
  }
  for (AsyncCall& a : asyncs_) {
    if (a.active && a.client == t->tid) free_async(a);  // its answers have nowhere to go
  }
  t->state = ThreadState::Free;
  ++t->generation;
  current_ = nullptr;
  pick_next();
}

void Kernel::tick(uint64_t now) {
  for (Thread& t : threads_) {
    if (t.state == ThreadState::Waiting && t.wake_at != 0 && t.wake_at <= now) {
      --processes_[t.pid].waiting_threads;
      set_result(t, abi::Error::WouldBlock);  // the timeout passed without an event
      make_ready(t);
    }
  }
  // A running interrupt handler is not preempted (irq_tick() bounds it instead).
  if (current_ != nullptr && !current_->handler && any_ready()) yield_current();
}

}  // namespace courier
