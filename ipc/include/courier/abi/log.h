// abi/log.h — the log server's protocol, how the kernel's own log reaches it, and what the
// console's lines say about who wrote them.
//
// The log server (services/log) owns the console UART; every process prints through it. It
// registers a server under kLogSid, which every boot image reserves for it (abi/boot_archive.h:
// any other process's create_server of kLogSid answers AccessDenied, before the log server has
// registered it and after it has died too), so nobody else can receive the lines clients
// send, nor become the kernel log's reader. A client sends each line as BlockingScalar messages of
// up to 16 bytes (the four words, little-endian): id = kLogWrite | (bytes << 8) | (tid << 16), with
// kLogEnd set on the line's last piece. The server keeps a partial line per client thread: per
// (sender pid, `tid`), the pid being the one the kernel reports with each message (abi/syscall.h:
// receive's a3), the tid the sender's own claim (its thread id, from process_info, any 16-bit
// value), so a process can only ever continue its own lines. It writes a whole line at a time, so
// lines never interleave; it replies once the bytes are written, so output is never lost to a halt.
// A '\n' in a piece ends the line there (what follows starts a new one), as does kLogEnd; a line
// reaching kLogLineWidth shown bytes goes on in a new line.
//
// The kernel's log (kprintf: the banner, process deaths) is read with the kernel_log syscall,
// by the server registered under kLogSid only (a SID is unique, so one reader at a time, and
// reserved, so the log server's).
// When the kernel has written to it, it sends the reader server a Scalar with id
// kLogKernelNotice from sender pid 0 (the kernel: a process's messages never have it); the
// reader then drains it.
//
// Who wrote a console line: its start says, and no process can choose it.
//   "<N> text"       a line process N printed through the log server (N: the pid the kernel
//                    reported for the message, in decimal).
//   "[pid N] text"   a line process N wrote with debug_write: the kernel marks it (syscalls.def),
//                    and each debug_write ends its last line, so a process's line is never
//                    continued by the kernel's next one. A line wraps at 200 shown bytes; one
//                    call puts at most 3840 bytes of lines in the kernel log (which holds 4096),
//                    and ends with "[pid N] (debug_write: M bytes not shown)" when it had more.
//   "[log] text"     the log server's own (it owns the console).
//   anything else    the kernel's own lines ("Courier kernel ...", "[kernel] ...", a panic),
//                    which never start with '<' nor with "[pid " nor with "[log]".
// Console input (boards whose console UART has a receive side: QEMU virt and the sim SoC, where
// it stands in for the keyboard device). Keystrokes are secrets (passwords), so they go to one
// well-known name only: the server registered under kConsoleInputSid, which an image that uses
// console input reserves for its keyboard driver (courier_image RESERVE PROG=text:courier.keyboard:
// abi/boot_archive.h), so that no other process can create it and receive them. Any process may
// send kLogListenInput, a BlockingScalar without arguments: the log server then connects to
// kConsoleInputSid (it must exist: NotFound, or whatever try_connect answered, otherwise),
// claims the UART's interrupt and from then on sends that server every received byte as a
// Scalar, id kLogInputByte, w0 = the byte, w1 = the cycle counter when the interrupt was taken
// (for the first byte taken at that interrupt; later ones: when read), w2 = the byte's number
// (1, 2, ...). Nothing is dropped: when the listener's queue is full the log server waits (the
// UART's FIFO then fills and the sender is held back by the line), and counts it.
// kLogInputStats, a BlockingScalar, answers (bytes forwarded, times the listener's queue was
// full). Reply r0 of kLogListenInput: 0, or the Error (NotSupported on a board without console
// input; 0 again once input is on, whoever asks).
//
// In a process's text (both ways), every byte log_shows() refuses — a carriage return, an
// escape, a backspace, DEL, any other control character but the tab, and every byte above
// 0x7e — is shown as \xNN (two lowercase hex digits), so no process can move the terminal's
// cursor back over a mark, clear a line, or start an escape sequence.
#pragma once

#include <stdint.h>

namespace courier::abi {

// "courier.log" padded with zeros, as four little-endian words.
inline constexpr uint32_t kLogSid[4] = {0x72756f63, 0x2e726569, 0x00676f6c, 0};
inline constexpr uint32_t kLogWrite = 0x01;
inline constexpr uint32_t kLogEnd = 0x02;
inline constexpr uint32_t kLogKernelNotice = 0xffff'0001;
inline constexpr uint32_t kLogListenInput = 0x10;
// "courier.keyboard" as four little-endian words.
inline constexpr uint32_t kConsoleInputSid[4] = {0x72756f63, 0x2e726569, 0x6279656b, 0x6472616f};
inline constexpr uint32_t kLogInputStats = 0x11;
inline constexpr uint32_t kLogInputByte = 0x4c49'0001;
// The longest line of a process's text the log server writes (shown bytes, mark not counted).
inline constexpr uint32_t kLogLineWidth = 240;

// A byte of a process's text the console shows as it is ('\n' ends the line; the rest: \xNN).
constexpr bool log_shows(uint8_t c) { return c == '\t' || (c >= 0x20 && c < 0x7f); }

}  // namespace courier::abi
