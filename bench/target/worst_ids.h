// worst_ids.h — what the kernel/worst benchmark's programs agree on (worst_bench.cc).
#pragma once

#include "courier/user/ipc.h"

namespace worst {

// The boot archive's index of worst_hog (courier_image PROGRAMS order: worst_bench, lend_echo,
// worst_hog).
inline constexpr uint32_t kHogIndex = 2;
// Where a hog says it has mapped its pages (it ends right after).
inline constexpr courier::Sid kDoneSid{{0x776f7273, 0x5eed, 5, 5}};
// Pages the map ops and a hog map: as many as a process may have, less its own code, stacks
// and rings.
inline constexpr uint32_t kMapPages = 700;

}  // namespace worst
