// The parts of a generated world drawn from streams of their own, so that switching them never
// changes the rest of a seed's world: the Windows semantics ("explore:windows": delete-on-close
// temp files, programs run from a file, read-only files) and memory-mapped views
// ("explore:mapping").
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "model/assert.h"
#include "sim/check/world_drawer.h"

namespace distsim::sim::generator_internal {
namespace {

ScriptStep script_step(ScriptStep::Action action, TimeUs at_us, std::string path) {
  ScriptStep step;
  step.action = action;
  step.at_us = at_us;
  step.path = std::move(path);
  return step;
}

// The first package's copy of file1.cab on the first DP (where dp_client holders run it too).
std::string dp_file(const Scenario& scenario) {
  return fmt::format("\\\\{}\\SMSPKGC$\\{}\\file1.cab", scenario.distribution_points.front().name,
                     scenario.packages.front().id);
}

// The first package's file1.cab, in its source or (half the time) on the first DP.
std::string source_or_dp_file(Drawer& draw, const Scenario& scenario) {
  return draw.coin() ? scenario.packages.front().source + "\\file1.cab" : dp_file(scenario);
}

// A program that runs file1.cab from the package source or from the DP (an image section: writes
// fail with 32, deletes with 5) and exits within the first half of the run.
HolderSpec program_holder(Drawer& draw, const Scenario& scenario) {
  HolderSpec holder;
  holder.kind = HolderKind::script;
  holder.name = "program";
  const TimeUs start_us = draw.time_in_first_half();
  const std::string path = source_or_dp_file(draw, scenario);
  ScriptStep run = script_step(ScriptStep::Action::run, start_us, path);
  run.access = kRunAccess;
  run.share = kRunShare;
  run.handle_name = "p";
  holder.steps.push_back(run);
  ScriptStep exit = script_step(ScriptStep::Action::exit, start_us + draw.hold_length(), "");
  exit.handle_name = "p";
  holder.steps.push_back(exit);
  return holder;
}

// An administrator who marks the DP's copy read-only for a while (the manager's overwrite and
// delete then fail with 5), looks at its attributes, and clears the source file's attribute.
// The DP's attribute is cleared once the DP answers again: a clearing that a DP fault refused
// would leave the copy read-only for good, and no retry could install the package.
HolderSpec attributes_holder(Drawer& draw, const Scenario& scenario, const std::string& source) {
  HolderSpec holder;
  holder.kind = HolderKind::script;
  holder.name = "attrib";
  const TimeUs set_us = draw.time_in_first_half();
  TimeUs clear_us = set_us + draw.hold_length();
  for (const FaultSpec& fault : scenario.faults) {
    const bool on_dp = fault.target == scenario.distribution_points.front().name;
    if (on_dp && fault.kind != FaultSpec::Kind::crash && fault.at_us <= clear_us) {
      clear_us = std::max(clear_us,
                          fault.at_us + fault.for_us.value_or(0) + model::kMicrosecondsPerSecond);
    }
  }
  // The source file is read-only from the start: where the world bounds its holds, the mark
  // goes within the longest hold, like any other hold of a source file.
  const TimeUs source_clear_us =
      draw.longest_hold_us > 0 ? std::min(clear_us, draw.longest_hold_us) : clear_us;
  ScriptStep set = script_step(ScriptStep::Action::set_attributes, set_us, dp_file(scenario));
  set.read_only = true;
  holder.steps.push_back(set);
  holder.steps.push_back(
      script_step(ScriptStep::Action::get_attributes, set_us, dp_file(scenario)));
  holder.steps.push_back(
      script_step(ScriptStep::Action::set_attributes, clear_us, dp_file(scenario)));
  holder.steps.push_back(script_step(ScriptStep::Action::set_attributes, source_clear_us, source));
  holder.steps.push_back(script_step(ScriptStep::Action::get_attributes, source_clear_us, source));
  std::stable_sort(holder.steps.begin(), holder.steps.end(),
                   [](const ScriptStep& a, const ScriptStep& b) { return a.at_us < b.at_us; });
  return holder;
}

}  // namespace

void draw_windows_features(Drawer& draw, SwarmFeatures& features) {
  features.delete_on_close = draw.coin();
  features.images = draw.coin();
  features.read_only = draw.coin();
}

// A program that memory-maps file1.cab, in the package source or on the DP, and keeps only the
// view once its handle is closed: read-write from a writable handle (opens that do not share write
// then fail with 32), else read-only or copy-on-write (truncating opens fail with 1224); deletes
// fail with 5 either way. A view of the DP copy is a client's over the network, whose effect on
// the server is distsim's assumption (sim/fs/README.md). The view goes within the first three
// quarters of the run.
HolderSpec mapping_holder(Drawer& draw, const Scenario& scenario) {
  HolderSpec holder;
  holder.kind = HolderKind::script;
  holder.name = "mapper";
  const TimeUs start_us = draw.time_in_first_half();
  const std::string path = source_or_dp_file(draw, scenario);
  const bool writable = draw.coin();
  ScriptStep open = script_step(ScriptStep::Action::open, start_us, path);
  open.access =
      writable
          ? model::AccessMask{model::access_bits::kGenericRead | model::access_bits::kGenericWrite}
          : model::AccessMask{model::access_bits::kGenericRead};
  open.share = model::ShareMode{model::share_bits::kRead | model::share_bits::kWrite};
  open.handle_name = "h";
  holder.steps.push_back(open);
  ScriptStep map = script_step(ScriptStep::Action::map, start_us, "");
  map.handle_name = "h";
  map.section_name = "v";
  map.protection = writable      ? PageProtection::readwrite
                   : draw.coin() ? PageProtection::readonly
                                 : PageProtection::writecopy;
  holder.steps.push_back(map);
  ScriptStep close = script_step(ScriptStep::Action::close, start_us, "");
  close.handle_name = "h";
  holder.steps.push_back(close);
  ScriptStep unmap = script_step(ScriptStep::Action::unmap, start_us + draw.hold_length(), "");
  unmap.handle_name = "v";
  holder.steps.push_back(unmap);
  return holder;
}

void draw_windows_semantics(Drawer& draw, const SwarmFeatures& features, Scenario& scenario) {
  if (features.delete_on_close) {
    bool any = false;
    for (HolderSpec& holder : scenario.holders) {
      if (holder.kind != HolderKind::temp_user) continue;
      holder.delete_on_close = true;
      any = true;
    }
    if (!any) {
      HolderSpec holder = holder_of(draw, HolderKind::temp_user, "setup-temp",
                                    scenario.packages.front().source + "\\~setup.tmp");
      holder.delete_on_close = true;
      scenario.holders.push_back(holder);
    }
  }
  if (features.images) scenario.holders.push_back(program_holder(draw, scenario));
  if (features.read_only) {
    std::vector<FilesystemEntry*> files;
    for (FilesystemEntry& entry : scenario.filesystem) {
      if (entry.kind == FilesystemEntry::Kind::file) files.push_back(&entry);
    }
    FilesystemEntry& chosen = *files[draw.between(0, static_cast<uint32_t>(files.size() - 1))];
    chosen.read_only = true;
    scenario.holders.push_back(attributes_holder(draw, scenario, chosen.path));
  }
}

}  // namespace distsim::sim::generator_internal
