// The project's pseudo-random generator: xoshiro256** seeded through splitmix64, with named
// sub-streams derived from (run seed, component name) so that adding a holder never changes the
// draws of another. Our own distributions only: <random> distributions differ between standard
// libraries and are banned.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "model/random_port.h"
#include "model/time.h"

namespace distsim::sim {

// One step of splitmix64 (Steele, Lea, Flood): advances state and returns the next output.
[[nodiscard]] uint64_t splitmix64_next(uint64_t& state);

// FNV-1a 64-bit hash of a string: stable across platforms and builds (unlike std::hash).
[[nodiscard]] uint64_t fnv1a64(std::string_view text);

class Prng final : public model::RandomPort {
 public:
  // State filled by four splitmix64 outputs from seed.
  explicit Prng(uint64_t seed);
  // The raw state, for known-answer tests of the generator itself.
  static Prng from_state(const std::array<uint64_t, 4>& state);
  // The sub-stream of a component: Prng(seed ^ fnv1a64(name)) mixed once more.
  static Prng stream(uint64_t seed, std::string_view name);

  [[nodiscard]] uint64_t next();
  // Uniform in [0, bound), unbiased (rejection sampling); requires bound > 0.
  [[nodiscard]] uint64_t uniform_below(uint64_t bound) override;
  // Uniform in [low, high]; requires low <= high.
  [[nodiscard]] model::TimeUs uniform_between(model::TimeUs low_us, model::TimeUs high_us);
  // Exponentially distributed with the given mean, by inversion; capped at
  // kExponentialMeansMax x the mean.
  [[nodiscard]] model::TimeUs exponential(model::TimeUs mean_us);
  static constexpr int64_t kExponentialMeansMax = 50;

 private:
  Prng() = default;
  std::array<uint64_t, 4> state_{};
};

}  // namespace distsim::sim
