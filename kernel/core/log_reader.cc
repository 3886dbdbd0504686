// log_reader.cc — the kernel log's way out: a notice to the userspace server that reads it.
#include "courier/abi/log.h"
#include "courier/core/console.h"
#include "courier/core/kernel.h"
#include "courier/core/platform.h"

namespace courier {

kstd::Result<void, abi::Error> Kernel::attach_log_reader(Pid pid, uint32_t handle) {
  Server* s = owned_server(pid, handle);
  if (s == nullptr) return kstd::err(abi::Error::InvalidHandle);
  // Only the server registered under the log's well-known SID may read the kernel's log.
  for (int i = 0; i < 4; ++i) {
    if (s->sid[i] != abi::kLogSid[i]) return kstd::err(abi::Error::AccessDenied);
  }
  const uint16_t index = static_cast<uint16_t>(handle - 1);
  if (log_server_ != kNone && log_server_ != index) {
    const Server& cur = servers_[log_server_];
    if (cur.state == ServerState::Alive && cur.generation == log_server_gen_)
      return kstd::err(abi::Error::AccessDenied);
  }
  log_server_ = index;
  log_notice_pending_ = false;
  klog::g_written = klog::unread() != 0;  // what it has not read yet deserves a notice
  log_server_gen_ = s->generation;
  platform::console_to_log();
  return {};
}

void Kernel::post_log_notice() {
  // Nobody to tell (no reader yet, or it died: the next reader is told when it attaches), or
  // it has been told and will read everything: done until the log is written again.
  if (log_notice_pending_ || log_server_ == kNone || klog::unread() == 0) {
    klog::g_written = false;
    return;
  }
  const Server& s = servers_[log_server_];
  if (s.state != ServerState::Alive || s.generation != log_server_gen_) {
    klog::g_written = false;
    return;
  }
  if (!queue_has_room(log_server_)) return;  // g_written stays set: retried next entry
  Message m{};
  m.kind = abi::MessageKind::Scalar;
  m.id = abi::kLogKernelNotice;
  m.sender_pid = 0;  // the kernel: no process, so no death ever drops it
  m.sender_tid = kNone;
  m.lend = kNoLend;
  m.async = kNoAsync;
  post(log_server_, m);
  log_notice_pending_ = true;
  klog::g_written = false;
}

}  // namespace courier
