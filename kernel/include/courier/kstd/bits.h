// kstd/bits.h — describing hardware words once.
//
// A BitField names a run of bits inside a register-sized word (a PTE, a CSR); get/set are the
// only way kernel code touches those bits. No C++ bitfields: their layout is
// implementation-defined, and hardware words are not.
#pragma once

#include "courier/kstd/types.h"

namespace kstd {

template <class Word, unsigned kShift, unsigned kWidth>
struct BitField {
  static_assert(kShift + kWidth <= sizeof(Word) * 8, "field exceeds the word");
  static constexpr Word kMask =
      static_cast<Word>(((kWidth == sizeof(Word) * 8) ? ~static_cast<Word>(0)
                                                      : ((static_cast<Word>(1) << kWidth) - 1))
                        << kShift);
  static constexpr Word get(Word w) { return static_cast<Word>((w & kMask) >> kShift); }
  static constexpr Word set(Word w, Word v) {
    return static_cast<Word>((w & ~kMask) | ((static_cast<Word>(v) << kShift) & kMask));
  }
  static constexpr Word make(Word v) { return set(0, v); }
};

template <class Word, unsigned kBit>
using Bit = BitField<Word, kBit, 1>;

}  // namespace kstd
