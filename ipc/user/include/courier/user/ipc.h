// user/ipc.h — libcourier's C++ client/server API over the sync syscalls.
//
//   Server s = Server::create(kMySid).value_or_panic... (see below)
//   Connection c = Connection::connect(kMySid);          // blocks until the server exists
//   c.send(id, a, b);                                      // Scalar: queued, sender continues
//   auto r = c.call(id, a, b);                             // BlockingScalar: r.error, r.r[0..1]
//   serve(s, [](Message& m, Reply& reply) { ... reply(x, y); });   // a server loop
//
// Everything returns the ABI's error codes; nothing here allocates.
#pragma once

#include "courier/abi/lend.h"
#include "courier/user/syscall.h"

namespace courier {

struct Sid {
  uint32_t w[4];
};

// A received message, as receive() reports it in registers. `info` is a3 as the kernel wrote
// it (abi/syscall.h): kind() and sender() take it apart only when asked, so a server that
// never looks pays nothing for them.
struct Message {
  uint32_t handle;  // non-zero for a BlockingScalar: pass it to reply
  uint32_t id;
  uint32_t info;  // the kind and the sender
  uint32_t w[4];
  abi::MessageKind kind() const { return abi::message_kind(info); }
  // The sending process's pid, as the kernel tells it (0: the kernel itself); the sender
  // cannot choose it, unlike the id and the words.
  uint32_t sender() const { return abi::message_sender(info); }
};

inline Message message_from(const abi::SysRet& r) {
  return Message{r.r[0], r.r[1], r.r[2], {r.r[3], r.r[4], r.r[5], r.r[6]}};
}

class Server {
 public:
  // Creates a server under `sid` (all-zero: the kernel picks a random SID, see sid()).
  static abi::Error create(const Sid& sid, Server* out) {
    const auto r = sys::create_server(sid.w[0], sid.w[1], sid.w[2], sid.w[3]);
    if (r.error != abi::Error::Ok) return r.error;
    out->handle_ = r.r[0];
    out->sid_ = Sid{{r.r[1], r.r[2], r.r[3], r.r[4]}};
    return abi::Error::Ok;
  }
  uint32_t handle() const { return handle_; }
  const Sid& sid() const { return sid_; }

  abi::Error receive(Message* m) const { return take(sys::receive(handle_), m); }
  abi::Error try_receive(Message* m) const { return take(sys::try_receive(handle_), m); }
  abi::Error reply(const Message& m, uint32_t r0, uint32_t r1 = 0) const {
    return sys::reply(m.handle, r0, r1).error;
  }
  // Replies to `m` (if it expects a reply) and waits for the next message, in one trap.
  abi::Error reply_and_receive(Message* m, uint32_t r0, uint32_t r1 = 0) const {
    return take(sys::reply_and_receive_next(handle_, m->handle, r0, r1), m);
  }
  abi::Error destroy() const { return sys::destroy_server(handle_).error; }
  // Answers a Borrow or MutableBorrow: the memory goes back to the lender with these hints.
  // If the lender has ended since the message was received, the kernel answers InvalidHandle
  // and the pages are this process's own (abi/lend.h): they are unmapped here, and the answer
  // is Interrupted ("the peer died").
  abi::Error return_memory(const Message& m, uint32_t offset, uint32_t valid) const {
    const abi::Error e = sys::return_memory(m.handle, offset, valid).error;
    if (e != abi::Error::InvalidHandle || !is_lend(m)) return e;
    // Fails harmlessly (AccessDenied, BadAddress) unless the pages are the orphaned ones.
    return sys::unmap_memory(m.w[0], m.w[1]).error == abi::Error::Ok ? abi::Error::Interrupted
                                                                     : e;
  }
  static bool is_lend(const Message& m) {
    return m.kind() == abi::MessageKind::Borrow || m.kind() == abi::MessageKind::MutableBorrow;
  }

 private:
  static abi::Error take(const abi::SysRet& r, Message* m) {
    if (r.error == abi::Error::Ok) *m = message_from(r);
    return r.error;
  }
  uint32_t handle_ = 0;
  Sid sid_{};
};

struct CallResult {
  abi::Error error;
  uint32_t r[2];
};

// A memory message's answer: the offset/valid hints as the server left them.
struct LendResult {
  abi::Error error;
  uint32_t offset, valid;
};

// How a memory message travels: remapped pages (lend path) or bytes copied by the kernel.
enum class Transfer : uint32_t { Remap = 0, Copy = abi::kLendByCopy };

class Connection {
 public:
  Connection() = default;
  explicit Connection(uint32_t cid) : cid_(cid) {}
  // Blocks until a server with `sid` exists.
  static abi::Error connect(const Sid& sid, Connection* out) {
    return open(sys::connect, sid, out);
  }
  static abi::Error try_connect(const Sid& sid, Connection* out) {
    return open(sys::try_connect, sid, out);
  }

