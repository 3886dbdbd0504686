// process0.cc — see process0.h.
#include "process0.h"

#include "courier/arch/csr.h"
#include "courier/core/console.h"
#include "courier/core/platform.h"
#include "courier/kstd/addr.h"

extern "C" char __kernel_end[];

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);

namespace courier::process0 {
namespace {

struct Region {
  uint32_t base;
  uint32_t size;
};

constexpr uint32_t kMaxRegions = 9;  // segments plus the stack
constinit Region regions[kMaxRegions] = {};
constinit uint32_t region_count = 0;
constinit arch::TrapFrame frame0 = {};
constinit char name0[abi::kArchiveNameLen] = {};

bool inside(uint32_t base, uint32_t size, uint32_t lo, uint32_t hi) {
  uint32_t end;
  return kstd::checked_add(base, size, &end) && base >= lo && end <= hi;
}

}  // namespace

arch::TrapFrame* load(const BootArchive& archive) {
  const abi::ArchiveProcess& p = archive.process(0);
  const platform::Ram ram = platform::ram();
  // Safe: __kernel_end is a linker symbol; only its address is used.
  const uint32_t lo = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(__kernel_end));
  const uint32_t hi = static_cast<uint32_t>(ram.base + ram.size);
  const uint32_t stack_base = hi - kstd::align_up(p.stack_size, kstd::kPageSize);
  const auto segs = archive.segments(p);
  if (segs.size() + 1 > kMaxRegions) KPANIC("boot process has too many segments");
  for (const abi::ArchiveSegment& s : segs) {
    if (!inside(s.vaddr, s.mem_size, lo, stack_base)) KPANIC("boot process segment outside user RAM");
    // Safe: the range was just checked to lie in RAM above the kernel and below the stack.
    auto* dst = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(s.vaddr));
    memcpy(dst, archive.data(s).data(), s.file_size);
    memset(dst + s.file_size, 0, s.mem_size - s.file_size);
    regions[region_count++] = Region{s.vaddr, s.mem_size};
  }
  regions[region_count++] = Region{stack_base, hi - stack_base};
  for (uint32_t i = 0; i < abi::kArchiveNameLen; ++i) name0[i] = p.name[i];
  frame0.pc = p.entry;
  frame0.sp() = hi;
  // First entry to U-mode goes through sret: previous privilege U, interrupts on after it.
  CSR_CLEAR(sstatus, arch::kStatusSpp);
  CSR_SET(sstatus, arch::kStatusSpie);
  return &frame0;
}

kstd::Result<kstd::Span<const uint8_t>, abi::Error> user_bytes(uint32_t addr, uint32_t len) {
  for (uint32_t i = 0; i < region_count; ++i) {
    if (inside(addr, len, regions[i].base, regions[i].base + regions[i].size)) {
      // Safe: the whole range lies inside one of this process's own regions.
      return kstd::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(addr)), len);
    }
  }
  return kstd::err(abi::Error::BadAddress);
}

void console_write(kstd::Span<const uint8_t> bytes) {
  for (uint8_t b : bytes) platform::console_putc(static_cast<char>(b));
}

void terminate(uint32_t code) {
  kprintf("[kernel] process 1 (%s) exited with code %u\n", name0, code);
  kprintf("[kernel] no processes left, halting with code %u\n", code);
  platform::exit(code);
}

void fault(const arch::TrapFrame& frame, uint32_t cause, uint32_t tval) {
  kprintf("[kernel] process 1 (%s) killed: %s at pc %08x, tval %08x\n", name0, arch::cause_name(cause),
          frame.pc, tval);
  kprintf("[kernel] no processes left, halting with code %u\n", 1u);
  platform::exit(1);
}

}  // namespace courier::process0
