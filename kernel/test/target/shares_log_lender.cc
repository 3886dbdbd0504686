// shares_log_lender.cc — processes 2 and 3 of the shares_settle_log test, the same program
// twice. Both map the same buffers and make the same threads before they are ready for
// commands, so they hold the same pages. Process 2 is told to lend: it Moves 2 x 128 pages to
// the log server (by remapping and by copying) and lends it 4 x 8 pages from threads of its
// own (Borrow and MutableBorrow, each by remapping and by copying), then dies. Process 3, its
// twin, is told to unmap what its twin Moved and dies without lending: what its death gives
// back is what process 2's death and the log server together must give back.
#include "shares.h"

using namespace shares;

namespace {

constexpr uint32_t kMovePages = 128;
constexpr uint32_t kBorrowPages = 8;
constexpr uint32_t kBorrows = 4;
Lender lenders[kBorrows];
Threads threads;

}  // namespace

int main() {
  const courier::Connection log = connect_log();
  const uint32_t moves[2] = {test::pages(kMovePages), test::pages(kMovePages)};
  uint32_t borrows[kBorrows];
  for (uint32_t i = 0; i < kBorrows; ++i) borrows[i] = test::pages(kBorrowPages);
  if (moves[0] == 0 || moves[1] == 0 || !threads.reserve(kBorrows)) return 1;
  for (uint32_t i = 0; i < kBorrows; ++i) {
    if (borrows[i] == 0) return 1;
    tag_pages(borrows[i], kBorrowPages, 0x3100 + i * 0x10);
  }
  tag_pages(moves[0], kMovePages, 0x3000);
  tag_pages(moves[1], kMovePages, 0x3000);

  serve_commands([&](const courier::Message& m, uint32_t* r0, uint32_t* r1) {
    if (m.id == 1) {  // lend: r0 = the Moves that went
      const courier::Transfer how[2] = {courier::Transfer::Remap, courier::Transfer::Copy};
      for (uint32_t i = 0; i < 2; ++i) {
        *r0 += log.lend(MessageKind::Move, kLogIgnored, reinterpret_cast<void*>(moves[i]),
                        kMovePages * kPage, 0, 0, how[i])
                   .error == Error::Ok;
      }
      const MessageKind kinds[2] = {MessageKind::Borrow, MessageKind::MutableBorrow};
      for (uint32_t i = 0; i < kBorrows; ++i) {
        lenders[i] = Lender{log.cid(),  kLogIgnored,          lend_kind(kinds[i / 2], how[i % 2]),
                            borrows[i], kBorrowPages * kPage, 0,
                            Error::Ok};
        (void)threads.start(lend_and_exit, arg_of(lenders[i]));
      }
    } else if (m.id == 2) {  // lend nothing: unmap what the twin Moved
      for (const uint32_t va : moves)
        *r0 += sys::unmap_memory(va, kMovePages * kPage).error == Error::Ok;
    } else if (m.id == 3) {  // status: r0 = lends answered, r1 = answered with Ok
      for (const Lender& l : lenders) {
        *r0 += l.done;
        *r1 += l.done && l.error == Error::Ok;
      }
    }
  });
  return 1;
}
