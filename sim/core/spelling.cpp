// Suggestions for misspelt names (spelling.h).
#include "sim/core/spelling.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace distsim::sim {
namespace {

char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

size_t edit_distance(std::string_view left, std::string_view right) {
  std::vector<size_t> before(right.size() + 1);
  std::vector<size_t> previous(right.size() + 1);
  std::vector<size_t> current(right.size() + 1);
  for (size_t column = 0; column <= right.size(); ++column) previous[column] = column;
  for (size_t row = 1; row <= left.size(); ++row) {
    current[0] = row;
    for (size_t column = 1; column <= right.size(); ++column) {
      const bool same = lower_ascii(left[row - 1]) == lower_ascii(right[column - 1]);
      current[column] = std::min(
          {previous[column] + 1, current[column - 1] + 1, previous[column - 1] + (same ? 0 : 1)});
      if (row > 1 && column > 1 && lower_ascii(left[row - 1]) == lower_ascii(right[column - 2]) &&
          lower_ascii(left[row - 2]) == lower_ascii(right[column - 1])) {
        current[column] = std::min(current[column], before[column - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[right.size()];
}

std::optional<std::string_view> suggest(std::string_view word,
                                        std::span<const std::string_view> candidates) {
  constexpr size_t kCompareLengthMax = 64;  // longer words are not typos of our names
  if (word.size() > kCompareLengthMax) return std::nullopt;
  const size_t threshold = word.size() <= 4 ? 1 : 2;
  std::optional<std::string_view> best;
  size_t best_distance = threshold + 1;
  for (const std::string_view candidate : candidates) {
    if (candidate.size() > kCompareLengthMax) continue;
    const size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace distsim::sim
