// peek.cc — one forbidden access, chosen at build time by PEEK_ADDR; the kernel must kill us.
#include <stdint.h>

#include "courier/user/print.h"

int main() {
  // No print first: printing blocks in the log server, which would make the order in which the
  // peers die (the test expects 2, 3, 4) depend on the log server's scheduling.
  const uint32_t v = *reinterpret_cast<volatile uint32_t*>(PEEK_ADDR);
  courier::print("peek: SURVIVED reading %08x = %08x\n", static_cast<uint32_t>(PEEK_ADDR), v);
  return 0;
}
