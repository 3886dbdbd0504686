// Loading an rv32 ELF image into the simulated RAM: PT_LOAD segments by physical address,
// plus the `tohost` symbol for the riscv-tests completion convention.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace courier_sim {

struct LoadedImage {
  uint32_t entry = 0;
  std::optional<uint32_t> tohost;  // address of the `tohost` symbol, when the image has one
};

// Copies every PT_LOAD segment into ram (which models [ram_base, ram_base + ram.size()*4)),
// zero-filling .bss. Returns false with a human-readable reason in *error on any problem: a
// missing or unreadable file, not an ELF, not ELF32 little-endian RISC-V, or a segment that
// does not fit in RAM.
bool load_elf(const std::string& path, uint32_t ram_base, std::vector<uint32_t>& ram,
              LoadedImage* image, std::string* error);

}  // namespace courier_sim
