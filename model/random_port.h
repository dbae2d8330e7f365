// The randomness port: the manager draws jitter through it, so every draw comes from the run's
// seeded generator and a run replays exactly.
#pragma once

#include <cstdint>

namespace distsim::model {

class RandomPort {
 public:
  virtual ~RandomPort() = default;
  // Uniform in [0, bound); requires bound > 0.
  [[nodiscard]] virtual uint64_t uniform_below(uint64_t bound) = 0;
};

}  // namespace distsim::model
