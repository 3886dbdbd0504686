// kstd/format.h — printf-style formatting without a heap, shared by the kernel console and
// libcourier's user-side printing (one formatter, not two).
//
// Conversions: %s %c %d %u %x with an optional zero-pad flag and width (%08x), and %%.
// %d, %u and %x take a 32-bit integer (int, unsigned, int32_t or uint32_t: on rv32 uint32_t is
// `unsigned long`, so GCC's printf format checking would reject the kernel's commonest type and
// is not used; the formatter reads every integer as 32 bits).
// Output goes to a sink callback one character at a time, so callers decide where it lands
// (a UART, a line buffer, a test string).
#pragma once

#include <stdarg.h>

#include "courier/kstd/types.h"

namespace kstd {

using FormatSink = void (*)(char c, void* ctx);

void vformat(FormatSink sink, void* ctx, const char* fmt, va_list ap);
void format(FormatSink sink, void* ctx, const char* fmt, ...);

// snprintf-alike: writes at most cap-1 characters and a NUL (when cap > 0); returns the length
// the full output would have had, so truncation is detectable.
size_t vsformat(char* buf, size_t cap, const char* fmt, va_list ap);
size_t sformat(char* buf, size_t cap, const char* fmt, ...);

}  // namespace kstd
