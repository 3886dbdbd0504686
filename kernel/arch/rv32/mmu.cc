// mmu.cc — Sv32 on rv32: the kernel's own mappings, satp, sfence.vma, ASIDs.
//
// The kernel maps all of RAM at physical + platform::kKernelVaOffset (0 on QEMU virt, where
// RAM is at 0x8000_0000; the Precursor's SRAM at 0x4000_0000 is mapped at 0x8000_0000 too, so
// user space is the same everywhere) with global, supervisor-only megapages, and its device
// pages (the console, the interrupt controller or timers) into a window at 0xf000_0000. These entries are copied
// into every process's root table, so traps never change satp. Processes use their pid as
// ASID when the hardware implements enough ASID bits; otherwise every switch flushes the TLB.
#include "board.h"
#include "courier/arch/csr.h"
#include "courier/arch/space.h"
#include "courier/core/address_space.h"
#include "courier/core/mmu_hooks.h"
#include "courier/kstd/assert.h"

namespace courier {

uintptr_t g_phys_offset = platform::kKernelVaOffset;  // kernel VA = PA + this

namespace {
alignas(4096) constinit sv32::Pte boot_root[sv32::kEntries] = {};
alignas(4096) constinit sv32::Pte device_table[sv32::kEntries] = {};
constinit uint32_t asid_width = 0;

kstd::Pfn pfn_of_ptr(const void* p) {
  return kstd::PhysAddr(reinterpret_cast<uintptr_t>(p) - g_phys_offset).pfn();
}
}  // namespace

namespace arch {

constinit uint32_t g_active_satp = 0;
constinit bool g_asid_tagged = false;

// Builds the kernel's entries, turns paging on with the boot root, probes ASID bits.
void init_kernel_space(uintptr_t ram_base, uint32_t ram_size) {
  KernelEntries& e = g_kernel_entries;
  e.count = 0;
  const sv32::Pte kernel_rwx = sv32::kR | sv32::kW | sv32::kX | sv32::kG;
  for (uint32_t off = 0; off < ram_size; off += sv32::kMegapage) {
    const kstd::VirtAddr va(static_cast<uint32_t>(ram_base + g_phys_offset + off));
    KASSERT(e.count < KernelEntries::kMax);
    e.index[e.count] = va.vpn1();
    e.pte[e.count++] = sv32::leaf(kstd::PhysAddr(ram_base + off).pfn(), kernel_rwx);
  }
  for (const platform::KernelDevice& d : platform::kKernelDevices) {
    device_table[kstd::VirtAddr(static_cast<uint32_t>(d.va)).vpn0()] =
        sv32::leaf(kstd::PhysAddr(d.pa).pfn(), sv32::kR | sv32::kW | sv32::kG);
  }
  KASSERT(e.count < KernelEntries::kMax);
  e.index[e.count] = kstd::VirtAddr(platform::kKernelDeviceWindow).vpn1();
  e.pte[e.count++] = sv32::table(pfn_of_ptr(device_table)) | sv32::kG;
  for (uint32_t k = 0; k < e.count; ++k) boot_root[e.index[k]] = e.pte[k];

  // Probe: write all ASID bits and see which stick (the privileged spec's ASIDLEN discovery).
  CSR_WRITE(satp, sv32::satp(pfn_of_ptr(boot_root), 0x1ff));
  asid_width = __builtin_popcount((CSR_READ(satp) >> 22) & 0x1ff);
  g_asid_tagged = asid_width >= mmu::kMinAsidBits;
  g_active_satp = sv32::satp(pfn_of_ptr(boot_root), 0);
  CSR_WRITE(satp, g_active_satp);
  asm volatile("sfence.vma" ::: "memory");
  platform::use_kernel_window();
}

// Back to the kernel-only root (no process running).
void activate_kernel_space() { switch_space(sv32::satp(pfn_of_ptr(boot_root), 0)); }

}  // namespace arch

namespace mmu {

uint32_t asid_bits() { return asid_width; }

void activate(kstd::Pfn root, uint32_t asid) {
  arch::switch_space(sv32::satp(root, arch::g_asid_tagged ? asid : 0));
}

void release(kstd::Pfn root) {
  if ((arch::g_active_satp & 0x3fffff) == root.raw()) arch::activate_kernel_space();
}

void flush_page(uint32_t asid, kstd::VirtAddr va) {
  if (arch::g_asid_tagged) {
    asm volatile("sfence.vma %0, %1" ::"r"(va.raw()), "r"(asid) : "memory");
  } else {
    asm volatile("sfence.vma %0, zero" ::"r"(va.raw()) : "memory");
  }
}

void flush_asid(uint32_t asid) {
  if (arch::g_asid_tagged) {
    asm volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
  } else {
    asm volatile("sfence.vma" ::: "memory");
  }
}

}  // namespace mmu
}  // namespace courier
