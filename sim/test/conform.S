// Conformance points where QEMU 7.2 is not the reference, so this group runs on the simulator
// only (sim/isa/conform; no sim/diff):
// - A counter write replaces the writing instruction's own increment (Zicsr: "the write is done
//   instead of the increment"; a value written to minstret is the value the next instruction
//   reads), with no carry into the other half. QEMU 7.2 with -icount counts the writing
//   instruction too (check 1 reads 2 there).
// - The debug spec's trigger registers with no trigger behind them: tselect accepts writes and
//   reads back an index with no trigger (tdata1 = 0, type 0), tinfo = 1. QEMU 7.2 implements
//   two type-2 triggers instead. Only in the virt CSR set: the Precursor's VexRiscv has no
//   trigger registers, so on the betrusted model they trap (bt_counters checks that).
// - mepc and sepc: bit 0 always reads 0, bit 1 too without C (IALIGN = 32). QEMU 7.2 keeps a
//   written bit 0. Built twice: rv32ima (sim/isa/conform) and rv32imac on the core with C
//   (sim/isa/conform_rvc).
#include "test.h"

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "conform: a counter write replaces the increment\n"
  // All ones to minstret, then to minstreth, then one nop: the whole counter wraps to 0. A
  // core that lets the second write's own increment carry reads 1.
  li s2, -1
  csrw minstret, s2
  csrw minstreth, s2
  nop
  csrr s3, minstret
  csrr s4, minstreth
  CHECK s3, 0, 1
  CHECK s4, 0, 2
  // Low half at all ones, then a write of 5 to it: no carry into minstreth. The csrr of
  // minstreth retires one more, so minstret then reads 6.
  li s5, 5
  csrw minstreth, zero
  csrw minstret, s2
  csrw minstret, s5
  csrr s4, minstreth
  csrr s3, minstret
  CHECK s4, 0, 3
  CHECK s3, 6, 4
  // A write of minstreth while the low half is all ones: the low half does not move in that
  // cycle (the old core wrapped it to 0), and the csrr of minstret then carries into the
  // written 7.
  li s5, 7
  csrw minstret, s2
  csrw minstreth, s5
  csrr s3, minstret
  csrr s4, minstreth
  CHECK s3, -1, 5
  CHECK s4, 8, 6
  csrw minstreth, zero
  // mcycle, where the increment carries. The low half is set to -j, then csrrw reads it and
  // writes 0 in one instruction; for some j the csrrw lands in the cycle the low half holds all
  // ones (s7 counts those). mcycleh must be 1 if the low half wrapped before the csrrw (it
  // read small) and 0 if not (it read 0x8000_0000 or more).
  li s5, 1
  li s7, 0
mcycle_probe:
  csrw mcycleh, zero
  sub s6, zero, s5
  csrw mcycle, s6
  csrrw s3, mcycle, zero
  csrr s4, mcycleh
  srli s6, s3, 31
  xori s6, s6, 1
  CHECKR s4, s6, 7
  addi t5, s3, 1
  seqz t5, t5
  add s7, s7, t5
  addi s5, s5, 1
  sltiu t5, s5, 9
  bnez t5, mcycle_probe
  CHECK s7, 1, 8               // the carrying cycle was probed exactly once
  csrw mcycleh, zero
  PRINT "conform: trigger registers without triggers\n"
  EXPECT_TRAP                  // none of these accesses may trap (checked at id 27)
  li s3, -1
  csrw tselect, zero
  csrr s3, tselect
  CHECK s3, 0, 20
  csrr s3, tdata1
  CHECK s3, 0, 21              // type 0: no trigger at this index
  li s2, 5
  csrw tselect, s2             // WARL: may read back anything with no trigger behind it
  csrr s3, tdata1
  CHECK s3, 0, 22
  li s2, -1
  csrw tdata1, s2              // ignored: there is no trigger to configure
  csrw tdata2, s2
  csrr s3, tdata1
  CHECK s3, 0, 23
  csrr s3, tdata2
  CHECK s3, 0, 24
  csrr s3, tinfo
  CHECK s3, 1, 25              // "the selected trigger does not exist"
  lw t5, trap_count
  CHECK t5, 0, 27
  // M-mode registers: from S they trap.
  EXPECT_TRAP
  li a0, 1
  la a1, read_tselect
  call run_mode
  CHECK_TRAP 2, 28
  PRINT "conform: mepc and sepc bit 0 read 0 (bit 1 too without C)\n"
#ifdef __riscv_compressed
#define EPC_READ 0x80000002
#else
#define EPC_READ 0x80000000
#endif
  li s2, 0x80000003
  csrw mepc, s2
  csrr s3, mepc
  CHECK s3, EPC_READ, 30
  csrw sepc, s2
  csrr s3, sepc
  CHECK s3, EPC_READ, 31
  li s2, 0x80000001
  csrw mepc, s2
  csrr s3, mepc
  CHECK s3, 0x80000000, 32
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret

read_tselect:
  csrr a0, tselect
  ret
