// hostile_xous980.cc — the Xous kernel bug of betrusted-io/xous-core#980 as a Courier test: map
// and unmap ranges were not checked against the end of user space, so a range could run into
// kernel virtual memory, the process's own page tables included, and a page-table alias in
// user space rewrote the tables. Courier's user space ends at 0x8000_0000, where the kernel's
// (supervisor-only) mappings of all RAM begin.
//
// Every call that takes a user range is tried with ranges that end past user space, start in
// it, or wrap, trapping and batched; each must be refused with nothing changed, and no device
// may be mapped twice (an alias). Last, this process reads the kernel's first word directly
// and must be killed for it.
#include "courier/user/ring.h"
#include "hostile.h"

using namespace hostile;
using courier::abi::Syscall;

namespace {

constexpr uint32_t kUserTop = 0x8000'0000;
constexpr uint32_t kLastPage = kUserTop - kPage;

void never_runs(uint32_t) { sys::exit_thread(); }

}  // namespace

int main() {
  courier::Server server;
  courier::Connection conn;
  courier::Ring ring;
  if (courier::Server::create(courier::Sid{}, &server) != Error::Ok ||
      courier::Connection::connect(server.sid(), &conn) != Error::Ok || ring.setup() != Error::Ok ||
      sys::map_memory(kLastPage, kPage, kRw).error != Error::Ok) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  *reinterpret_cast<volatile uint32_t*>(kLastPage) = 0x980;
  // The first print waits for the log server, which maps its UART (a page table) first.
  courier::print("hostile xous980: the last user page is %08x\n", kLastPage);
  const uint32_t baseline = free_pages();

  const Error bad = Error::BadAddress;
  test::expect_error(sys::map_memory(kLastPage - kPage, 3 * kPage, kRw).error, bad,
                     "map_memory running past user space");
  test::expect_error(sys::map_memory(kUserTop, kPage, kRw).error, bad, "map_memory of the kernel");
  test::expect_error(sys::map_memory(0xffff'f000, 2 * kPage, kRw).error, bad,
                     "map_memory wrapping around");
  test::expect_error(sys::unmap_memory(kLastPage, 2 * kPage).error, bad,
                     "unmap_memory running past user space");
  test::expect_error(sys::unmap_memory(kUserTop, kPage).error, bad, "unmap_memory of the kernel");
  test::expect_error(sys::unmap_memory(kLastPage, kUserTop + 2 * kPage).error, bad,
                     "unmap_memory wrapping to address 0");
  test::expect_error(sys::unmap_memory(0xffff'f000, 2 * kPage).error, bad,
                     "unmap_memory wrapping around");
  test::expect_error(sys::update_memory_flags(kLastPage, 2 * kPage, kRw).error, bad,
                     "update_memory_flags running past user space");
  test::expect_error(sys::update_memory_flags(kUserTop, kPage, kRw).error, bad,
                     "update_memory_flags of the kernel");
  test::expect_error(sys::map_physical(kRtcPa, kUserTop, kPage, kRw).error, bad,
                     "map_physical at a kernel address");
  test::expect_error(sys::map_physical(kRtcPa, 0xffff'f000, kPage, kRw).error, bad,
                     "map_physical at the top of the address space");
  test::expect_error(
      conn.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(kLastPage), 2 * kPage).error, bad,
      "lend_memory running past user space");
  test::expect_error(sys::ring_setup(kLastPage).error, bad, "ring_setup running past user space");
  test::expect_error(sys::ring_setup(kUserTop).error, bad, "ring_setup in the kernel");
  test::expect_error(sys::debug_write(kUserTop - 4, 8).error, bad,
                     "debug_write running past user space");
  test::expect_error(sys::create_thread(kUserTop, kLastPage + kPage / 2, 0, 4).error, bad,
                     "create_thread entering the kernel");
  test::expect_error(
      sys::create_thread(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(never_runs)),
                         kUserTop + kPage, 0, 4)
          .error,
      bad, "create_thread with its stack in the kernel");

  // The same through the ring.
  ring.submit(Syscall::map_memory, 1, kLastPage - kPage, 3 * kPage, kRw);
  ring.submit(Syscall::unmap_memory, 2, kLastPage, 2 * kPage);
  ring.submit(Syscall::unmap_memory, 3, kUserTop, kPage);
  ring.submit(Syscall::update_memory_flags, 4, kLastPage, 2 * kPage, kRw);
  (void)ring.flush();
  courier::abi::RingCompletion c{};
  uint32_t refused = 0;
  while (ring.poll(&c)) refused += c.error == static_cast<uint32_t>(bad);
  test::check(refused == 4, "batched map/unmap/protect past user space complete with BadAddress");

  // No aliases: a device page is mapped once, and nothing maps over a mapped page.
  test::expect_error(sys::map_physical(kRtcPa, kLastPage, kPage, kRw).error, Error::AlreadyExists,
                     "map_physical over a mapped page");
  const auto device = sys::map_physical(kRtcPa, 0, kPage, kRw);
  test::expect_error(device.error, Error::Ok, "map_physical the RTC");
  test::expect_error(sys::map_physical(kRtcPa, 0, kPage, kRw).error, Error::AlreadyExists,
                     "map_physical the RTC a second time");
  if (device.error == Error::Ok) (void)sys::unmap_memory(device.r[0], kPage);

  test::check(present(kLastPage) && *reinterpret_cast<volatile uint32_t*>(kLastPage) == 0x980,
              "the last user page is still mapped, intact");
  expect_pages(baseline, "pages balanced");
  courier::print("hostile xous980 done, %d failures\n", test::failures);
  // The kernel's mappings are supervisor-only: this read must end the process.
  const uint32_t word = *reinterpret_cast<volatile uint32_t*>(kUserTop);
  courier::print("TAKEOVER: read the kernel's first word %08x from user mode\n", word);
  return 1;
}
