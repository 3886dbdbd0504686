// fault.cc — a process that executes an illegal instruction; the kernel must end it and say so.
#include "courier/user/print.h"

int main() {
  courier::print("about to execute an illegal instruction\n");
  asm volatile(".word 0x00000000");  // all-zero is defined to be illegal in every RISC-V ISA
  courier::print("still alive after an illegal instruction\n");
  return 0;
}
