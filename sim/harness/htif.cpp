// The host side of the tohost convention (see htif.h for what is served and when a write
// counts). Everything the program hands over — the syscall block's address, a buffer's address
// and length — is an allegation about guest memory: it is checked against RAM (and, for reads,
// flash) before a byte is touched, and a bad one is an error reply and a note, never a harness
// crash. Replies are written straight into RAM, so the run loop is told to invalidate the
// core's data cache (SimState::ram_written_behind_cache).
#include "htif.h"

#include <cinttypes>
#include <cstring>
#include <set>
#include <string>

#include "sim_state.h"

namespace courier_sim {
namespace {

constexpr uint64_t kSysWrite = 64;
constexpr uint64_t kSysExit = 93;
constexpr int64_t kEbadf = -9;
constexpr int64_t kEfault = -14;
constexpr int64_t kEnosys = -38;
constexpr uint64_t kBlockBytes = 8 * sizeof(uint64_t);  // eight 64-bit words
constexpr uint8_t kAllBytes = 0xFF;

// One command word: device in bits 63:56, command in 55:48, payload in 47:0.
struct Command {
  explicit Command(uint64_t v)
      : device(uint8_t(v >> 56)), command(uint8_t(v >> 48)), payload(v & ((1ull << 48) - 1)) {}
  uint8_t device;
  uint8_t command;
  uint64_t payload;
};

constexpr uint64_t reply_word(uint8_t device, uint8_t command) {
  return uint64_t{device} << 56 | uint64_t{command} << 48;
}

struct Host {
  std::optional<uint32_t> fromhost_word;  // index in RAM, when there is a fromhost
  uint8_t bytes_written = 0;              // tohost's bytes stored since the host last consumed it
  std::optional<uint64_t> last_request;
  std::string unanswered;              // why the last request got no reply; empty if it got one
  std::optional<uint64_t> exit_value;  // the tohost value that ended the run
  bool exit_by_syscall = false;
  std::set<std::string> noted;  // keys of the notes already given once
};

Host& host() {
  static Host h;
  return h;
}

// True the first time `key` is asked about: for the notes given once per kind.
bool first_time(const std::string& key) { return host().noted.insert(key).second; }

uint64_t ram_bytes() { return uint64_t{state().ram.size()} * 4; }

// [addr, addr + len) within [base, base + size), without overflow for any 64-bit inputs.
bool within(uint64_t addr, uint64_t len, uint64_t base, uint64_t size) {
  return addr >= base && addr - base <= size && len <= size - (addr - base);
}

// RAM bytes at guest address `addr`, or null unless all `len` of them are in RAM.
uint8_t* ram_at(uint64_t addr, uint64_t len) {
  SimState& s = state();
  if (!within(addr, len, s.ram_base, ram_bytes())) return nullptr;
  return reinterpret_cast<uint8_t*>(s.ram.data()) + (addr - s.ram_base);
}

bool in_flash(uint64_t addr, uint64_t len) {
  const SimState& s = state();
  return s.flash_base && within(addr, len, *s.flash_base, Flash::kBytes);
}

// A byte the program may hand over for reading: RAM, or (betrusted) flash. The caller has
// checked the range with ram_at or in_flash.
uint8_t guest_byte(uint64_t addr) {
  if (const uint8_t* p = ram_at(addr, 1)) return *p;
  const uint32_t off = uint32_t(addr - *state().flash_base);
  return uint8_t(state().flash.read_word(off / 4) >> (8 * (off % 4)));
}

// The 64-bit little-endian word at a RAM word index (tohost and fromhost are word aligned).
uint64_t read_pair(uint32_t word) {
  const auto& ram = state().ram;
  return uint64_t{ram[word + 1]} << 32 | ram[word];
}

void write_pair(uint32_t word, uint64_t value) {
  auto& ram = state().ram;
  ram[word] = uint32_t(value);
  ram[word + 1] = uint32_t(value >> 32);
  state().ram_written_behind_cache = true;
}

void reply(uint64_t value) {
  Host& h = host();
  if (!h.fromhost_word) {
    h.unanswered = "there is no fromhost";
    if (first_time("no fromhost")) {
      note(
          "tohost: there is no fromhost in RAM (no symbol, no --fromhost, or one outside "
          "RAM): requests are served but get no reply");
    }
    return;
  }
  write_pair(*h.fromhost_word, value);
  h.unanswered.clear();
}

void exit_with(uint64_t tohost_value, uint64_t status, bool by_syscall) {
  if (finish_with_status(status, by_syscall ? "SYS_exit" : "tohost exit")) {
    host().exit_value = tohost_value;
    host().exit_by_syscall = by_syscall;
  }
}

int64_t sys_write(uint64_t fd, uint64_t buf, uint64_t len) {
  if (fd != 1 && fd != 2) {
    if (first_time("fd " + std::to_string(fd))) {
      note("tohost: SYS_write to fd %" PRIu64
           ": only 1 and 2 (the console) are served; replying -EBADF (-9)",
           fd);
    }
    return kEbadf;
  }
  if (len == 0) return 0;
  if (!ram_at(buf, len) && !in_flash(buf, len)) {
    note("tohost: SYS_write of %" PRIu64 " bytes at 0x%" PRIx64
         " reaches outside %s; replying -EFAULT (-14)",
         len, buf, state().flash_base ? "SRAM and flash" : "RAM");
    return kEfault;
  }
  for (uint64_t i = 0; i < len; ++i) console_putc(char(guest_byte(buf + i)));
  return int64_t(len);
}

// Device 0 with an even payload: the syscall block at `addr`.
void syscall(uint64_t tohost_value, uint64_t addr) {
  uint8_t* block = ram_at(addr, kBlockBytes);
  if (block == nullptr) {
    note("tohost: the syscall block at 0x%" PRIx64
         " (64 bytes) reaches outside %s; nothing served and no return value written",
         addr, state().flash_base ? "SRAM" : "RAM");
    reply(1);
    return;
  }
  uint64_t word[8];
  std::memcpy(word, block, sizeof word);  // the block need not be aligned
  int64_t ret;
  switch (word[0]) {
    case kSysWrite: ret = sys_write(word[1], word[2], word[3]); break;
    case kSysExit: exit_with(tohost_value, word[1], true); return;
    default:
      if (first_time("syscall " + std::to_string(word[0]))) {
        note("tohost: syscall %" PRIu64 " is not served; replying -ENOSYS (-38)", word[0]);
      }
      ret = kEnosys;
      break;
  }
  const uint64_t ret_word = uint64_t(ret);  // two's complement, as a 64-bit host returns it
  std::memcpy(block, &ret_word, sizeof ret_word);
  state().ram_written_behind_cache = true;
  reply(1);
}

// The program has written all of tohost, or its settle time ran out: act on the value.
void take() {
  SimState& s = state();
  Host& h = host();
  if (s.finished) return;  // the run is draining its UARTs after an exit: nothing more is served
  const uint64_t value = read_pair(*s.tohost_word);
  h.bytes_written = 0;
  s.tohost_settle_left = 0;
  if (value == 0) return;  // the program cleared tohost: nothing was asked
  h.last_request = value;
  const Command c(value);
  if (c.device == 0 && c.command == 0 && (c.payload & 1)) {
    exit_with(value, c.payload >> 1, false);
    return;  // tohost keeps the exit value, for the report
  }
  write_pair(*s.tohost_word, 0);  // consumed, as the host side does before it answers
  if (c.device == 0 && c.command == 0) {
    syscall(value, c.payload);
  } else if (c.device == 1 && c.command == 1) {
    console_putc(char(c.payload & 0xFF));
    reply(reply_word(1, 1));
  } else if (c.device == 1 && c.command == 0) {
    h.unanswered = "console input is not modelled";
    if (first_time("getchar")) {
      note(
          "tohost: console input (device 1, command 0) is not modelled: the request is "
          "consumed and never answered");
    }
  } else {
    h.unanswered = "no such device or command";
    if (first_time("device " + std::to_string(c.device) + "." + std::to_string(c.command))) {
      note("tohost: device %u command %u is not served (0x%016" PRIx64 "); consumed, not answered",
           unsigned{c.device}, unsigned{c.command}, value);
    }
  }
}

std::optional<uint32_t> word_pair(const char* name, std::optional<uint32_t> addr,
                                  const char* without) {
  if (!addr) return std::nullopt;
  if (*addr % 4 != 0 || ram_at(*addr, 8) == nullptr) {
    note("%s at 0x%08x is not two aligned words in %s (0x%08x..0x%08" PRIx64 "): %s", name, *addr,
         state().flash_base ? "SRAM" : "RAM", state().ram_base, state().ram_base + ram_bytes(),
         without);
    return std::nullopt;
  }
  return (*addr - state().ram_base) / 4;
}

}  // namespace

void htif_init(std::optional<uint32_t> tohost, std::optional<uint32_t> fromhost) {
  SimState& s = state();
  s.tohost_word = word_pair("tohost", tohost, "the tohost convention is off");
  if (s.tohost_word) {
    host().fromhost_word = word_pair("fromhost", fromhost, "requests will get no reply");
  }
}

void htif_tohost_written(uint32_t half, unsigned strb) {
  Host& h = host();
  SimState& s = state();
  h.bytes_written |= uint8_t((strb & 0xF) << (4 * half));
  if (h.bytes_written == kAllBytes) {
    take();
  } else if (s.tohost_settle_left == 0 && !s.finished) {
    s.tohost_settle_left = kSettleCycles;  // from the first store; later ones do not extend it
  }
}

void htif_settle() { take(); }

void htif_report_end() {
  const SimState& s = state();
  const Host& h = host();
  if (!s.tohost_word) return;
  if (h.exit_value) {
    note("tohost=0x%016" PRIx64 " (%sexit %d)", *h.exit_value,
         h.exit_by_syscall ? "SYS_exit: " : "", s.exit_code);
    return;
  }
  const uint64_t value = read_pair(*s.tohost_word);
  if (value != 0) {
    const char* why = h.bytes_written == 0x0F        ? "only its low half was written"
                      : h.bytes_written == 0xF0      ? "only its high half was written"
                      : h.bytes_written == kAllBytes ? "written after the run had ended"
                      : h.bytes_written != 0         ? "only part of it was written"
                                                     : "the program has not written it";
    note("tohost=0x%016" PRIx64 " at the end, not acted on: %s", value, why);
  } else if (h.last_request && !h.unanswered.empty()) {
    note("tohost=0x%016" PRIx64 " at the end; the last request, 0x%016" PRIx64 ", got no reply: %s",
         value, *h.last_request, h.unanswered.c_str());
  }
}

}  // namespace courier_sim
