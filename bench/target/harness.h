// harness.h — the target-side benchmark harness (DESIGN.md §6).
//
// A benchmark supplies one operation; the harness warms it up, then takes `samples` samples,
// each timing `ops_per_sample` back-to-back operations between two reads of the platform's
// 64-bit counter (bench/target/counter/<platform>/counter.h: the cycle CSR on QEMU virt and
// the sim, SIMTIME's cycles on the betrusted sim, the TICKTIMER's milliseconds on a Precursor;
// suite_begin() starts it). A separate overhead run times the same sampling code with the
// operation replaced by nothing; its median is subtracted from every sample, so the figures
// are the operation's own cost. Results go to the console as one line per benchmark:
//
//   @bench v1 name=<name> samples=<n> ops=<ops per sample> unit=cycles min=<c> median=<c>
//          mean=<c.cc> stddev=<c.cc> overhead=<c> crc=<8 hex digits>
//
// (one line; wrapped here). Figures are per operation. With a millisecond counter the harness
// doubles ops per sample until one sample spans at least 100 ms (so one tick is at most 1% of
// it), takes 11 such samples, and prints figures in ms per operation with six decimals, the
// overhead in ticks per sample and the resolution (one tick against the median sample):
//
//   @bench v1 name=<name> samples=<n> ops=<ops> unit=ms min=<m.mmmmmm> median=<m.mmmmmm>
//          mean=<m.mmmmmm> stddev=<m.mmmmmm> overhead=<ticks> resolution=<p.pp>% crc=<...> `crc` is the FNV-1a hash of everything
// before " crc=", so a line cut short or interleaved with other output is detected and dropped
// by the host-side parser (scripts/lib/benchfmt.py), never misread. A suite is bracketed by
// "@bench v1 begin suite=<s>" and "@bench v1 end suite=<s>"; a benchmark whose IPC path is not
// in the image prints "@bench v1 absent name=<name> reason=<why>" instead of a figure.
#pragma once

#include <stdint.h>

namespace courier::bench {

using Operation = void (*)(void* ctx);

struct Options {
  uint32_t samples = 501;
  uint32_t warmup = 20;
  uint32_t ops_per_sample = 1;
  // Runs before every sample, outside the timed region (e.g. mapping fresh pages to Move).
  Operation setup = nullptr;
  // How many calls one operation stands for (a batch of n syscalls): figures are per call.
  uint32_t per = 1;
};

// Measures `op` and prints its result line.
void run(const char* name, Operation op, void* ctx, const Options& opts = Options());

// Prints the result line of n samples a benchmark took itself (counter cycles each, e.g. from an event
// to its handler, which no single operation spans), with the median of its n measurements of
// the timing sequence's own cost taken off each. Sorts both arrays.
void report(const char* name, uint32_t* samples, uint32_t* overheads, uint32_t n);

void suite_begin(const char* suite);
void suite_end(const char* suite);
void absent(const char* name, const char* reason);

}  // namespace courier::bench
