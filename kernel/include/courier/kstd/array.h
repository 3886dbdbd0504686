// kstd/array.h — a fixed-size array with checked indexing.
//
// Kernel tables (processes, threads, servers) are static arrays sized at build time. Indexing
// with operator[] asserts the bound: an out-of-range index inside the kernel is a kernel bug,
// never something a user can cause (user-supplied indices are checked before they get here).
#pragma once

#include "courier/kstd/assert.h"
#include "courier/kstd/span.h"
#include "courier/kstd/types.h"

namespace kstd {

template <class T, size_t N>
struct Array {
  static_assert(N > 0, "zero-length arrays are not needed in the kernel");
  T elems[N];

  static constexpr size_t size() { return N; }
  constexpr T& operator[](size_t i) {
    KASSERT(i < N);
    return elems[i];
  }
  constexpr const T& operator[](size_t i) const {
    KASSERT(i < N);
    return elems[i];
  }
  constexpr T* begin() { return elems; }
  constexpr T* end() { return elems + N; }
  constexpr const T* begin() const { return elems; }
  constexpr const T* end() const { return elems + N; }
  constexpr T* data() { return elems; }
  constexpr const T* data() const { return elems; }
  constexpr Span<T> span() { return Span<T>(elems, N); }
  constexpr Span<const T> span() const { return Span<const T>(elems, N); }
};

}  // namespace kstd
