// spawn.cc — starting a boot archive process again, for the image's supervisor.
//
// Processes come from the boot archive. Most images start them once and give the archive's
// pages back as free RAM (kernel/dispatch/main.cc). An image whose first process supervises
// others — restarting a server that died, or the fuzzer's children (kernel/test/fuzz) — keeps
// the archive instead (it links kernel/dispatch/keep_archive.cc: courier_image SPAWN), and its
// first process may then start the archive's process `index` again, as Hubris's supervisor
// restarts a task: a fresh process with fresh zeroed pages made from the archive's records,
// exactly as at boot, its first thread's a0 carrying `arg` (boot processes start with 0).
//
// Who may: pid 1 only, the image's init (the kernel already treats it specially: its end stops
// the machine, so no later process can ever hold pid 1). Everyone else gets AccessDenied. An
// image that gave its archive back answers NotSupported; an index outside the archive,
// InvalidArgument; a full process table, LimitReached; too little memory, OutOfMemory (and a
// process half made is ended, so nothing leaks). A spawned process is like any other: its
// death reclaims everything (destroy_process), and it inherits none of the names the boot
// image reserved (they belong to the boot process named for them, core/names.cc). What its
// archive record grants it, it does get: its first thread's priority, its priority ceiling and
// the interrupt lines it may claim (abi/boot_archive.h says why lines, unlike names, follow
// the record).
//
// The kept archive was parsed at boot, is kernel-owned RAM that no process can map, and is
// parsed again here before use, so spawn trusts it no more than boot did.
#include "courier/core/kernel.h"

namespace courier {

kstd::Result<Pid, abi::Error> Kernel::spawn(Pid caller, uint32_t index, uint32_t arg) {
  if (caller != 1) return kstd::err(abi::Error::AccessDenied);
  if (archive_.empty()) return kstd::err(abi::Error::NotSupported);
  auto archive = BootArchive::parse(archive_);
  if (archive.is_err()) return kstd::err(abi::Error::NotSupported);
  if (index >= archive.value().process_count()) return kstd::err(abi::Error::InvalidArgument);
  auto pid = create_process(archive.value().process(index), archive.value());
  if (pid.is_err()) return pid;
  // Its one thread (create_process made it) starts with the caller's argument.
  for (Thread& t : threads_) {
    if (t.state != ThreadState::Free && t.pid == pid.value()) t.frame.a(0) = arg;
  }
  return pid;
}

}  // namespace courier
