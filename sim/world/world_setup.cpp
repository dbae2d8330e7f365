// The scenario as the world will build it: site configuration, DP shares, bytes per volume, and
// the set-up check, all decided from the Scenario value alone (no kernel, no VFS).
#include "sim/world/world_setup.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>

#include "model/assert.h"
#include "sim/core/counted_text.h"
#include "sim/fs/windows_path.h"
#include "sim/scenario/value_parse.h"

namespace distsim::sim {

model::SiteConfig site_config_for(const SiteSpec& site) {
  model::SiteConfig config = model::profile_defaults(site.profile);
  if (site.code) config.site_code = *site.code;
  if (site.server) config.server_name = *site.server;
  const RetrySpec& retry = site.retry;
  if (retry.count_given) config.retry.retry_count_max = retry.count;
  if (retry.delay_us) config.retry.delay_us = *retry.delay_us;
  if (retry.backoff) config.retry.backoff = *retry.backoff;
  if (retry.multiplier_milli) config.retry.multiplier_milli = *retry.multiplier_milli;
  if (retry.max_delay_us) config.retry.max_delay_us = *retry.max_delay_us;
  if (retry.jitter) config.retry.jitter = *retry.jitter;
  if (retry.deadline_us) config.retry.deadline_us = *retry.deadline_us;
  if (retry.retry_on) config.retry.retry_on = *retry.retry_on;
  if (retry.delay_from) config.retry.delay_from = *retry.delay_from;
  if (retry.crash_uses_retry) config.retry.crash_uses_retry = *retry.crash_uses_retry;
  if (retry.update_resets_retries) {
    config.retry.update_resets_retries = *retry.update_resets_retries;
  }
  if (retry.due_while_down) config.retry.due_while_down = *retry.due_while_down;
  if (retry.dp_retry_decided) config.retry.dp_retry_decided = *retry.dp_retry_decided;
  if (site.max_packages) config.max_packages = *site.max_packages;
  if (site.threads_per_package) config.threads_per_package = *site.threads_per_package;
  if (site.source_open_access) config.source_open_access = *site.source_open_access;
  if (site.source_open_share) config.source_open_share = *site.source_open_share;
  if (site.source_open_retries) config.source_open_retries = *site.source_open_retries;
  if (site.source_open_retry_interval_us) {
    config.source_open_retry_interval_us = *site.source_open_retry_interval_us;
  }
  if (site.dp_copy_open_access) config.dp_copy_open_access = *site.dp_copy_open_access;
  if (site.dp_copy_open_share) config.dp_copy_open_share = *site.dp_copy_open_share;
  if (site.pck_create_open_access) config.pck_create_open_access = *site.pck_create_open_access;
  if (site.pck_create_open_share) config.pck_create_open_share = *site.pck_create_open_share;
  if (site.pck_read_open_access) config.pck_read_open_access = *site.pck_read_open_access;
  if (site.pck_read_open_share) config.pck_read_open_share = *site.pck_read_open_share;
  if (site.log_format) config.log_format = *site.log_format;
  if (site.retry_on_wake) config.retry_on_wake = *site.retry_on_wake;
  if (site.streams_fail_compression) {
    config.streams_fail_compression = *site.streams_fail_compression;
  }
  if (site.retry_on_wake_after_us) config.retry_on_wake_min_us = *site.retry_on_wake_after_us;
  if (site.outgoing_bandwidth_bytes_per_second) {
    config.outgoing_bandwidth_bytes_per_second = *site.outgoing_bandwidth_bytes_per_second;
  }
  if (site.update_deletes_dp_folder)
    config.update_deletes_dp_folder = *site.update_deletes_dp_folder;
  if (site.retry_copies_installed) config.retry_copies_installed = *site.retry_copies_installed;
  if (site.retry_count_shown_in) config.retry_count_shown_in = *site.retry_count_shown_in;
  if (site.compression_per_mille) config.compression_per_mille = *site.compression_per_mille;
  if (site.status_thresholds) config.status_thresholds = *site.status_thresholds;
  if (site.read_bandwidth_bytes_per_second) {
    config.read_bandwidth_bytes_per_second = *site.read_bandwidth_bytes_per_second;
  }
  return config;
}

std::string dp_share_for(const DistributionPointSpec& dp) {
  return dp.share ? *dp.share : fmt::format(FMT_COMPILE("\\\\{}\\SMSPKGC$"), dp.name);
}

namespace {

// A size as the scenario writes it, with its bytes: "2GB (2147483648 bytes)", "1536 bytes".
std::string size_text(uint64_t size_bytes) {
  const std::string written = format_size(size_bytes);
  if (written == fmt::format("{}B", size_bytes)) return fmt::format("{} bytes", size_bytes);
  return fmt::format("{} ({} bytes)", written, size_bytes);
}

// The DP shares that exist, for a message about a path on another share: "'\\DP01\SMSPKGC$'
// and '\\DP02\SMSPKGC$'", or that there are none.
std::string dp_shares_text(const Scenario& scenario) {
  if (scenario.distribution_points.empty()) return "the scenario has no distribution point";
  std::vector<std::string> shares;
  for (const DistributionPointSpec& dp : scenario.distribution_points) {
    shares.push_back(dp_share_for(dp));
  }
  return "the DP shares are " + quoted_list(shares, kDpSharesShownMax);
}

// A package whose source the `filesystem` section makes a file: the manager lists a source as a
// folder, so every pass would fail with error 3 for a day of virtual retries. And a file where the
// manager keeps compressed copies (site.package_store): no compressed package could ever install.
void check_sources(const Scenario& scenario, std::vector<SetupProblem>& problems) {
  std::map<std::string, const FilesystemEntry*> files;
  for (const FilesystemEntry& entry : scenario.filesystem) {
    if (entry.kind != FilesystemEntry::Kind::file) continue;
    if (const auto parsed = parse_windows_path(entry.path); parsed.ok()) {
      files.emplace(parsed.value().key(), &entry);
    }
  }
  for (const PackageEvent& event : scenario.packages) {
    if (event.kind != PackageEvent::Kind::create) continue;
    const auto parsed = parse_windows_path(event.source);
    if (!parsed.ok()) continue;
    const auto file = files.find(parsed.value().key());
    if (file == files.end()) continue;
    problems.push_back(
        {event.position,
         fmt::format(FMT_COMPILE("package {}'s source '{}' is a file (filesystem entry at line "
                                 "{}); a source is the folder that holds the package's files, "
                                 "such as '{}'"),
                     event.id, event.source, file->second->position.line,
                     parsed.value().parent().display())});
  }
  const auto compressed = std::find_if(
      scenario.packages.begin(), scenario.packages.end(),
      [](const PackageEvent& e) { return e.kind == PackageEvent::Kind::create && e.compressed; });
  if (compressed == scenario.packages.end()) return;
  const std::string store = site_config_for(scenario.site).package_store;
  const auto store_path = parse_windows_path(store);
  DISTSIM_ASSERT(store_path.ok());
  const auto file = files.find(store_path.value().key());
  if (file == files.end()) return;
  problems.push_back(
      {file->second->position,
       fmt::format(FMT_COMPILE("'{}' is a file, but the manager keeps compressed copies of "
                               "packages in the folder '{}', and package {} (line {}) is "
                               "compressed; make it a folder or compress no package"),
                   file->second->path, store, compressed->id, compressed->position.line)});
}

}  // namespace

std::vector<SetupProblem> unsupported_features(const Scenario& scenario) {
  std::vector<SetupProblem> problems;
  const auto totals = bytes_per_root(scenario);
  // A share's entries so far, in file order: the one that takes them past the DP's free space is
  // the one named, once per share.
  std::map<std::string, uint64_t> bytes_so_far;
  for (const FilesystemEntry& entry : scenario.filesystem) {
    // Only a UNC root ("\\SERVER\SHARE") is longer than two characters.
    const std::string root = windows_root_key(entry.path);
    if (root.size() <= 2) continue;
    const auto dp =
        std::find_if(scenario.distribution_points.begin(), scenario.distribution_points.end(),
                     [&root](const DistributionPointSpec& each) {
                       return upper_ascii(dp_share_for(each)) == root;
                     });
    if (dp == scenario.distribution_points.end()) {
      problems.push_back(
          {entry.position, fmt::format(FMT_COMPILE("'{}' is on a share that is not a "
                                                   "distribution point's; only DP shares exist "
                                                   "({})"),
                                       entry.path, dp_shares_text(scenario))});
    } else {
      uint64_t& so_far = bytes_so_far[root];
      const bool fitted = so_far <= dp->free_bytes;
      if (entry.kind != FilesystemEntry::Kind::dir) so_far += entry.size_bytes;
      if (!fitted || so_far <= dp->free_bytes) continue;
      problems.push_back(
          {entry.position,
           fmt::format(FMT_COMPILE("the filesystem entries on '{}' need {} but DP {} has only {} "
                                   "free (this entry is the one that does not fit)"),
                       dp_share_for(*dp), size_text(totals.at(root)), dp->name,
                       size_text(dp->free_bytes))});
    }
  }
  check_sources(scenario, problems);
  std::stable_sort(problems.begin(), problems.end(),
                   [](const SetupProblem& left, const SetupProblem& right) {
                     return left.position.line < right.position.line;
                   });
  return problems;
}

std::map<std::string, uint64_t> bytes_per_root(const Scenario& scenario) {
  std::map<std::string, uint64_t> bytes;
  for (const FilesystemEntry& entry : scenario.filesystem) {
    std::string root = windows_root_key(entry.path);
    DISTSIM_ASSERT(!root.empty());  // the loader checks paths
    uint64_t& total = bytes[std::move(root)];
    if (entry.kind != FilesystemEntry::Kind::dir) total += entry.size_bytes;
  }
  return bytes;
}

}  // namespace distsim::sim
