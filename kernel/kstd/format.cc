// format.cc — the one formatter (see kstd/format.h). Deliberately small: strings, characters,
// decimal and hexadecimal 32-bit words; no floating point, nothing that allocates.
#include "courier/kstd/format.h"

namespace kstd {
namespace {

void put_unsigned(FormatSink sink, void* ctx, uint32_t v, unsigned base, int width, char pad) {
  char digits[10];
  int n = 0;
  do {
    const uint32_t d = v % base;
    digits[n++] = static_cast<char>(d < 10 ? '0' + d : 'a' + (d - 10));
    v /= base;
  } while (v != 0);
  for (int i = n; i < width; ++i) sink(pad, ctx);
  while (n > 0) sink(digits[--n], ctx);
}

struct BufferSink {
  char* buf;
  size_t cap;
  size_t len;
};

void buffer_put(char c, void* ctx) {
  auto* b = static_cast<BufferSink*>(ctx);
  if (b->cap > 0 && b->len < b->cap - 1) b->buf[b->len] = c;
  ++b->len;
}

}  // namespace

void vformat(FormatSink sink, void* ctx, const char* fmt, va_list ap) {
  for (const char* p = fmt; *p; ++p) {
    if (*p != '%') {
      sink(*p, ctx);
      continue;
    }
    ++p;
    char pad = ' ';
    if (*p == '0') {
      pad = '0';
      ++p;
    }
    int width = 0;
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    switch (*p) {
      case 's': {
        const char* s = va_arg(ap, const char*);
        for (s = s ? s : "(null)"; *s; ++s) sink(*s, ctx);
        break;
      }
      case 'c': sink(static_cast<char>(va_arg(ap, int)), ctx); break;
      case 'd': {
        const int32_t v = va_arg(ap, int32_t);
        if (v < 0) sink('-', ctx);
        put_unsigned(sink, ctx, v < 0 ? 0u - static_cast<uint32_t>(v) : static_cast<uint32_t>(v),
                     10, width, pad);
        break;
      }
      case 'u': put_unsigned(sink, ctx, va_arg(ap, uint32_t), 10, width, pad); break;
      case 'x': put_unsigned(sink, ctx, va_arg(ap, uint32_t), 16, width, pad); break;
      case '%': sink('%', ctx); break;
      case '\0': return;
      default:
        sink('%', ctx);
        sink(*p, ctx);
        break;
    }
  }
}

void format(FormatSink sink, void* ctx, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vformat(sink, ctx, fmt, ap);
  va_end(ap);
}

size_t vsformat(char* buf, size_t cap, const char* fmt, va_list ap) {
  BufferSink b{buf, cap, 0};
  vformat(buffer_put, &b, fmt, ap);
  if (cap > 0) buf[b.len < cap ? b.len : cap - 1] = '\0';
  return b.len;
}

size_t sformat(char* buf, size_t cap, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const size_t n = vsformat(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}

}  // namespace kstd
