// The manager's word about its passes, checked against the VFS's records of its file operations.
//
// failure_error: the Win32 error a failed attempt reports (2302's error insertion for a package,
// the "Error N:" of a DP copy's Distmgr.log line) is one the file system refused the manager with
// during that attempt, on the unit's own files (concerns_unit): the manager's word about why it
// failed is checked against the VFS's records, so that retry_give_up and liveness, which judge by
// that error, never rest on the manager's say alone. Three codes come from distsim's own bounds
// or the compressor, not from a refusal, and are taken only where the trace or the world shows
// their cause (error_has_cause).
//
// failed_copy_reported: a pass that ended with 2301 had none of its DP copies fail, judged from
// the same refusals: a refused operation on the package's folder on a DP, or a refused open of
// its .PCK, fails a copy, unless an update or refresh that names the DP came in after the copy
// began and before the pass ended (the old cycle's failure no longer counts).
//
// A retry_wait rule judged from the same refusals: under dp_retry_decided copy_end a failed DP
// copy's 2328 (and so its retry's wait) comes in the instant of the refusal that failed it, not
// when the copies beside it end.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/distribution_manager.h"
#include "model/win32_error.h"
#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

// The file-system operations the VFS records for the manager: each carries the result the file
// system gave (`win32`). pass_end carries one too, but it is the manager's own word.
bool is_file_operation(RecordEvent event) {
  switch (event) {
    case RecordEvent::open:
    case RecordEvent::read:
    case RecordEvent::write:
    case RecordEvent::delete_file:
    case RecordEvent::rename:
    case RecordEvent::remove_directory:
    case RecordEvent::list_directory:
      return true;
    default:
      return false;
  }
}

// Whether a record of the manager is a file-system result: the events above, or another VFS
// operation (create_directory, get_attributes, ...) that kind_of does not name.
bool is_file_result(const History& history, size_t index) {
  const RecordKind kind = history.kinds[index];
  if (kind.actor != RecordActor::manager) return false;
  if (is_file_operation(kind.event)) return true;
  if (kind.event != RecordEvent::other) return false;
  const TraceRecord& record = history.records()[index];
  return !text_field(record, "result").empty() && number_field(record, "win32").has_value();
}

// Whether `path` is the package's own folder on the DP or lies below it.
bool at_or_below_dp_folder(std::string_view path, std::string_view package,
                           const model::DistributionPointDefinition& dp) {
  if (History::below_dp_folder(path, package, dp)) return true;
  return path.size() == dp.share.size() + 1 + package.size() &&
         same_path(path.substr(0, dp.share.size()), dp.share) && path[dp.share.size()] == '\\' &&
         same_path(path.substr(dp.share.size() + 1), package);
}

// Whether `path` is one an attempt of `unit` works on. A package's pass: its source folder or
// below, its compressed copy and the package store folders above it (created before the copy is
// written), and its own folder on a DP with the share above it. A DP's copy: the compressed copy
// and its folder on that DP with the share. Another package's folders never count: their
// refusals are not this attempt's.
bool concerns_unit(const History& history, const RetryUnit& unit, std::string_view path) {
  if (unit.dp.empty()) {
    if (const auto source = history.sources.find(unit.package); source != history.sources.end()) {
      if (same_path(path, source->second) || path_below(path, source->second)) return true;
    }
    const std::string_view store = history.run->site.package_store;
    if (same_path(path, store) || path_below(store, path)) return true;
  }
  if (history.is_package_copy(path, unit.package)) return true;
  for (const auto& dp : history.run->distribution_points) {
    if (!unit.dp.empty() && !same_path(dp.name, unit.dp)) continue;
    if (same_path(path, dp.share) || at_or_below_dp_folder(path, unit.package, dp)) return true;
  }
  return false;
}

struct Refusal {
  int64_t code = 0;
  size_t record = 0;
  std::string_view path;  // where its handle was opened, for an operation on a handle
};

