// kstd/result.h — Result<T, E>: a value or an error, and the compiler insists you look.
//
// Every fallible kernel operation returns one; it is [[nodiscard]], so an ignored error is a
// compile warning (an error with -Werror). E is expected to be a small enum (the ABI's Error).
// Accessing the wrong alternative is a kernel bug and asserts.
#pragma once

#include "courier/kstd/assert.h"
#include "courier/kstd/types.h"

namespace kstd {

// Wraps an error so that Result<T, E> can be built from it even when T and E convert.
template <class E>
struct Err {
  E error;
};
template <class E>
constexpr Err<E> err(E e) {
  return Err<E>{e};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(const T& v) : ok_(true) { new (&storage_, PlacementTag{}) T(v); }   // NOLINT
  Result(T&& v) : ok_(true) { new (&storage_, PlacementTag{}) T(move(v)); }  // NOLINT
  constexpr Result(Err<E> e) : ok_(false), error_(e.error) {}                // NOLINT
  Result(const Result& o) : ok_(o.ok_), error_(o.error_) {
    if (ok_) new (&storage_, PlacementTag{}) T(*o.ptr());
  }
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (ok_) ptr()->~T();
  }

  constexpr bool is_ok() const { return ok_; }
  constexpr bool is_err() const { return !ok_; }
  constexpr explicit operator bool() const { return ok_; }

  T& value() {
    KASSERT(ok_);
    return *ptr();
  }
  const T& value() const {
    KASSERT(ok_);
    return *ptr();
  }
  E error() const {
    KASSERT(!ok_);
    return error_;
  }
  T value_or(T fallback) const { return ok_ ? *ptr() : fallback; }

 private:
  T* ptr() { return reinterpret_cast<T*>(&storage_); }  // storage_ holds a live T when ok_
  const T* ptr() const { return reinterpret_cast<const T*>(&storage_); }
  alignas(T) unsigned char storage_[sizeof(T)];
  bool ok_;
  E error_{};
};

// Result<void, E>: success carries nothing.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  constexpr Result() : ok_(true) {}
  constexpr Result(Err<E> e) : ok_(false), error_(e.error) {}  // NOLINT
  constexpr bool is_ok() const { return ok_; }
  constexpr bool is_err() const { return !ok_; }
  constexpr explicit operator bool() const { return ok_; }
  E error() const {
    KASSERT(!ok_);
    return error_;
  }

 private:
  bool ok_;
  E error_{};
};

}  // namespace kstd

// Propagate an error to the caller: `auto x = TRY(f());`-style without exceptions.
#define KTRY(expr)                                   \
  ({                                                 \
    auto _r = (expr);                                \
    if (_r.is_err()) return ::kstd::err(_r.error()); \
    kstd::move(_r.value());                          \
  })
#define KTRY_VOID(expr)                              \
  do {                                               \
    auto _r = (expr);                                \
    if (_r.is_err()) return ::kstd::err(_r.error()); \
  } while (0)
