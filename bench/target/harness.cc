// harness.cc — see harness.h.
#include "harness.h"

#include "counter.h"
#include "courier/kstd/format.h"
#include "courier/user/print.h"

namespace courier::bench {
namespace {

constexpr uint32_t kMaxSamples = 2001;
// With a millisecond counter (counter::coarse()): one sample spans at least kCoarseSpanMs, so a
// tick is at most 1% of it, and there are kCoarseSamples of them (each one is 100 ms or more).
constexpr uint32_t kCoarseSpanMs = 100;
constexpr uint32_t kCoarseSamples = 11;
constexpr uint32_t kMaxOpsPerSample = 1u << 24;
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
    const uint64_t t0 = counter::read();
    for (uint32_t i = 0; i < ops; ++i) op(ctx);
    const uint64_t t1 = counter::read();
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

// The same for a millisecond counter: figures per operation in ms with six decimals (whole
// nanoseconds), the overhead in ticks per sample, and the resolution: one tick as a share of
// the median sample, in hundredths of a percent.
void summarize_ms(const char* name, uint32_t* samples, uint32_t n, uint32_t ops, uint32_t per,
                  uint32_t overhead) {
  sort(samples, n);
  auto net = [overhead](uint32_t v) -> uint64_t { return v > overhead ? v - overhead : 0; };
  const uint64_t div = uint64_t{ops} * per;
  auto ns = [div](uint64_t ticks) -> uint64_t { return ticks * 1'000'000 / div; };
  uint64_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) sum += net(samples[i]);
  uint64_t var = 0;  // of the per-operation ns figures
  const uint64_t mean = sum * 1'000'000 / n / div;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t v = ns(net(samples[i]));
    const uint64_t d = v > mean ? v - mean : mean - v;
    var += d * d;
  }
  const uint32_t sd = isqrt64(var / n);
  const uint64_t min = ns(net(samples[0])), med = ns(net(samples[n / 2]));
  const uint64_t median_ticks = samples[n / 2] ? samples[n / 2] : 1;
  const uint32_t res_x100 = static_cast<uint32_t>(10'000 / median_ticks);
  auto whole = [](uint64_t v) { return static_cast<uint32_t>(v / 1'000'000); };
  auto frac = [](uint64_t v) { return static_cast<uint32_t>(v % 1'000'000); };
  char body[220];
  const auto len = kstd::sformat(
      body, sizeof body,
      "@bench v1 name=%s samples=%u ops=%u unit=ms min=%u.%06u median=%u.%06u mean=%u.%06u "
      "stddev=%u.%06u overhead=%u resolution=%u.%02u%%",
      name, n, ops * per, whole(min), frac(min), whole(med), frac(med), whole(mean), frac(mean),
      sd / 1'000'000, sd % 1'000'000, overhead, res_x100 / 100, res_x100 % 100);
  emit(body, len < sizeof body ? static_cast<uint32_t>(len) : sizeof body - 1);
}

// With a millisecond counter: doubles the operations per sample until one sample spans
// kCoarseSpanMs (the setup runs before every sample, outside the timing, as always).
uint32_t coarse_ops(Operation op, void* ctx, uint32_t ops, Operation setup) {
  const uint64_t span = kCoarseSpanMs * counter::ticks_per_ms();
  for (;;) {
    uint32_t took = 0;
    sample(op, ctx, ops, &took, 1, setup);
    if (took >= span || ops >= kMaxOpsPerSample) return ops;
    ops *= 2;
  }
}

}  // namespace

void run(const char* name, Operation op, void* ctx, const Options& opts) {
  uint32_t n = opts.samples < kMaxSamples ? opts.samples : kMaxSamples;
  uint32_t ops = opts.ops_per_sample ? opts.ops_per_sample : 1;
  const uint32_t per = opts.per ? opts.per : 1;
  const bool coarse = counter::coarse();
  sample(op, ctx, ops, samples_buf, opts.warmup < n ? opts.warmup : n, opts.setup);
  if (coarse) {
    ops = coarse_ops(op, ctx, ops, opts.setup);
    n = n < kCoarseSamples ? n : kCoarseSamples;
  }
  sample(nothing, nullptr, ops, overhead_buf, n, nullptr);
  sample(op, ctx, ops, samples_buf, n, opts.setup);
  sort(overhead_buf, n);
  if (coarse) return summarize_ms(name, samples_buf, n, ops, per, overhead_buf[n / 2]);
  summarize(name, samples_buf, n, ops, per, overhead_buf[n / 2]);
}

void report(const char* name, uint32_t* samples, uint32_t* overheads, uint32_t n) {
  sort(overheads, n);
  summarize(name, samples, n, 1, 1, overheads[n / 2]);
}


void suite_begin(const char* suite) {
  // The counter (it may map a device page: counter.h; a second start does nothing). Without
  // one a read faults and the suite stays unfinished, which the host-side parser reports.
  (void)counter::start();
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
