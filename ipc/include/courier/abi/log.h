// abi/log.h — the log server's protocol, and how the kernel's own log reaches it.
//
// The log server (services/log) owns the console UART; every process prints through it. It
// registers a server under kLogSid, which every boot image reserves for it (abi/boot_archive.h:
// any other process's create_server of kLogSid answers AccessDenied, before the log server has
// registered it and after it has died too), so nobody else can receive the lines clients
// send, nor become the kernel log's reader. A client sends each line as BlockingScalar messages of up
// to 16 bytes (the four words, little-endian): id = kLogWrite | (bytes << 8) | (tid << 16),
// with kLogEnd set on the line's last piece. The server keeps a partial line per client thread
// (`tid`: the sender's thread id, from process_info) and writes a whole line at a time, so
// lines never interleave; it replies once the bytes are written, so output is never lost to a
// halt.
//
// The kernel's log (kprintf: the banner, process deaths) is read with the kernel_log syscall,
// by the server registered under kLogSid only (a SID is unique, so one reader at a time, and
// reserved, so the log server's).
// When the kernel has written to it, it sends the reader server a Scalar with id
// kLogKernelNotice (from no process); the reader then drains it.
#pragma once

#include <stdint.h>

namespace courier::abi {

// "courier.log" padded with zeros, as four little-endian words.
inline constexpr uint32_t kLogSid[4] = {0x72756f63, 0x2e726569, 0x00676f6c, 0};
inline constexpr uint32_t kLogWrite = 0x01;
inline constexpr uint32_t kLogEnd = 0x02;
inline constexpr uint32_t kLogKernelNotice = 0xffff'0001;

}  // namespace courier::abi
