// The read side of virtual time: what a component that only needs "now" (the file system's access
// log, a holder's trace records) sees of the kernel.
#pragma once

#include "model/time.h"

namespace distsim::sim {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual model::TimeUs now() const = 0;
};

}  // namespace distsim::sim
