// liveness: once every holder has let go, no fault is active, the manager runs and no new
// notification arrives (the quiet time, read from the trace), each package (under a per-DP
// policy: each DP of it) whose policy still allows a retry is installed within one retry wait
// plus the time to process every package, twice over (a pass may be running at the quiet time).
// A unit that nothing can install however long the manager retries is not judged: its package's
// source folder is not in the VFS at the end or holds more than the manager lists (deeper
// folders or more files than its bounds), or a file it must overwrite (in the package store
// or the DP folder) is read-only at the end, or the manager's source opens ask to write and its
// last open of a file of the source was refused with 5 on a file read-only at the end, or one of
// its DPs has less free space at the end
// (counting what the package's DP folder holds) than the package's source files take, or it is
// compressed on a site that cannot compress files with alternate data streams, the last pass
// that read its source met one and one is still there at the end (KB Q316316; when that pass was
// cut short by the end of the run or a crash before meeting one, a file with a stream left in the
// source at the end is enough); nor is one whose
// retry history an administrator deleted with nothing writing it anew since
// (History::retry_history_deleted_before).
#include <fmt/format.h>

#include <algorithm>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"
#include "sim/core/limits.h"

namespace distsim::sim::invariant_detail {
namespace {

// The quiet time, or nullopt when the world never gets quiet (a holder keeps a handle, a fault
// or a crash never ends).
std::optional<TimeUs> quiet_time(const History& history) {
  const RunResult& run = *history.run;
  if (std::any_of(run.open_handles.begin(), run.open_handles.end(),
                  [](const OpenHandleRecord& entry) { return entry.actor != kManagerActorName; })) {
    return std::nullopt;
  }
  if (!history.crashes.empty() &&
      (history.restarts.empty() || history.restarts.back() < history.crashes.back())) {
    return std::nullopt;
  }
  TimeUs quiet_us = 0;
  int64_t faults_active = 0;
  const auto& records = history.records();
  for (size_t index = 0; index < records.size(); ++index) {
    const RecordKind kind = history.kinds[index];
    const bool holder = kind.actor == RecordActor::holder;
    const bool world_change = kind.actor == RecordActor::world && kind.event != RecordEvent::crash;
    const bool dp_fault = kind.actor == RecordActor::distribution_point;
    if (holder || world_change || dp_fault) quiet_us = std::max(quiet_us, records[index].t_us);
    if (kind.is(RecordActor::distribution_point, RecordEvent::fault_start)) ++faults_active;
    if (kind.is(RecordActor::distribution_point, RecordEvent::fault_end)) --faults_active;
  }
  if (faults_active > 0) return std::nullopt;
  return quiet_us;
}

// Capped at the longest run: a liveness bound past it is past every run's end, and a petabyte at a
// few bytes a second must not overflow.
TimeUs transfer_us(uint64_t bytes, uint64_t bytes_per_second) {
  const uint64_t rate = std::max<uint64_t>(bytes_per_second, 1);
  constexpr auto kCapSeconds = static_cast<uint64_t>(kRunHorizonMaxUs / 1'000'000);
  if (bytes / rate >= kCapSeconds) return kRunHorizonMaxUs;
  return static_cast<TimeUs>(bytes / rate * 1'000'000 +
                             (bytes % rate * 1'000'000 + rate - 1) / rate);
}

// The bytes of the files below `folder` at the end.
uint64_t bytes_below(const RunResult& run, std::string_view folder) {
  uint64_t bytes = 0;
  for (const auto& [path, content] : run.final_files) {
    if (path_below(path, folder)) bytes += content.size_bytes;
  }
  return bytes;
}

// Reading, compressing and copying every package to every DP, one after the other.
TimeUs processing_time(const History& history) {
  const RunResult& run = *history.run;
  uint64_t slowest_dp = UINT64_MAX;
  for (const auto& dp : run.distribution_points)
    slowest_dp = std::min(slowest_dp, dp.bandwidth_bytes_per_second);
  TimeUs total_us = model::kMicrosecondsPerMinute;
  for (const auto& [package, source] : history.sources) {
    const uint64_t bytes = bytes_below(run, source);
    // Each term is at most kVolumesMax times the cap, far below the overflow of 64 bits.
    total_us += 2 * transfer_us(bytes, run.site.read_bandwidth_bytes_per_second);
    if (slowest_dp != UINT64_MAX) {
      total_us +=
          static_cast<TimeUs>(run.distribution_points.size()) * transfer_us(bytes, slowest_dp);
    }
    total_us = std::min(total_us, kRunHorizonMaxUs);
  }
  return total_us;
}

// The retries the unit's last attempt counts on, itself included when it used one (History's
// count: its cycle's, and the linked cycles' before it with update_resets_retries false).
uint64_t retries_so_far(const History& history, const RetryUnit& unit) {
  const Attempt& last = unit.attempts.back();
  return last.retries_before + (history.uses_retry(unit, last) ? 1 : 0);
}

// Whether the unit's policy still allows it a retry after what the trace shows.
bool may_retry(const History& history, const RetryUnit& unit) {
  if (unit.attempts.empty()) return true;
  const auto& policy = history.run->site.retry;
  const size_t cycle = unit.attempts.back().cycle;
  std::optional<int64_t> last_error;
  for (const Attempt& attempt : unit.attempts) {
    if (attempt.cycle != cycle) continue;
    if (attempt.gave_up) return false;
    if (attempt.error) last_error = attempt.error;
  }
  const uint64_t used = retries_so_far(history, unit);
  if (policy.retry_count_max && used > *policy.retry_count_max) return false;
  if (!policy.retry_on.empty() && last_error &&
      std::none_of(policy.retry_on.begin(), policy.retry_on.end(), [&](model::Win32Error error) {
        return model::win32_code(error) == *last_error;
      })) {
    return false;
  }
  if (policy.deadline_us) {
    const auto first_us = history.cycle_first_start(unit, cycle);
    if (first_us && *first_us + *policy.deadline_us < history.run->until_us) return false;
  }
  return true;
}

uint64_t attempts_in_last_cycle(const RetryUnit& unit) {
  if (unit.attempts.empty()) return 0;
  return static_cast<uint64_t>(std::count_if(
      unit.attempts.begin(), unit.attempts.end(),
      [&](const Attempt& attempt) { return attempt.cycle == unit.attempts.back().cycle; }));
}

const model::PackageStatus* status_of(const RunResult& run, const std::string& package) {
  for (const auto& status : run.packages) {
    if (status.id == package) return &status;
  }
  return nullptr;
}

bool installed(const RunResult& run, const RetryUnit& unit) {
  const model::PackageStatus* status = status_of(run, unit.package);
  if (status == nullptr) return false;
  if (unit.dp.empty()) return status->state == model::PackageState::installed;
  return std::any_of(status->distribution_points.begin(), status->distribution_points.end(),
                     [&](const model::DpStatus& dp) {
                       return same_path(dp.dp_name, unit.dp) &&
                              dp.state == model::DpState::installed;
                     });
}

// The package's source is gone at the end, or lies past what the manager lists.
bool source_out_of_reach(const History& history, const std::string& package) {
  const auto source = history.sources.find(package);
  if (source == history.sources.end()) return false;
  const auto named = [&](const std::vector<std::string>& folders) {
    return std::any_of(folders.begin(), folders.end(), [&](const std::string& folder) {
      return same_path(folder, source->second);
    });
  };
  return named(history.run->missing_sources) || named(history.run->oversized_sources);
}

bool target_read_only(const History& history, const RetryUnit& unit) {
  std::vector<std::string> folders;
  for (const auto& dp : history.run->distribution_points) {
    if (unit.dp.empty() || same_path(dp.name, unit.dp)) {
      folders.push_back(history.dp_folder(unit.package, dp.name));
    }
  }
  const std::string package_copy = history.package_copy_path(unit.package);
  const auto& read_only = history.run->read_only_files;
  return std::any_of(read_only.begin(), read_only.end(), [&](const std::string& path) {
    return (unit.dp.empty() && same_path(path, package_copy)) ||
           std::any_of(folders.begin(), folders.end(),
                       [&](const std::string& folder) { return path_below(path, folder); });
  });
}

// The DPs a unit copies to: its own under a per-DP policy, else those the package's creation
// named (all when it named none).
std::vector<size_t> unit_dps(const History& history, const RetryUnit& unit) {
  const auto& dps = history.run->distribution_points;
  std::vector<size_t> chosen;
  TraceList named;
  if (unit.dp.empty()) {
    for (const size_t index : history.notifications) {
      const TraceRecord& record = history.records()[index];
      if (text_field(record, "kind") == "create" && text_field(record, "package") == unit.package) {
        named = list_field(record, "dps");
        break;
      }
    }
  }
  for (size_t dp = 0; dp < dps.size(); ++dp) {
    if (unit.dp.empty() ? names_dp(named, dps[dp].name) : same_path(dps[dp].name, unit.dp)) {
      chosen.push_back(dp);
    }
  }
  return chosen;
}

// A DP of the unit cannot hold the package: its share's free space at the end, with what the
// package's DP folder holds now (a copy replaces it), is less than the package's files.
bool dp_too_small(const History& history, const RetryUnit& unit) {
  const RunResult& run = *history.run;
  if (run.dp_free_bytes.size() != run.distribution_points.size()) return false;  // not captured
  const auto source = history.sources.find(unit.package);
  if (source == history.sources.end()) return false;
  // The source's files at the end are what a DP must take.
  const uint64_t needed = bytes_below(run, source->second);
  for (const size_t dp : unit_dps(history, unit)) {
    const uint64_t held =
        bytes_below(run, history.dp_folder(unit.package, run.distribution_points[dp].name));
    if (needed > run.dp_free_bytes[dp] + held) return true;
  }
  return false;
}

// The manager's source opens ask to write (site.source_open.access), its last open of a file of
// the source was refused with access denied (5), and that file is read-only at the end: Windows
// refuses every such open. Only the last open decides: a copy from content read while the file
// was writable (DP retries, a refresh, a restarted pass) needs no open of the source.
bool source_read_only_for_writes(const History& history, std::string_view package) {
  if ((history.run->site.source_open_access.bits & kWritesFileData) == 0) return false;
  const auto source = history.sources.find(package);
  if (source == history.sources.end()) return false;
  for (size_t index = history.records().size(); index-- > 0;) {
    if (!history.kinds[index].is(RecordActor::manager, RecordEvent::open)) continue;
    const TraceRecord& record = history.records()[index];
    const std::string_view path = text_field(record, "path");
    if (!path_below(path, source->second)) continue;
    const auto& read_only = history.run->read_only_files;
    return number_field(record, "win32") == model::win32_code(model::Win32Error::access_denied) &&
           std::any_of(read_only.begin(), read_only.end(),
                       [path](const std::string& file) { return same_path(file, path); });
  }
  return false;
}

}  // namespace

bool History::package_compressed(std::string_view package) const {
  return std::any_of(notifications.begin(), notifications.end(), [&](size_t index) {
    const TraceRecord& record = records()[index];
    return text_field(record, "kind") == "create" && text_field(record, "package") == package &&
           flag_field(record, "compressed");
  });
}

bool History::streams_block_compression(std::string_view package) const {
  if (!run->site.streams_fail_compression) return false;
  const auto source = sources.find(package);
  if (source == sources.end()) return false;
  if (!package_compressed(package)) return false;
  // What the last compression saw: the reads of the package's last pass that read its source
  // (a later pass may reuse the compressed copy without reading), as the file system traced them.
  // A pass the end of the run or a crash cut short while reading the source may not have reached
  // the file with a stream yet: what the source folder holds at the end decides (an earlier
  // pass's stream may have been deleted since). One cut short before it read anything proves
  // nothing, no more than a pass that reused the compressed copy or a span of DP retries, which
  // reads none. A stream met is proof only while one is still there at the end: once it is gone,
  // the next retry must read the source again and can compress it.
  const auto stream_left = [&] {
    return std::any_of(run->final_files.begin(), run->final_files.end(), [&](const auto& file) {
      return file.second.alternate_streams > 0 && path_below(file.first, source->second);
    });
  };
  for (auto pass = passes.rbegin(); pass != passes.rend(); ++pass) {
    if (pass->package != package) continue;
    const bool finished = pass->end_record && !pass->interrupted;
    const size_t end = pass->end_record ? *pass->end_record : records().size();
    bool read_source = false;
    for (size_t index = pass->start_record; index < end; ++index) {
      if (!kinds[index].is(RecordActor::manager, RecordEvent::read)) continue;
      const TraceRecord& record = records()[index];
      if (!path_below(text_field(record, "path"), source->second)) continue;
      read_source = true;
      if (number_field(record, "streams").value_or(0) > 0) return stream_left();
    }
    if (!read_source) continue;
    if (finished) return false;
    return stream_left();
  }
  return false;
}

void check_liveness(const History& history, Violations& violations) {
  const auto quiet_us = quiet_time(history);
  if (!quiet_us) return;
  const RunResult& run = *history.run;
  const bool per_dp = run.site.retry_unit == model::RetryUnit::distribution_point;
  const TimeUs processing_us = processing_time(history);
  std::map<std::string, bool> package_may_retry;
  for (const RetryUnit& unit : history.units) {
    if (unit.dp.empty()) package_may_retry[unit.package] = may_retry(history, unit);
  }
  for (const RetryUnit& unit : history.units) {
    if (per_dp && unit.dp.empty()) continue;  // per-DP: the DPs are judged
    if (installed(run, unit) || !package_may_retry[unit.package] || !may_retry(history, unit) ||
        source_out_of_reach(history, unit.package) || target_read_only(history, unit) ||
        dp_too_small(history, unit) || source_read_only_for_writes(history, unit.package) ||
        history.streams_block_compression(unit.package) ||
        history.retry_history_deleted_before(unit.package, history.records().size())) {
      continue;
    }
    // The next retry's number, counted over linked cycles too.
    const uint64_t retries = unit.attempts.empty() ? 0
                                                   : std::max(attempts_in_last_cycle(unit),
                                                              retries_so_far(history, unit));
    const TimeUs wait_us = longest_delay(run.site.retry, retries + 1);
    const TimeUs by_us = *quiet_us + wait_us + 2 * processing_us;
    if (by_us >= run.until_us) continue;
    violations.push_back(
        {"liveness",
         fmt::format("{} is not installed at the end although everything let go at {} and its "
                     "policy still allows a retry; it should have been installed by {}",
                     unit.name(), clock_text(*quiet_us), clock_text(by_us)),
         by_us});
  }
}

}  // namespace distsim::sim::invariant_detail
