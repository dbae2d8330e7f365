// Which holder kinds this build can simulate, and the one place that turns a HolderSpec into the
// Holder object of its kind.
#pragma once

#include <memory>

#include "sim/holder.h"
#include "sim/scenario.h"

namespace distsim::sim {

[[nodiscard]] bool holder_kind_supported(HolderKind kind);

// Requires holder_kind_supported(spec.kind).
[[nodiscard]] std::unique_ptr<Holder> make_holder(const HolderContext& context,
                                                  const HolderSpec& spec);

}  // namespace distsim::sim
