// The small draws the scenario generator builds on: booleans, indices and counts, a pick from a
// fixed list, small values (times, sizes, masks, errors), and text that stresses YAML quoting
// (indicators, quotes, words YAML reads as null or booleans, non-ASCII letters) for names,
// descriptions and Windows path components.
#pragma once

#include <rapidcheck.h>

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "model/file_access.h"
#include "model/time.h"
#include "model/win32_error.h"
#include "sim/scenario/scenario.h"

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

inline constexpr model::TimeUs kWeekUs = 7 * model::kMicrosecondsPerDay;

// A time in [low_us, high_us], a whole number of some unit above low_us (so that the text shows
// every unit, from 15us to 3d).
[[nodiscard]] model::TimeUs draw_time(model::TimeUs low_us, model::TimeUs high_us);
[[nodiscard]] model::TimeUs draw_positive_duration(model::TimeUs high_us);
// A duration spec; `positive`: a constant is never 0 (`for`, `every`).
[[nodiscard]] sim::DurationSpec draw_duration_spec(model::TimeUs high_us, bool positive);
// At most 10,000GB, so that the four entries of one drive stay within kVolumeBytesMax.
[[nodiscard]] uint64_t draw_size();
// Bits per second, a whole number of bytes (what site read_bandwidth needs) when `bytes`.
[[nodiscard]] uint64_t draw_bandwidth(bool bytes);
[[nodiscard]] sim::CountRange draw_count_range();
[[nodiscard]] model::AccessMask draw_access();
[[nodiscard]] model::ShareMode draw_share();
[[nodiscard]] model::Win32Error draw_error(bool allow_ok);

// Non-empty text of at most `length_max` bytes.
[[nodiscard]] std::string draw_text(size_t length_max, bool multiline);
// A name of a holder or handle: usually an identifier, sometimes any text of one line.
[[nodiscard]] std::string draw_name();
// A holder's name: draw_name() without spaces, which blame strings split on.
[[nodiscard]] std::string draw_holder_name();
// One path component: characters Windows allows in names, with a non-ASCII letter now and then.
[[nodiscard]] std::string draw_component();
// A drive-letter path of one to three components.
[[nodiscard]] std::string draw_drive_path();

}  // namespace distsim::testing::generator_draws
