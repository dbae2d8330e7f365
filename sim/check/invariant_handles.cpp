// handles_closed, judged from the VFS handle table at the end and the open/close records of the
// trace, per actor, never from the manager's own count: no manager handle outlives the pass that
// opened it, the manager holds nothing while no pass runs or once its process died, and the
// table at the end agrees with what the trace shows still open.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

struct OpenHandle {
  std::string_view path;  // the trace's, which outlives the judge
  size_t record = 0;
};

// One actor's open handles in handle order. An actor holds a few handles at once: a sorted
// vector allocates once per actor where a map allocates per open.
class HandleSet {
 public:
  using Entry = std::pair<HandleId, OpenHandle>;

  void open(HandleId handle, OpenHandle open) {
    const auto at = position(handle);
    if (at != entries_.end() && at->first == handle) {
      at->second = open;
    } else {
      entries_.insert(at, {handle, open});
    }
  }
  void close(HandleId handle) {
    const auto at = position(handle);
    if (at != entries_.end() && at->first == handle) entries_.erase(at);
  }
  [[nodiscard]] bool holds(HandleId handle) const {
    const auto at = std::lower_bound(entries_.begin(), entries_.end(), handle, before);
    return at != entries_.end() && at->first == handle;
  }
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] size_t size() const { return entries_.size(); }
  [[nodiscard]] auto begin() const { return entries_.begin(); }
  [[nodiscard]] auto end() const { return entries_.end(); }

 private:
  static bool before(const Entry& entry, HandleId handle) { return entry.first < handle; }
  std::vector<Entry>::iterator position(HandleId handle) {
    return std::lower_bound(entries_.begin(), entries_.end(), handle, before);
  }

  std::vector<Entry> entries_;
};

bool belongs_to(const History& history, std::string_view path, std::string_view package) {
  const auto source = history.sources.find(package);
  if (source != history.sources.end() && path_below(path, source->second)) return true;
  if (history.is_package_copy(path, package)) return true;
  return std::any_of(history.run->distribution_points.begin(),
                     history.run->distribution_points.end(),
                     [&](const auto& dp) { return History::below_dp_folder(path, package, dp); });
}

class HandleJudge {
 public:
  HandleJudge(const History& history, Violations& violations)
      : history_(history), violations_(violations) {}

  void run() {
    const auto& records = history_.records();
    for (size_t index = 0; index < records.size(); ++index) {
      const TraceRecord& record = records[index];
      const RecordKind kind = history_.kinds[index];
      // The dead process's handles are judged once its crash is over: when time moves on, or at
      // its restart, which may come at the same instant (and opens handles of its own).
      if (crash_ &&
          (record.t_us > crash_->second || kind.is(RecordActor::world, RecordEvent::restart))) {
        judge_crash();
      }
      if (kind.event == RecordEvent::other) continue;
      if (kind.event == RecordEvent::open && number_field(record, "handle")) {
        const auto handle = static_cast<HandleId>(*number_field(record, "handle"));
        handles_of(record.actor).open(handle, {text_field(record, "path"), index});
      } else if (kind.event == RecordEvent::close) {
        handles_of(record.actor)
            .close(static_cast<HandleId>(number_field(record, "handle").value_or(0)));
      } else if (kind.is(RecordActor::manager, RecordEvent::pass_start)) {
        const std::string_view package = text_field(record, "package");
        const auto same = running_pass(package);
        if (same != running_.end()) {
          same->second = index;
        } else {
          running_.emplace_back(package, index);
        }
      } else if (kind.is(RecordActor::manager, RecordEvent::pass_end)) {
        const std::string_view package = text_field(record, "package");
        const auto found = running_pass(package);
        const size_t start_record = found == running_.end() ? 0 : found->second;
        if (found != running_.end()) running_.erase(found);
        judge_pass_end(package, start_record, record.t_us);
        if (running_.empty()) judge_idle(record.t_us);
      } else if (kind.is(RecordActor::world, RecordEvent::crash)) {
        running_.clear();
        crash_ = {index, record.t_us};
      }
    }
    if (crash_) judge_crash();
    judge_table();
  }

 private:
  std::vector<std::pair<std::string_view, size_t>>::iterator running_pass(
      std::string_view package) {
    return std::find_if(running_.begin(), running_.end(),
                        [&](const auto& pass) { return pass.first == package; });
  }

  void report(const std::string& detail, TimeUs t_us) {
    violations_.push_back({"handles_closed", detail, t_us});
  }

