// core/console.h — the kernel's own output: the kernel log.
//
// kprintf formats into the kernel log, a ring of bytes in kernel memory. The kernel does not
// own the console: a userspace log server does (it holds the UART), and reads the log through
// the kernel_log syscall when the kernel sends it a notice (abi/log.h). Only the end of the
// machine — a panic, or the halt when process 1 ends — writes to the UART directly, after
// flushing what the log server has not read yet. Not reentrant, which is fine: the kernel is
// not preemptible.
#pragma once

#include <stdarg.h>
#include <stdint.h>

namespace courier {

void kputs(const char* s);
void kwrite(const char* s, uint32_t len);  // `len` bytes, as they are
void kprintf(const char* fmt, ...);
void kvprintf(const char* fmt, va_list ap);

namespace klog {
inline constexpr uint32_t kSize = 4096;
// Set whenever the log is written: the end of a kernel entry tests this one flag (cheaply) and
// only then sees whether the reader needs a notice (Kernel::notify_log_reader clears it).
extern bool g_written;
// Bytes written and not yet read.
uint32_t unread();
// Takes up to `len` unread bytes into `out`; `lost` gets the bytes overwritten unread since
// the last read (the ring keeps the newest kSize bytes).
uint32_t read(char* out, uint32_t len, uint32_t* lost);
// The end of the machine: everything unread goes straight to the platform console.
void flush_to_console();
// Empties the log (host tests).
void reset();
}  // namespace klog

}  // namespace courier
