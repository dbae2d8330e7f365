// Builds the message of a failed DISTSIM_ASSERT and throws it.
#include "model/assert.h"

#include <fmt/format.h>

namespace distsim {

void assertion_failed(const char* condition, const char* file, int line) {
  throw AssertionFailure(fmt::format("assertion failed: {} ({}:{})", condition, file, line));
}

}  // namespace distsim
