// Loading an rv32 ELF image into the simulated memories: PT_LOAD segments by physical address,
// each into the region of the model's map that holds it whole, plus the `tohost` and `fromhost`
// symbols of the riscv-tests / HTIF convention (htif.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace courier_sim {

struct LoadedImage {
  uint32_t entry = 0;
  std::optional<uint32_t> tohost;    // address of the `tohost` symbol, when the image has one
  std::optional<uint32_t> fromhost;  // likewise `fromhost`
  bool rvc = false;                  // e_flags has EF_RISCV_RVC: built for a core with C
};

// One loadable region of a memory map. `store` copies a segment's bytes to `offset` within the
// region and zero-fills up to memsz; a null `store` only checks that segments fit (dry run).
struct Region {
  std::string name;  // for messages: "RAM", "flash", "SRAM"
  uint32_t base = 0;
  uint64_t size = 0;
  std::function<void(uint64_t offset, const uint8_t* data, uint64_t filesz, uint64_t memsz)> store;
};

// Copies every PT_LOAD segment into the region that contains it whole. Returns false with a
// human-readable reason in *error on any problem: a missing or unreadable file, not an ELF, not
// ELF32 little-endian RISC-V, or a segment that lies outside every region ("lies outside RAM
// 0x..": the regions are named in the message).
bool load_elf(const std::string& path, const std::vector<Region>& map, LoadedImage* image,
              std::string* error);

}  // namespace courier_sim
