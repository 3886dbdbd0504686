// panic_hook.cc — linked only into the panic-path test image: overrides the kernel's weak
// boot_hook() with one that panics, so the test can check the message and the exit code.
#include "courier/kstd/assert.h"

extern "C" void boot_hook() { KPANIC("deliberate panic from the panic-path test"); }
