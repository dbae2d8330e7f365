// xoshiro256** (Blackman, Vigna), splitmix64 and FNV-1a, plus the distributions built on them.
#include "sim/core/prng.h"

#include <cmath>
#include <cstddef>

#include "model/assert.h"

namespace distsim::sim {
namespace {

constexpr uint64_t rotate_left(uint64_t value, int bits) {
  return (value << bits) | (value >> (64 - bits));
}

}  // namespace

uint64_t splitmix64_next(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ull;
  uint64_t mixed = state;
  mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ull;
  mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBull;
  return mixed ^ (mixed >> 31);
}

uint64_t fnv1a64(std::string_view text) {
  constexpr uint64_t kPrime = 0x100000001B3ull;
  uint64_t hash = 0xCBF29CE484222325ull;
  for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * kPrime;
  return hash;
}

Prng::Prng(uint64_t seed) {
  uint64_t splitmix_state = seed;
  for (uint64_t& word : state_) word = splitmix64_next(splitmix_state);
}

Prng Prng::from_state(const std::array<uint64_t, 4>& state) {
  DISTSIM_ASSERT((state[0] | state[1] | state[2] | state[3]) != 0);
  Prng prng;
  prng.state_ = state;
  return prng;
}

Prng Prng::stream(uint64_t seed, std::string_view name) {
  uint64_t mixer = seed ^ fnv1a64(name);
  return Prng(splitmix64_next(mixer));
}

uint64_t Prng::next() {
  const uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
  const uint64_t shifted = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= shifted;
  state_[3] = rotate_left(state_[3], 45);
  return result;
}

uint64_t Prng::uniform_below(uint64_t bound) {
  DISTSIM_ASSERT(bound > 0);
  const uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound: values below are biased
  for (int draw = 0; draw < 1024; ++draw) {
    const uint64_t value = next();
    if (value >= threshold) return value % bound;
  }
  DISTSIM_ASSERT(false);  // probability below 2^-1024
}

model::TimeUs Prng::uniform_between(model::TimeUs low_us, model::TimeUs high_us) {
  DISTSIM_ASSERT(low_us <= high_us);
  const auto span = static_cast<uint64_t>(high_us - low_us);
  if (span == UINT64_MAX) return low_us + static_cast<model::TimeUs>(next());
  return low_us + static_cast<model::TimeUs>(uniform_below(span + 1));
}

model::TimeUs Prng::exponential(model::TimeUs mean_us) {
  DISTSIM_ASSERT(mean_us >= 0);
  // 53 random bits give u in (0, 1]; -ln(u) is Exp(1). std::log is the same function for the
  // same build, which is all the determinism contract asks.
  const double unit = static_cast<double>((next() >> 11) + 1) * 0x1.0p-53;
  const double draw = -std::log(unit) * static_cast<double>(mean_us);
  const double cap = static_cast<double>(kExponentialMeansMax) * static_cast<double>(mean_us);
  return static_cast<model::TimeUs>(draw < cap ? draw : cap);
}

}  // namespace distsim::sim
