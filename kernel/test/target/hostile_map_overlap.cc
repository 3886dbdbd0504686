// hostile_map_overlap.cc — issue 12, finding 9: map_memory over a range that starts on a mapped
// page is AlreadyExists whatever its size; at fa3bfc6 a range larger than the process's page
// quota answered OutOfMemory instead (the quota was checked before the overlap). Neither
// answer may map anything.
#include "hostile.h"

using namespace hostile;

int main() {
  constexpr uint32_t kAt = kFreshRegion;
  constexpr uint32_t kOverQuota = 1024 * kPage;  // more than any process may hold (and < 4 MiB)
  test::expect_error(sys::map_memory(kAt, kPage, kRw).error, Error::Ok, "map one page");
  const uint32_t baseline = free_pages();
  test::expect_error(sys::map_memory(kAt, kOverQuota, kRw).error, Error::AlreadyExists,
                     "map_memory over quota starting on the mapped page");
  test::expect_error(sys::map_memory(kAt, 2 * kPage, kRw).error, Error::AlreadyExists,
                     "map_memory within quota starting on the mapped page");
  test::expect_error(sys::map_memory(kAt - kPage, 2 * kPage, kRw).error, Error::AlreadyExists,
                     "map_memory ending on the mapped page");
  test::check(!present(kAt + kPage) && !present(kAt - kPage), "nothing else got mapped");
  expect_pages(baseline, "pages balanced");
  test::expect_error(sys::unmap_memory(kAt, kPage).error, Error::Ok, "unmap the page");
  courier::print("hostile map overlap done, %d failures\n", test::failures);
  return test::failures;
}
