// Suggestions for misspelt names: the candidate within a small edit distance of a word, for the
// "did you mean" of the scenario loader's keys and names and of the command line's flags.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace distsim::sim {

// Optimal string alignment distance (a transposition counts as one edit), ignoring ASCII case.
[[nodiscard]] size_t edit_distance(std::string_view left, std::string_view right);

// The candidate within a small edit distance of `word` (ignoring ASCII case), if any: one edit
// for words of up to four characters, two for longer ones; the first of equally close ones.
[[nodiscard]] std::optional<std::string_view> suggest(std::string_view word,
                                                      std::span<const std::string_view> candidates);

}  // namespace distsim::sim
