// The scenario writer: a Scenario value back to YAML text that load_scenario_text() reads to an
// equal value. This is how a shrunk random counterexample becomes a committed regression file.
#pragma once

#include <string>

#include "sim/scenario/scenario.h"

namespace distsim::sim {

// YAML for `scenario`, sections in the order of SCENARIO-FORMAT.md; a key is left out only when
// its value is the format's default (an unset option, `compressed: false`, `count: 1`), and the
// values people look for (times, sizes, names) are always written. Requires a scenario the loader
// could have produced: valid UTF-8 text, names within their limits, flags that have names. Loading
// the text gives a scenario equal to with_positions_cleared(scenario) once its own positions are
// cleared. Two things do not survive: the interleaving of `id` and `sequence` entries of
// expect.status_messages (counts are written first, then sequences, each in order), and the
// positions themselves.
[[nodiscard]] std::string write_scenario_yaml(const Scenario& scenario);

// A copy of `scenario` with every SourcePosition zeroed and `file` emptied: the part of a
// scenario that a write/load round trip preserves, for comparisons with ==.
[[nodiscard]] Scenario with_positions_cleared(Scenario scenario);

}  // namespace distsim::sim
