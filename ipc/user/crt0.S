// crt0.S — user process entry. The kernel starts the first thread at _start with sp at the top
// of its stack; main's return value becomes the process's exit code.
  .section .text.start, "ax"
  .globl _start
_start:
  call main
  li a7, 3          // Syscall::terminate_process (abi/syscalls.def)
  ecall
1:
  j 1b
