// RV32C: every compressed form of the unprivileged spec for RV32 without F/D, its expansion
// checked by its result; the encodings that are reserved, or that need F/D, raise an illegal
// instruction with the 16-bit encoding in mtval and mepc on it; the HINT encodings change
// nothing; c.ebreak; IALIGN = 16 (jumps and branches to 2-byte-aligned targets, mepc/sepc keep
// bit 1); misa.C. Built -march=rv32imac; the compressed forms are written by name (c.*) so the
// assembler cannot choose for us. The trap handler resumes at mepc + 4, so every trap here says
// where to resume (RESUME_AT). Labels are named: the check macros use `1:`.
#include "test.h"

// Executes one 16-bit encoding that must raise an illegal instruction; checks the trap, that
// mepc is the encoding's address and mtval the encoding, and resumes after it.
.macro ILLEGAL16 enc, id
  EXPECT_TRAP
  RESUME_AT illegal_back_\id
illegal_at_\id:
  .half \enc
illegal_back_\id:
  CHECK_TRAP 2, \id
  lw t5, trap_epc
  la t4, illegal_at_\id
  CHECKR t5, t4, \id
  lw t5, trap_tval
  CHECK t5, \enc, \id
.endm

// One HINT encoding: executes as a no-op (no trap, no register changes: checked by the
// caller's register sums).
.macro HINT16 enc
  .half \enc
.endm

  .option rvc
  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 12(sp)

  PRINT "rvc: misa.C\n"
  csrr s0, misa
  andi s0, s0, 4
  CHECK s0, 4, 1

  PRINT "rvc: c.li c.addi c.lui c.nop\n"
  c.li a0, -7
  CHECK a0, -7, 10
  c.li a1, 31
  CHECK a1, 31, 11
  c.li a2, -32
  CHECK a2, -32, 12
  c.addi a0, 20
  CHECK a0, 13, 13
  c.addi a0, -32
  CHECK a0, -19, 14
  c.addi a0, 31
  CHECK a0, 12, 15
  c.lui a2, 0x1f
  CHECK a2, 0x1f000, 16
  c.lui a3, 0xfffe0
  CHECK a3, 0xfffe0000, 17
  c.lui a4, 1
  CHECK a4, 0x1000, 18
  c.nop
  CHECK a4, 0x1000, 19

  PRINT "rvc: c.addi16sp c.addi4spn\n"
  mv s11, sp
  c.addi16sp sp, -512
  sub t0, s11, sp
  CHECK t0, 512, 20
  c.addi4spn a3, sp, 1020
  sub t0, a3, sp
  CHECK t0, 1020, 21
  c.addi4spn s0, sp, 4
  sub t0, s0, sp
  CHECK t0, 4, 22
  c.addi16sp sp, 496
  c.addi16sp sp, 16
  CHECKR sp, s11, 23

  PRINT "rvc: shifts and logic\n"
  li a0, 0x80000010
  mv a1, a0
  c.srli a0, 4
  CHECK a0, 0x08000001, 30
  c.srai a1, 4
  CHECK a1, 0xf8000001, 31
  c.srli a1, 31
  CHECK a1, 1, 32
  li a2, 0x80000000
  c.srai a2, 31
  CHECK a2, -1, 33
  li a3, 0x12345678
  c.andi a3, -3
  CHECK a3, 0x12345678 & -3, 34
  li a3, 0x12345678
  c.andi a3, 31
  CHECK a3, 0x18, 35
  li t0, 3
  c.slli t0, 31
  CHECK t0, 0x80000000, 36
  li t1, 0x00010001
  c.slli t1, 1
  CHECK t1, 0x00020002, 37
  li a4, 100
  li a5, 58
  c.sub a4, a5
  CHECK a4, 42, 38
  li a4, 0xff00ff00
  li a5, 0x0ff00ff0
  mv s0, a4
  mv s1, a4
  mv a0, a4
  c.xor a4, a5
  CHECK a4, 0xf0f0f0f0, 39
  c.or s0, a5
  CHECK s0, 0xfff0fff0, 40
  c.and s1, a5
  CHECK s1, 0x0f000f00, 41
  c.sub a0, a0
  CHECK a0, 0, 42

  PRINT "rvc: c.mv c.add\n"
  li a0, 0x11111111
  li a1, 0x22222222
  c.mv t0, a0
  CHECK t0, 0x11111111, 50
  c.add t0, a1
  CHECK t0, 0x33333333, 51
  c.mv ra, a1                  // any register, x1..x31
  CHECK ra, 0x22222222, 52
  c.add t6, t6                 // the check register itself: 0x22222222 + itself
  li t5, 0x44444444
  CHECKR t6, t5, 53
  li s2, 7
  c.mv s3, s2
  c.add s3, s3
  CHECK s3, 14, 54

  PRINT "rvc: loads and stores\n"
  la a0, buf
  li t0, 0x01234567
  c.sw s0, 0(a0)               // s0 from above: 0xfff0fff0
  c.sw s1, 124(a0)             // 0x0f000f00
  li a5, 0xa5a5a5a5
  c.sw a5, 4(a0)
  lw t1, 0(a0)
  CHECK t1, 0xfff0fff0, 60
  lw t1, 124(a0)
  CHECK t1, 0x0f000f00, 61
  c.lw a1, 4(a0)
  CHECK a1, 0xa5a5a5a5, 62
  c.lw a2, 124(a0)
  CHECK a2, 0x0f000f00, 63
  sw t0, 64(a0)
  c.lw a3, 64(a0)
  CHECK a3, 0x01234567, 64
  // sp-relative: sp moved to buf for a few instructions (the handler does not use sp).
  mv s11, sp
  mv sp, a0
  c.swsp t0, 252(sp)
  c.swsp ra, 8(sp)
  c.lwsp s4, 252(sp)
  c.lwsp t2, 0(sp)
  c.lwsp s5, 8(sp)
  mv sp, s11
  CHECK s4, 0x01234567, 65
  CHECK t2, 0xfff0fff0, 66
  CHECKR s5, ra, 67
  lw t1, 252(a0)
  CHECK t1, 0x01234567, 68

  PRINT "rvc: c.j c.jal c.jr c.jalr\n"
  li s2, 0
  c.j cj_fwd
  li s2, 1                     // skipped
