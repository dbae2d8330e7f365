// Draws valid scenarios section by section. Each draw_* function runs inside rc::gen::exec and
// keeps the loader's rules as it goes: the Registry remembers the DPs, packages and the site code
// that later sections refer to.
#include "scenario_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/status_message.h"
#include "scenario_generator_draws.h"
#include "sim/core/limits.h"

namespace distsim::testing {
namespace {

using namespace generator_draws;
using model::TimeUs;
using sim::DurationSpec;

// ---------------------------------------------------------------------------------------------
// What later sections refer to.

struct Registry {
  std::string site_code = "S01";
  TimeUs until_us = 0;
  std::vector<sim::DistributionPointSpec> dps;
  std::vector<sim::PackageEvent> created;  // the create events
};

// A non-empty subset of `names` without repeats, in a drawn order.
std::vector<std::string> draw_subset(const std::vector<std::string>& names) {
  std::vector<std::string> subset;
  for (const std::string& name : names) {
    if (draw_bool()) subset.push_back(name);
  }
  if (subset.empty()) subset.push_back(names[draw_index(names.size())]);
  if (draw_bool()) std::reverse(subset.begin(), subset.end());
  return subset;
}

std::vector<std::string> dp_names(const Registry& registry) {
  std::vector<std::string> names;
  for (const auto& dp : registry.dps) names.push_back(dp.name);
  return names;
}

// The DPs a package goes to: its list, or every DP.
std::vector<std::string> package_dps(const Registry& registry, const sim::PackageEvent& package) {
  return package.distribution_points.empty() ? dp_names(registry) : package.distribution_points;
}

// ---------------------------------------------------------------------------------------------
// Sections.
sim::RetrySpec draw_retry() {
  sim::RetrySpec retry;
  if (draw_bool()) {
    retry.count_given = true;
    if (draw_bool()) retry.count = *rc::gen::inRange<uint32_t>(0, model::kRetryCountMax + 1);
  }
  if (draw_bool()) retry.delay_us = draw_positive_duration(kWeekUs);
  if (draw_bool()) {
    retry.backoff = draw_bool() ? model::Backoff::fixed : model::Backoff::exponential;
  }
  if (draw_bool()) {
    constexpr std::array<model::Jitter, 4> kJitters{model::Jitter::none, model::Jitter::full,
                                                    model::Jitter::equal,
                                                    model::Jitter::decorrelated};
    retry.jitter = draw_from(kJitters);
  }
  const bool exponential = retry.backoff == model::Backoff::exponential;
  if (exponential && draw_bool()) {
    retry.multiplier_milli = *rc::gen::inRange<uint32_t>(1000, model::kMultiplierMilliMax + 1);
  }
  const bool jitter = retry.jitter && *retry.jitter != model::Jitter::none;
  if ((exponential || jitter) && draw_bool()) retry.max_delay_us = draw_positive_duration(kWeekUs);
  if (draw_bool()) retry.deadline_us = draw_positive_duration(30 * kWeekUs);
  if (draw_bool()) {
    retry.retry_on.emplace();  // never empty: the loader refuses `retry_on: []`
    for (size_t count = draw_count(3) + 1; count > 0; --count) {
      retry.retry_on->push_back(draw_error(false));
    }
  }
  if (draw_bool()) {
    retry.delay_from =
        draw_bool() ? model::DelayFrom::attempt_end : model::DelayFrom::attempt_start;
  }
  return retry;
}

model::SeverityThresholds draw_thresholds() {  // one in eight with Critical off (0)
  const auto warning_at = *rc::gen::inRange<uint32_t>(0, 10'000);
  return {warning_at,
          *rc::gen::inRange(0, 8) == 0 ? 0 : warning_at + *rc::gen::inRange(0u, 10'000u)};
}

// The site keys distsim adds to the format.
void draw_site_additions(sim::SiteSpec& site) {
  if (draw_bool()) {
    constexpr std::array<model::LogFormat, 3> kFormats{
        model::LogFormat::sms2, model::LogFormat::numeric, model::LogFormat::cmtrace};
    site.log_format = draw_from(kFormats);
  }
  if (draw_bool()) site.outgoing_bandwidth_bytes_per_second = draw_bandwidth(true) / 8;
  if (draw_bool()) site.retry_on_wake = draw_bool();
  if (draw_bool()) site.retry_on_wake_after_us = draw_time(0, kWeekUs);
  if (draw_bool()) site.update_deletes_dp_folder = draw_bool();
  if (draw_bool()) site.compression_per_mille = *rc::gen::inRange<uint32_t>(1, 1001);
  if (draw_bool()) {
    site.status_thresholds =
        model::ComponentStatusThresholds{draw_thresholds(), draw_thresholds(), draw_thresholds()};
  }
}

sim::SiteSpec draw_site(Registry& registry) {
  sim::SiteSpec site;
  if (draw_bool()) {
    constexpr std::array<const char*, 5> kCodes{"S01", "ABC", "X9Z", "123", "P0Q"};
    site.code = draw_from(kCodes);
    registry.site_code = *site.code;
  }
  if (draw_bool()) site.server = draw_text(sim::kNameLengthMax, false);
  constexpr std::array<model::Profile, 3> kProfiles{
      model::Profile::sms2, model::Profile::configmgr2007, model::Profile::configmgr2012};
  site.profile = draw_from(kProfiles);
  site.retry = draw_retry();
  if (draw_bool())
    site.max_packages = *rc::gen::inRange<uint32_t>(1, sim::kConcurrentPackagesMax + 1);
  if (draw_bool()) {
    site.threads_per_package = *rc::gen::inRange<uint32_t>(1, sim::kThreadsPerPackageMax + 1);
  }
  if (draw_bool()) site.source_open_access = draw_access();
  if (draw_bool()) site.source_open_share = draw_share();
  if (draw_bool()) {
    site.source_open_retries = *rc::gen::inRange<uint32_t>(0, sim::kSourceOpenRetriesMax + 1);
  }
  if (draw_bool()) {
    site.source_open_retry_interval_us = draw_positive_duration(sim::kSourceOpenRetryIntervalMaxUs);
  }
  if (draw_bool()) site.read_bandwidth_bytes_per_second = draw_bandwidth(true) / 8;
  draw_site_additions(site);
  return site;
}

std::vector<sim::FilesystemEntry> draw_filesystem() {
  std::vector<sim::FilesystemEntry> entries(draw_count(4));
  for (sim::FilesystemEntry& entry : entries) {
    entry.path = draw_drive_path();
    switch (draw_index(3)) {
      case 0:
        entry.kind = sim::FilesystemEntry::Kind::dir;
        break;
      case 1:
        entry.kind = sim::FilesystemEntry::Kind::file;
        entry.size_bytes = draw_size();
        entry.read_only = draw_bool();
        break;
      default:
        entry.kind = sim::FilesystemEntry::Kind::tree;
        entry.file_count = *rc::gen::inRange<uint32_t>(1, 200);
        entry.size_bytes = draw_size();
    }
  }
  return entries;
}

// DP names use host-name characters and differ ignoring case; some need quotes in YAML.
void draw_distribution_points(Registry& registry) {
  constexpr std::array<const char*, 8> kNames{"DP", "dp", "null", "yes", "1", "Y", "dp.a", "d-p_"};
  std::set<std::string> upper_names;
  for (size_t index = draw_count(3); index > 0; --index) {
    sim::DistributionPointSpec dp;
    dp.name = draw_from(kNames);
    if (draw_bool()) dp.name += std::to_string(index);
    std::string upper = dp.name;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) {
      return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    });
    if (!upper_names.insert(upper).second) continue;
    if (draw_bool()) dp.share = fmt::format("\\\\SRV{}\\PKG{}$", index, draw_count(9));
    dp.bandwidth_bits_per_second = draw_bandwidth(false);
    dp.free_bytes = draw_size();
    registry.dps.push_back(std::move(dp));
  }
}

void draw_package_creates(Registry& registry) {
  std::set<uint32_t> numbers;
  for (size_t count = draw_count(3); count > 0; --count) {
    const auto number = *rc::gen::inRange<uint32_t>(0, 0x100000);
    if (!numbers.insert(number).second) continue;
    sim::PackageEvent event;
    event.id = fmt::format("{}{:05X}", registry.site_code, number);
    event.name = draw_bool() ? event.id : draw_text(sim::kNameLengthMax, false);
    event.source = draw_drive_path();
    event.at_us = draw_time(0, registry.until_us);
    if (!registry.dps.empty() && draw_bool()) {
      event.distribution_points = draw_subset(dp_names(registry));
    }
    event.compressed = draw_bool();
    registry.created.push_back(std::move(event));
  }
}

// Updates and refreshes of created packages, at or after the creation.
std::vector<sim::PackageEvent> draw_package_changes(const Registry& registry) {
  std::vector<sim::PackageEvent> changes;
  if (registry.created.empty()) return changes;
  for (size_t count = draw_count(2); count > 0; --count) {
    const sim::PackageEvent& package = registry.created[draw_index(registry.created.size())];
    sim::PackageEvent event;
    event.kind = draw_bool() ? sim::PackageEvent::Kind::update : sim::PackageEvent::Kind::refresh;
    event.id = package.id;
    event.at_us = draw_time(package.at_us, registry.until_us);
    const auto targets = package_dps(registry, package);
    if (event.kind == sim::PackageEvent::Kind::refresh && !targets.empty() && draw_bool()) {
      event.distribution_points = draw_subset(targets);
    }
    changes.push_back(std::move(event));
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Holders.

// A step's target: close, lock, unlock and write name a bound file handle, exit a running
// program; open and run may bind a name that stands for nothing else at the time.
void draw_step_target(sim::ScriptStep& step, std::vector<std::string>& handles,
                      std::vector<std::string>& programs) {
  using Action = sim::ScriptStep::Action;
  if (step.action == Action::open || step.action == Action::run) {
    step.path = draw_drive_path();
    step.access = draw_access();
    step.share = draw_share();
    if (step.action == Action::open) step.delete_on_close = draw_bool();
    if (draw_index(4) == 0) return;
    step.handle_name = draw_name();
    std::vector<std::string> bound = handles;
    bound.insert(bound.end(), programs.begin(), programs.end());
    if (std::find(bound.begin(), bound.end(), step.handle_name) != bound.end()) {
      step.handle_name.clear();  // already bound: this step binds no name
    } else {
      (step.action == Action::open ? handles : programs).push_back(step.handle_name);
    }
    return;
  }
  if (step.action == Action::delete_file || step.action == Action::rename ||
      step.action == Action::get_attributes || step.action == Action::set_attributes) {
    step.path = draw_drive_path();
    if (step.action == Action::rename) step.to = draw_drive_path();
    if (step.action == Action::set_attributes) step.read_only = draw_bool();
    return;
  }
  std::vector<std::string>& names = step.action == Action::exit ? programs : handles;
  const size_t handle = draw_index(names.size());
  step.handle_name = names[handle];
  if (step.action == Action::close || step.action == Action::exit)
    names.erase(names.begin() + static_cast<std::ptrdiff_t>(handle));
  if (step.action == Action::lock || step.action == Action::unlock) {
    step.offset = *rc::gen::arbitrary<uint64_t>();
    step.length = std::max<uint64_t>(1, draw_size());
  }
  if (step.action == Action::lock) step.exclusive = draw_bool();
}

// The steps of a script, in time order.
std::vector<sim::ScriptStep> draw_steps(TimeUs until_us) {
  using Action = sim::ScriptStep::Action;
  // Actions needing nothing bound first, then those needing a program, then a file handle.
  constexpr std::array<Action, 11> kActions{
      Action::open,           Action::delete_file,    Action::rename, Action::run,
      Action::get_attributes, Action::set_attributes, Action::exit,   Action::close,
      Action::lock,           Action::unlock,         Action::write};
  std::vector<sim::ScriptStep> steps;
  std::vector<std::string> handles, programs;
  TimeUs at_us = 0;
  const size_t count = *rc::gen::inRange<size_t>(1, 11);
  for (size_t index = 0; index < count; ++index) {
    sim::ScriptStep step;
    step.at_us = at_us = draw_time(at_us, until_us);
    // With a handle bound, every other step uses one, each of the four actions alike at every
    // size (inRange favours small values at small sizes), so that the schema test's few hundred
    // scenarios use every key.
    if (!handles.empty() && draw_bool()) {
      step.action =
          kActions[7 + *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<size_t>(0, 4))];
    } else {
      std::vector<Action> possible(kActions.begin(), kActions.begin() + 6);
      if (!programs.empty()) possible.push_back(Action::exit);
      step.action = possible[draw_index(possible.size())];
    }
    draw_step_target(step, handles, programs);
    if (draw_bool()) step.expect = draw_error(true);
    steps.push_back(std::move(step));
  }
  return steps;
}

void draw_holder_timing(TimeUs until_us, sim::HolderSpec& holder) {
  holder.at = draw_duration_spec(until_us, false);
  switch (draw_index(3)) {
    case 0:
      holder.hold_for = draw_duration_spec(until_us, true);
      break;
    case 1: {
      const bool constant = holder.at.kind == DurationSpec::Kind::constant;
      if (constant) {
        holder.until = DurationSpec{DurationSpec::Kind::constant,
                                    draw_time(constant ? holder.at.value_us : 0, until_us), 0};
      } else {
        holder.until = draw_duration_spec(until_us, false);
      }
      break;
    }
    default:
      break;  // held until the end of the run
  }
  if (draw_bool()) {
    holder.every = draw_duration_spec(until_us, true);
    holder.count = *rc::gen::inRange<uint32_t>(1, 100);
  }
}

// The keys that depend on the holder's kind; nullopt-valued ones only sometimes.
void draw_holder_options(const Registry& registry, sim::HolderSpec& holder) {
  using sim::HolderKind;
  const HolderKind kind = holder.kind;
  // A last component no filesystem entry can have (draw_component never makes it), so that a
  // window never names a declared file nor a TEMP user a declared folder, which the loader refuses.
  if (kind == HolderKind::explorer_window) holder.path = draw_drive_path() + "\\Window";
  if (kind == HolderKind::temp_user) holder.path = draw_drive_path() + "\\~holder.tmp";
  if (kind == HolderKind::dp_client) {
    const auto& dp = registry.dps[draw_index(registry.dps.size())];
    holder.path =
        dp.share.value_or(fmt::format("\\\\{}\\SMSPKGC$", dp.name)) + "\\" + draw_component();
  }
  if (kind == HolderKind::antivirus || kind == HolderKind::indexer || kind == HolderKind::backup) {
    holder.scope = {draw_drive_path()};
  }
  if (kind == HolderKind::explorer_window) {
    holder.thumbnails = draw_bool();
    if (holder.thumbnails && draw_bool()) holder.thumbnails_access = draw_access();
    if (holder.thumbnails && draw_bool()) holder.thumbnails_share = draw_share();
  }
  if (kind == HolderKind::temp_user) holder.size_bytes = draw_size();
  if (kind == HolderKind::temp_user) holder.delete_on_close = draw_bool();
  if (kind == HolderKind::dp_client) holder.image = draw_bool();
  if (kind == HolderKind::backup) {
    holder.backup_mode = draw_bool() ? sim::BackupMode::vss : sim::BackupMode::plain;
  }
  if (kind == HolderKind::antivirus && draw_bool()) {
    holder.antivirus_on.emplace();
    if (draw_bool()) holder.antivirus_on->push_back(sim::AntivirusTrigger::write_close);
    if (draw_bool()) holder.antivirus_on->push_back(sim::AntivirusTrigger::open);
    if (draw_bool()) std::reverse(holder.antivirus_on->begin(), holder.antivirus_on->end());
  }
  if ((kind == HolderKind::antivirus || kind == HolderKind::backup) && draw_bool()) {
    holder.per_mb = draw_duration_spec(model::kMicrosecondsPerMinute, false);
  }
  if (kind == HolderKind::indexer && draw_bool()) {
    holder.delay = draw_duration_spec(model::kMicrosecondsPerHour, false);
  }
  if (kind != HolderKind::script && draw_bool()) holder.access = draw_access();
  if (kind != HolderKind::script && draw_bool()) holder.share = draw_share();
  if (kind == HolderKind::script) holder.steps = draw_steps(registry.until_us);
}

std::vector<sim::HolderSpec> draw_holders(const Registry& registry) {
  using sim::HolderKind;
  std::vector<sim::HolderSpec> holders;
  std::set<std::string> names;
  for (size_t count = draw_count(4); count > 0; --count) {
    constexpr std::array<HolderKind, 7> kKinds{HolderKind::explorer_window, HolderKind::temp_user,
                                               HolderKind::antivirus,       HolderKind::indexer,
                                               HolderKind::backup,          HolderKind::script,
                                               HolderKind::dp_client};
    sim::HolderSpec holder;
    // dp_client (last) only when a DP share exists for its path; scripts more often, as they
    // have the most keys.
    const size_t kinds = registry.dps.empty() ? kKinds.size() - 1 : kKinds.size();
    holder.kind = draw_index(3) == 0 ? HolderKind::script : kKinds[draw_index(kinds)];
    holder.name = draw_holder_name();
    if (!names.insert(holder.name).second) continue;
    if (holder.kind != HolderKind::script) draw_holder_timing(registry.until_us, holder);
    draw_holder_options(registry, holder);
    holders.push_back(std::move(holder));
  }
  return holders;
}

// ---------------------------------------------------------------------------------------------
// Faults and expectations.

std::vector<sim::FaultSpec> draw_faults(const Registry& registry) {
  std::vector<sim::FaultSpec> faults;
  for (size_t count = draw_count(3); count > 0; --count) {
    sim::FaultSpec fault;
    fault.at_us = draw_time(0, registry.until_us);
    if (registry.dps.empty() || draw_index(3) == 0) {
      fault.kind = sim::FaultSpec::Kind::crash;
      fault.target = std::string(sim::kCrashTargetName);
      if (draw_bool()) fault.restart_after_us = draw_time(0, model::kMicrosecondsPerDay);
    } else {
      fault.kind =
          draw_bool() ? sim::FaultSpec::Kind::dp_unreachable : sim::FaultSpec::Kind::dp_disk_full;
      fault.target = registry.dps[draw_index(registry.dps.size())].name;
      if (draw_bool()) fault.for_us = draw_positive_duration(kWeekUs);
    }
    faults.push_back(std::move(fault));
  }
  return faults;
}

sim::PackageExpectation draw_package_expectation(const Registry& registry,
                                                 const sim::PackageEvent& package) {
  sim::PackageExpectation expectation;
  expectation.package_id = package.id;
  if (draw_bool()) {
    constexpr std::array<model::PackageState, 4> kStates{
        model::PackageState::pending, model::PackageState::retrying, model::PackageState::installed,
        model::PackageState::failed};
    expectation.state = draw_from(kStates);
  }
  if (draw_bool()) expectation.attempts = draw_count_range();
  if (draw_bool()) expectation.retries = draw_count_range();
  if (draw_bool()) expectation.installed_by_us = draw_time(0, registry.until_us);
  const auto targets = package_dps(registry, package);
  if (!targets.empty() && draw_bool()) {
    constexpr std::array<model::DpState, 4> kStates{
        model::DpState::install_pending, model::DpState::install_retrying,
        model::DpState::install_failed, model::DpState::installed};
    for (const std::string& dp : draw_subset(targets)) {
      expectation.distribution_points.push_back({dp, draw_from(kStates), {}});
    }
  }
  return expectation;
}

uint32_t draw_status_id() {
  std::vector<uint32_t> ids;
  for (const auto& row : model::status_catalogue()) {
    if (row.component == model::kDistributionManagerComponent &&
        row.form == model::MessageForm::standard) {
      ids.push_back(row.id);
    }
  }
  return ids[draw_index(ids.size())];
}

std::optional<std::string> draw_package_filter(const Registry& registry) {
  if (registry.created.empty() || draw_bool()) return std::nullopt;
  return registry.created[draw_index(registry.created.size())].id;
}

void draw_status_expectations(const Registry& registry, sim::Expectations& expect) {
  for (size_t count = draw_count(3); count > 0; --count) {
    expect.status_counts.push_back(
        {draw_status_id(), draw_count_range(), draw_package_filter(registry), {}});
  }
  for (size_t count = draw_count(2); count > 0; --count) {
    sim::StatusSequenceExpectation sequence;
    for (size_t length = *rc::gen::inRange<size_t>(1, 6); length > 0; --length) {
      sequence.ids.push_back(draw_status_id());
    }
    sequence.package = draw_package_filter(registry);
    expect.status_sequences.push_back(std::move(sequence));
  }
}

sim::Expectations draw_expect(const Registry& registry) {
  sim::Expectations expect;
  for (const sim::PackageEvent& package : registry.created) {
    if (draw_bool()) expect.packages.push_back(draw_package_expectation(registry, package));
  }
  draw_status_expectations(registry, expect);
  if (draw_bool()) {
    constexpr std::array<sim::ComponentStatusLevel, 3> kLevels{sim::ComponentStatusLevel::ok,
                                                               sim::ComponentStatusLevel::warning,
                                                               sim::ComponentStatusLevel::critical};
    expect.component_status = draw_from(kLevels);
  }
  for (size_t count = draw_count(2); count > 0; --count) {
    expect.log_contains.push_back({draw_text(sim::kLogPatternLengthMax, true), {}});
  }
  for (size_t count = draw_count(2); count > 0; --count) {
    expect.log_not_contains.push_back({draw_text(sim::kLogPatternLengthMax, true), {}});
  }
  expect.no_invariant_violations = draw_bool();
  if (expect.no_invariant_violations && draw_bool()) {
    // A subset of the invariants, each once, in the registry's order.
    for (const std::string_view invariant : sim::kInvariantNames) {
      if (draw_count(3) == 0) expect.invariant_violations.emplace_back(invariant);
    }
    if (expect.invariant_violations.empty()) expect.invariant_violations.emplace_back("liveness");
  }
  return expect;
}

// A file opened, a view of it mapped and perhaps unmapped, after a script's other steps: names
// no step of the script uses, times after its last constant one.
void append_mapping_steps(TimeUs until_us, std::vector<sim::ScriptStep>& steps) {
  using Action = sim::ScriptStep::Action;
  TimeUs at_us = 0;
  for (const sim::ScriptStep& step : steps) {
    if (!step.drawn_at) at_us = std::max(at_us, step.at_us);
  }
  const auto unused = [&](std::string name) {
    while (std::any_of(steps.begin(), steps.end(), [&](const sim::ScriptStep& step) {
      return step.handle_name == name || step.section_name == name;
    })) {
      name += "x";
    }
    return name;
  };
  sim::ScriptStep open;
  open.action = Action::open;
  open.at_us = at_us = draw_time(at_us, until_us);
  open.path = draw_drive_path();
  open.access = draw_access();
  open.share = draw_share();
  open.handle_name = unused("mapfile");
  sim::ScriptStep map;
  map.action = Action::map;
  map.at_us = at_us = draw_time(at_us, until_us);
  map.handle_name = open.handle_name;
  map.protection = static_cast<sim::PageProtection>(draw_index(3));
  if (draw_bool()) map.expect = draw_error(true);
  const bool unmaps = draw_bool();
  if (unmaps || draw_bool()) map.section_name = unused("mapview");
  steps.push_back(std::move(open));
  steps.push_back(map);
  if (!unmaps) return;
  sim::ScriptStep unmap;
  unmap.action = Action::unmap;
  unmap.at_us = draw_time(at_us, until_us);
  unmap.handle_name = map.section_name;
  steps.push_back(std::move(unmap));
}

sim::Scenario draw_scenario() {
  sim::Scenario scenario;
  scenario.name = draw_text(sim::kNameLengthMax, false);
  if (draw_bool()) scenario.description = draw_text(4096, true);
  scenario.seed = *rc::gen::arbitrary<uint64_t>();
  scenario.until_us = draw_positive_duration(sim::kRunHorizonMaxUs);
  Registry registry;
  registry.until_us = scenario.until_us;
  scenario.site = draw_site(registry);
  scenario.filesystem = draw_filesystem();
  draw_distribution_points(registry);
  draw_package_creates(registry);
  scenario.distribution_points = registry.dps;
  scenario.packages = registry.created;
  for (sim::PackageEvent& change : draw_package_changes(registry)) {
    scenario.packages.push_back(std::move(change));
  }
  scenario.holders = draw_holders(registry);
  scenario.faults = draw_faults(registry);
  scenario.expect = draw_expect(registry);
  // Keys added to the format later are drawn last, so that the draws before them stay as they
  // were and the cases the property tests reach do not move.
  if (draw_bool()) scenario.site.retry.crash_uses_retry = draw_bool();
  if (draw_bool()) scenario.site.retry.update_resets_retries = draw_bool();
  if (draw_bool()) {
    scenario.site.retry.due_while_down =
        draw_bool() ? model::DueWhileDown::at_restart : model::DueWhileDown::wait_again;
  }
  if (scenario.site.profile == model::Profile::sms2 && !registry.created.empty() && draw_bool()) {
    const sim::PackageEvent& package = registry.created[draw_index(registry.created.size())];
    sim::PackageEvent deletion;
    deletion.kind = sim::PackageEvent::Kind::delete_retry_history;
    deletion.id = package.id;
    deletion.at_us = draw_time(package.at_us, registry.until_us);
    scenario.packages.push_back(std::move(deletion));
  }
  for (sim::DistributionPointSpec& dp : scenario.distribution_points) dp.netware = draw_bool();
  // A drawn step time: the loader then keeps the time of the step before it as the step's own.
  for (sim::HolderSpec& holder : scenario.holders) {
    for (size_t index = 0; index < holder.steps.size(); ++index) {
      sim::ScriptStep& step = holder.steps[index];
      if (!draw_bool()) continue;
      step.drawn_at = draw_duration_spec(scenario.until_us, false);
      if (step.drawn_at->kind == sim::DurationSpec::Kind::constant) {  // written as a plain time
        step.drawn_at.reset();
        continue;
      }
      step.at_us = index == 0 ? 0 : holder.steps[index - 1].at_us;
    }
  }
  for (sim::PackageEvent& package : scenario.packages) {
    if (package.kind != sim::PackageEvent::Kind::create || !draw_bool()) continue;
    package.disconnect_users_after =
        *rc::gen::inRange<uint32_t>(0, sim::kDisconnectUsersAfterMax + 1);
  }
  for (sim::HolderSpec& holder : scenario.holders) {
    if (holder.kind == sim::HolderKind::script && draw_bool()) {
      append_mapping_steps(scenario.until_us, holder.steps);
    }
    if (holder.kind == sim::HolderKind::antivirus && draw_bool()) {
      holder.keeps_section = draw_duration_spec(scenario.until_us, false);
    }
  }
  for (sim::FilesystemEntry& entry : scenario.filesystem) {
    if (entry.kind != sim::FilesystemEntry::Kind::file || !draw_bool()) continue;
    entry.alternate_streams = *rc::gen::inRange<uint32_t>(0, sim::kAlternateStreamsMax + 1);
  }
  if (draw_bool()) scenario.site.streams_fail_compression = draw_bool();
  if (draw_bool()) {
    // Any drawn access with GENERIC_WRITE added: the loader refuses one that cannot write.
    scenario.site.dp_copy_open_access =
        draw_access() | model::AccessMask{model::access_bits::kGenericWrite};
  }
  if (draw_bool()) scenario.site.dp_copy_open_share = draw_share();
  if (draw_bool()) {
    scenario.site.pck_create_open_access =
        draw_access() | model::AccessMask{model::access_bits::kGenericWrite};
  }
  if (draw_bool()) scenario.site.pck_create_open_share = draw_share();
  if (draw_bool()) {
    scenario.site.pck_read_open_access =
        draw_access() | model::AccessMask{model::access_bits::kGenericRead};
  }
  if (draw_bool()) scenario.site.pck_read_open_share = draw_share();
  if (draw_bool()) scenario.site.retry_copies_installed = draw_bool();
  if (draw_bool()) {
    scenario.site.retry_count_shown_in = draw_bool() ? model::RetryCountShownIn::failure_message
                                                     : model::RetryCountShownIn::retry_message;
  }
  if (draw_bool()) {
    scenario.site.retry.dp_retry_decided =
        draw_bool() ? model::DpRetryDecided::work_end : model::DpRetryDecided::copy_end;
  }
  return scenario;
}

}  // namespace

rc::Gen<sim::Scenario> valid_scenario() {
  return rc::gen::exec([] { return draw_scenario(); });
}

}  // namespace distsim::testing
