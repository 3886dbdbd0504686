// mem.cc — memcpy, memmove, memset and memcmp for the freestanding rv32 images.
//
// GCC may emit calls to these four even with -ffreestanding (for struct copies and zeroing),
// so every image needs them; the host build uses its C library's instead. Word-at-a-time when
// both pointers are aligned, which is the common case for the pages the kernel copies.
#include <stddef.h>
#include <stdint.h>

extern "C" {

void* memcpy(void* __restrict dst, const void* __restrict src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  if (((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(s)) & 3) == 0) {
    for (; n >= 4; n -= 4, d += 4, s += 4) {
      *reinterpret_cast<uint32_t*>(d) = *reinterpret_cast<const uint32_t*>(s);  // both aligned
    }
  }
  while (n--) *d++ = *s++;
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  if (d == s || n == 0) return dst;
  if (d < s || d >= s + n) return memcpy(dst, src, n);
  while (n--) d[n] = s[n];
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const uint8_t b = static_cast<uint8_t>(c);
  if ((reinterpret_cast<uintptr_t>(d) & 3) == 0) {
    const uint32_t w = b * 0x01010101u;
    for (; n >= 4; n -= 4, d += 4) *reinterpret_cast<uint32_t*>(d) = w;  // aligned, see above
  }
  while (n--) *d++ = b;
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  for (; n; --n, ++x, ++y) {
    if (*x != *y) return *x < *y ? -1 : 1;
  }
  return 0;
}

}  // extern "C"
