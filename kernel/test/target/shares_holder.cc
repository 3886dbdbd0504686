// shares_holder.cc — processes 2, 3 and 4 of the shares_settle_held test (and of the
// shares_tables test's lends), the same program: told to lend, it lends one page from each of
// `count` threads (w[0]; by default 6) to process 1's server (kHoldSid): Borrow and
// MutableBorrow, by remapping and by copying, in turn. Page i holds (pid << 8) + i, which is
// also its message's id. A lend refused is reported to that server (hostile.h kRefused).
// Told to lend from every thread (w[1] = 1), its main thread lends too, last, and answers the
// command first. Told to, it dies holding whatever is still lent.
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
  const uint32_t buf = test::pages(kMaxLenders);
  if (courier::Connection::connect(kHoldSid, &hold) != Error::Ok || buf == 0 ||
      !threads.reserve(kMaxLenders - 1)) {
    return 1;
  }
  tag_pages(buf, kMaxLenders, pid << 8);
  for (uint32_t i = 0; i < kMaxLenders; ++i) {
    lenders[i] = Lender{hold.cid(), (pid << 8) + i, lend_kind(kind_of(i), how_of(i)),
                        buf + i * kPage, kPage, 0, Error::Ok};
  }

  courier::Server control;
  if (courier::Server::create(control_sid(pid), &control) != Error::Ok) return 1;
  courier::Message m{};
  while (control.receive(&m) == Error::Ok) {
    if (m.id == kDie) sys::terminate_process(0);  // the call is never answered
    if (m.id == 1) {  // lend: w[0] threads, w[1]: the main thread too
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
    (void)control.reply(m, 0);
  }
  return 1;
}
