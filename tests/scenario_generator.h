// A RapidCheck generator of scenarios that the loader accepts: every section and key of
// scenarios/FORMAT.md, valid by construction (package ids are the site code and five hex digits,
// times lie within `until`, script handles are opened before use, references name declared DPs
// and packages). The scenarios need not be runnable; they exercise the writer and the schema.
#pragma once

#include <rapidcheck.h>

#include "sim/scenario/scenario.h"

namespace distsim::testing {

[[nodiscard]] rc::Gen<sim::Scenario> valid_scenario();

}  // namespace distsim::testing
