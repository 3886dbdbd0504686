// kstd/span.h — a non-owning view of contiguous objects.
//
// Invariant: [data, data + size) is valid for the span's lifetime; the creator upholds it.
// operator[] asserts the bound (kernel bug if violated); subspan() and at() are the checked
// forms for lengths and offsets that came from outside and return empty / nullptr instead.
#pragma once

#include "courier/kstd/assert.h"
#include "courier/kstd/types.h"

namespace kstd {

template <class T>
class Span {
 public:
  constexpr Span() = default;
  constexpr Span(T* data, size_t size) : data_(data), size_(size) {}
  template <size_t N>
  constexpr Span(T (&arr)[N]) : data_(arr), size_(N) {}  // NOLINT: implicit by design
  // A Span<T> converts to Span<const T>.
  template <class U>
  constexpr Span(const Span<U>& other) : data_(other.data()), size_(other.size()) {}  // NOLINT

  constexpr T* data() const { return data_; }
  constexpr size_t size() const { return size_; }
  constexpr size_t size_bytes() const { return size_ * sizeof(T); }
  constexpr bool empty() const { return size_ == 0; }
  constexpr T* begin() const { return data_; }
  constexpr T* end() const { return data_ + size_; }

  constexpr T& operator[](size_t i) const {
    KASSERT(i < size_);
    return data_[i];
  }
  // Checked element access: nullptr when out of range.
  constexpr T* at(size_t i) const { return i < size_ ? data_ + i : nullptr; }

  // Checked sub-view: an empty span when [offset, offset + count) does not fit, including the
  // case where offset + count wraps around.
  constexpr Span subspan(size_t offset, size_t count) const {
    if (offset > size_ || count > size_ - offset) return Span();
    return Span(data_ + offset, count);
  }
  constexpr Span first(size_t count) const { return subspan(0, count); }
  constexpr Span drop(size_t count) const {
    return count > size_ ? Span() : Span(data_ + count, size_ - count);
  }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace kstd