// The file system's refusals of the manager's operations on the unit's files during the attempt,
// in trace order. Several passes may work in one source folder at once, so an operation that
// names (or whose handle was opened by) a processing thread other than the attempt's pass's is
// another package's. An operation on a handle belongs where the handle was opened: the trace
// names the file by its path now, which a rename since the open may have moved out of the unit's
// folders.
std::vector<Refusal> refusals_during(const History& history, const RetryUnit& unit,
                                     const Attempt& attempt) {
  const uint32_t thread = attempt.pass ? history.passes[*attempt.pass].thread : 0;
  struct Opened {
    int64_t handle = 0;
    std::optional<int64_t> thread;
    std::string_view path;
  };
  std::vector<Opened> opened;  // the manager's opens in the attempt
  std::vector<Refusal> refusals;
  for (size_t index = attempt.start_record; index <= *attempt.end_record; ++index) {
    if (!is_file_result(history, index)) continue;
    const TraceRecord& record = history.records()[index];
    const bool open = history.kinds[index].event == RecordEvent::open;
    if (open) {
      if (const std::optional<int64_t> handle = number_field(record, "handle")) {
        opened.push_back({*handle, number_field(record, "thread"), text_field(record, "path")});
      }
    }
    // Most operations succeed: their other fields are not asked for.
    const int64_t code = number_field(record, "win32").value_or(0);
    if (code == 0) continue;
    std::optional<int64_t> by_thread = number_field(record, "thread");
    std::string_view path = text_field(record, "path");
    if (const std::optional<int64_t> handle = number_field(record, "handle"); !open && handle) {
      const auto found = std::find_if(opened.rbegin(), opened.rend(),
                                      [&](const Opened& each) { return each.handle == *handle; });
      if (found != opened.rend()) {
        if (!by_thread) by_thread = found->thread;
        path = found->path;
      }
    }
    if (thread != 0 && by_thread && *by_thread != thread) continue;
    if (!concerns_unit(history, unit, path)) continue;
    refusals.push_back({code, index, path});
  }
  return refusals;
}

// How many folders `path` lies below `folder` (0 for the folder itself); requires path_below or
// equality.
size_t depth_below(std::string_view path, std::string_view folder) {
  if (same_path(path, folder)) return 0;
  const std::string_view rest = relative_below(path, folder);
  return 1 + static_cast<size_t>(std::count(rest.begin(), rest.end(), '\\'));
}

// Errors no refusal gives, taken only where the trace shows their cause. 206 and 8 are distsim's
// own bounds (model/README.md, Bounds): 206 a source's folders nested deeper than
// kSourceDirectoryDepthMax, so it needs the pass's listing of a folder that deep; 8 more than
// kSourceFilesPerPackageMax files in a source, or as many folders in a DP folder an update
// clears, so it needs the attempt's listings (their `files` and `folders`, what the file system
// returned) to have met that many. 998 is the compressor's failure on a file with alternate data
// streams (KB Q316316) on a site that cannot compress them, so it needs a compressed package
// whose pass read such a file.
bool error_has_cause(const History& history, const RetryUnit& unit, const Attempt& attempt,
                     int64_t code) {
  const auto source = history.sources.find(unit.package);
  if (source == history.sources.end()) return false;
  const std::string_view folder = source->second;
  const bool many = code == model::win32_code(model::Win32Error::not_enough_memory);
  const bool deep =
      unit.dp.empty() && code == model::win32_code(model::Win32Error::filename_exced_range);
  const bool streams = unit.dp.empty() && code == model::win32_code(model::Win32Error::noaccess) &&
                       history.run->site.streams_fail_compression &&
                       history.package_compressed(unit.package);
  if (!many && !deep && !streams) return false;
  uint64_t source_files = 0;  // listed by the attempt below the source
  uint64_t dp_folders = 0;    // listed by the attempt below the unit's DP folders
  for (size_t index = attempt.start_record; index <= *attempt.end_record; ++index) {
    const RecordKind kind = history.kinds[index];
    if (kind.actor != RecordActor::manager) continue;
    const bool listing = kind.event == RecordEvent::list_directory;
    if (!listing && kind.event != RecordEvent::read) continue;
    const TraceRecord& record = history.records()[index];
    const std::string_view path = text_field(record, "path");
    const bool in_source = same_path(path, folder) || path_below(path, folder);
    if (many && listing) {
      const auto files = static_cast<uint64_t>(number_field(record, "files").value_or(0));
      const auto folders = static_cast<uint64_t>(number_field(record, "folders").value_or(0));
      if (unit.dp.empty() && in_source) source_files += files;
      if (!in_source && concerns_unit(history, unit, path)) dp_folders += folders;
      // The manager stops at the first file past the bound, or once the folders to clear,
      // the DP folder itself counted, pass it.
      if (source_files > model::kSourceFilesPerPackageMax ||
          dp_folders + 1 > model::kSourceFilesPerPackageMax) {
        return true;
      }
    }
    if (!in_source) continue;
    if (deep && listing && depth_below(path, folder) >= model::kSourceDirectoryDepthMax) {
      return true;
    }
    if (streams && !listing && number_field(record, "streams").value_or(0) > 0) return true;
  }
  return false;
}

