// user/print.h — printing from a user process.
//
// Output is formatted with kstd's formatter into a line buffer and written with one
// debug_write per line (or when the buffer fills), so lines from different processes do not
// interleave mid-line.
#pragma once

#include <stdarg.h>

namespace courier {

void print(const char* fmt, ...);
void vprint(const char* fmt, va_list ap);

}  // namespace courier
