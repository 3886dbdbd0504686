// memory.cc — memory syscalls: exhaustion gives errors (never a panic), bad arguments are
// refused, and everything mapped can be given back and mapped again.
#include "common.h"
#include "courier/services/board.h"

using courier::abi::Error;
namespace sys = courier::sys;

int main() {
  constexpr uint32_t kRw = courier::abi::kMemRead | courier::abi::kMemWrite;
  test::expect_error(sys::map_memory(0x30000001, 4096, kRw).error, Error::InvalidArgument,
                     "unaligned address");
  test::expect_error(sys::map_memory(0x30000000, 0, kRw).error, Error::InvalidArgument,
                     "zero length");
  test::expect_error(sys::map_memory(0x30000000, 100, kRw).error, Error::InvalidArgument,
                     "length not a page multiple");
  test::expect_error(sys::map_memory(0x30000000, 4096, 8).error, Error::InvalidArgument,
                     "unknown flag");
  test::expect_error(sys::map_memory(0x80000000, 4096, kRw).error, Error::BadAddress,
                     "kernel address");
  test::expect_error(sys::map_memory(0x7ffff000, 0x2000, kRw).error, Error::BadAddress,
                     "range crossing into the kernel");
  test::expect_error(sys::map_memory(0xfffff000, 0x2000, kRw).error, Error::BadAddress,
                     "wrapping range");
  test::expect_error(sys::unmap_memory(0x30000000, 4096).error, Error::BadAddress,
                     "unmap what is not mapped");
  test::expect_error(sys::update_memory_flags(0x30000000, 4096, kRw).error, Error::BadAddress,
                     "protect what is not mapped");
  namespace board = courier::board;  // physical addresses: services/board/<platform>/
  test::expect_error(sys::map_physical(board::kRamBase + 0x10'0000, 0, 4096, kRw).error,
                     Error::AccessDenied, "map_physical of RAM");
  test::expect_error(sys::map_physical(board::kUart0, 0, 4096, kRw).error, Error::AlreadyExists,
                     "map_physical of the UART (the log server's)");
  test::expect_error(sys::map_physical(board::kKernelDevice, 0, 4096, kRw).error,
                     Error::AccessDenied, "map_physical of a device of the kernel's");
  test::expect_error(sys::debug_write(0x80000000, 4).error, Error::BadAddress,
                     "debug_write of kernel memory");

  // Exhaust: map page by page until the kernel says no.
  const uint32_t free_before = sys::process_info().r[2];
  uint32_t pages = 0;
  Error e = Error::Ok;
  for (;;) {
    const auto r = sys::map_memory(0x40000000 + pages * 4096, 4096, kRw);
    e = r.error;
    if (e != Error::Ok) break;
    *reinterpret_cast<volatile uint32_t*>(r.r[0]) = pages;  // the page is really ours
    ++pages;
  }
  test::check(e == Error::OutOfMemory, "mapping until exhaustion ends in OutOfMemory");
  courier::print("mapped %u pages before %s\n", pages, courier::abi::error_name(e));
  bool intact = true;
  for (uint32_t i = 0; i < pages; ++i)
    intact = intact && *reinterpret_cast<volatile uint32_t*>(0x40000000 + i * 4096) == i;
  test::check(intact, "every mapped page kept its contents");
  test::expect_error(sys::unmap_memory(0x40000000, pages * 4096).error, Error::Ok,
                     "unmap them all");
  const uint32_t free_after = sys::process_info().r[2];
  test::check(free_after + 1 >= free_before, "the pages went back to the free pool");
  const auto again = sys::map_memory(0, 8 * 4096, kRw);
  test::check(again.error == Error::Ok && *reinterpret_cast<volatile uint32_t*>(again.r[0]) == 0,
              "memory can be mapped again, and comes zeroed");
  test::expect_error(sys::update_memory_flags(again.r[0], 4096, courier::abi::kMemRead).error,
                     Error::Ok, "make a page read-only");
  courier::print("memory done, %d failures\n", test::failures);
  return test::failures;
}
