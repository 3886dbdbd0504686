// The host side of the `tohost` convention (riscv-tests, and HTIF's console and syscall proxy),
// as far as programs written for it need one on this simulator: to exit, and to print.
//
// tohost and fromhost are 64-bit words in RAM. A value written to tohost is a command: device
// in bits 63:56, command in 55:48, payload in 47:0. Served here:
//   - device 0, command 0, payload odd: exit with payload >> 1 (the riscv-tests exit);
//   - device 0, command 0, payload even and nonzero: the address of a syscall block of eight
//     64-bit words {number, arg0, arg1, ...}; SYS_write (64) to fd 1 or 2 goes to the console,
//     SYS_exit (93) ends the run, other numbers get -ENOSYS. The return value goes to the
//     block's first word, then fromhost = 1;
//   - device 1, command 1: console putchar (the payload's low byte), then fromhost =
//     (1 << 56) | (1 << 48).
// Every command but an exit is consumed: tohost reads 0 again afterwards. Console input (device
// 1, command 0) is not modelled, as the UARTs receive nothing; other devices are refused with a
// note.
//
// When a write counts. An rv32 program writes tohost as two 32-bit stores, usually the low half
// first (C's 64-bit store; riscv-tests store the exit code, then a zero high half), and some
// programs write the low half alone. The harness acts on the store that completes all eight
// bytes since it last consumed tohost, whichever order they came in; a value written only in
// part is taken as it stands kSettleCycles after its first store, so a program that writes one
// half is served too, only later. Acting on the low half at once would misread a device-1
// putchar written low half first (an odd character reads as an exit).
#pragma once

#include <cstdint>
#include <optional>

namespace courier_sim {

// How long a tohost written in part waits for its other bytes: far longer than any two
// consecutive stores take to reach RAM on either SoC (betrusted's write buffer: 8 cycles each).
constexpr uint32_t kSettleCycles = 10000;

// Sets the convention up for a run from the addresses of `tohost` and `fromhost` (the image's
// symbols, or --tohost/--fromhost). Each must be two aligned words in RAM; one that is not is
// left off, with a note on stderr. Without fromhost commands are still served, but the program
// gets no reply.
void htif_init(std::optional<uint32_t> tohost, std::optional<uint32_t> fromhost);

// dpi_ram_write: a store wrote the bytes `strb` of tohost's low (half 0) or high (half 1) word.
void htif_tohost_written(uint32_t half, unsigned strb);

// The run loop: the settle time of a tohost written in part ran out.
void htif_settle();

// At the end of a run, on stderr: the tohost value that ended it (`tohost=0x... (exit N)`), or
// else what tohost holds when that is worth knowing (a command not acted on or not answered),
// so a program that hangs on the convention says why.
void htif_report_end();

}  // namespace courier_sim
