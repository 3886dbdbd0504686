// kstd/optional.h — a value that may be absent, without a heap.
#pragma once

#include "courier/kstd/assert.h"
#include "courier/kstd/types.h"

namespace kstd {

struct NullOpt {};
inline constexpr NullOpt nullopt{};

template <class T>
class Optional {
 public:
  constexpr Optional() : has_(false) {}
  constexpr Optional(NullOpt) : has_(false) {}  // NOLINT: implicit like std::optional
  Optional(const T& v) : has_(true) { new (&storage_, PlacementTag{}) T(v); }   // NOLINT
  Optional(T&& v) : has_(true) { new (&storage_, PlacementTag{}) T(move(v)); }  // NOLINT
  Optional(const Optional& o) : has_(o.has_) {
    if (has_) new (&storage_, PlacementTag{}) T(*o);
  }
  Optional& operator=(const Optional& o) {
    if (this != &o) {
      reset();
      if (o.has_) {
        new (&storage_, PlacementTag{}) T(*o);
        has_ = true;
      }
    }
    return *this;
  }
  ~Optional() { reset(); }

  constexpr bool has_value() const { return has_; }
  constexpr explicit operator bool() const { return has_; }
  T& operator*() {
    KASSERT(has_);
    return *ptr();
  }
  const T& operator*() const {
    KASSERT(has_);
    return *ptr();
  }
  T* operator->() { return &**this; }
  const T* operator->() const { return &**this; }
  T value_or(T fallback) const { return has_ ? *ptr() : fallback; }
  void reset() {
    if (has_) ptr()->~T();
    has_ = false;
  }

 private:
  T* ptr() { return reinterpret_cast<T*>(&storage_); }  // storage_ holds a live T when has_
  const T* ptr() const { return reinterpret_cast<const T*>(&storage_); }
  alignas(T) unsigned char storage_[sizeof(T)];
  bool has_;
};

}  // namespace kstd
