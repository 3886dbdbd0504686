// batch_bench.cc — exception-less syscalls through the FlexSC rings (DESIGN.md §6), process 1.
//
//   batch/null/<n>               n null syscalls submitted, one ring_enter, n completions
//                                polled: the figure is per call
//   batch/scalar_send/<n>        n Scalars to a server in another process the same way, per
//                                send; the server still receives each one with a trap, and
//                                the batch waits (in ring_enter) whenever its queue is full
//   batch/first_completion/<n>   latency of a batch's first completion: from the first submit
//                                to the first completion in hand (the whole batch is drained
//                                before ring_enter returns)
// for n = 1, 2, 4, ... 128.
#include "bench_ids.h"
#include "courier/kstd/format.h"
#include "courier/user/print.h"
#include "courier/user/ring.h"
#include "harness.h"

namespace {

using courier::abi::Syscall;

courier::Ring ring;
courier::Connection echo;
uint32_t n = 1;
uint32_t failures = 0;

void consume(uint32_t count) {
  courier::abi::RingCompletion c{};
  for (uint32_t got = 0; got < count;) {
    if (ring.poll(&c)) {
      failures += c.error != 0;
      ++got;
    } else {
      (void)ring.wait(count - got);
    }
  }
}

void null_batch(void*) {
  for (uint32_t i = 0; i < n; ++i) ring.submit(Syscall::null, i);
  (void)ring.flush();
  consume(n);
}

void send_batch(void*) {
  for (uint32_t i = 0; i < n; ++i)
    ring.submit(Syscall::send_scalar, i, echo.cid(), bench::kIdScalar, i, 0, 0, 0);
  (void)ring.wait(n);
  consume(n);
}

void first_completion(void*) {
  for (uint32_t i = 0; i < n; ++i) ring.submit(Syscall::null, i);
  (void)ring.flush();
  consume(1);
}
void drain_rest(void*) {
  courier::abi::RingCompletion c{};
  while (ring.poll(&c)) {
  }
}

}  // namespace

int main() {
  courier::bench::suite_begin("batch");
  const courier::abi::Error ring_error = ring.setup();
  if (ring_error == courier::abi::Error::NotSupported) {
    // This configuration has no batch path: every batch benchmark is absent, not zero.
    static const char* const kFamilies[] = {"batch/null", "batch/scalar_send", "batch/first_completion"};
    for (const char* prefix : kFamilies) {
      for (n = 1; n <= 128; n *= 2) {
        char name[48];
        (void)kstd::sformat(name, sizeof name, "%s/%u", prefix, n);
        courier::bench::absent(name, "batch path not in this configuration");
      }
    }
    courier::bench::suite_end("batch");
    return 0;
  }
  if (ring_error != courier::abi::Error::Ok ||
      courier::Connection::connect(bench::kEchoSid, &echo) != courier::abi::Error::Ok) {
    courier::print("batch bench: setup failed\n");
    return 1;
  }
  struct Family {
    const char* prefix;
    courier::bench::Operation op;
    courier::bench::Operation setup;
    bool per_call;
  } families[] = {
      {"batch/null", null_batch, nullptr, true},
      {"batch/scalar_send", send_batch, nullptr, true},
      {"batch/first_completion", first_completion, drain_rest, false},
  };
  for (const Family& f : families) {
    for (n = 1; n <= 128; n *= 2) {
      char name[48];
      (void)kstd::sformat(name, sizeof name, "%s/%u", f.prefix, n);
      courier::bench::run(name, f.op, nullptr,
                          courier::bench::Options{101, 3, 1, f.setup, f.per_call ? n : 1});
      if (failures) {
        courier::print("batch bench: %s had %u failed completions; its figure is not valid\n", name,
                       failures);
        return 2;
      }
    }
  }
  courier::bench::suite_end("batch");
  return 0;
}
