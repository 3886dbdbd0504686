// hostile_log_victim.cc — process 2 of the hostile_log_spoof test: it begins a line through
// the log server, lets the attacker (process 1) try to write into it, then ends it and dies.
#include "hostile_log.h"

using namespace hostile;

int main() {
  courier::Connection attacker;
  if (courier::Connection::connect(kSpoofSid, &attacker) != Error::Ok) return 1;
  const courier::Connection log = log_connection();
  const auto info = sys::process_info();
  log_raw(log, info.r[1], "victim line start, ", false);
  (void)attacker.call(kLineOpen, info.r[1], info.r[0]);
  log_raw(log, info.r[1], "and its end", true);
  (void)attacker.call(kLineDone);
  return 0;
}
