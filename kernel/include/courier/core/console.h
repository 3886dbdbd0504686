// core/console.h — the kernel's own console output.
//
// kstd::format over platform::console_putc. The kernel prints its
// banner, process deaths and panics here; user processes print through syscalls (and, later,
// a userspace log server). Not reentrant, which is fine: the kernel is not preemptible.
#pragma once

#include <stdarg.h>

namespace courier {

void kputs(const char* s);
void kprintf(const char* fmt, ...);
void kvprintf(const char* fmt, va_list ap);

}  // namespace courier
