// The one place that turns a HolderSpec into the Holder object of its kind.
#pragma once

#include <memory>

#include "sim/holders/holder.h"
#include "sim/scenario/scenario.h"

namespace distsim::sim {

// Every HolderKind has its class; the switch makes the compiler flag a kind added without one.
[[nodiscard]] std::unique_ptr<Holder> make_holder(const HolderContext& context,
                                                  const HolderSpec& spec);

}  // namespace distsim::sim
