// main.cc — kernel_main: the first C++ the kernel runs, in S-mode.
//
// Prints the banner, finds the boot archive the build linked in, starts its first process and
// leaves for U-mode. boot_hook() is a weak seam for target tests (the panic-path test links a
// strong one); a normal image has the empty default.
#include "courier/arch/trap_frame.h"
#include "courier/core/boot_archive.h"
#include "courier/core/console.h"
#include "courier/core/platform.h"
#include "courier/kstd/assert.h"
#include "process0.h"

extern "C" const uint8_t __boot_archive_start[];
extern "C" const uint8_t __boot_archive_end[];
extern "C" [[noreturn]] void trap_return(courier::arch::TrapFrame* frame);

extern "C" __attribute__((weak)) void boot_hook() {}

extern "C" [[noreturn]] void kernel_main() {
  using namespace courier;
  kprintf("Courier kernel %s (config %s) on %s\n", COURIER_VERSION, COURIER_CONFIG, platform::name());
  boot_hook();
  // Safe: the linker script brackets the archive section with these two symbols.
  const kstd::Span<const uint8_t> bytes(__boot_archive_start,
                                        static_cast<size_t>(__boot_archive_end - __boot_archive_start));
  auto archive = BootArchive::parse(bytes);
  if (archive.is_err()) KPANIC("boot archive is corrupt");
  trap_return(process0::load(archive.value()));
}
