// failure_error: the Win32 error a failed attempt reports (2302's error insertion for a package,
// the "Error N:" of a DP copy's Distmgr.log line) is one the file system refused the manager with
// during that attempt, on the package's source, its compressed copy or a DP share: the manager's
// word about why it failed is checked against the VFS's records, so that retry_give_up and
// liveness, which judge by that error, never rest on the manager's say alone. Two errors come
// from distsim's own bounds or the compressor, not from a refusal, and are taken only where the
// trace shows their cause (see error_has_cause).
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

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

// Whether `path` is one an attempt of `unit` works on: its package's source folder or below,
// the package's compressed copy, or a DP share or below (the package's folder on it, and the
// share a copy reaches first).
bool concerns_unit(const History& history, const RetryUnit& unit, std::string_view path) {
  if (const auto source = history.sources.find(unit.package); source != history.sources.end()) {
    if (same_path(path, source->second) || path_below(path, source->second)) return true;
  }
  if (history.is_package_copy(path, unit.package)) return true;
  for (const auto& dp : history.run->distribution_points) {
    if (!unit.dp.empty() && !same_path(dp.name, unit.dp)) continue;
    if (same_path(path, dp.share) || path_below(path, dp.share)) return true;
  }
  return false;
}

struct Refusal {
  int64_t code = 0;
  size_t record = 0;
};

// The file system's refusals of the manager's operations on the unit's files during the attempt,
// in trace order. A record naming a processing thread other than the attempt's pass's is another
// package's (several passes may read one source folder at once).
std::vector<Refusal> refusals_during(const History& history, const RetryUnit& unit,
                                     const Attempt& attempt) {
  const uint32_t thread = attempt.pass ? history.passes[*attempt.pass].thread : 0;
  std::vector<Refusal> refusals;
  for (size_t index = attempt.start_record; index <= *attempt.end_record; ++index) {
    if (!is_file_result(history, index)) continue;
    const TraceRecord& record = history.records()[index];
    const int64_t code = number_field(record, "win32").value_or(0);
    if (code == 0) continue;
    const auto by_thread = number_field(record, "thread");
    if (thread != 0 && by_thread && *by_thread != thread) continue;
    if (!concerns_unit(history, unit, text_field(record, "path"))) continue;
    refusals.push_back({code, index});
  }
  return refusals;
}

// Errors no refusal gives, taken where the trace shows their cause: 8 and 206 are distsim's own
// bounds on a source (too many files, folders nested too deep: model/README.md, Bounds), met
// while listing it; 998 is the compressor's failure on a file with alternate data streams (KB
// Q316316), on a site that cannot compress them, after the attempt read such a file.
bool error_has_cause(const History& history, const RetryUnit& unit, const Attempt& attempt,
                     int64_t code) {
  const auto source = history.sources.find(unit.package);
  if (source == history.sources.end()) return false;
  const bool bound = code == model::win32_code(model::Win32Error::not_enough_memory) ||
                     code == model::win32_code(model::Win32Error::filename_exced_range);
  const bool streams = code == model::win32_code(model::Win32Error::noaccess) &&
                       history.run->site.streams_fail_compression;
  if (!bound && !streams) return false;
  for (size_t index = attempt.start_record; index <= *attempt.end_record; ++index) {
    const RecordKind kind = history.kinds[index];
    if (kind.actor != RecordActor::manager) continue;
    const TraceRecord& record = history.records()[index];
    const std::string_view path = text_field(record, "path");
    if (!same_path(path, source->second) && !path_below(path, source->second)) continue;
    if (bound && kind.event == RecordEvent::list_directory) return true;
    if (streams && kind.event == RecordEvent::read &&
        number_field(record, "streams").value_or(0) > 0) {
      return true;
    }
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

}  // namespace

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
