// test_support.h — host stand-ins for the platform (see test_support.cc).
#pragma once

#include <string>

namespace courier::test {
// Everything the kernel console printed since the test last cleared it.
extern std::string console_output;
}  // namespace courier::test
