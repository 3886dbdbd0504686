// frames.cc — see core/frames.h.
#include "courier/core/frames.h"

#include "courier/core/phys.h"
#include "courier/kstd/assert.h"

extern "C" void* memset(void*, int, size_t);

namespace courier {

void FrameTable::init(kstd::Pfn base, uint32_t count, kstd::Pfn first_free) {
  KASSERT(count <= kMaxFrames);
  KASSERT(first_free >= base && first_free.raw() - base.raw() <= count);
  base_ = base;
  count_ = count;
  free_top_ = 0;
  reserved_ = 0;
  const uint32_t reserved = first_free.raw() - base.raw();
  for (uint32_t i = 0; i < count; ++i) owners_[i] = i < reserved ? Owner::kernel() : Owner::free();
  // Push in reverse so allocation hands out low addresses first (easier to read in traces).
  for (uint32_t i = count; i > reserved; --i)
    free_stack_[free_top_++] = static_cast<uint16_t>(i - 1);
}

uint32_t FrameTable::index(kstd::Pfn pfn) const {
  KASSERT(contains(pfn));
  return pfn.raw() - base_.raw();
}

kstd::Result<kstd::Pfn, abi::Error> FrameTable::alloc(Owner owner) {
  if (free_top_ <= reserved_) return kstd::err(abi::Error::OutOfMemory);
  return take(owner);
}

bool FrameTable::reserve(uint32_t n) {
  if (free_top_ - reserved_ < n) return false;
  reserved_ += n;
  return true;
}

void FrameTable::unreserve(uint32_t n) {
  KASSERT(n <= reserved_);
  reserved_ -= n;
}

kstd::Pfn FrameTable::alloc_reserved(Owner owner) {
  KASSERT(reserved_ != 0);
  --reserved_;
  return take(owner);
}

kstd::Pfn FrameTable::take(Owner owner) {
  KASSERT(owner.kind != OwnerKind::Free && free_top_ != 0);
  const uint32_t i = free_stack_[--free_top_];
  KASSERT(owners_[i].kind == OwnerKind::Free);
  owners_[i] = owner;
  const kstd::Pfn pfn = base_ + i;
  memset(frame_ptr(pfn), 0, kstd::kPageSize);
  return pfn;
}

void FrameTable::free(kstd::Pfn pfn) {
  const uint32_t i = index(pfn);
  KASSERT(owners_[i].kind != OwnerKind::Free);
  owners_[i] = Owner::free();
  free_stack_[free_top_++] = static_cast<uint16_t>(i);
}

void FrameTable::transfer(kstd::Pfn pfn, Owner to) {
  const uint32_t i = index(pfn);
  KASSERT(owners_[i].kind != OwnerKind::Free && to.kind != OwnerKind::Free);
  owners_[i] = to;
}

void FrameTable::release_kernel(kstd::Pfn pfn) {
  KASSERT(owners_[index(pfn)].kind == OwnerKind::Kernel);
  free(pfn);
}

Owner FrameTable::owner(kstd::Pfn pfn) const { return owners_[index(pfn)]; }

uint32_t FrameTable::count_owned_by(Owner o) const {
  uint32_t n = 0;
  for (uint32_t i = 0; i < count_; ++i) n += owners_[i] == o;
  return n;
}

void FrameTable::check_invariants() const {
  uint32_t free_owners = 0;
  for (uint32_t i = 0; i < count_; ++i) free_owners += owners_[i].kind == OwnerKind::Free;
  KASSERT(free_owners == free_top_ && reserved_ <= free_top_);
  // Every free-stack entry names a distinct free frame.
  uint32_t seen[kMaxFrames / 32] = {};
  for (uint32_t k = 0; k < free_top_; ++k) {
    const uint32_t i = free_stack_[k];
    KASSERT(i < count_ && owners_[i].kind == OwnerKind::Free);
    KASSERT((seen[i / 32] & (1u << (i % 32))) == 0);
    seen[i / 32] |= 1u << (i % 32);
  }
}

}  // namespace courier
