// A count with its noun in the right number ("1 retry", "3 retries"), for the texts users read:
// the run summary, the HTML report, the evidence of a failed expectation and the checkers'
// violation messages.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace distsim::sim {

[[nodiscard]] inline std::string counted(uint64_t count, std::string_view one,
                                         std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

}  // namespace distsim::sim
