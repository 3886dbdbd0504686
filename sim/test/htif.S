// The tohost convention's host side (sim/harness/htif.h), simulator only: console output
// through the HTIF syscall proxy (SYS_write) and device-1 putchar, interleaved with UART
// output on one console in order; tohost written low half first, high half first and low half
// alone; the error replies (-ENOSYS, -EFAULT, -EBADF); then an exit through tohost. Every
// request first waits for tohost to read 0 and then polls fromhost, as HTIF programs do, so
// both words sit in the data cache when the harness answers: the replies must still be seen.
//
// Built twice: exit with code 5 through tohost = (5 << 1) | 1 written as riscv-tests do (the
// code, then a zero high half), or with HTIF_SYS_EXIT through SYS_exit(7). The console output
// is htif.expected either way.
#include "test.h"

#define SYS_WRITE 64
#define SYS_EXIT 93
#define SYS_UNKNOWN 1234
// htif_send's store orders
#define LOW_FIRST 0
#define HIGH_FIRST 1
#define LOW_ONLY 2

  .section .rodata           // first: the lengths are constants for `li` below
msg_write: .ascii "htif: SYS_write\n"
  .set msg_write_len, . - msg_write
msg_putchar: .asciz "htif: putchar ok\n"
msg_low: .ascii "htif: low half only\n"
  .set msg_low_len, . - msg_low
msg_fd2: .ascii "htif: fd 2\n"
  .set msg_fd2_len, . - msg_fd2

  .text
  .globl test_main
test_main:
  PRINT "uart: before\n"

  li a0, SYS_WRITE
  li a1, 1
  la a2, msg_write
  li a3, msg_write_len
  li a4, LOW_FIRST
  call syscall
  CHECK a0, msg_write_len, 1
  CHECK a1, 0, 2

  PRINT "uart: between\n"

  // putchar, alternately low half first and high half first; 'u', 'c', 'a', 'k' are odd, so
  // acting on a lone low half would read them as exits.
  la s0, msg_putchar
8:lbu a0, 0(s0)              // (CHECK uses the labels 1)
  beqz a0, 9f
  li a1, 0x01010000          // device 1, command 1
  andi a2, s0, 1             // the character's address parity picks the order
  call htif_send
  CHECK a0, 0, 3             // fromhost = (1 << 56) | (1 << 48)
  CHECK a1, 0x01010000, 4
  addi s0, s0, 1
  j 8b
9:
  // Only the low half written (a 32-bit program): served once the harness stops waiting.
  li a0, SYS_WRITE
  li a1, 1
  la a2, msg_low
  li a3, msg_low_len
  li a4, LOW_ONLY
  call syscall
  CHECK a0, msg_low_len, 5

  li a0, SYS_WRITE
  li a1, 2
  la a2, msg_fd2
  li a3, msg_fd2_len
  li a4, HIGH_FIRST
  call syscall
  CHECK a0, msg_fd2_len, 6

  li a0, SYS_UNKNOWN
  li a4, LOW_FIRST
  call syscall
  mv s1, a0
  mv s2, a1
  SHOW "unknown syscall: ", s1
  CHECK s1, -38, 7
  CHECK s2, -1, 8

  // A buffer outside every memory, and one that runs past the end of memory.
  li a0, SYS_WRITE
  li a1, 1
  li a2, 0x10
  li a3, 4
  li a4, LOW_FIRST
  call syscall
  mv s1, a0
  SHOW "write outside memory: ", s1
  CHECK s1, -14, 9

  li a0, SYS_WRITE
  li a1, 1
  la a2, msg_write
  li a3, 0x80000000
  li a4, LOW_FIRST
  call syscall
  CHECK a0, -14, 10

  li a0, SYS_WRITE
  li a1, 3
  la a2, msg_write
  li a3, 1
  li a4, LOW_FIRST
  call syscall
  mv s1, a0
  SHOW "write to fd 3: ", s1
  CHECK s1, -9, 11

  PRINT "uart: exit\n"
#ifdef COURIER_BETRUSTED
  call drain_uart
#endif
#ifdef HTIF_SYS_EXIT
  li a0, SYS_EXIT
  li a1, 7
  li a4, LOW_FIRST
  call syscall
#else
  la t0, tohost
  li t1, (5 << 1) | 1
  sw t1, 0(t0)
  sw zero, 4(t0)
#endif
  j .                        // the harness ends the run; test_main never returns

  // syscall(a0 = number, a1-a3 = arguments, a4 = store order): fills the block, sends its
  // address and returns the block's first word (the return value) in a1:a0.
syscall:
  mv s10, ra
  la t0, block
  sw a0, 0(t0)
  sw zero, 4(t0)
  sw a1, 8(t0)
  sw zero, 12(t0)
  sw a2, 16(t0)
  sw zero, 20(t0)
  sw a3, 24(t0)
  sw zero, 28(t0)
  mv a0, t0
  li a1, 0
  mv a2, a4
  call htif_send
  CHECK a0, 1, 12            // fromhost = 1
  CHECK a1, 0, 13
  la t0, block
  lw a0, 0(t0)
  lw a1, 4(t0)
  mv ra, s10
  ret

  // htif_send(a1:a0 = command, a2 = store order): waits for tohost to read 0, writes the
  // command, waits for fromhost, clears it and returns the reply in a1:a0.
htif_send:
  mv s11, ra
#ifdef COURIER_BETRUSTED
  call drain_uart            // the UART's bytes reach the console when its FIFO pops them
#endif
  la t0, tohost
1:lw t1, 0(t0)
  lw t2, 4(t0)
  or t1, t1, t2
  bnez t1, 1b
  li t1, HIGH_FIRST
  beq a2, t1, 2f
  sw a0, 0(t0)
  li t1, LOW_ONLY
  beq a2, t1, 3f
  sw a1, 4(t0)
  j 3f
2:sw a1, 4(t0)
  sw a0, 0(t0)
3:la t0, fromhost
4:lw a0, 0(t0)
  lw a1, 4(t0)
  or t1, a0, a1
  beqz t1, 4b
  sw zero, 0(t0)
  sw zero, 4(t0)
  mv ra, s11
  ret

#ifdef COURIER_BETRUSTED
drain_uart:
  li t0, UART_BASE
1:lw t1, UART_TXEMPTY(t0)
  beqz t1, 1b
  ret
#endif

  .data
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
  .align 3
block: .dword 0, 0, 0, 0, 0, 0, 0, 0
