// The one place distsim reads the wall clock: `explore` measures elapsed real time for its
// progress line, its --time-limit and the result file's wall_seconds. Wall time only decides
// when a campaign stops starting seeds and when a shrink under way stops, never what a world does
// (worlds run on virtual time).
#pragma once

#include <cstdint>

namespace distsim::cli {

class WallClock {
 public:
  WallClock();  // starts now
  // Seconds since construction; monotonic, safe to call from any thread.
  [[nodiscard]] double elapsed_seconds() const;

 private:
  int64_t start_ns_ = 0;
};

}  // namespace distsim::cli
