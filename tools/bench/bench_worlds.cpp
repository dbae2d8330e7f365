// Builders of the benchmark worlds. Everything is derived from the options and the index alone,
// so every benchmark run simulates exactly the same worlds.
#include "tools/bench/bench_worlds.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "model/assert.h"

namespace distsim::bench {
namespace {

using model::kMicrosecondsPerDay;
using model::kMicrosecondsPerHour;
using model::kMicrosecondsPerMinute;
using model::TimeUs;
namespace access = model::access_bits;

sim::DurationSpec constant(TimeUs value_us) {
  return {sim::DurationSpec::Kind::constant, value_us, 0};
}

sim::DurationSpec uniform(TimeUs low_us, TimeUs high_us) {
  DISTSIM_ASSERT(low_us >= 0);
  DISTSIM_ASSERT(low_us <= high_us);
  return {sim::DurationSpec::Kind::uniform, low_us, high_us};
}

sim::FilesystemEntry file_entry(std::string path, uint64_t size_bytes) {
  return {sim::FilesystemEntry::Kind::file, std::move(path), size_bytes, 0, {}};
}

sim::FilesystemEntry tree_entry(std::string path, uint64_t size_bytes, uint32_t file_count) {
  DISTSIM_ASSERT(file_count >= 1);
  return {sim::FilesystemEntry::Kind::tree, std::move(path), size_bytes, file_count, {}};
}

sim::PackageEvent package_event(uint32_t index, std::string source, TimeUs at_us) {
  sim::PackageEvent package;
  package.id = fmt::format("S01{:05X}", index + 1);
  package.name = fmt::format("Package {}", index + 1);
  package.source = std::move(source);
  package.at_us = at_us;
  return package;
}

sim::HolderSpec temp_user(std::string name, std::string path, sim::DurationSpec at,
                          sim::DurationSpec hold_for) {
  sim::HolderSpec holder;
  holder.kind = sim::HolderKind::temp_user;
  holder.name = std::move(name);
  holder.path = std::move(path);
  holder.at = at;
  holder.hold_for = hold_for;
  holder.size_bytes = 64 * 1024;
  return holder;
}

sim::HolderSpec explorer_window(std::string name, std::string folder, sim::DurationSpec at,
                                sim::DurationSpec hold_for) {
  sim::HolderSpec holder;
  holder.kind = sim::HolderKind::explorer_window;
  holder.name = std::move(name);
  holder.path = std::move(folder);
  holder.at = at;
  holder.hold_for = hold_for;
  return holder;
}

// A script that opens `path` exclusively at open_us and closes it at close_us.
sim::HolderSpec exclusive_script(std::string name, std::string path, TimeUs open_us,
                                 TimeUs close_us) {
  DISTSIM_ASSERT(open_us <= close_us);
  sim::HolderSpec holder;
  holder.kind = sim::HolderKind::script;
  holder.name = std::move(name);
  const std::string handle_name(1, 'h');
  sim::ScriptStep open;
  open.action = sim::ScriptStep::Action::open;
  open.at_us = open_us;
  open.path = std::move(path);
  open.handle_name = handle_name;
  open.access = model::AccessMask{access::kGenericRead | access::kGenericWrite};
  open.share = model::ShareMode{0};
  sim::ScriptStep close;
  close.action = sim::ScriptStep::Action::close;
  close.at_us = close_us;
  close.handle_name = handle_name;
  holder.steps = {open, close};
  return holder;
}

sim::DistributionPointSpec distribution_point(uint32_t index) {
  sim::DistributionPointSpec dp;
  dp.name = fmt::format("DP{:02}", index + 1);
  return dp;
}

// Packages arrive evenly over the first five sixths of the horizon.
TimeUs site_arrival_us(const SiteWorldOptions& options, uint32_t package_index) {
  DISTSIM_ASSERT(package_index < options.package_count);
  const TimeUs window_us = static_cast<TimeUs>(options.days) * kMicrosecondsPerDay / 6 * 5;
  return window_us / options.package_count * static_cast<TimeUs>(package_index);
}

// One holder per `holders_per_thousand_packages`, each aimed at one package around its arrival,
// cycling through the per-package kinds; then one antivirus, one indexer and a weekly plain
// backup over the sources.
void add_site_holders(const SiteWorldOptions& options, sim::Scenario& scenario) {
  const std::vector<sim::HolderKind> kinds{sim::HolderKind::temp_user,
                                           sim::HolderKind::explorer_window,
                                           sim::HolderKind::script, sim::HolderKind::dp_client};
  const uint64_t holder_count =
      uint64_t{options.package_count} * options.holders_per_thousand_packages / 1000;
  for (uint64_t holder = 0; holder < holder_count; ++holder) {
    const auto target = static_cast<uint32_t>(holder * options.package_count / holder_count);
    const std::string source = fmt::format("D:\\Sources\\PKG{:05}", target + 1);
    const TimeUs arrives_us = site_arrival_us(options, target);
    const TimeUs early_us = std::max<TimeUs>(0, arrives_us - 20 * kMicrosecondsPerMinute);
    switch (kinds[holder % kinds.size()]) {
      case sim::HolderKind::temp_user: {
        sim::HolderSpec temp =
            temp_user(fmt::format("temp{}", holder), source + "\\~lock.tmp",
                      uniform(early_us, arrives_us + 5 * kMicrosecondsPerMinute),
                      uniform(kMicrosecondsPerHour / 2, 3 * kMicrosecondsPerHour));
        temp.every = constant(12 * kMicrosecondsPerHour);
        temp.count = 3;
        scenario.holders.push_back(std::move(temp));
        break;
      }
      case sim::HolderKind::explorer_window:
        scenario.holders.push_back(explorer_window(
            fmt::format("explorer{}", holder), source, uniform(early_us, arrives_us),
            uniform(10 * kMicrosecondsPerMinute, 2 * kMicrosecondsPerHour)));
        break;
      case sim::HolderKind::script:
        scenario.holders.push_back(exclusive_script(fmt::format("script{}", holder),
                                                    source + "\\file00001.dat", early_us,
                                                    arrives_us + 45 * kMicrosecondsPerMinute));
        break;
      default: {
        // A client running setup from the package's first DP a little after it arrived there.
        const sim::PackageEvent& package = scenario.packages.at(target);
        const std::string dp = package.distribution_points.empty()
                                   ? distribution_point(0).name
                                   : package.distribution_points.front();
        sim::HolderSpec client;
        client.kind = sim::HolderKind::dp_client;
        client.name = fmt::format("client{}", holder);
        client.path = fmt::format("\\\\{}\\SMSPKGC$\\{}\\file00001.dat", dp, package.id);
        client.at =
            uniform(arrives_us + kMicrosecondsPerHour, arrives_us + 3 * kMicrosecondsPerHour);
        client.hold_for = uniform(10 * kMicrosecondsPerMinute, kMicrosecondsPerHour);
        scenario.holders.push_back(std::move(client));
        break;
      }
    }
  }
  const std::string sources = "D:\\Sources";
  // Site-wide watchers of the package sources.
  for (const sim::HolderKind kind : {sim::HolderKind::antivirus, sim::HolderKind::indexer}) {
    sim::HolderSpec watcher;
    watcher.kind = kind;
    watcher.name = kind == sim::HolderKind::antivirus ? "antivirus" : "indexer";
    watcher.scope = {sources};
    scenario.holders.push_back(std::move(watcher));
  }
  {
    sim::HolderSpec backup;
    backup.kind = sim::HolderKind::backup;
    backup.name = "backup";
    backup.scope = {sources};
    backup.backup_mode = sim::BackupMode::plain;
    backup.at = constant(kMicrosecondsPerDay + 2 * kMicrosecondsPerHour);
    backup.every = constant(7 * kMicrosecondsPerDay);
    backup.count = 4;
    scenario.holders.push_back(std::move(backup));
  }
}

}  // namespace

sim::Scenario kb_variation(uint64_t index) {
  sim::Scenario scenario;
  scenario.file = "kb_variation";
  scenario.name = fmt::format("KB Q207416 variation {}", index);
  scenario.seed = index;
  scenario.until_us = kMicrosecondsPerDay;
  const std::string folder = "C:\\WINNT\\TEMP";
  scenario.filesystem.push_back({sim::FilesystemEntry::Kind::dir, folder, 0, 0, {}});
  scenario.filesystem.push_back(file_entry(folder + "\\setup.exe", 4ull * 1024 * 1024));
  const uint64_t cab_count = 1 + index % 3;
  for (uint64_t cab = 1; cab <= cab_count; ++cab) {
    scenario.filesystem.push_back(
        file_entry(fmt::format("{}\\data{}.cab", folder, cab), 20ull * 1024 * 1024));
  }
  scenario.distribution_points.push_back(distribution_point(0));
  scenario.packages.push_back(package_event(0, folder, 0));
  const auto lock_for_us = static_cast<TimeUs>((index * 37) % 180) * kMicrosecondsPerMinute;
  scenario.holders.push_back(
      temp_user("setup-program", folder + "\\~setup1.tmp", constant(0), constant(lock_for_us)));
  if (index % 2 == 1) {
    scenario.holders.push_back(
        explorer_window("explorer", folder, uniform(0, 10 * kMicrosecondsPerMinute),
                        uniform(5 * kMicrosecondsPerMinute, 90 * kMicrosecondsPerMinute)));
  }
  return scenario;
}

sim::Scenario campus_world() {
  constexpr uint32_t kPackages = 20;
  constexpr uint32_t kDps = 5;
  sim::Scenario scenario;
  scenario.file = "campus_world";
  scenario.name = "20 packages, 5 DPs, 6 holders, a week";
  scenario.seed = 7;
  scenario.until_us = 7 * kMicrosecondsPerDay;
  for (uint32_t dp = 0; dp < kDps; ++dp)
    scenario.distribution_points.push_back(distribution_point(dp));
  for (uint32_t index = 0; index < kPackages; ++index) {
    const std::string source = fmt::format("D:\\Sources\\PKG{:05}", index + 1);
    scenario.filesystem.push_back(tree_entry(source, 10ull * 1024 * 1024, 10));
    scenario.packages.push_back(
        package_event(index, source, static_cast<TimeUs>(index) * kMicrosecondsPerHour));
  }
  for (uint32_t index = 0; index < 2; ++index) {
    const TimeUs arrival_us = static_cast<TimeUs>(index * 7) * kMicrosecondsPerHour;
    const std::string source = fmt::format("D:\\Sources\\PKG{:05}", index * 7 + 1);
    sim::HolderSpec temp =
        temp_user(fmt::format("temp{}", index), source + "\\~lock.tmp", constant(arrival_us),
                  uniform(kMicrosecondsPerHour / 2, 3 * kMicrosecondsPerHour));
    temp.every = constant(12 * kMicrosecondsPerHour);
    temp.count = 3;
    scenario.holders.push_back(temp);
    const std::string other = fmt::format("D:\\Sources\\PKG{:05}", index * 7 + 3);
    scenario.holders.push_back(
        explorer_window(fmt::format("explorer{}", index), other,
                        constant(static_cast<TimeUs>(index * 7 + 2) * kMicrosecondsPerHour),
                        uniform(10 * kMicrosecondsPerMinute, 2 * kMicrosecondsPerHour)));
    const TimeUs script_at_us = static_cast<TimeUs>(index * 7 + 4) * kMicrosecondsPerHour;
    scenario.holders.push_back(
        exclusive_script(fmt::format("script{}", index),
                         fmt::format("D:\\Sources\\PKG{:05}\\file00001.dat", index * 7 + 5),
                         script_at_us, script_at_us + 2 * kMicrosecondsPerHour));
  }
  return scenario;
}

sim::Scenario site_world(const SiteWorldOptions& options) {
  DISTSIM_ASSERT(options.package_count >= 1);
  DISTSIM_ASSERT(options.dp_count >= 1);
  DISTSIM_ASSERT(options.files_per_package >= 1);
  DISTSIM_ASSERT(options.dps_per_package <= options.dp_count);
  DISTSIM_ASSERT(options.days >= 1);
  sim::Scenario scenario;
  scenario.file = "site_world";
  scenario.name = fmt::format("site: {} packages, {} DPs, {} files each", options.package_count,
                              options.dp_count, options.files_per_package);
  scenario.seed = options.seed;
  scenario.until_us = static_cast<TimeUs>(options.days) * kMicrosecondsPerDay;
  for (uint32_t dp = 0; dp < options.dp_count; ++dp) {
    scenario.distribution_points.push_back(distribution_point(dp));
  }
  for (uint32_t index = 0; index < options.package_count; ++index) {
    const std::string source = fmt::format("D:\\Sources\\PKG{:05}", index + 1);
    scenario.filesystem.push_back(
        tree_entry(source, options.package_size_bytes, options.files_per_package));
    sim::PackageEvent package = package_event(index, source, site_arrival_us(options, index));
    for (uint32_t slot = 0; slot < options.dps_per_package; ++slot) {
      const uint32_t dp = (index * options.dps_per_package + slot) % options.dp_count;
      package.distribution_points.push_back(distribution_point(dp).name);
    }
    scenario.packages.push_back(std::move(package));
  }
  add_site_holders(options, scenario);
  return scenario;
}

uint64_t site_world_nodes_needed(const SiteWorldOptions& options) {
  const uint64_t dps_each =
      options.dps_per_package == 0 ? options.dp_count : options.dps_per_package;
  const uint64_t per_copy = 1 + uint64_t{options.files_per_package};        // folder + files
  const uint64_t sources = 2 + uint64_t{options.package_count} * per_copy;  // D:\, D:\Sources
  const uint64_t copies = uint64_t{options.package_count} * dps_each * per_copy;
  return sources + options.dp_count + copies;
}

}  // namespace distsim::bench
