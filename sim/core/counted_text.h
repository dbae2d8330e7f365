// A count with its noun in the right number ("1 retry", "3 retries"), for the texts users read:
// the run summary, the HTML report, the evidence of a failed expectation and the checkers'
// violation messages.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace distsim::sim {

[[nodiscard]] inline std::string counted(uint64_t count, std::string_view one,
                                         std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

// DP shares a message names before counting the rest.
inline constexpr size_t kDpSharesShownMax = 4;

// "'A', 'B', 'C', 'D' and 6 more": the first `shown_max` items quoted, then a count of the rest,
// so that a message naming a scenario's DPs stays one short line at a thousand of them.
[[nodiscard]] inline std::string quoted_list(const std::vector<std::string>& items,
                                             size_t shown_max) {
  std::string text;
  for (size_t index = 0; index < items.size() && index < shown_max; ++index) {
    text += fmt::format("{}'{}'", index == 0 ? "" : ", ", items[index]);
  }
  if (items.size() > shown_max) text += fmt::format(" and {} more", items.size() - shown_max);
  return text;
}

}  // namespace distsim::sim
