// The small draws the scenario generator builds on: booleans, indices and counts, a pick from a
// fixed list, and text that stresses YAML quoting (indicators, quotes, words YAML reads as null
// or booleans, non-ASCII letters) for names, descriptions and Windows path components.
#pragma once

#include <rapidcheck.h>

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace distsim::testing::generator_draws {

inline bool draw_bool() { return *rc::gen::arbitrary<bool>(); }

// An index in [0, count).
inline size_t draw_index(size_t count) { return *rc::gen::inRange<size_t>(0, count); }

// A count in [0, count_max].
inline size_t draw_count(size_t count_max) { return *rc::gen::inRange<size_t>(0, count_max + 1); }

template <typename T, size_t kSize>
T draw_from(const std::array<T, kSize>& values) {
  return values[draw_index(kSize)];
}

// Non-empty text of at most `length_max` bytes.
[[nodiscard]] std::string draw_text(size_t length_max, bool multiline);
// A name of a holder or handle: usually an identifier, sometimes any text.
[[nodiscard]] std::string draw_name();
// One path component: characters Windows allows in names, with a non-ASCII letter now and then.
[[nodiscard]] std::string draw_component();
// A drive-letter path of one to three components.
[[nodiscard]] std::string draw_drive_path();

}  // namespace distsim::testing::generator_draws
