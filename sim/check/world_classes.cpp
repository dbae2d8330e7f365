// Classifies a run from the history the invariant checkers read (invariants_internal.h) and the
// open handles of every actor along the trace.
#include "sim/check/world_classes.h"

#include <algorithm>
#include <map>
#include <set>

#include "sim/check/invariants_internal.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim {
namespace {

using invariant_detail::Attempt;
using invariant_detail::History;
using invariant_detail::Outcome;
using invariant_detail::RetryUnit;

// Per record index: which paths each actor holds open just before it.
class HandleTimeline {
 public:
  explicit HandleTimeline(const History& history) : history_(history) {}

  // Calls `visit(index, open)` for every record, with the handles open before it.
  template <typename Visit>
  void walk(Visit visit) {
    const auto& records = history_.records();
    for (size_t index = 0; index < records.size(); ++index) {
      const TraceRecord& record = records[index];
      visit(index, open_);
      const bool open = record.event == "open";
      if (!open && record.event != "close") continue;
      const auto handle = invariant_detail::number_field(record, "handle");
      if (!handle) continue;
      if (open) {
        open_[{record.actor, *handle}] = invariant_detail::text_field(record, "path");
      } else {
        open_.erase({record.actor, *handle});
      }
    }
  }

 private:
  const History& history_;
  // (actor, handle) -> path, as views of the trace, which outlives the walk
  std::map<std::pair<std::string_view, int64_t>, std::string_view> open_;
};

using OpenHandles = std::map<std::pair<std::string_view, int64_t>, std::string_view>;

bool any_open(const OpenHandles& open, bool manager, const std::string& folder) {
  return std::any_of(open.begin(), open.end(), [&](const auto& entry) {
    const bool is_manager = entry.first.first == kManagerActorName;
    return is_manager == manager && invariant_detail::path_below(entry.second, folder);
  });
}

bool is_package_copy(std::string_view path) {
  return path.size() > 4 && upper_ascii(path.substr(path.size() - 4)) == ".PCK";
}

void classify_units(const History& history, std::set<std::string_view>& classes) {
  const auto& policy = history.run->site.retry;
  for (const RetryUnit& unit : history.units) {
    std::map<size_t, uint32_t> retries_per_cycle;
    for (const auto& retry : unit.retries) {
      if (++retries_per_cycle[retry.cycle] >= 3) classes.insert(kClassRetriedThreeTimes);
    }
    if (!unit.pulled_forward.empty()) classes.insert(kClassPulledForward);
    bool failed_before = false;
    for (size_t index = 0; index < unit.attempts.size(); ++index) {
      const Attempt& attempt = unit.attempts[index];
      if (attempt.outcome == Outcome::success && failed_before) {
        classes.insert(kClassInstalledAfterFailure);
      }
      failed_before = failed_before || attempt.outcome == Outcome::failed;
      if (!attempt.gave_up) continue;
      const uint64_t used = history.retries_used_before(unit, index);
      const bool spent = policy.retry_count_max && used >= *policy.retry_count_max;
      const bool listed =
          policy.retry_on.empty() ||
          (attempt.error &&
           std::any_of(policy.retry_on.begin(), policy.retry_on.end(), [&](model::Win32Error e) {
             return model::win32_code(e) == *attempt.error;
           }));
      if (spent)
        classes.insert(unit.dp.empty() ? kClassPackageRetriesExhausted : kClassDpRetriesExhausted);
      if (!listed) classes.insert(kClassNotRetryable);
      if (!spent && listed && policy.deadline_us) classes.insert(kClassDeadlineEnded);
    }
  }
}

void classify_timeline(const History& history, std::set<std::string_view>& classes) {
  // The end record of each package's last failed attempt.
  std::map<size_t, std::string> last_failures;  // record -> package
  for (const RetryUnit& unit : history.units) {
    for (auto attempt = unit.attempts.rbegin(); attempt != unit.attempts.rend(); ++attempt) {
      if (attempt->outcome != Outcome::failed || !attempt->end_record) continue;
      last_failures[*attempt->end_record] = unit.package;
      break;
    }
  }
  const auto& records = history.records();
  HandleTimeline(history).walk([&](size_t index, const OpenHandles& open) {
    const TraceRecord& record = records[index];
    const auto failure = last_failures.find(index);
    if (failure != last_failures.end()) {
      const auto source = history.sources.find(failure->second);
      if (source != history.sources.end() && any_open(open, false, source->second)) {
        classes.insert(kClassHeldAtLastFailure);
      }
    }
    if (invariant_detail::is_event(record, "world", "crash")) {
      for (const auto& dp : history.run->distribution_points) {
        if (any_open(open, true, dp.share)) classes.insert(kClassCrashDuringCopy);
      }
    }
    if (invariant_detail::is_event(record, "world", "notification") &&
        invariant_detail::text_field(record, "kind") == "update") {
      const auto source = history.sources.find(invariant_detail::text_field(record, "package"));
      if (source != history.sources.end() && any_open(open, true, source->second)) {
        classes.insert(kClassUpdateDuringRead);
      }
    }
    if (invariant_detail::is_manager(record) && record.event == "open" &&
        is_package_copy(invariant_detail::text_field(record, "path"))) {
      classes.insert(kClassCompressedCopy);
    }
  });
}

void classify_files(const History& history, std::set<std::string_view>& classes) {
  for (const auto& status : history.run->packages) {
    if (status.state != model::PackageState::installed) continue;
    for (const auto& dp : history.run->distribution_points) {
      const std::string folder = history.dp_folder(status.id, dp.name);
      for (const auto& [path, content] : history.run->final_files) {
        if (!invariant_detail::path_below(path, folder)) continue;
        // A separator after the folder's own: the file lies in a subfolder.
        if (path.find('\\', folder.size() + 1) != std::string::npos)
          classes.insert(kClassNestedInstalled);
      }
    }
  }
}

}  // namespace

std::vector<std::string> classify_run(const RunResult& run) {
  return invariant_detail::classify_history(invariant_detail::read_history(run));
}

std::vector<std::string> invariant_detail::classify_history(const History& history) {
  if (!history.traced) return {};
  std::set<std::string_view> classes;
  classify_units(history, classes);
  classify_timeline(history, classes);
  classify_files(history, classes);
  return {classes.begin(), classes.end()};
}

}  // namespace distsim::sim
