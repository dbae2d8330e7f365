// What a world is built from, decided before anything is built: the site configuration a scenario
// asks for, the share of each DP, the bytes the `filesystem` section puts on each volume, and the
// set-up check that refuses what the world cannot build.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/site_config.h"
#include "sim/scenario/scenario.h"

namespace distsim::sim {

// A part of a scenario this build cannot run, found before anything runs.
struct SetupProblem {
  SourcePosition position;
  std::string message;
};

// The site configuration a scenario asks for: the profile's defaults with its overrides.
[[nodiscard]] model::SiteConfig site_config_for(const SiteSpec& site);

// The share of a DP: its `share`, or '\\<name>\SMSPKGC$'.
[[nodiscard]] std::string dp_share_for(const DistributionPointSpec& dp);

// The bytes the `filesystem` section puts on each volume root (upper-cased root -> bytes).
// Requires paths the loader accepted.
[[nodiscard]] std::map<std::string, uint64_t> bytes_per_root(const Scenario& scenario);

// Everything in a loaded scenario the world cannot set up (files on a share that is not a DP's,
// more bytes on a DP share than its `free`), each with its position. Empty when it can run.
[[nodiscard]] std::vector<SetupProblem> unsupported_features(const Scenario& scenario);

}  // namespace distsim::sim
