// names_owner.cc — the process the names image reserves kOwnerSid for (names_root.cc): it may
// register it, but not the log's SID, and it answers who it is until told to quit.
#include "names_common.h"

using namespace courier;
using abi::Error;

int main() {
  // Runs before the log server (which starts last): a second process squatting on the log.
  const Error log_before = names::try_register(names::kLogSid);
  Server server;
  const Error mine = Server::create(names::kOwnerSid, &server);
  test::expect_error(log_before, Error::AccessDenied, "names_owner: register the log's SID");
  test::expect_error(mine, Error::Ok, "names_owner: register its own reserved SID");
  if (mine != Error::Ok) return 1;
  Message m{};
  Error e = server.receive(&m);
  while (e == Error::Ok) {
    if (m.id == names::kQuit) {
      (void)server.reply(m, 0);
      return test::failures;
    }
    e = server.reply_and_receive(&m, m.id == names::kWhoAreYou ? names::kOwnerAnswer : 0);
  }
  return 1;
}
