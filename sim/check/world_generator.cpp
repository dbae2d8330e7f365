// Draws swarm-configured random worlds. Holds and faults all end within the first half of the
// horizon; retries are at most hourly when the world must install everything.
#include "sim/check/world_generator.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/assert.h"
#include "sim/core/prng.h"

namespace distsim::sim {
namespace {

constexpr TimeUs kSecond = model::kMicrosecondsPerSecond;
constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;
constexpr TimeUs kHour = model::kMicrosecondsPerHour;

struct Drawer {
  Prng random;
  TimeUs horizon_us;

  bool coin() { return random.uniform_below(2) == 1; }
  uint32_t between(uint32_t low, uint32_t high) {
    return low + static_cast<uint32_t>(random.uniform_below(high - low + 1));
  }
  TimeUs time_in_first_half() {
    return random.uniform_between(0, horizon_us / 4) / kSecond * kSecond;
  }
  TimeUs hold_length() { return random.uniform_between(1, horizon_us / 4 / kMinute) * kMinute; }
  DurationSpec constant(TimeUs value_us) { return {DurationSpec::Kind::constant, value_us, 0}; }
};

SwarmFeatures draw_features(Drawer& draw) {
  SwarmFeatures features;
  features.temp_user = draw.coin();
  features.explorer_window = draw.coin();
  features.antivirus = draw.coin();
  features.indexer = draw.coin();
  features.backup = draw.coin();
  features.dp_client = draw.coin();
  features.dp_faults = draw.coin();
  features.crash = draw.coin();
  features.exponential = draw.coin();
  features.jitter = draw.coin();
  features.updates = draw.coin();
  features.compressed = draw.coin();
  return features;
}

void draw_site(Drawer& draw, const SwarmFeatures& features, GeneratedWorld& world) {
  SiteSpec& site = world.scenario.site;
  const uint32_t profile = draw.between(0, 2);
  site.profile = profile == 0   ? model::Profile::sms2
                 : profile == 1 ? model::Profile::configmgr2007
                                : model::Profile::configmgr2012;
  RetrySpec& retry = site.retry;
  // Delays, caps and restarts stay below a sixteenth of the run, so that after the last hold
  // (at most half-way) a retrying package has many chances left.
  const TimeUs longest_wait_us = std::min<TimeUs>(kHour, draw.horizon_us / 16);
  const auto longest_minutes =
      static_cast<uint32_t>(std::max<TimeUs>(longest_wait_us / kMinute, 1));
  retry.delay_us = draw.between(1, longest_minutes) * kMinute;
  const bool unlimited = draw.coin();
  retry.count_given = true;
  retry.count = unlimited ? std::nullopt : std::optional<uint32_t>(draw.between(0, 20));
  if (features.exponential) {
    retry.backoff = model::Backoff::exponential;
    retry.multiplier_milli = draw.between(1000, 3000);
    retry.max_delay_us = longest_wait_us;
  }
  if (features.jitter) {
    retry.jitter = static_cast<model::Jitter>(draw.between(1, 3));
    retry.max_delay_us = longest_wait_us;
  }
  world.must_install_all = unlimited && !retry.deadline_us;
  site.max_packages = draw.between(1, 3);
  site.threads_per_package = draw.between(1, 5);
}

void draw_packages(Drawer& draw, const SwarmFeatures& features, Scenario& scenario) {
  const uint32_t dp_count = draw.between(1, 3);
  for (uint32_t index = 0; index < dp_count; ++index) {
    DistributionPointSpec dp;
    dp.name = fmt::format("DP{:02}", index + 1);
    dp.bandwidth_bits_per_second = uint64_t{draw.between(10, 1000)} * 1'000'000;
    scenario.distribution_points.push_back(dp);
  }
  const uint32_t package_count = draw.between(1, 3);
  for (uint32_t index = 0; index < package_count; ++index) {
    const std::string folder = fmt::format("D:\\Src\\Pkg{}", index + 1);
    const uint32_t file_count = draw.between(1, 4);
    for (uint32_t file = 0; file < file_count; ++file) {
      scenario.filesystem.push_back({FilesystemEntry::Kind::file,
                                     fmt::format("{}\\file{}.cab", folder, file + 1),
                                     uint64_t{draw.between(1, 64 * 1024)} * 1024,
                                     0,
                                     {}});
    }
    PackageEvent package;
    package.id = fmt::format("S01{:05X}", index + 1);
    package.name = fmt::format("Package {}", index + 1);
    package.source = folder;
    package.at_us = draw.time_in_first_half();
    package.compressed = features.compressed && draw.coin();
    scenario.packages.push_back(package);
  }
  if (!features.updates) return;
  const PackageEvent& first = scenario.packages.front();
  PackageEvent change;
  change.kind = draw.coin() ? PackageEvent::Kind::update : PackageEvent::Kind::refresh;
  change.id = first.id;
  change.at_us = first.at_us + draw.time_in_first_half() / 2;
  scenario.packages.push_back(change);
}

HolderSpec holder_of(Drawer& draw, HolderKind kind, std::string name, std::string path) {
  HolderSpec holder;
  holder.kind = kind;
  holder.name = std::move(name);
  const bool scoped =
      kind == HolderKind::antivirus || kind == HolderKind::indexer || kind == HolderKind::backup;
  if (scoped) {
    holder.scope = {std::move(path)};
  } else {
    holder.path = std::move(path);
  }
  holder.at = draw.constant(draw.time_in_first_half());
  holder.hold_for = draw.constant(draw.hold_length());
  return holder;
}

void draw_holders(Drawer& draw, const SwarmFeatures& features, Scenario& scenario) {
  const auto& packages = scenario.packages;
  uint32_t creates = 0;
  for (const PackageEvent& event : packages)
    creates += event.kind == PackageEvent::Kind::create ? 1u : 0u;
  const auto source = [&] { return packages[draw.between(0, creates - 1)].source; };
  if (features.temp_user) {
    HolderSpec holder =
        holder_of(draw, HolderKind::temp_user, "temp-user", source() + "\\~busy.tmp");
    holder.size_bytes = 1024;
    scenario.holders.push_back(holder);
  }
  if (features.explorer_window) {
    HolderSpec holder = holder_of(draw, HolderKind::explorer_window, "explorer", source());
    holder.thumbnails = draw.coin();
    scenario.holders.push_back(holder);
  }
  if (features.antivirus) {
    HolderSpec holder = holder_of(draw, HolderKind::antivirus, "antivirus", "D:\\Src");
    holder.hold_for.reset();
    holder.until_us = scenario.until_us / 2;
    if (draw.coin()) holder.share = model::ShareMode{0};
    scenario.holders.push_back(holder);
  }
  if (features.indexer) {
    HolderSpec holder = holder_of(draw, HolderKind::indexer, "indexer", "D:\\Src");
    holder.hold_for.reset();
    holder.until_us = scenario.until_us / 2;
    scenario.holders.push_back(holder);
  }
  if (features.backup) {
    HolderSpec holder = holder_of(draw, HolderKind::backup, "backup", "D:\\Src");
    holder.backup_mode = draw.coin() ? BackupMode::plain : BackupMode::vss;
    scenario.holders.push_back(holder);
  }
  if (features.dp_client) {
    const std::string dp = scenario.distribution_points.front().name;
    const PackageEvent& package = packages.front();
    scenario.holders.push_back(
        holder_of(draw, HolderKind::dp_client, "dp-client",
                  fmt::format("\\\\{}\\SMSPKGC$\\{}\\file1.cab", dp, package.id)));
  }
}

void draw_faults(Drawer& draw, const SwarmFeatures& features, Scenario& scenario) {
  if (features.dp_faults) {
    FaultSpec fault;
    fault.kind = draw.coin() ? FaultSpec::Kind::dp_unreachable : FaultSpec::Kind::dp_disk_full;
    fault.target = scenario.distribution_points.back().name;
    fault.at_us = draw.time_in_first_half();
    fault.for_us = draw.hold_length();
    scenario.faults.push_back(fault);
  }
  if (features.crash) {
    FaultSpec fault;
    fault.kind = FaultSpec::Kind::crash;
    fault.target = "distribution_manager";
    fault.at_us = draw.time_in_first_half();
    const auto restart_minutes = static_cast<uint32_t>(
        std::max<TimeUs>(std::min<TimeUs>(2 * kHour, draw.horizon_us / 16) / kMinute, 1));
    fault.restart_after_us = draw.between(1, restart_minutes) * kMinute;
    scenario.faults.push_back(fault);
  }
}

}  // namespace

std::string SwarmFeatures::text() const {
  std::string text;
  const auto add = [&text](bool on, std::string_view name) {
    if (on) text += fmt::format("{}{}", text.empty() ? "" : ", ", name);
  };
  add(temp_user, "temp_user");
  add(explorer_window, "explorer_window");
  add(antivirus, "antivirus");
  add(indexer, "indexer");
  add(backup, "backup");
  add(dp_client, "dp_client");
  add(dp_faults, "DP faults");
  add(crash, "crash");
  add(exponential, "exponential backoff");
  add(jitter, "jitter");
  add(updates, "update/refresh");
  add(compressed, "compressed");
  return text.empty() ? "no features" : text;
}

GeneratedWorld generate_world(uint64_t seed, const GeneratorOptions& options) {
  DISTSIM_ASSERT(options.horizon_us >= kHour);
  Drawer draw{Prng::stream(seed, "explore:world"), options.horizon_us};
  GeneratedWorld world;
  world.features = draw_features(draw);
  Scenario& scenario = world.scenario;
  scenario.name = fmt::format("explore seed {}", seed);
  scenario.seed = seed;
  scenario.until_us = options.horizon_us;
  draw_site(draw, world.features, world);
  draw_packages(draw, world.features, scenario);
  draw_holders(draw, world.features, scenario);
  draw_faults(draw, world.features, scenario);
  return world;
}

}  // namespace distsim::sim