std::string refusals_text(const History& history, const std::vector<Refusal>& refusals) {
  if (refusals.empty()) return "it refused none of them";
  constexpr size_t kShownMax = 3;
  std::string text = "it refused ";
  for (size_t each = 0; each < refusals.size() && each < kShownMax; ++each) {
    const TraceRecord& record = history.records()[refusals[each].record];
    text += fmt::format("{}{} ({} {} at {})", each == 0 ? "" : ", ", refusals[each].code,
                        record.event, text_field(record, "path"), clock_text(record.t_us));
  }
  if (refusals.size() > kShownMax) text += fmt::format(" and {} more", refusals.size() - kShownMax);
  return text;
}

// What a refusal of the manager failed: a copy of the package to one DP (an operation on its
// folder there or below it), a copy to some DP (the open of the compressed copy that each copy of
// a compressed package begins with: the record does not say which DP's; a refusal of the .PCK
// while compressing fails the pass itself), or nothing. A listing that finds no folder fails
// nothing: an update's clearing of a DP folder starts with one.
struct FailedCopy {
  bool failed = false;
  const model::DistributionPointDefinition* dp = nullptr;  // null: the .PCK's, DP unknown
};

FailedCopy failed_copy(const History& history, std::string_view package, const TraceRecord& record,
                       std::string_view path, int64_t code) {
  const bool not_found = code == model::win32_code(model::Win32Error::file_not_found) ||
                         code == model::win32_code(model::Win32Error::path_not_found);
  if (record.event == "list_directory" && not_found) return {};
  for (const model::DistributionPointDefinition& dp : history.run->distribution_points) {
    if (at_or_below_dp_folder(path, package, dp)) return {true, &dp};
  }
  if (record.event == "open" && history.is_package_copy(path, package)) return {true, nullptr};
  return {};
}

// Whether a successful attempt holds any refusal the manager's copies could have failed on: the
// cheap question asked of every 2301, before the attempt's refusals are gathered.
bool refused_at_copies(const History& history, const RetryUnit& unit, const Attempt& attempt) {
  for (size_t index = attempt.start_record; index <= *attempt.end_record; ++index) {
    if (history.kinds[index].actor != RecordActor::manager) continue;
    const TraceRecord& record = history.records()[index];
    const int64_t code = number_field(record, "win32").value_or(0);
    if (code == 0) continue;
    if (failed_copy(history, unit.package, record, text_field(record, "path"), code).failed) {
      return true;
    }
  }
  return false;
}

// The first record of the manager's copy to `dp` within the attempt, up to record `until`: its
// first operation on the package's folder there (a copy makes its first ones in the instant it
// begins, so no notification comes between its start and that record).
size_t copy_began(const History& history, const Attempt& attempt, std::string_view package,
                  const model::DistributionPointDefinition& dp, size_t until) {
  for (size_t index = attempt.start_record; index < until; ++index) {
    if (history.kinds[index].actor != RecordActor::manager) continue;
    if (at_or_below_dp_folder(text_field(history.records()[index], "path"), package, dp)) {
      return index;
    }
  }
  return until;
}

// Whether an update or refresh of `package` that names `dp` (any DP when null) reached the
// manager after record `after` and no later than record `until`: a copy under way then, or one
// already failed, belongs to the old cycle (one that begins after it belongs to the new one).
bool superseded_between(const History& history, std::string_view package,
                        const model::DistributionPointDefinition* dp, size_t after, size_t until) {
  return std::any_of(history.notifications.begin(), history.notifications.end(), [&](size_t at) {
    if (at <= after || at > until) return false;
    const TraceRecord& record = history.records()[at];
    const std::string_view kind = text_field(record, "kind");
    if (kind != "update" && kind != "refresh") return false;
    if (!same_path(text_field(record, "package"), package)) return false;
    return dp == nullptr || names_dp(list_field(record, "dps"), dp->name);
  });
}

}  // namespace

