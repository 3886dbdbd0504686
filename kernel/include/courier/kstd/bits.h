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

// The index of the lowest set bit of a non-zero word. RV32IMA has no count instruction and
// libgcc's __ctzsi2 is a call and a loop-free bisection of about 15 instructions; isolating the
// bit and multiplying by a de Bruijn sequence (every 5-bit window distinct) puts a unique index
// in the top five bits: 5 instructions and a table load.
inline constexpr uint8_t kDeBruijnIndex[32] = {0,  1,  28, 2,  29, 14, 24, 3,  30, 22, 20,
                                               15, 25, 17, 4,  8,  31, 27, 13, 23, 21, 19,
                                               16, 7,  26, 12, 18, 6,  11, 5,  10, 9};
constexpr uint32_t lowest_set_bit(uint32_t w) {
  return kDeBruijnIndex[((w & (0u - w)) * 0x077C'B531u) >> 27];
}

}  // namespace kstd
