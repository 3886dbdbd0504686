// hostile_mmio_exec.cc — issue 12, finding 8: map_physical hands out device pages read-write at
// most, but at fa3bfc6 update_memory_flags then made the same mapping executable. Trapping and
// batched (ring) calls must refuse it alike.
#include "courier/user/ring.h"
#include "hostile.h"

using namespace hostile;

int main() {
  courier::Ring ring;
  test::expect_error(ring.setup(), Error::Ok, "register a ring");
  const uint32_t baseline = free_pages();
  const auto device = sys::map_physical(kRtcPa, 0, kPage, kRw);
  test::expect_error(device.error, Error::Ok, "map_physical the RTC read-write");
  const uint32_t va = device.r[0];
  test::expect_error(sys::update_memory_flags(va, kPage, kRwx).error, Error::AccessDenied,
                     "update_memory_flags RWX on the device mapping");
  test::expect_error(
      sys::update_memory_flags(va, kPage, courier::abi::kMemRead | courier::abi::kMemExec).error,
      Error::AccessDenied, "update_memory_flags RX on the device mapping");
  test::expect_error(sys::update_memory_flags(va, kPage, courier::abi::kMemExec).error,
                     Error::AccessDenied, "update_memory_flags X on the device mapping");

  ring.submit(courier::abi::Syscall::update_memory_flags, 1, va, kPage, kRwx);
  (void)ring.flush();
  courier::abi::RingCompletion c{};
  test::check(ring.poll(&c) && c.tag == 1 && c.error == static_cast<uint32_t>(Error::AccessDenied),
              "a batched update_memory_flags RWX on it completes with AccessDenied");
  test::expect_error(sys::update_memory_flags(va, kPage, courier::abi::kMemRead).error, Error::Ok,
                     "read-only is fine");
  test::expect_error(sys::unmap_memory(va, kPage).error, Error::Ok, "unmap the device");
  expect_pages(baseline, "pages balanced");
  courier::print("hostile mmio exec done, %d failures\n", test::failures);
  return test::failures;
}
