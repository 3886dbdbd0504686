// misaligned.cc — misaligned user loads and stores, emulated from the trap.
//
// QEMU performs a misaligned load or store in hardware; Courier's core (like the Precursor's
// VexRiscv) raises a misaligned-address exception instead. So that one user image behaves the
// same on every platform, the kernel finishes such an access for the thread, as Linux and
// OpenSBI do on RISC-V: it decodes the instruction at the trapping pc (LH, LHU, LW, SH, SW and
// the compressed C.LW, C.SW, C.LWSP, C.SWSP: the only accesses that can be misaligned), moves
// the bytes through copy_from_user/copy_to_user (every page checked: mapped, user, RAM the
// process owns, writable for a store), writes rd and steps the pc past the instruction.
//
// Not emulated, so the process is killed as for any other fault, with the cause and tval QEMU
// reports for the same access (so the same exit code and message on every platform):
// - AMOs and LR/SC: misaligned atomics raise the exception on QEMU too. LR is a load; an AMO or
//   SC is killed with the store/AMO cause as the privileged spec says (QEMU 7.2 raises the load
//   cause for a misaligned AMO; the kernel reports the spec's on both);
// - an access that reaches a page the process may not touch, or device memory: the load or store
//   page-fault cause, tval the first byte it may not touch;
// - an instruction the kernel cannot read or that does not compute the faulting address: the
//   misaligned cause. Cost: a trap and a few hundred cycles on the
// simulator per access, against one access on QEMU (`trap/misaligned_load`, `..._store`).
#include "courier/core/cause.h"
#include "courier/core/kernel.h"
#include "dispatch.h"

namespace courier::dispatch {

namespace {

struct Access {
  bool store;
  bool sign;       // loads: sign-extend (LH, LW)
  uint32_t size;   // 2 or 4
  uint32_t reg;    // rd for a load, rs2 for a store
  uint32_t base;   // rs1
  int32_t offset;
  uint32_t length; // of the instruction: 2 or 4
};

constexpr uint32_t bits(uint32_t v, unsigned hi, unsigned lo) {
  return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr int32_t sext12(uint32_t v) { return static_cast<int32_t>(v << 20) >> 20; }

// The access the instruction makes, if it is one that can be misaligned.
bool decode(uint32_t insn, Access* a) {
  if ((insn & 3) != 3) {
    const uint32_t c = insn & 0xffff;
    const uint32_t f3 = bits(c, 15, 13);
    a->length = 2;
    a->sign = true;
    a->size = 4;
    if ((c & 3) == 0 && (f3 == 2 || f3 == 6)) {  // C.LW, C.SW
      a->store = f3 == 6;
      a->reg = 8 + bits(c, 4, 2);
      a->base = 8 + bits(c, 9, 7);
      a->offset = static_cast<int32_t>(bits(c, 5, 5) << 6 | bits(c, 12, 10) << 3 |
                                       bits(c, 6, 6) << 2);
      return true;
    }
    if ((c & 3) == 2 && f3 == 2 && bits(c, 11, 7) != 0) {  // C.LWSP (rd = 0 is reserved)
      a->store = false;
      a->reg = bits(c, 11, 7);
      a->base = 2;
      a->offset = static_cast<int32_t>(bits(c, 3, 2) << 6 | bits(c, 12, 12) << 5 |
                                       bits(c, 6, 4) << 2);
      return true;
    }
    if ((c & 3) == 2 && f3 == 6) {  // C.SWSP
      a->store = true;
      a->reg = bits(c, 6, 2);
      a->base = 2;
      a->offset = static_cast<int32_t>(bits(c, 8, 7) << 6 | bits(c, 12, 9) << 2);
      return true;
    }
    return false;
  }
  const uint32_t opcode = insn & 0x7f;
  const uint32_t f3 = bits(insn, 14, 12);
  a->length = 4;
  a->base = bits(insn, 19, 15);
  if (opcode == 0x03 && (f3 == 1 || f3 == 2 || f3 == 5)) {  // LH, LW, LHU
    a->store = false;
    a->sign = f3 != 5;
    a->size = f3 == 2 ? 4 : 2;
    a->reg = bits(insn, 11, 7);
    a->offset = sext12(bits(insn, 31, 20));
    return true;
  }
  if (opcode == 0x23 && (f3 == 1 || f3 == 2)) {  // SH, SW
    a->store = true;
    a->sign = false;
    a->size = f3 == 2 ? 4 : 2;
    a->reg = bits(insn, 24, 20);
    a->offset = sext12(bits(insn, 31, 25) << 5 | bits(insn, 11, 7));
    return true;
  }
  return false;
}

// The instruction at pc, read through the thread's page tables (two halfwords: a 32-bit
// instruction may straddle a page when the code is compressed).
bool fetch(Kernel& k, Pid pid, uint32_t pc, uint32_t* insn) {
  uint16_t lo = 0, hi = 0;
  if (k.copy_from_user(pid, &lo, pc, 2).is_err()) return false;
  if ((lo & 3) == 3 && k.copy_from_user(pid, &hi, pc + 2, 2).is_err()) return false;
  *insn = static_cast<uint32_t>(hi) << 16 | lo;
  return true;
}

constexpr bool is_amo_or_sc(uint32_t insn) {
  return (insn & 0x7f) == 0x2f && bits(insn, 31, 27) != 0b00010;  // not LR
}

// The first byte of [va, va + size) the process may not access (the start or the page after).
uint32_t first_refused(Kernel& k, Pid pid, uint32_t va, uint32_t size, bool write) {
  const uint32_t next_page = (va | (kstd::kPageSize - 1)) + 1;
  if (next_page - va < size && k.check_user_range(pid, va, next_page - va, write).is_ok()) {
    return next_page;
  }
  return va;
}

}  // namespace

// Cold: a rare path, compiled for size and kept out of the hot code's cache sets.
[[gnu::cold]] MisalignedResult emulate_misaligned(Kernel& k, uint32_t cause, uint32_t tval) {
  const bool store_trap = cause == static_cast<uint32_t>(Cause::StoreMisaligned);
  if (!store_trap && cause != static_cast<uint32_t>(Cause::LoadMisaligned)) {
    return {false, cause, tval};
  }
  Thread& t = *k.current();
  arch::TrapFrame& f = t.frame;
  uint32_t insn = 0;
  Access a{};
  if (!fetch(k, t.pid, f.pc, &insn)) return {false, cause, tval};
  if (is_amo_or_sc(insn)) return {false, static_cast<uint32_t>(Cause::StoreMisaligned), tval};
  if (!decode(insn, &a) || a.store != store_trap ||
      f.x[a.base] + static_cast<uint32_t>(a.offset) != tval) {
    return {false, cause, tval};  // LR, or a pc/address that do not match
  }
  if (a.store) {
    const uint32_t v = f.x[a.reg];
    if (k.copy_to_user(t.pid, tval, &v, a.size).is_err()) {  // little-endian: the low bytes first
      return {false, static_cast<uint32_t>(Cause::StorePageFault),
              first_refused(k, t.pid, tval, a.size, true)};
    }
  } else {
    uint32_t v = 0;
    if (k.copy_from_user(t.pid, &v, tval, a.size).is_err()) {
      return {false, static_cast<uint32_t>(Cause::LoadPageFault),
              first_refused(k, t.pid, tval, a.size, false)};
    }
    if (a.size == 2 && a.sign) v = static_cast<uint32_t>(static_cast<int32_t>(v << 16) >> 16);
    if (a.reg != 0) f.x[a.reg] = v;
  }
  f.pc += a.length;
  return {true, cause, tval};
}

}  // namespace courier::dispatch
