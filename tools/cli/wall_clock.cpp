// A monotonic clock (std::chrono::steady_clock), allowed here and only here by tests/tidy_test.cpp.
#include "tools/cli/wall_clock.h"

#include <chrono>

namespace distsim::cli {
namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

WallClock::WallClock() : start_ns_(now_ns()) {}

double WallClock::elapsed_seconds() const {
  return static_cast<double>(now_ns() - start_ns_) / 1e9;
}

}  // namespace distsim::cli
