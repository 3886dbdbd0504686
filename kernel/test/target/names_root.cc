// names_root.cc — names are authority (DESIGN.md §8): a SID the boot image reserves can be
// registered only by the process it names. This image reserves the log's SID for the log
// server (every image does) and kOwnerSid for names_owner; this process, the first to run,
// tries both before their owners have run, while they serve, and (kOwnerSid) after its owner
// has died; the log server meanwhile prints everything, the kernel's log included.
#include "names_common.h"

using namespace courier;
using abi::Error;

int main() {
  // Nothing may print yet: print() waits for the log server, which has not run. On a kernel
  // without reservations these succeed, and this process would have been the log.
  const Error log_before = names::try_register(names::kLogSid);
  const Error owner_before = names::try_register(names::kOwnerSid);

  test::expect_error(log_before, Error::AccessDenied,
                     "register the log's SID before the log server");
  test::expect_error(owner_before, Error::AccessDenied,
                     "register names_owner's SID before it does");
  // This line arrived: the log server holds its SID. It still may not be taken.
  test::expect_error(names::try_register(names::kLogSid), Error::AccessDenied,
                     "register the log's SID while the log server serves it");
  // The real log server still reads the kernel's log, and nobody else may.
  const char msg[] = "names: through the kernel log\n";
  test::expect_error(
      sys::debug_write(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(msg)), sizeof msg - 1)
          .error,
      Error::Ok, "debug_write");
  Server mine;
  test::expect_error(Server::create(Sid{}, &mine), Error::Ok, "a random server of its own");
  static char buf[64];
  test::expect_error(
      sys::kernel_log(mine.handle(), static_cast<uint32_t>(reinterpret_cast<uintptr_t>(buf)),
                      sizeof buf)
          .error,
      Error::AccessDenied, "read the kernel log through it");

  // The extra reservation: the owner serves under it, and only the owner.
  Connection owner;
  test::expect_error(Connection::connect(names::kOwnerSid, &owner), Error::Ok,
                     "connect to names_owner's SID");
  const CallResult who = owner.call(names::kWhoAreYou);
  test::check(who.error == Error::Ok && who.r[0] == names::kOwnerAnswer,
              "the server under names_owner's SID is names_owner");
  test::expect_error(names::try_register(names::kOwnerSid), Error::AccessDenied,
                     "register names_owner's SID while it serves");
  (void)owner.call(names::kQuit);  // it replies, then exits
  // A call to its server now is refused once it has died (queued calls wake with the death).
  while (owner.call(names::kWhoAreYou).error == Error::Ok) (void)sys::yield();
  test::expect_error(names::try_register(names::kOwnerSid), Error::AccessDenied,
                     "register names_owner's SID after it died");
  test::expect_error(names::try_register(names::kFreeSid), Error::Ok, "register an unreserved SID");

  print("names done, %d failures\n", test::failures);
  return test::failures;
}
