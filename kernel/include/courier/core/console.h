// core/console.h — the kernel's own output: the kernel log.
//
// kprintf formats into the kernel log, a ring of bytes in kernel memory. The kernel does not
// own the console: a userspace log server does (it holds the UART), and reads the log through
// the kernel_log syscall when the kernel sends it a notice (abi/log.h). Only the end of the
// machine — a panic, or the halt when process 1 ends — writes to the UART directly, after
// flushing what the log server has not read yet. Not reentrant, which is fine: the kernel is
// not preemptible.
#pragma once

#include <stdarg.h>
#include <stdint.h>

namespace courier {

void kputs(const char* s);
void kprintf(const char* fmt, ...);
void kvprintf(const char* fmt, va_list ap);

namespace klog {
inline constexpr uint32_t kSize = 4096;
// The longest line a process can put in the log (ProcessText: mark, shown bytes, newline).
// When the log is full its oldest line goes whole, up to kLineMax bytes at a time, so what is
// read after a loss starts where a line does: never in the middle of a process's line, where
// the rest could pass for a line of the kernel's.
inline constexpr uint32_t kLineMax = 256;
}  // namespace klog

// A process's own text in the kernel log (debug_write), written so that it can never read as
// the kernel's (abi/log.h): each line the process writes starts with its mark, "[pid N] ", which
// no line of the kernel's own starts with; a byte abi::log_shows() refuses (a carriage return,
// an escape, a backspace, any other control but a tab) is shown as \xNN; a '\n' ends the
// line, a line reaching kProcessLineWidth shown bytes goes on in a new marked line, and
// finish() ends the last one, so the kernel's next line (or another writer's) starts a line of
// its own. Feed it one write in pieces (put), then finish() it. Each line is assembled here and
// enters the log whole.
//
// One write puts at most kWriteBudget bytes of lines into the log (marks and escapes can make
// a write several times longer than it came, and the log keeps only kSize bytes anyway);
// what does not fit is not shown, and finish() says how many bytes that was, in a last marked
// line "[pid N] (debug_write: M bytes not shown)". So one call's time stays in proportion to
// what it was given, whatever the bytes are.
class ProcessText {
 public:
  static constexpr uint32_t kProcessLineWidth = 200;
  static constexpr uint32_t kWriteBudget = klog::kSize - klog::kLineMax;
  explicit ProcessText(uint32_t pid);
  void put(const char* s, uint32_t len);
  void finish();

 private:
  void end_line(uint32_t len, uint32_t taken);  // the line in line_[0, len) and its newline
  char line_[klog::kLineMax];                   // the mark, then the line's shown bytes
  uint32_t mark_len_;
  uint32_t len_;                    // bytes in line_, the mark's included
  uint32_t taken_ = 0;              // bytes of the write in the open line (0: none is open)
  uint32_t budget_ = kWriteBudget;  // what the write may still put in the log
  uint32_t unshown_ = 0;            // bytes of the write that did not fit
};

namespace klog {
// Set whenever the log is written: the end of a kernel entry tests this one flag (cheaply) and
// only then sees whether the reader needs a notice (Kernel::notify_log_reader clears it).
extern bool g_written;
// Bytes written and not yet read.
uint32_t unread();
// Takes up to `len` unread bytes into `out`; `lost` gets the bytes overwritten unread since
// the last read (the ring keeps the newest lines that fit in kSize bytes).
uint32_t read(char* out, uint32_t len, uint32_t* lost);
// The end of the machine: everything unread goes straight to the platform console.
void flush_to_console();
// Empties the log (host tests).
void reset();
}  // namespace klog

}  // namespace courier
