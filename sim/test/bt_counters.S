// The betrusted model's core has no counters, misa or PMP, as Betrusted's VexRiscv: every
// counter CSR (cycle, time, instret and their high halves, mcycle, minstret, mcounteren,
// scounteren), misa, the PMP registers and the debug trigger registers (tselect, tdata1-3,
// tinfo) raise illegal instruction. satp's ASID field reads 0.
// Time comes from the sim-only SIMTIME page instead (cycles since reset, read-only).
// Betrusted model only (COURIER_BETRUSTED).
#include "test.h"

.macro NO_CSR csr, id
  EXPECT_TRAP
  csrr t0, \csr
  CHECK_TRAP 2, \id
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "counters: none exist\n"
  NO_CSR cycle, 1
  NO_CSR time, 2
  NO_CSR instret, 3
  NO_CSR cycleh, 4
  NO_CSR timeh, 5
  NO_CSR instreth, 6
  NO_CSR mcycle, 7
  NO_CSR minstret, 8
  NO_CSR mcycleh, 9
  NO_CSR minstreth, 10
  NO_CSR mcounteren, 11
  NO_CSR scounteren, 12
  NO_CSR hpmcounter3, 13
  PRINT "counters: nor misa or PMP\n"
  NO_CSR misa, 20
  NO_CSR pmpcfg0, 21
  NO_CSR pmpaddr0, 22
  EXPECT_TRAP
  csrw pmpcfg0, zero
  CHECK_TRAP 2, 23
  PRINT "counters: nor trigger registers\n"
  NO_CSR tselect, 24
  NO_CSR tdata1, 25
  NO_CSR tdata2, 26
  NO_CSR tinfo, 27
  EXPECT_TRAP
  csrw tselect, zero
  CHECK_TRAP 2, 28

  PRINT "counters: satp has no ASID field\n"
  li t0, 0x7fc00123           // ASID all ones, mode Bare
  csrw satp, t0
  csrr s3, satp
  SHOW "  satp=", s3
  CHECK s3, 0x00000123, 30
  csrw satp, zero

  PRINT "counters: SIMTIME counts core cycles\n"
  li s4, SIMTIME
  lw s3, 8(s4)
  SHOW "  SIMTIME id=", s3
  CHECK s3, 0x53494d54, 40
  lw s2, 0(s4)
  li t0, 100
1:addi t0, t0, -1
  bnez t0, 1b
  lw s3, 0(s4)
  sub s3, s3, s2              // 100 loop iterations: at least 200 cycles, fewer than 2000
  sltiu t5, s3, 200
  CHECK t5, 0, 41
  sltiu t5, s3, 2000
  CHECK t5, 1, 42
  lw s3, 4(s4)                // the high half after well under 2^32 cycles
  CHECK s3, 0, 43
  EXPECT_TRAP                 // read-only: a store is an access fault
  sw zero, 0(s4)
  CHECK_TRAP 7, 44
  li s4, SIMEXIT
  lw s3, 8(s4)
  SHOW "  SIMEXIT id=", s3
  CHECK s3, 0x53494d58, 45

  li a0, 0
  lw ra, 0(sp)
  addi sp, sp, 16
  ret
