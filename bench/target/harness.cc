// harness.cc — see harness.h.
#include "harness.h"

#include "courier/kstd/format.h"
#include "courier/user/cycles.h"
#include "courier/user/print.h"

namespace courier::bench {
namespace {

constexpr uint32_t kMaxSamples = 2001;
// Static, not on the stack: the sample buffer is larger than a user stack should carry.
uint32_t samples_buf[kMaxSamples];
uint32_t overhead_buf[kMaxSamples];

void sort(uint32_t* v, uint32_t n) {
  for (uint32_t i = 1; i < n; ++i) {  // insertion sort: n is small and this is not timed
    const uint32_t x = v[i];
    uint32_t j = i;
    for (; j > 0 && v[j - 1] > x; --j) v[j] = v[j - 1];
    v[j] = x;
  }
}

uint32_t isqrt64(uint64_t v) {
  uint64_t r = 0, bit = 1ull << 62;
  while (bit > v) bit >>= 2;
  while (bit) {
    if (v >= r + bit) {
      v -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  return static_cast<uint32_t>(r);
}

void nothing(void*) {}

// Times n samples of `ops` calls of op into out[]. noinline keeps the timed code identical for
// the operation run and the overhead run.
__attribute__((noinline)) void sample(Operation op, void* ctx, uint32_t ops, uint32_t* out,
                                      uint32_t n, Operation setup) {
  for (uint32_t s = 0; s < n; ++s) {
    if (setup) setup(ctx);
    const uint64_t t0 = read_cycles();
    for (uint32_t i = 0; i < ops; ++i) op(ctx);
    const uint64_t t1 = read_cycles();
    out[s] = static_cast<uint32_t>(t1 - t0);
  }
}

uint32_t fnv1a(const char* s, uint32_t n) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; ++i) h = (h ^ static_cast<uint8_t>(s[i])) * 16777619u;
  return h;
}

// Prints `body` followed by its checksum, as one write.
void emit(const char* body, uint32_t len) { print("%s crc=%08x\n", body, fnv1a(body, len)); }

// Sorts samples[] and prints their line: per-operation figures after `overhead` is taken off.
void summarize(const char* name, uint32_t* samples, uint32_t n, uint32_t ops, uint32_t per,
               uint32_t overhead) {
  sort(samples, n);
  // Per-operation figures in hundredths, after the overhead is taken off each sample.
  auto net = [overhead](uint32_t v) -> uint64_t { return v > overhead ? v - overhead : 0; };
  uint64_t sum = 0, sumsq = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t v = net(samples[i]);
    sum += v;
    sumsq += v * v;
  }
  const uint64_t div = uint64_t{ops} * per;
  const uint64_t mean_x100 = sum * 100 / n / div;
  const uint64_t var_x10000 = (sumsq * 10000 / n - (sum * 100 / n) * (sum * 100 / n)) / (div * div);
  const uint32_t sd_x100 = isqrt64(var_x10000);
  const uint32_t min = static_cast<uint32_t>(net(samples[0]) / div);
  const uint32_t med = static_cast<uint32_t>(net(samples[n / 2]) / div);

  char body[200];
  const auto len =
      kstd::sformat(body, sizeof body,
                    "@bench v1 name=%s samples=%u ops=%u unit=cycles min=%u median=%u "
                    "mean=%u.%02u stddev=%u.%02u overhead=%u",
                    name, n, ops * per, min, med, static_cast<uint32_t>(mean_x100 / 100),
                    static_cast<uint32_t>(mean_x100 % 100), sd_x100 / 100, sd_x100 % 100, overhead);
  emit(body, len < sizeof body ? static_cast<uint32_t>(len) : sizeof body - 1);
}

}  // namespace

void run(const char* name, Operation op, void* ctx, const Options& opts) {
  const uint32_t n = opts.samples < kMaxSamples ? opts.samples : kMaxSamples;
  const uint32_t ops = opts.ops_per_sample ? opts.ops_per_sample : 1;
  const uint32_t per = opts.per ? opts.per : 1;
  sample(op, ctx, ops, samples_buf, opts.warmup < n ? opts.warmup : n, opts.setup);
  sample(nothing, nullptr, ops, overhead_buf, n, nullptr);
  sample(op, ctx, ops, samples_buf, n, opts.setup);
  sort(overhead_buf, n);
  summarize(name, samples_buf, n, ops, per, overhead_buf[n / 2]);
}

void report(const char* name, uint32_t* samples, uint32_t* overheads, uint32_t n) {
  sort(overheads, n);
  summarize(name, samples, n, 1, 1, overheads[n / 2]);
}

void suite_begin(const char* suite) {
  char body[96];
  const auto len = kstd::sformat(body, sizeof body, "@bench v1 begin suite=%s", suite);
  emit(body, static_cast<uint32_t>(len));
}

void suite_end(const char* suite) {
  char body[96];
  const auto len = kstd::sformat(body, sizeof body, "@bench v1 end suite=%s", suite);
  emit(body, static_cast<uint32_t>(len));
}

void absent(const char* name, const char* reason) {
  char body[160];
  const auto len =
      kstd::sformat(body, sizeof body, "@bench v1 absent name=%s reason=%s", name, reason);
  emit(body, static_cast<uint32_t>(len));
}

}  // namespace courier::bench
