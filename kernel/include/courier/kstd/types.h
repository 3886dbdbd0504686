// kstd/types.h — the fixed-width integers and a few language helpers every kernel file uses.
//
// The rv32 cross compiler ships no C++ library headers, but GCC's own freestanding C headers
// (<stdint.h>, <stddef.h>) are always there, on the host as on the target. Everything else in
// kstd is built from these and from compiler builtins, so the same headers compile in the
// kernel image and in the host unit tests.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kstd {

using size_t = ::size_t;
using uintptr_t = ::uintptr_t;

// Placement-construction without <new> (absent on the cross toolchain): the kernel never
// allocates, so this tag-dispatched form is the only "new" it needs.
struct PlacementTag {};

template <class T>
struct RemoveReference {
  using Type = T;
};
template <class T>
struct RemoveReference<T&> {
  using Type = T;
};
template <class T>
struct RemoveReference<T&&> {
  using Type = T;
};

template <class T>
constexpr typename RemoveReference<T>::Type&& move(T&& v) noexcept {
  return static_cast<typename RemoveReference<T>::Type&&>(v);
}

template <class T>
constexpr T&& forward(typename RemoveReference<T>::Type& v) noexcept {
  return static_cast<T&&>(v);
}

template <class T>
constexpr void swap(T& a, T& b) noexcept {
  T tmp = move(a);
  a = move(b);
  b = move(tmp);
}

template <class T>
constexpr const T& min(const T& a, const T& b) {
  return b < a ? b : a;
}
template <class T>
constexpr const T& max(const T& a, const T& b) {
  return a < b ? b : a;
}

}  // namespace kstd

// Placement new, declared by hand where <new> does not exist. The tag parameter keeps it from
// clashing with the host library's own placement operator when both are visible.
inline void* operator new(kstd::size_t, void* where, kstd::PlacementTag) noexcept { return where; }
