// entry.S — kernel_entry: the first S-mode instruction, on every platform.
//
// The platform's boot code (kernel/platform/<name>/boot.S) enters here in S-mode: with paging
// off and the kernel at its physical address on QEMU virt, with paging on and the kernel at
// its virtual address on the Precursor (its loader maps it). Either way the kernel's own
// addresses are valid here. Sets the kernel stack, marks "in kernel" in sscratch (see
// trap.S), installs the trap vector and calls kernel_main.
#include "courier/arch/asm.h"

  .section .text, "ax"
  .globl kernel_entry
kernel_entry:
  la sp, kernel_stack_top
  csrw sscratch, zero
  la t0, trap_entry
  csrw stvec, t0
  call kernel_main
1:
  j 1b
