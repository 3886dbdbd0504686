// ELF32 parsing for courier-sim: bounds-checked against the file size at every step, because
// the file is user input and a malformed one must produce an error message, not a crash.
#include "elf_loader.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>

namespace courier_sim {
namespace {

bool in_file(const std::vector<char>& f, uint64_t off, uint64_t len) {
  return off <= f.size() && len <= f.size() - off;
}

std::optional<uint32_t> find_symbol(const std::vector<char>& f, const Elf32_Ehdr& eh,
                                    const char* name) {
  if (eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf32_Shdr) ||
      !in_file(f, eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf32_Shdr))) {
    return std::nullopt;
  }
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    Elf32_Shdr sh;
    std::memcpy(&sh, f.data() + eh.e_shoff + i * sizeof(Elf32_Shdr), sizeof sh);
    if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh.e_shnum) continue;
    Elf32_Shdr strtab;
    std::memcpy(&strtab, f.data() + eh.e_shoff + sh.sh_link * sizeof(Elf32_Shdr), sizeof strtab);
    if (!in_file(f, sh.sh_offset, sh.sh_size) || !in_file(f, strtab.sh_offset, strtab.sh_size)) {
      continue;
    }
    for (uint32_t off = 0; off + sizeof(Elf32_Sym) <= sh.sh_size; off += sizeof(Elf32_Sym)) {
      Elf32_Sym sym;
      std::memcpy(&sym, f.data() + sh.sh_offset + off, sizeof sym);
      if (sym.st_name >= strtab.sh_size) continue;
      const char* s = f.data() + strtab.sh_offset + sym.st_name;
      size_t max = strtab.sh_size - sym.st_name;
      if (strnlen(s, max) < max && std::strcmp(s, name) == 0) return sym.st_value;
    }
  }
  return std::nullopt;
}

}  // namespace

bool load_elf(const std::string& path, const std::vector<Region>& map, LoadedImage* image,
              std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::vector<char> f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (f.size() < EI_NIDENT || std::memcmp(f.data(), ELFMAG, SELFMAG) != 0) {
    *error = "'" + path + "' is not an ELF file";
    return false;
  }
  if (f[EI_CLASS] != ELFCLASS32 || f[EI_DATA] != ELFDATA2LSB || f.size() < sizeof(Elf32_Ehdr)) {
    *error = "'" + path + "' is not a 32-bit little-endian ELF (need rv32)";
    return false;
  }
  Elf32_Ehdr eh;
  std::memcpy(&eh, f.data(), sizeof eh);
  if (eh.e_machine != EM_RISCV) {
    *error = "'" + path + "' is an ELF for machine " + std::to_string(eh.e_machine) +
             ", not RISC-V (" + std::to_string(EM_RISCV) + ")";
    return false;
  }
  if (eh.e_phentsize != sizeof(Elf32_Phdr) ||
      !in_file(f, eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf32_Phdr))) {
    *error = "'" + path + "' has a truncated or malformed program header table";
    return false;
  }
  unsigned loaded = 0;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf32_Phdr ph;
    std::memcpy(&ph, f.data() + eh.e_phoff + i * sizeof(Elf32_Phdr), sizeof ph);
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    if (ph.p_filesz > ph.p_memsz || !in_file(f, ph.p_offset, ph.p_filesz)) {
      *error = "'" + path + "' segment " + std::to_string(i) + " lies outside the file";
      return false;
    }
    const Region* region = nullptr;
    for (const Region& r : map) {
      if (ph.p_paddr >= r.base && uint64_t{ph.p_paddr} - r.base + ph.p_memsz <= r.size) {
        region = &r;
        break;
      }
    }
    if (region == nullptr) {
      std::string regions;
      for (const Region& r : map) {
        char buf[80];
        std::snprintf(buf, sizeof buf, "%s%s 0x%08x..0x%08llx", regions.empty() ? "" : ", ",
                      r.name.c_str(), r.base, (unsigned long long)(r.base + r.size));
        regions += buf;
      }
      char buf[120];
      std::snprintf(buf, sizeof buf, "segment %u at 0x%08x..0x%08llx lies outside ", i, ph.p_paddr,
                    (unsigned long long)ph.p_paddr + ph.p_memsz);
      *error = "'" + path + "': " + buf + regions;
      return false;
    }
    if (region->store) {
      region->store(ph.p_paddr - region->base,
                    reinterpret_cast<const uint8_t*>(f.data() + ph.p_offset), ph.p_filesz,
                    ph.p_memsz);
    }
    ++loaded;
  }
  if (loaded == 0) {
    *error = "'" + path + "' has no loadable segments";
    return false;
  }
  image->entry = eh.e_entry;
  image->tohost = find_symbol(f, eh, "tohost");
  image->rvc = (eh.e_flags & 0x1u) != 0;  // EF_RISCV_RVC (RISC-V ELF psABI)
  image->fromhost = find_symbol(f, eh, "fromhost");
  return true;
}

}  // namespace courier_sim