  uint32_t cid() const { return cid_; }
  abi::Error send(uint32_t id, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0,
                  uint32_t d = 0) const {
    return sys::send_scalar(cid_, id, a, b, c, d).error;
  }
  abi::Error try_send(uint32_t id, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0,
                      uint32_t d = 0) const {
    return sys::try_send_scalar(cid_, id, a, b, c, d).error;
  }
  CallResult call(uint32_t id, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0,
                  uint32_t d = 0) const {
    const auto r = sys::call_scalar(cid_, id, a, b, c, d);
    return CallResult{r.error, {r.r[0], r.r[1]}};
  }
  abi::Error disconnect() const { return sys::disconnect(cid_).error; }
  // Borrow / MutableBorrow (wait for return_memory) or Move (returns at once) of whole pages.
  LendResult lend(abi::MessageKind kind, uint32_t id, const void* buf, uint32_t size,
                  uint32_t offset = 0, uint32_t valid = 0, Transfer how = Transfer::Remap) const {
    const auto r =
        sys::raw7(abi::Syscall::lend_memory, cid_, id,
                  static_cast<uint32_t>(kind) | static_cast<uint32_t>(how),
                  static_cast<uint32_t>(reinterpret_cast<uintptr_t>(buf)), size, offset, valid);
    return LendResult{r.error, r.r[0], r.r[1]};
  }

 private:
  using Open = abi::SysRet (*)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
  static abi::Error open(Open fn, const Sid& sid, Connection* out) {
    const auto r = fn(sid.w[0], sid.w[1], sid.w[2], sid.w[3], 0, 0);
    if (r.error == abi::Error::Ok) out->cid_ = r.r[0];
    return r.error;
  }
  uint32_t cid_ = 0;
};

// Replies to the message being handled; a handler that does not call it replies (0, 0).
class Reply {
 public:
  void operator()(uint32_t r0, uint32_t r1 = 0) {
    r_[0] = r0;
    r_[1] = r1;
  }
  uint32_t r_[2] = {0, 0};
};

// The server loop: receive, dispatch to `handler(message, reply)`, reply and receive the next
// in one trap. Returns when receive fails (the server was destroyed) or the handler returns
// false. A Borrow or MutableBorrow the handler left unanswered (m.handle still set) is
// returned with hints (0, 0), so a lender never waits on a handler that ignores memory; a
// handler that keeps one to answer later sets m.handle = 0 itself. A Move is the handler's
// to keep or unmap.
template <class Handler>
abi::Error serve(const Server& server, Handler&& handler) {
  Message m{};
  abi::Error e = server.receive(&m);
  while (e == abi::Error::Ok) {
    Reply reply;
    const bool more = handler(m, reply);
    // One compare for the common case (a scalar): Borrow and MutableBorrow are kinds 2 and 3.
    if (static_cast<uint32_t>(m.kind()) - 2u <= 1u && m.handle) [[unlikely]] {
      (void)server.return_memory(m, 0, 0);
      m.handle = 0;
    }
    if (!more) {
      if (m.handle) (void)server.reply(m, reply.r_[0], reply.r_[1]);
      return abi::Error::Ok;
    }
    e = server.reply_and_receive(&m, reply.r_[0], reply.r_[1]);
  }
  return e;
}

// Memory and threads.
inline abi::Error map_memory(uint32_t va, uint32_t bytes, uint32_t flags, uint32_t* out) {
  const auto r = sys::map_memory(va, bytes, flags);
  if (r.error == abi::Error::Ok && out) *out = r.r[0];
  return r.error;
}

// Starts `entry(arg)` on a new thread with a fresh stack of `stack_bytes` (whole pages). The
// thread must end with sys::exit_thread(); returning from `entry` is a fault.
inline abi::Error spawn_thread(void (*entry)(uint32_t), uint32_t arg, uint32_t stack_bytes,
                               uint32_t priority, uint32_t* tid) {
  uint32_t stack = 0;
  const abi::Error e = map_memory(0, stack_bytes, abi::kMemRead | abi::kMemWrite, &stack);
  if (e != abi::Error::Ok) return e;
  const auto r = sys::create_thread(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(entry)),
                                    stack + stack_bytes, arg, priority);
  if (r.error == abi::Error::Ok && tid) *tid = r.r[0];
  return r.error;
}

}  // namespace courier