cj_back:
  addi s2, s2, 10
  c.j cj_done
cj_fwd:
  addi s2, s2, 100
  c.j cj_back
cj_done:
  CHECK s2, 110, 70
  c.jal cjal_target
cjal_ret:
  la t1, cjal_ret
  CHECKR s6, t1, 71            // ra = address after the 2-byte c.jal
  la t1, cjr_target
  c.jr t1
  li s7, 1                     // skipped
cjr_back:
  la t1, cjalr_target
  c.jalr t1
cjalr_ret:
  la t2, cjalr_ret
  CHECKR s6, t2, 72
  j cjumps_done
cjal_target:
  mv s6, ra
  c.jr s6
cjr_target:
  c.j cjr_back
cjalr_target:
  mv s6, ra
  c.jr ra
cjumps_done:

  PRINT "rvc: c.beqz c.bnez\n"
  li s2, 0
  li a0, 0
  li a1, 5
  c.beqz a0, cb_1              // taken
  addi s2, s2, 1
cb_1:
  c.bnez a0, cb_bad            // not taken
  c.beqz a1, cb_bad            // not taken
  c.bnez a1, cb_2              // taken
  addi s2, s2, 2
cb_2:
  // a backward loop: 5 iterations
  li a2, 0
cb_loop:
  addi a2, a2, 3
  c.addi a1, -1
  c.bnez a1, cb_loop
  CHECK a2, 15, 80
  CHECK s2, 0, 81
  j cb_done
cb_bad:
  li a0, 82
  j check_failed
cb_done:

  PRINT "rvc: 32-bit control flow to 2-byte-aligned targets\n"
  .balign 4
  la t0, odd_target
  andi t1, t0, 3
  CHECK t1, 2, 90
  li s2, 0
  EXPECT_TRAP
  jalr ra, 0(t0)               // no misaligned-fetch trap with IALIGN = 16
odd_ret:
  CHECK s2, 1, 91
  la t1, odd_ret
  CHECKR s8, t1, 92
  li t2, 1
  beq t2, t2, odd_branch       // a branch to a 2-byte-aligned target
  li s2, 99
odd_branch_back:
  CHECK s2, 3, 93
  jal ra, odd_jal              // jal to one
  CHECK s2, 4, 94
  lw t5, trap_count
  CHECK t5, 0, 95
  // auipc at an address 2 mod 4 gives that address.
  .balign 4
  c.nop
  .option push
  .option norvc
auipc_at:
  auipc t0, 0
  .option pop
  la t1, auipc_at
  CHECKR t0, t1, 96
  andi t1, t1, 3
  CHECK t1, 2, 97
  j odd_done

  .balign 4
  c.nop