  void judge_pass_end(std::string_view package, size_t start_record, TimeUs t_us) {
    for (const auto& [handle, open] : handles_of(kManagerActorName)) {
      if (open.record < start_record || !belongs_to(history_, open.path, package)) continue;
      if (another_pass_could_hold(open)) continue;
      if (!reported_.insert(handle).second) continue;
      report(fmt::format("the pass of {} ended at {} but distmgr still holds handle {} on {}",
                         package, clock_text(t_us), handle, open.path),
             t_us);
    }
  }

  // Paths can belong to several packages (a source folder holding another package's .PCK): a
  // handle outlives the pass that ended only if no other pass, running since before the handle
  // was opened, could hold it. Asked only for handles still open when a pass ends (a leak).
  [[nodiscard]] bool another_pass_could_hold(const OpenHandle& open) const {
    return std::any_of(running_.begin(), running_.end(), [&](const auto& pass) {
      return pass.second < open.record && belongs_to(history_, open.path, pass.first);
    });
  }

  void judge_idle(TimeUs t_us) {
    for (const auto& [handle, open] : handles_of(kManagerActorName)) {
      if (!reported_.insert(handle).second) continue;
      report(fmt::format("no pass is running at {} but distmgr still holds handle {} on {}",
                         clock_text(t_us), handle, open.path),
             t_us);
    }
  }

  void judge_crash() {
    const TimeUs t_us = crash_->second;
    crash_.reset();
    const HandleSet& held = handles_of(kManagerActorName);
    if (held.empty()) return;
    report(
        fmt::format("distmgr died at {} but {} of its handles stayed open (first: {} on {})",
                    clock_text(t_us), held.size(), held.begin()->first, held.begin()->second.path),
        t_us);
    for (const auto& each : held) reported_.insert(each.first);
  }

  // The VFS handle table at the end is the ground truth; the trace must agree with it, and the
  // manager may hold only handles of passes still running.
  void judge_table() {
    const RunResult& run = *history_.run;
    std::set<std::pair<std::string_view, HandleId>> in_table;
    for (const OpenHandleRecord& entry : run.open_handles) {
      in_table.insert({entry.actor, entry.handle});
      const auto& traced = handles_of(entry.actor);
      if (!traced.holds(entry.handle)) {
        report(fmt::format("the VFS handle table holds {}'s handle {} on {} at the end, which the "
                           "trace shows closed or never opened",
                           entry.actor, entry.handle, entry.path),
               run.until_us);
      }
      if (entry.actor != kManagerActorName || reported_.count(entry.handle) != 0) continue;
      const bool pass_owns =
          std::any_of(history_.passes.begin(), history_.passes.end(), [&](const PassSpan& pass) {
            return !pass.end_record && belongs_to(history_, entry.path, pass.package);
          });
      if (pass_owns) continue;
      report(fmt::format("distmgr holds handle {} on {} at the end of the run, outside any "
                         "running pass",
                         entry.handle, entry.path),
             run.until_us);
    }
    // By the actors' names, so that the reports of one moment come out in a fixed order.
    std::vector<const ActorHandles*> by_name;
    for (const ActorHandles& each : open_) by_name.push_back(&each);
    std::sort(by_name.begin(), by_name.end(),
              [](const ActorHandles* left, const ActorHandles* right) {
                return left->first < right->first;
              });
    for (const ActorHandles* each : by_name) {
      const auto& [actor, handles] = *each;
      for (const auto& [handle, open] : handles) {
        if (in_table.count({actor, handle}) != 0) continue;
        report(fmt::format("the trace shows {}'s handle {} on {} still open, but the VFS handle "
                           "table has no such handle at the end",
                           actor, handle, open.path),
               run.until_us);
      }
    }
  }

  const History& history_;
  Violations& violations_;
  // An actor's open handles, found by its name (a view of the trace or of the run's table).
  // A world has a few actors: a list searched in place, whose names are mostly the same bytes
  // as the record's, costs less than a map's name comparisons on every open and close.
  using ActorHandles = std::pair<std::string_view, HandleSet>;
  HandleSet& handles_of(std::string_view actor) {
    for (ActorHandles& each : open_) {
      if (same_literal(each.first, actor)) return each.second;
    }
    return open_.emplace_back(actor, HandleSet()).second;
  }
  std::vector<ActorHandles> open_;  // per actor, in the order first seen
  // package (a view), its pass start record: as few as the manager's threads, so a vector
  std::vector<std::pair<std::string_view, size_t>> running_;
  std::set<HandleId> reported_;                     // manager handles already reported once
  std::optional<std::pair<size_t, TimeUs>> crash_;  // a crash whose closes are still to come
};

}  // namespace

void check_handles(const History& history, Violations& violations) {
  HandleJudge(history, violations).run();
}

}  // namespace distsim::sim::invariant_detail
