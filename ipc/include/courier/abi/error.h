// abi/error.h — the error codes every system call and ring completion answers with.
//
// Values are ABI (returned in a0): append, never renumber. Ok is zero so user code can test
// `if (ret.error)`.
#pragma once

#include <stdint.h>

namespace courier::abi {

enum class Error : uint32_t {
  Ok = 0,
  NotSupported = 1,     // syscall number unknown, or its IPC path is not compiled in
  InvalidArgument = 2,  // a flag, size or enum value out of range
  BadAddress = 3,       // a user pointer/range that is unmapped, wraps, or is not the caller's
  OutOfMemory = 4,      // no free pages, or a per-process limit reached
  ServerNotFound = 5,   // no such server, or it died
  QueueFull = 6,        // the server's bounded queue is full (never a silent drop)
  InvalidHandle = 7,    // a CID, TID, PID or message handle that does not name a live object
  AccessDenied = 8,     // the object exists but the caller may not use it that way
  AlreadyExists = 9,    // e.g. a SID or an interrupt line already claimed
  WouldBlock = 10,      // a try_ call that would have had to wait
  LimitReached = 11,    // too many servers, threads, connections
  Interrupted = 12,     // a wait ended because the peer died
};

constexpr const char* error_name(Error e) {
  switch (e) {
    case Error::Ok: return "Ok";
    case Error::NotSupported: return "NotSupported";
    case Error::InvalidArgument: return "InvalidArgument";
    case Error::BadAddress: return "BadAddress";
    case Error::OutOfMemory: return "OutOfMemory";
    case Error::ServerNotFound: return "ServerNotFound";
    case Error::QueueFull: return "QueueFull";
    case Error::InvalidHandle: return "InvalidHandle";
    case Error::AccessDenied: return "AccessDenied";
    case Error::AlreadyExists: return "AlreadyExists";
    case Error::WouldBlock: return "WouldBlock";
    case Error::LimitReached: return "LimitReached";
    case Error::Interrupted: return "Interrupted";
  }
  return "Unknown";
}

}  // namespace courier::abi
