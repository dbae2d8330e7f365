// Small worlds for tests: the KB Q207416 situation built as a Scenario value in code, with the
// knobs the tests turn (how long the TEMP file is held, the retry policy, sizes).
#pragma once

#include <string>

#include "sim/scenario/scenario.h"

namespace distsim::testing {

struct KbWorldOptions {
  model::TimeUs lock_at_us = 0;
  model::TimeUs lock_for_us = 95 * model::kMicrosecondsPerMinute;
  model::TimeUs until_us = 2 * model::kMicrosecondsPerDay;
  uint64_t source_size_bytes = 4 * 1024 * 1024;
  uint64_t seed = 0;
};

// C:\WINNT\TEMP with setup.exe and data1.cab, DP01, package S0100001 at 0s from that folder, and
// a temp_user holding C:\WINNT\TEMP\~setup1.tmp exclusively.
[[nodiscard]] inline sim::Scenario kb_world(const KbWorldOptions& options) {
  sim::Scenario scenario;
  scenario.file = "kb_world";
  scenario.name = "KB Q207416 test world";
  scenario.seed = options.seed;
  scenario.until_us = options.until_us;
  scenario.filesystem.push_back({sim::FilesystemEntry::Kind::dir, "C:\\WINNT\\TEMP", 0, 0, {}});
  scenario.filesystem.push_back({sim::FilesystemEntry::Kind::file,
                                 "C:\\WINNT\\TEMP\\setup.exe",
                                 options.source_size_bytes,
                                 0,
                                 {}});
  scenario.filesystem.push_back({sim::FilesystemEntry::Kind::file,
                                 "C:\\WINNT\\TEMP\\data1.cab",
                                 options.source_size_bytes,
                                 0,
                                 {}});
  sim::DistributionPointSpec dp;
  dp.name = "DP01";
  scenario.distribution_points.push_back(dp);
  sim::PackageEvent package;
  package.id = "S0100001";
  package.name = "Office 2000 SR1";
  package.source = "C:\\WINNT\\TEMP";
  scenario.packages.push_back(package);
  sim::HolderSpec holder;
  holder.kind = sim::HolderKind::temp_user;
  holder.name = "setup-program";
  holder.path = "C:\\WINNT\\TEMP\\~setup1.tmp";
  holder.at = {sim::DurationSpec::Kind::constant, options.lock_at_us, 0};
  holder.hold_for = sim::DurationSpec{sim::DurationSpec::Kind::constant, options.lock_for_us, 0};
  scenario.holders.push_back(holder);
  return scenario;
}

[[nodiscard]] inline KbWorldOptions lock_for(model::TimeUs lock_for_us) {
  KbWorldOptions options;
  options.lock_for_us = lock_for_us;
  return options;
}

}  // namespace distsim::testing
