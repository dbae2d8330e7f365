// The draws the world generator builds on (sim/check/world_generator.cpp): a Drawer over one
// random stream of a seed, and the parts of a world drawn from the "explore:windows" and
// "explore:mapping" streams (world_generator_windows.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "sim/check/world_generator.h"
#include "sim/core/prng.h"

namespace distsim::sim::generator_internal {

constexpr TimeUs kSecond = model::kMicrosecondsPerSecond;
constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;
constexpr TimeUs kHour = model::kMicrosecondsPerHour;

struct Drawer {
  Prng random;
  TimeUs horizon_us;
  bool random_durations = false;
  // The longest hold or fault the world draws; 0: a quarter of the run (generate_world says
  // when it is shorter).
  TimeUs longest_hold_us = 0;

  bool coin() { return random.uniform_below(2) == 1; }
  uint32_t between(uint32_t low, uint32_t high) {
    return low + static_cast<uint32_t>(random.uniform_below(high - low + 1));
  }
  TimeUs time_in_first_half() {
    return random.uniform_between(0, horizon_us / 4) / kSecond * kSecond;
  }
  TimeUs hold_length() {
    const TimeUs longest_us =
        longest_hold_us > 0 ? std::min(longest_hold_us, horizon_us / 4) : horizon_us / 4;
    return random.uniform_between(1, std::max<TimeUs>(longest_us / kMinute, 1)) * kMinute;
  }
  DurationSpec constant(TimeUs value_us) { return {DurationSpec::Kind::constant, value_us, 0}; }
  // Near `typical_us`: a constant, or with drawn durations a uniform range below it or an
  // exponential with a short mean (at most half of it and a sixty-fourth of the run, so that its
  // tail, Prng::kExponentialMeansMax means, does not reach far into the second half).
  DurationSpec around(TimeUs typical_us) {
    if (!random_durations || coin()) return constant(typical_us);
    if (coin()) return {DurationSpec::Kind::uniform, typical_us / 2, typical_us};
    const TimeUs mean_us = std::max<TimeUs>(std::min(typical_us / 2, horizon_us / 64), kSecond);
    return {DurationSpec::Kind::exponential, mean_us, 0};
  }
  // around() for how long a holder holds: an exponential's tail, too, stays within the world's
  // longest hold.
  DurationSpec hold_around(TimeUs typical_us) {
    DurationSpec hold = around(typical_us);
    if (hold.kind == DurationSpec::Kind::exponential && longest_hold_us > 0) {
      hold.value_us = std::max<TimeUs>(
          std::min(hold.value_us, longest_hold_us / Prng::kExponentialMeansMax), kSecond);
    }
    return hold;
  }
};

// A holder of `kind` on `path` (the scope of a scanner, indexer or backup agent), holding once
// within the first half of the run.
inline HolderSpec holder_of(Drawer& draw, HolderKind kind, std::string name, std::string path) {
  HolderSpec holder;
  holder.kind = kind;
  holder.name = std::move(name);
  const bool scoped =
      kind == HolderKind::antivirus || kind == HolderKind::indexer || kind == HolderKind::backup;
  if (scoped) {
    holder.scope = {std::move(path)};
  } else {
    holder.path = std::move(path);
  }
  holder.at = draw.around(draw.time_in_first_half());
  holder.hold_for = draw.hold_around(draw.hold_length());
  return holder;
}

// The Windows semantics a world switches on, from their own stream.
void draw_windows_features(Drawer& draw, SwarmFeatures& features);
// Temp files opened with delete-on-close, a program run from a source or DP file, and a
// read-only source file with an administrator who marks the DP copy read-only for a while.
void draw_windows_semantics(Drawer& draw, const SwarmFeatures& features, Scenario& scenario);
// A program that memory-maps the first package's file1.cab, in its source or on the first DP.
[[nodiscard]] HolderSpec mapping_holder(Drawer& draw, const Scenario& scenario);

}  // namespace distsim::sim::generator_internal