odd_target:                    // 2 mod 4
  addi s2, s2, 1
  mv s8, ra
  ret
  .balign 4
  c.nop
odd_branch:
  addi s2, s2, 2
  j odd_branch_back
  .balign 4
  c.nop
odd_jal:
  addi s2, s2, 1
  ret
odd_done:

  PRINT "rvc: c.ebreak\n"
  EXPECT_TRAP
  RESUME_AT cebreak_back
cebreak_at:
  c.ebreak
cebreak_back:
  CHECK_TRAP 3, 100
  lw t5, trap_epc
  la t4, cebreak_at
  CHECKR t5, t4, 101

  PRINT "rvc: reserved and F/D encodings are illegal\n"
  ILLEGAL16 0x0000, 110        // all zero
  ILLEGAL16 0x0004, 111        // c.addi4spn, nzuimm = 0
  ILLEGAL16 0x6101, 112        // c.addi16sp, nzimm = 0
  ILLEGAL16 0x6081, 113        // c.lui x1, nzimm = 0
  ILLEGAL16 0x8002, 114        // c.jr x0
  ILLEGAL16 0x4002, 115        // c.lwsp x0
  ILLEGAL16 0x8000, 116        // quadrant 0, funct3 = 100
  ILLEGAL16 0x9c01, 117        // c.subw (RV64 only)
  ILLEGAL16 0x9c21, 118        // c.addw (RV64 only)
  ILLEGAL16 0x9c41, 119        // reserved
  ILLEGAL16 0x9c61, 120        // reserved
  ILLEGAL16 0x2000, 121        // c.fld
  ILLEGAL16 0x6000, 122        // c.flw
  ILLEGAL16 0xa000, 123        // c.fsd
  ILLEGAL16 0xe000, 124        // c.fsw
  ILLEGAL16 0x2002, 125        // c.fldsp
  ILLEGAL16 0x6002, 126        // c.flwsp
  ILLEGAL16 0xa002, 127        // c.fsdsp
  ILLEGAL16 0xe002, 128        // c.fswsp
  ILLEGAL16 0x1086, 129        // c.slli x1, shamt[5] = 1 (RV32: reserved)
  ILLEGAL16 0x9001, 130        // c.srli x8, shamt[5] = 1
  ILLEGAL16 0x9401, 131        // c.srai x8, shamt[5] = 1

  PRINT "rvc: HINT encodings change nothing\n"
  li a0, 0x0a0a0a0a
  li s0, 0x5050
  li ra, 0x77
  mv s9, a0
  EXPECT_TRAP
  HINT16 0x0005                // c.nop, imm = 1
  HINT16 0x0081                // c.addi x1, 0
  HINT16 0x4015                // c.li x0, 5
  HINT16 0x6005                // c.lui x0, 1
  HINT16 0x802a                // c.mv x0, a0
  HINT16 0x902a                // c.add x0, a0
  HINT16 0x0006                // c.slli x0, 1
  HINT16 0x0082                // c.slli x1, 0
  HINT16 0x8001                // c.srli x8, 0
  HINT16 0x8401                // c.srai x8, 0
  lw t5, trap_count
  CHECK t5, 0, 140
  CHECKR a0, s9, 141
  CHECK s0, 0x5050, 142
  CHECK ra, 0x77, 143
  CHECK zero, 0, 144

  // (That bit 0 reads 0 is checked in conform.S: QEMU 7.2 keeps a written bit 0.)
  PRINT "rvc: mepc and sepc keep bit 1\n"
  li t0, 0x80000006
  csrw mepc, t0
  csrr t1, mepc
  CHECK t1, 0x80000006, 150
  csrw sepc, t0
  csrr t1, sepc
  CHECK t1, 0x80000006, 151

  PRINT "rvc: 16- and 32-bit instructions back to back (forwarding)\n"
  li a0, 1
  c.addi a0, 1
  add a1, a0, a0               // uses c.addi's result at once
  c.add a1, a0                 // and a 32-bit result
  slli a2, a1, 2
  c.srli a2, 1
  c.mv a3, a2
  c.sub a3, a0
  CHECK a1, 6, 160
  CHECK a2, 12, 161
  CHECK a3, 10, 162
  la a0, buf
  li a4, 0x600d
  sw a4, 8(a0)
  c.lw a5, 8(a0)               // load-use: a compressed load
  c.addi a5, 1
  CHECK a5, 0x600e, 163

  lw ra, 12(sp)
  addi sp, sp, 16
  li a0, 0
  ret

  .data
  .balign 64
buf: .space 256
