// Tests read JSON outputs with distsim's own strict reader (sim/report/json_value.h), so that
// they assert on structure instead of on substrings.
#pragma once

#include "sim/report/json_value.h"

namespace distsim::testing {

using sim::JsonReader;
using sim::JsonValue;

}  // namespace distsim::testing
