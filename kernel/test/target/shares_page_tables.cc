// shares_page_tables.cc — issue 13, finding 5: page tables outside the quota. Process 2
// (shares_table_mapper.cc) maps one page per 4 MiB region until refused: every page costs a
// page table too. At fa3bfc6 only the pages counted against the 768-page quota, so the mapper
// pinned a table per page (508 tables with 0 pages left mapped, in the probe) and the system's
// free pages reached 0.
//
// Expected: the mapper is refused with OutOfMemory at its quota, page tables included (its
// usage a1 never above 768), so it takes no more than 768 pages from the system, whose free
// pages stay well above zero: the others can still map memory. Its death gives everything
// back, tables included.
#include "shares.h"

using namespace shares;

namespace {
constexpr uint32_t kMapper = 2;
}  // namespace

int main() {
  const courier::Connection mapper = helper(kMapper);
  const uint32_t baseline = free_pages();
  const Usage ready = usage(kMapper);
  courier::print("note: %u free pages; the mapper holds %u (usage -> %s)\n", baseline, ready.pages,
                 courier::abi::error_name(ready.error));
  const courier::CallResult r = mapper.call(1);
  const Usage full = usage(kMapper);
  const uint32_t left = free_pages();
  courier::print(
      "note: the mapper mapped %u pages, one per 4 MiB region -> %s; it holds %u pages, "
      "%u free pages are left\n",
      r.r[0], courier::abi::error_name(static_cast<Error>(r.r[1])), full.pages, left);
  test::expect_error(static_cast<Error>(r.r[1]), Error::OutOfMemory,
                     "one page per 4 MiB region until refused");
  expect_within_quota(kMapper, "the mapper is within its quota, page tables included");
  courier::print("%s: the mapper took at most its quota from the system (%u of %u free pages)\n",
                 baseline - left <= kMaxPagesPerProcess ? "ok" : "FAIL", baseline - left, baseline);
  if (baseline - left > kMaxPagesPerProcess) ++test::failures;
  const uint32_t mine = test::pages(64);
  test::check(mine != 0, "another process maps 64 pages meanwhile");
  if (mine != 0) (void)sys::unmap_memory(mine, 64 * kPage);
  test::expect_error(static_cast<Error>(mapper.call(2).r[0]), Error::OutOfMemory,
                     "the mapper's map_physical in a fresh region (a table more)");
  expect_within_quota(kMapper, "the mapper is within its quota, page tables included");

  const uint32_t without_mapper = free_pages() + full.pages;
  kill(mapper, "the mapper died");
  expect_pages(without_mapper, "pages balanced (the mapper's pages and tables all came back)");
  courier::print("shares page tables done, %d failures\n", test::failures);
  return test::failures;
}
