// shares_holder.cc — the lenders of the shares_settle_held test (processes 2 to 5) and the two
// hogs of the shares_tables test (processes 2 and 3), one program. Told to lend, it lends one
// page from each of w[0] threads to process 1's server (kHoldSid): Borrow and MutableBorrow, by
// remapping and by copying, in turn; page i holds (pid << 8) + i, which is also its message's
// id, and a lend refused is reported to that server (hostile.h kRefused). With w[1] = 1 its
// main thread lends too, last, after answering the command: then every thread it may have
// lends. Told to, it submits w[0] batched calls (call_scalar through its ring) to that server
// and answers once the kernel has consumed them all; it answers an echo call with w[0] + 1 (a
// batched call of process 1's). Told to, it dies holding whatever is still lent or in flight.
#include "courier/user/ring.h"
#include "shares.h"

using namespace shares;

namespace {

constexpr uint32_t kMaxLenders = courier::abi::kMaxThreadsPerProcess;
Lender lenders[kMaxLenders];
Threads threads;

MessageKind kind_of(uint32_t i) {
  return i % 4 < 2 ? MessageKind::Borrow : MessageKind::MutableBorrow;
}
courier::Transfer how_of(uint32_t i) {
  return i % 2 == 0 ? courier::Transfer::Remap : courier::Transfer::Copy;
}

// hostile.h's lend_or_report, without the thread's exit.
void lend(Lender& l) {
  l.error =
      sys::raw7(courier::abi::Syscall::lend_memory, l.cid, l.id, l.kind, l.va, l.size, 0, 0).error;
  if (l.error != Error::Ok) (void)sys::send_scalar(l.cid, kRefused, static_cast<uint32_t>(l.error));
  l.done = 1;
}

}  // namespace

int main() {
  const uint32_t pid = my_pid();
  courier::Connection hold;
  courier::Ring ring;
  const uint32_t buf = test::pages(kMaxLenders);
  if (courier::Connection::connect(kHoldSid, &hold) != Error::Ok || buf == 0 ||
      !threads.reserve(kMaxLenders - 1) || ring.setup() != Error::Ok) {
    return 1;
  }
  uint32_t completions = 0, completed_ok = 0, limit_reached = 0;
  auto tally = [&] {
    courier::abi::RingCompletion c{};
    while (ring.poll(&c)) {
      ++completions;
      completed_ok += c.error == static_cast<uint32_t>(Error::Ok);
      limit_reached += c.error == static_cast<uint32_t>(Error::LimitReached);
    }
  };
  tag_pages(buf, kMaxLenders, pid << 8);
  for (uint32_t i = 0; i < kMaxLenders; ++i) {
    lenders[i] =
        Lender{hold.cid(), (pid << 8) + i, lend_kind(kind_of(i), how_of(i)), buf + i * kPage, kPage,
               0,          Error::Ok};
  }

  courier::Server control;
  if (courier::Server::create(control_sid(pid), &control) != Error::Ok) return 1;
  courier::Message m{};
  while (control.receive(&m) == Error::Ok) {
    if (m.id == kDie) sys::terminate_process(0);  // the call is never answered
    if (m.id == 1) {                              // lend: w[0] threads, w[1]: the main thread too
      const uint32_t count = m.w[0] < kMaxLenders ? m.w[0] : kMaxLenders - 1;
      uint32_t started = 0;
      for (uint32_t i = 0; i < count; ++i)
        started += threads.start(lend_or_report, arg_of(lenders[i])) == Error::Ok;
      (void)control.reply(m, started);
      if (m.w[1] == 1) lend(lenders[count]);
      continue;
    }
    if (m.id == 2) {  // status: r0 = lends answered, r1 = answered with Ok
      uint32_t done = 0, ok = 0;
      for (const Lender& l : lenders) {
        done += l.done;
        ok += l.done && l.error == Error::Ok;
      }
      (void)control.reply(m, done, ok);
      continue;
    }
    if (m.id == 3) {  // batched calls: r0 = entries consumed, r1 = completed LimitReached
      const uint32_t count = m.w[0], first = ring.header()->sq_tail;
      for (uint32_t i = 0; i < count; ++i)
        (void)ring.submit(courier::abi::Syscall::call_scalar, i, hold.cid(), 0x4000 + i, i, 0, 0,
                          0);
      // Entries wait in the ring while the server's queue is full; it receives meanwhile.
      (void)wait_until([&] {
        (void)ring.flush();
        return ring.header()->sq_head - first >= count;
      });
      tally();
      (void)control.reply(m, ring.header()->sq_head - first, limit_reached);
      continue;
    }
    if (m.id == 4) {  // echo
      (void)control.reply(m, m.w[0] + 1);
      continue;
    }
    if (m.id == 5) {  // batched calls: r0 = completions, r1 = completed with Ok
      (void)ring.flush();
      tally();
      (void)control.reply(m, completions, completed_ok);
      continue;
    }
    (void)control.reply(m, 0);
  }
  return 1;
}
