// peek.cc — one forbidden access, chosen at build time by PEEK_ADDR; the kernel must kill us.
#include <stdint.h>

#include "courier/user/print.h"

int main() {
  courier::print("peek: reading %08x\n", static_cast<uint32_t>(PEEK_ADDR));
  const uint32_t v = *reinterpret_cast<volatile uint32_t*>(PEEK_ADDR);
  courier::print("peek: SURVIVED reading %08x = %08x\n", static_cast<uint32_t>(PEEK_ADDR), v);
  return 0;
}
