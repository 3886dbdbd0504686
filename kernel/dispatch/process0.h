// process0.h — the single user process of the foundation kernel.
//
// Until the process model lands (address spaces, threads, the scheduler), the kernel runs the
// first process of the boot archive in U-mode with translation off: its segments are copied to
// their (physical) link addresses and its stack sits at the top of RAM. What this still
// enforces: the process can only hand the kernel pointers into its own segments or stack.
#pragma once

#include "courier/abi/error.h"
#include "courier/arch/trap_frame.h"
#include "courier/core/boot_archive.h"
#include "courier/kstd/result.h"
#include "courier/kstd/span.h"

namespace courier::process0 {

// Loads process 0 of the archive and returns its initial frame; panics if the archive is
// corrupt (the image is part of the kernel, so that is a build bug, not user input).
arch::TrapFrame* load(const BootArchive& archive);

// The user range [addr, addr + len) as bytes the kernel may read, or BadAddress.
kstd::Result<kstd::Span<const uint8_t>, abi::Error> user_bytes(uint32_t addr, uint32_t len);

void console_write(kstd::Span<const uint8_t> bytes);

[[noreturn]] void terminate(uint32_t code);
[[noreturn]] void fault(const arch::TrapFrame& frame, uint32_t cause, uint32_t tval);

}  // namespace courier::process0
