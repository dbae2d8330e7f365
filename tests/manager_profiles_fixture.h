// Small worlds for the manager's profile tests, built in code, and questions about their
// Distmgr.log lines.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.h"
#include "sim/world/world.h"

namespace distsim::sim {

// A world with one source file per package under D:\Src\<letter>, and the named DPs.
inline Scenario small_site(model::Profile profile, int package_count,
                           std::vector<std::string> dps) {
  Scenario scenario;
  scenario.file = "small_site";
  scenario.name = "small site";
  scenario.until_us = model::kMicrosecondsPerDay;
  scenario.site.profile = profile;
  for (int index = 0; index < package_count; ++index) {
    const std::string folder = std::string("D:\\Src\\") + static_cast<char>('A' + index);
    scenario.filesystem.push_back(
        {FilesystemEntry::Kind::file, folder + "\\app.msi", 1 << 20, 0, {}});
    PackageEvent package;
    package.id = "S01000" + std::to_string(10 + index);
    package.name = "App " + std::to_string(index);
    package.source = folder;
    scenario.packages.push_back(package);
  }
  for (const std::string& name : dps) {
    DistributionPointSpec dp;
    dp.name = name;
    scenario.distribution_points.push_back(dp);
  }
  return scenario;
}

// Whether the run logged a line that is exactly `text` (the trailer aside).
inline bool has_line(const RunResult& run, std::string_view text) {
  return std::any_of(run.log_lines.begin(), run.log_lines.end(),
                     [text](const LogLine& line) { return line.text == text; });
}

// Whether the run logged a line that begins with `prefix`.
inline bool has_line_starting(const RunResult& run, std::string_view prefix) {
  return std::any_of(run.log_lines.begin(), run.log_lines.end(),
                     [prefix](const LogLine& line) { return line.text.rfind(prefix, 0) == 0; });
}

}  // namespace distsim::sim