void check_failed_copies_reported(const History& history, Violations& violations) {
  for (const RetryUnit& unit : history.units) {
    if (!unit.dp.empty()) continue;  // a DP unit's copies raise no 2301
    for (const Attempt& attempt : unit.attempts) {
      if (attempt.outcome != Outcome::success || !attempt.end_record) continue;
      if (!refused_at_copies(history, unit, attempt)) continue;
      for (const Refusal& refusal : refusals_during(history, unit, attempt)) {
        const TraceRecord& record = history.records()[refusal.record];
        const FailedCopy copy =
            failed_copy(history, unit.package, record, refusal.path, refusal.code);
        if (!copy.failed) continue;
        // The .PCK's open is the first thing its copy does: the copy began with the refusal.
        const size_t began = copy.dp == nullptr ? refusal.record
                                                : copy_began(history, attempt, unit.package,
                                                             *copy.dp, refusal.record);
        if (superseded_between(history, unit.package, copy.dp, began, *attempt.end_record)) {
          continue;
        }
        const std::string copy_name =
            copy.dp == nullptr ? std::string("a copy to a DP") : "its copy to " + copy.dp->name;
        const std::string naming =
            copy.dp == nullptr ? std::string("") : " that names " + copy.dp->name;
        violations.push_back(
            {"failed_copy_reported",
             fmt::format("{}: the attempt from {} ended with 2301, but the file system refused "
                         "the manager's {} of {} with {} at {}, which failed {}, and no update or "
                         "refresh of the package{} came in during or after that copy and before "
                         "the pass ended",
                         unit.name(), clock_text(attempt.start_us), record.event, refusal.path,
                         refusal.code, clock_text(record.t_us), copy_name, naming),
             attempt.end_us});
        break;  // one refusal tells it
      }
    }
  }
}

void check_dp_decisions(const History& history, Violations& violations) {
  if (history.run->site.retry_unit != model::RetryUnit::distribution_point ||
      history.run->site.retry.dp_retry_decided != model::DpRetryDecided::copy_end) {
    return;
  }
  for (const RetryUnit& unit : history.units) {
    if (unit.dp.empty()) continue;
    for (const Attempt& attempt : unit.attempts) {
      if (attempt.outcome != Outcome::failed || !attempt.end_record) continue;
      const std::vector<Refusal> refusals = refusals_during(history, unit, attempt);
      if (refusals.empty()) continue;  // a failure no refusal made (error_has_cause)
      const TraceRecord& refused = history.records()[refusals.back().record];
      if (refused.t_us == attempt.end_us) continue;
      violations.push_back(
          {"retry_wait",
           fmt::format("{}: the copy attempt from {} failed when the file system refused the "
                       "manager's {} of {} with {} at {}, but its 2328 and retry came at {}; "
                       "dp_retry_decided copy_end decides a failure as the copy fails",
                       unit.name(), clock_text(attempt.start_us), refused.event,
                       refusals.back().path, refusals.back().code, clock_text(refused.t_us),
                       clock_text(attempt.end_us)),
           attempt.end_us});
    }
  }
}

void check_failure_errors(const History& history, Violations& violations) {
  for (const RetryUnit& unit : history.units) {
    for (const Attempt& attempt : unit.attempts) {
      if (attempt.outcome != Outcome::failed || !attempt.error || !attempt.end_record) continue;
      const std::vector<Refusal> refusals = refusals_during(history, unit, attempt);
      const bool refused_so = std::any_of(refusals.begin(), refusals.end(), [&](const Refusal& r) {
        return r.code == *attempt.error;
      });
      if (refused_so || error_has_cause(history, unit, attempt, *attempt.error)) continue;
      violations.push_back(
          {"failure_error",
           fmt::format("{}: the attempt from {} failed with error {} ({}), but the file system "
                       "refused none of the manager's operations on its files with {} during the "
                       "attempt; {}",
                       unit.name(), clock_text(attempt.start_us), *attempt.error,
                       unit.dp.empty() ? "its 2302" : "its Distmgr.log line", *attempt.error,
                       refusals_text(history, refusals)),
           attempt.end_us});
    }
  }
}

}  // namespace distsim::sim::invariant_detail
