// The worlds the benchmarks run, built as Scenario values in code: the KB Q207416 small world and
// its variations (what a random explorer generates), a bigger "campus" world, and the site-scale
// world of the performance targets (N packages, 50 DPs, 20 files each, a month, with lock
// holders).
#pragma once

#include <cstdint>
#include <string>

#include "sim/scenario/scenario.h"

namespace distsim::bench {

// Variation `index` of the KB Q207416 world: C:\WINNT\TEMP with two to four files, one DP, one
// package at 0s, a temp_user holding a file in the folder for 0 to 179 minutes, and on odd
// indexes an Explorer window on the folder as well; seed = index, one day of virtual time.
[[nodiscard]] sim::Scenario kb_variation(uint64_t index);

// 20 packages (10 files each) arriving over a day, 5 DPs, 6 holders, a week of virtual time.
[[nodiscard]] sim::Scenario campus_world();

struct SiteWorldOptions {
  uint32_t package_count = 1'000;
  uint32_t dp_count = 50;
  uint32_t files_per_package = 20;
  uint64_t package_size_bytes = 10ull * 1024 * 1024;  // split evenly over its files
  // 0 = every DP (the site-scale spec); otherwise each package goes to this many DPs, chosen
  // round-robin, which keeps the number of VFS nodes under sim::kFilesystemNodesMax.
  uint32_t dps_per_package = 0;
  uint32_t holders_per_thousand_packages = 100;  // each aimed at one package's source folder
  uint32_t days = 30;                            // horizon; packages arrive over the first 5/6
  uint64_t seed = 1;
};

// The site-scale world. Per-package holders cycle through the kinds this build supports
// (temp_user, explorer_window, script, dp_client), each interfering with one package around its
// arrival; one antivirus, one indexer and a weekly plain backup watch the sources.
[[nodiscard]] sim::Scenario site_world(const SiteWorldOptions& options);

// VFS nodes the site world needs once every package reached every one of its DPs (volume roots,
// directories and files), to compare with sim::kFilesystemNodesMax before running.
[[nodiscard]] uint64_t site_world_nodes_needed(const SiteWorldOptions& options);

}  // namespace distsim::bench
