// user/print.h — printing from a user process, through the log server (abi/log.h).
//
// Output is formatted with kstd's formatter into a line buffer; each line goes to the log
// server as BlockingScalar pieces of 16 bytes, and print returns once the server has written
// it, so a line is never lost to the machine halting and lines of different threads never
// interleave. The first print connects to the log server (waiting for it to exist). The
// console shows each line behind this process's mark, "<pid> ", and control bytes escaped
// (abi/log.h); a '\n' ends a line wherever it is.
//
// Where the log server cannot be used — in an interrupt handler, which may not block, or if
// the log server has died — the line goes to the kernel log instead (debug_write), which the
// log server prints when it can (or the kernel, when the machine stops), behind the mark the
// kernel gives it, "[pid N] ".
#pragma once

#include <stdarg.h>
#include <stdint.h>

namespace courier {

void print(const char* fmt, ...);
void vprint(const char* fmt, va_list ap);

// The process that owns the console (the log server) prints to it directly.
using PrintSink = void (*)(const char* bytes, uint32_t len);
void set_print_sink(PrintSink sink);

}  // namespace courier
