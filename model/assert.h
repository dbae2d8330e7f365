// The project assertion: a failed check is a bug in distsim, never a user error. It stays on in
// every build (it does not depend on NDEBUG) and throws AssertionFailure so that the CLI can
// report the seed and exit with status 3 instead of dying silently.
#pragma once

#include <stdexcept>
#include <string>

namespace distsim {

class AssertionFailure : public std::logic_error {
 public:
  explicit AssertionFailure(const std::string& what) : std::logic_error(what) {}
};

[[noreturn]] void assertion_failed(const char* condition, const char* file, int line);

}  // namespace distsim

#define DISTSIM_ASSERT(condition) \
  ((condition) ? static_cast<void>(0) : ::distsim::assertion_failed(#condition, __FILE__, __LINE__))
