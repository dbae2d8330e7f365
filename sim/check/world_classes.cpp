// Classifies a run from the history the invariant checkers read (invariants_internal.h) and the
// open handles of every actor along the trace.
#include "sim/check/world_classes.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "model/assert.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim {
namespace {

using invariant_detail::Attempt;
using invariant_detail::History;
using invariant_detail::Outcome;
using invariant_detail::RecordActor;
using invariant_detail::RecordEvent;
using invariant_detail::RetryUnit;

// One handle an actor holds open at some point of the trace, as views of the trace, which
// outlives the walk.
struct OpenHandle {
  std::string_view actor;
  int64_t handle = 0;
  std::string_view path;
};
// A world holds a few handles open at once, so a list searched in full beats a tree.
using OpenHandles = std::vector<OpenHandle>;

// Per record index: which paths each actor holds open just before it.
class HandleTimeline {
 public:
  explicit HandleTimeline(const History& history) : history_(history) {}

  // Calls `visit(index, open)` for every record, with the handles open before it.
  template <typename Visit>
  void walk(Visit visit) {
    const auto& records = history_.records();
    for (size_t index = 0; index < records.size(); ++index) {
      visit(index, open_);
      const RecordEvent event = history_.kinds[index].event;
      const bool open = event == RecordEvent::open;
      if (!open && event != RecordEvent::close) continue;
      const TraceRecord& record = records[index];
      const auto handle = invariant_detail::number_field(record, "handle");
      if (!handle) continue;
      const auto held = std::find_if(open_.begin(), open_.end(), [&](const OpenHandle& each) {
        return each.handle == *handle && invariant_detail::same_literal(each.actor, record.actor);
      });
      if (open) {
        const std::string_view path = invariant_detail::text_field(record, "path");
        if (held == open_.end()) {
          open_.push_back({record.actor, *handle, path});
        } else {
          held->path = path;
        }
      } else if (held != open_.end()) {
        *held = open_.back();  // the order of the list means nothing
        open_.pop_back();
      }
    }
  }

