// misaligned_root.cc — process 1 of the misaligned test (issue 17). Misaligned loads and stores
// must behave on every platform as QEMU performs them: the core traps and the kernel finishes
// the access (kernel/dispatch/misaligned.cc). Each access is one instruction, written in asm so
// that the compiler cannot split it; the results are checked against byte loads. Three peers
// make the accesses the kernel must refuse and must be killed with the cause QEMU reports.
#include <stdint.h>

#include "common.h"

namespace {

constexpr uint32_t kData = 0x30000000;  // two pages: a page boundary at kData + 0x1000

uint8_t byte(uint32_t va) { return *reinterpret_cast<volatile uint8_t*>(va); }
uint32_t bytes_le(uint32_t va, unsigned n) {
  uint32_t v = 0;
  for (unsigned i = n; i-- > 0;) v = v << 8 | byte(va + i);
  return v;
}

uint32_t lw(uint32_t va) {
  uint32_t v;
  asm volatile("lw %0, 0(%1)" : "=r"(v) : "r"(va) : "memory");
  return v;
}
uint32_t lh(uint32_t va) {
  uint32_t v;
  asm volatile("lh %0, 0(%1)" : "=r"(v) : "r"(va) : "memory");
  return v;
}
uint32_t lhu(uint32_t va) {
  uint32_t v;
  asm volatile("lhu %0, 0(%1)" : "=r"(v) : "r"(va) : "memory");
  return v;
}
void sw(uint32_t va, uint32_t v) { asm volatile("sw %0, 0(%1)" : : "r"(v), "r"(va) : "memory"); }
void sh(uint32_t va, uint32_t v) { asm volatile("sh %0, 0(%1)" : : "r"(v), "r"(va) : "memory"); }

void fill() {
  for (uint32_t i = 0; i < 0x2000; ++i) {
    *reinterpret_cast<volatile uint8_t*>(kData + i) = static_cast<uint8_t>(i * 7 + 0x81);
  }
}

bool loads_ok() {
  bool ok = true;
  static const uint32_t words[] = {0x101, 0x102, 0x103, 0xffd, 0xffe, 0xfff};
  for (uint32_t off : words) ok = ok && lw(kData + off) == bytes_le(kData + off, 4);
  static const uint32_t halves[] = {0x201, 0x203, 0xfff};
  for (uint32_t off : halves) {
    const uint32_t at = kData + off;
    const uint32_t h = bytes_le(at, 2);
    ok = ok && lhu(at) == h;
    ok = ok && lh(at) == static_cast<uint32_t>(static_cast<int32_t>(h << 16) >> 16);
  }
  return ok;
}

// A store writes exactly its bytes: the neighbours keep theirs.
bool store_ok(uint32_t at, unsigned n) {
  uint8_t before[12];
  for (unsigned i = 0; i < 12; ++i) before[i] = byte(at - 4 + i);
  const uint32_t v = 0xa1b2c3d4;
  if (n == 4) sw(at, v); else sh(at, v);
  if (bytes_le(at, n) != (n == 4 ? v : v & 0xffff)) return false;
  for (unsigned i = 0; i < 4; ++i) {
    if (byte(at - 4 + i) != before[i]) return false;
  }
  for (unsigned i = 4 + n; i < 12; ++i) {
    if (byte(at - 4 + i) != before[i]) return false;
  }
  return true;
}

#ifdef __riscv_compressed
// The compressed forms (2-byte instructions: the kernel steps the pc by 2).
bool compressed_ok() {
  const uint32_t at = kData + 0x301;
  uint32_t a = 0, b = 0, c = 0;
  const uint32_t expect_a = bytes_le(at, 4);
  // c.lw / c.sw need registers x8..x15: pinned to s0/s1/a0.
  register uint32_t base asm("a0") = at - 4;
  register uint32_t v asm("s1");
  asm volatile(".option push\n.option rvc\nc.lw %0, 4(%1)\n.option pop" : "=r"(v) : "r"(base)
               : "memory");
  a = v;
  register uint32_t w asm("s0") = 0x5a6b7c8d;
  asm volatile(".option push\n.option rvc\nc.sw %0, 8(%1)\n.option pop" : : "r"(w), "r"(base)
               : "memory");
  // c.lwsp / c.swsp address from sp: moved to the data page for two instructions.
  asm volatile(
      ".option push\n.option rvc\n"
      "mv t1, sp\n"
      "mv sp, %2\n"
      "c.swsp %1, 12(sp)\n"
      "c.lwsp %0, 12(sp)\n"
      "mv sp, t1\n"
      ".option pop"
      : "=&r"(b)
      : "r"(0x13572468u), "r"(at - 12)
      : "t1", "memory");
  c = bytes_le(at + 4, 4);
  return a == expect_a && c == 0x5a6b7c8d && b == 0x13572468 && bytes_le(at, 4) == b;
}
#endif

}  // namespace

int main() {
  // The peers run and die first (they are at the same priority), so that the order of the
  // output does not depend on the platform's speed.
  (void)courier::sys::wait_event(20000);
  uint32_t va = 0;
  test::expect_error(courier::map_memory(kData, 0x2000, courier::abi::kMemRead |
                                                             courier::abi::kMemWrite, &va),
                     courier::abi::Error::Ok, "map two pages");
  fill();
  test::check(loads_ok(), "misaligned lw/lh/lhu, within a page and across pages");
  test::check(store_ok(kData + 0x401, 4) && store_ok(kData + 0x402, 4) &&
                  store_ok(kData + 0x403, 4) && store_ok(kData + 0xffe, 4),
              "misaligned sw writes exactly its four bytes, across pages too");
  test::check(store_ok(kData + 0x501, 2) && store_ok(kData + 0xfff, 2),
              "misaligned sh writes exactly its two bytes, across pages too");
#ifdef __riscv_compressed
  test::check(compressed_ok(), "misaligned c.lw/c.sw/c.lwsp/c.swsp");
#else
  test::check(true, "misaligned compressed forms: not in this ISA");
#endif
  courier::print("misaligned root still running after its peers died\n");
  return test::failures;
}
