// main.cc — kernel_main: the first C++ the kernel runs, in S-mode (rv32 images only).
//
// Turns paging on with the kernel's own mappings, prints the banner, takes RAM, starts every
// process of the boot archive the build linked in (keying the random-SID generator with the
// archive's seed and the timer, and reserving the SIDs it names), wipes the seed, gives the
// archive's pages back, and leaves for U-mode. boot_hook() is a weak seam for target tests
// (the panic-path test links a strong one); a normal image has the empty default.
// boot_keeps_archive() is the other: an image whose init spawns processes keeps the archive
// instead of freeing it.
#include "board.h"
#include "courier/arch/csr.h"
#include "courier/core/boot_archive.h"
#include "courier/core/console.h"
#include "courier/core/kernel.h"
#include "courier/core/mmu_hooks.h"
#include "courier/core/phys.h"
#include "courier/core/platform.h"
#include "courier/kstd/assert.h"
#include "dispatch.h"

extern "C" uint8_t __boot_archive_start[];  // writable: the seed is wiped after boot
extern "C" const uint8_t __boot_archive_end[];
extern "C" uint8_t __kernel_end[];
extern "C" [[noreturn]] void trap_return(courier::arch::TrapFrame* frame);
extern "C" __attribute__((weak)) void boot_hook() {}
// Images that spawn (courier_image SPAWN) link kernel/dispatch/keep_archive.cc's strong one.
extern "C" __attribute__((weak)) bool boot_keeps_archive() { return false; }

namespace courier {

// The kernel object is about 97 KB with sentinels (kNone, 0xff) in its initializer: defined
// as a constinit object it would sit in .data, i.e. in every image's loaded bytes (and in the
// Precursor's 192 KiB loader slot). Instead the symbol is this zeroed .bss storage (the alias
// below), and kernel_main constructs the object in it before anything touches it.
extern Kernel g_kernel;

}  // namespace courier

extern "C" {
alignas(courier::Kernel) unsigned char g_kernel_storage[sizeof(courier::Kernel)];
}
asm(".globl _ZN7courier8g_kernelE\n"
    ".set _ZN7courier8g_kernelE, g_kernel_storage\n");

namespace courier {

namespace arch {
void init_kernel_space(uintptr_t ram_base, uint32_t ram_size);
}
arch::TrapFrame* resume();
void start_timer();

}  // namespace courier

extern "C" [[noreturn]] void kernel_main() {
  using namespace courier;
  new (&g_kernel, kstd::PlacementTag{}) Kernel();
  const platform::Ram ram = platform::ram();
  arch::init_kernel_space(ram.base, ram.size);
  platform::init_irq();
  dispatch::g_ticks_per_ms = platform::kTimerHz / 1000;  // time, wait_event (dispatch.h)
  kprintf("Courier kernel %s (config %s) on %s\n", COURIER_VERSION, COURIER_CONFIG,
          platform::name());
  boot_hook();

  // Safe: linker symbols; only their addresses are used (the kernel's virtual addresses: RAM
  // is mapped at physical + g_phys_offset, core/phys.h).
  const auto kernel_end = reinterpret_cast<uintptr_t>(__kernel_end) - g_phys_offset;
  g_kernel.init(kstd::PhysAddr(ram.base).pfn(), ram.size / kstd::kPageSize,
                kstd::PhysAddr(kernel_end).pfn());
  for (const platform::Window& w : platform::user_mmio()) {
    g_kernel.mmio_windows[g_kernel.mmio_window_count++] = Kernel::MmioWindow{w.base, w.size};
  }
  const kstd::Span<const uint8_t> bytes(
      __boot_archive_start, static_cast<size_t>(__boot_archive_end - __boot_archive_start));
  auto archive = BootArchive::parse(bytes);
  if (archive.is_err()) KPANIC("boot archive is corrupt");
  // The timer adds little (it is deterministic on QEMU with -icount and on the simulator); the
  // archive's per-image seed is the entropy (abi/boot_archive.h).
  if (g_kernel.boot(archive.value(), platform::now()).is_err())
    KPANIC("not enough memory for the boot processes");
  // Safe: the archive is parsed (its header lies inside it), and the kernel maps its own image
  // read-write. The seed must not outlive the generator's first rekeying.
  volatile uint32_t* seed = reinterpret_cast<abi::ArchiveHeader*>(__boot_archive_start)->seed;
  for (uint32_t i = 0; i < abi::kArchiveSeedWords; ++i) seed[i] = 0;
  // The archive's pages were copied into the processes: they are free RAM from now on, unless
  // the image's init may spawn its processes again (core/spawn.cc).
  if (boot_keeps_archive()) {
    g_kernel.keep_archive(archive.value().bytes());
  } else {
    const auto first =
        kstd::PhysAddr(reinterpret_cast<uintptr_t>(__boot_archive_start) - g_phys_offset).pfn();
    for (kstd::Pfn p = first; p < kstd::PhysAddr(kernel_end).pfn(); p = p + 1)
      g_kernel.frames().release_kernel(p);
  }
  kprintf("[kernel] %u processes, %u free pages, %u ASID bits\n", g_kernel.live_processes(),
          g_kernel.frames().free_count(), mmu::asid_bits());
  // Every entry to U-mode is an sret: previous privilege U, supervisor interrupts on after it.
  CSR_CLEAR(sstatus, arch::kStatusSpp);
  CSR_SET(sstatus, arch::kStatusSpie);
  start_timer();
  trap_return(resume());
}