 private:
  const History& history_;
  OpenHandles open_;
};

bool any_open(const OpenHandles& open, bool manager, const std::string& folder) {
  return std::any_of(open.begin(), open.end(), [&](const OpenHandle& entry) {
    const bool is_manager = entry.actor == kManagerActorName;
    return is_manager == manager && invariant_detail::path_below(entry.path, folder);
  });
}

bool is_package_copy(std::string_view path) {
  return path.size() > 4 && invariant_detail::same_path(path.substr(path.size() - 4), ".PCK");
}

// Whether an administrator deleted the unit's retry history while one of its retries waited:
// after the retry was decided, no later than it fell due, and before any later attempt began.
bool stopped_by_deletion(const History& history, const RetryUnit& unit) {
  if (history.retry_history_deletions.empty() || !unit.dp.empty()) return false;
  return std::any_of(unit.retries.begin(), unit.retries.end(), [&](const auto& retry) {
    const auto deletion = history.retry_history_deleted_while_waiting(unit, retry);
    if (!deletion) return false;
    const auto next =
        std::find_if(unit.attempts.begin(), unit.attempts.end(),
                     [&](const Attempt& each) { return each.start_record > retry.record; });
    return next == unit.attempts.end() || next->start_record > *deletion;
  });
}

void classify_units(const History& history, std::set<std::string_view>& classes) {
  const auto& policy = history.run->site.retry;
  for (const RetryUnit& unit : history.units) {
    std::vector<uint32_t> retries_per_cycle(unit.cycle_starts.size() + 1);
    for (const auto& retry : unit.retries) {
      if (retry.cycle >= retries_per_cycle.size()) retries_per_cycle.resize(retry.cycle + 1);
      if (++retries_per_cycle[retry.cycle] >= 3) classes.insert(kClassRetriedThreeTimes);
    }
    if (!unit.pulled_forward.empty()) classes.insert(kClassPulledForward);
    if (stopped_by_deletion(history, unit)) classes.insert(kClassRetryStoppedByDeletion);
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

// Whether a memory-mapped view refused the operation that failed one of the manager's attempts,
// from the world's record of that refusal (the file system's blame, not the manager's account):
// a pass over the attempts, where the trace would need every open record's fields read.
bool refused_by_view(const History& history) {
  return std::any_of(
      history.run->passes.begin(), history.run->passes.end(), [](const PassRecord& pass) {
        return pass.refusal &&
               std::any_of(pass.refusal->culprits.begin(), pass.refusal->culprits.end(),
                           [](const Culprit& culprit) { return culprit.by_data_section; });
      });
}

// Whether one of the manager's own handles refused the operation that failed one of its attempts
// (a .PCK read that shares nothing, met by another DP copy of the package), from the world's
// record of that refusal.
bool refused_by_itself(const History& history) {
  return std::any_of(history.run->passes.begin(), history.run->passes.end(),
                     [](const PassRecord& pass) {
                       return pass.refusal &&
                              std::any_of(pass.refusal->culprits.begin(),
                                          pass.refusal->culprits.end(), [](const Culprit& culprit) {
                                            return culprit.holder_kind == kManagerHolderKind;
                                          });
                     });
}

void classify_timeline(const History& history, std::set<std::string_view>& classes) {
  // The end record of each package's last failed attempt.
  std::map<size_t, std::string_view> last_failures;  // record -> package
  for (const RetryUnit& unit : history.units) {
    for (auto attempt = unit.attempts.rbegin(); attempt != unit.attempts.rend(); ++attempt) {
      if (attempt->outcome != Outcome::failed || !attempt->end_record) continue;
      last_failures[*attempt->end_record] = unit.package;
      break;
    }
  }
  const auto& records = history.records();
  auto next_failure = last_failures.begin();  // the records are visited in order
  const TimeUs retry_interval_us = history.run->site.source_open_retries > 0
                                       ? history.run->site.source_open_retry_interval_us
                                       : 0;
  std::map<std::string_view, TimeUs> refused_at;  // the manager's last refused open, by path
  HandleTimeline(history).walk([&](size_t index, const OpenHandles& open) {
    const TraceRecord& record = records[index];
    while (next_failure != last_failures.end() && next_failure->first < index) ++next_failure;
    if (next_failure != last_failures.end() && next_failure->first == index) {
      const auto& failure = next_failure;
      const auto source = history.sources.find(failure->second);
      if (source != history.sources.end() && any_open(open, false, source->second)) {
        classes.insert(kClassHeldAtLastFailure);
      }
    }
    const invariant_detail::RecordKind kind = history.kinds[index];
    if (kind.is(RecordActor::world, RecordEvent::crash)) {
      for (const auto& dp : history.run->distribution_points) {
        if (any_open(open, true, dp.share)) classes.insert(kClassCrashDuringCopy);
      }
    }
    if (kind.is(RecordActor::world, RecordEvent::notification) &&
        invariant_detail::text_field(record, "kind") == "update") {
      const auto source = history.sources.find(invariant_detail::text_field(record, "package"));
      if (source != history.sources.end() && any_open(open, true, source->second)) {
        classes.insert(kClassUpdateDuringRead);
      }
    }
    // A handle's close or a section's unmap_image or unmap_data (a program run from the DP holds
    // no handle).
    if ((kind.event == RecordEvent::close || kind.event == RecordEvent::other) &&
        kind.actor == RecordActor::holder && invariant_detail::flag_field(record, "disconnected")) {
      classes.insert(kClassUsersDisconnected);
    }
    if (kind.is(RecordActor::manager, RecordEvent::open)) {
      const std::string_view path = invariant_detail::text_field(record, "path");
      if (is_package_copy(path)) classes.insert(kClassCompressedCopy);
      // Opened one retry_interval after the manager's refusal of the same file: the pass's own
      // retry (a package retry comes minutes later, at the least). Only a site that retries
      // opens within the pass can reach it, and only a refusal starts it.
      if (retry_interval_us == 0) return;
      const bool refused = invariant_detail::number_field(record, "win32").value_or(0) != 0;
      if (!refused && refused_at.empty()) return;
      const auto last = refused_at.find(path);
      if (!refused && last != refused_at.end() && record.t_us - last->second == retry_interval_us) {
        classes.insert(kClassOpenedOnRetryInPass);
      }
      if (refused) {
        refused_at[path] = record.t_us;
      } else if (last != refused_at.end()) {
        refused_at.erase(last);
      }
    }
  });
}

void classify_files(const History& history, std::set<std::string_view>& classes) {
  // A file in a subfolder of an installed package's folder on a DP (<share>\<package>\sub\...):
  // each file is placed once, instead of each package's folder searched through every file.
  const auto installed = [&history](std::string_view package) {
    return std::any_of(history.run->packages.begin(), history.run->packages.end(),
                       [package](const model::PackageStatus& status) {
                         return status.state == model::PackageState::installed &&
                                invariant_detail::same_path(status.id, package);
                       });
  };
  for (const auto& [path, content] : history.run->final_files) {
    for (const auto& dp : history.run->distribution_points) {
      if (!invariant_detail::path_below(path, dp.share)) continue;
      const std::string_view below = invariant_detail::relative_below(path, dp.share);
      const size_t separator = below.find('\\');
      if (separator == std::string_view::npos ||
          below.find('\\', separator + 1) == std::string_view::npos) {
        continue;
      }
      if (!installed(below.substr(0, separator))) continue;
      classes.insert(kClassNestedInstalled);
      return;
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
  if (refused_by_view(history)) classes.insert(kClassMappedViewRefused);
  if (refused_by_itself(history)) classes.insert(kClassRefusedByItself);
  for (const std::string_view name : classes) DISTSIM_ASSERT(known_world_class(name));
  return {classes.begin(), classes.end()};
}

bool known_world_class(std::string_view name) {
  return std::find(std::begin(kWorldClasses), std::end(kWorldClasses), name) !=
         std::end(kWorldClasses);
}

}  // namespace distsim::sim
