// user_disconnect: the manager forces users off a DP exactly as a package's "Disconnect users
// from distribution points" asks (model/README.md). Every handle, running program or mapped view
// the trace shows ended under its owner (a close, unmap_image or unmap_data marked
// `disconnected`) must lie on a DP that
// supports it and is reachable, in the folder of a package created with the option, belong to a
// user (not the manager, not a process running on the server), and come during a copy attempt of
// that package to that DP (after its attempt line, before its first file operation) that
// followed at least the option's count of attempts in the same retry cycle. And at every such
// attempt, every user's handle, program and view open in the folder before it must be gone by the
// attempt's first file operation. The option comes from the world's record of the creation, the
// DP's server and the server processes from the world's configuration, reachability from the
// DP's fault records, and the attempts from Distmgr.log's attempt lines. The trace does not say
// which DPs an update or refresh restarts beyond those it names (the model also restarts DPs that
// failed with the package), so attempts are counted twice: from the last notification naming the
// DP (at least the manager's count: a disconnect below it is wrong) and from the last
// notification of the package (at most the manager's count: a disconnect at it is owed).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

// "~Attempting to add or update package S0100001 on distribution point \\DP01\SMSPKGC$" (and
// ConfigMgr 2012's "DP Thread: Attempting ..."): the package and the share; empty when the line is
// no attempt line.
std::pair<std::string_view, std::string_view> attempt_of(std::string_view text) {
  constexpr std::string_view kAttempt = "Attempting to add or update package ";
  constexpr std::string_view kOn = " on distribution point ";
  // Anchored: a package or share name holding the words cannot make another line one.
  constexpr std::string_view kSms2Start = "~";
  constexpr std::string_view kCm2012Start = "DP Thread: ";
  size_t start = 0;
  if (text.starts_with(kCm2012Start)) {
    start = kCm2012Start.size();
  } else if (text.starts_with(kSms2Start)) {
    start = kSms2Start.size();
  } else {
    return {};
  }
  if (text.substr(start, kAttempt.size()) != kAttempt) return {};
  const std::string_view rest = text.substr(start + kAttempt.size());
  const size_t on = rest.find(kOn);
  if (on == std::string_view::npos) return {};
  return {rest.substr(0, on), rest.substr(on + kOn.size())};
}

// What a holder's record of this event holds or ends: a handle, a running program's image or a
// memory-mapped data section, as the findings name it.
std::string_view hold_noun(std::string_view event) {
  if (event == "map_image" || event == "unmap_image") return "program";
  if (event == "map_data" || event == "unmap_data") return "mapped view of";
  return "handle on";
}

// A handle, running program or mapped view a user holds, as views of the trace.
struct UserHold {
  std::string_view actor;
  int64_t id = 0;
  std::string_view path;
  bool section = false;  // a program's image or a data section: ids from map_* and unmap_*
  std::string_view noun = "handle on";
};

class DisconnectJudge {
 public:
  DisconnectJudge(const History& history, Violations& violations)
      : history_(history), violations_(violations), dps_(history.run->distribution_points) {
    unreachable_.assign(dps_.size(), 0);
    for (const size_t index : history.notifications) {
      const TraceRecord& notification = history.records()[index];
      if (const auto count = number_field(notification, "disconnect_users")) {
        after_[text_field(notification, "package")] = *count;
      }
    }
  }

  void run() {
    const auto& records = history_.records();
    // Without the option, or without a user who ever opened a file on a DP, no disconnect may
    // happen and none is owed: only forced ends are looked for (most runs).
    const bool walk = !after_.empty() && users_on_dps();
    for (size_t index = 0; index < records.size(); ++index) {
      const TraceRecord& record = records[index];
      const RecordKind kind = history_.kinds[index];
      const bool may_end = kind.event == RecordEvent::close || kind.event == RecordEvent::other;
      if (!walk && !may_end) continue;
      if (may_end && kind.actor == RecordActor::manager && flag_field(record, "disconnected")) {
        report(fmt::format("distmgr's {} was ended by a forced disconnect at {}, but the manager "
                           "never disconnects itself",
                           text_field(record, "path"), clock_text(record.t_us)),
               record.t_us);
      } else if (!walk) {
        if (kind.actor == RecordActor::holder && flag_field(record, "disconnected")) {
          judge_forced_end(record);
        }
      } else if (kind.actor == RecordActor::manager) {
        on_manager(record, kind);
      } else if (kind.actor == RecordActor::holder) {
        on_holder(record, kind);
      } else if (kind.is(RecordActor::world, RecordEvent::notification)) {
        on_notification(record);
      } else if (kind.actor == RecordActor::distribution_point) {
        on_fault(record, kind);
      }
    }
    end_attempt();
  }

 private:
  // A copy attempt of a package to a DP, from its attempt line to its first file operation.
  struct Attempt {
    std::string package;
    size_t dp = 0;
    uint64_t in_cycle = 0;         // attempts since a notification naming the DP, this one included
    uint64_t surely_in_cycle = 0;  // ... since any notification of the package
    std::vector<UserHold> due_off;  // what this attempt must force off
    TimeUs t_us = 0;
    std::string folder;  // the package's folder on the DP
  };

  [[nodiscard]] bool users_on_dps() const {
    const auto& records = history_.records();
    for (size_t index = 0; index < records.size(); ++index) {
      if (!history_.kinds[index].is(RecordActor::holder, RecordEvent::open)) continue;
      const std::string_view path = text_field(records[index], "path");
      if (dp_of(path) && !server_process(records[index].actor)) return true;
    }
    return false;
  }

  void report(const std::string& detail, TimeUs t_us) {
    violations_.push_back({"user_disconnect", detail, t_us});
  }

  [[nodiscard]] std::optional<size_t> dp_of(std::string_view path) const {
    for (size_t dp = 0; dp < dps_.size(); ++dp) {
      if (path_below(path, dps_[dp].share)) return dp;
    }
    return std::nullopt;
  }
  [[nodiscard]] bool server_process(std::string_view actor) const {
    const auto& processes = history_.run->server_processes;
    return std::find(processes.begin(), processes.end(), actor) != processes.end();
  }

  void on_notification(const TraceRecord& record) {
    const std::string_view package = text_field(record, "package");
    const TraceList dps = list_field(record, "dps");
    for (size_t dp = 0; dp < dps_.size(); ++dp) {
      if (names_dp(dps, dps_[dp].name)) attempts_[{std::string(package), dp}] = 0;
      sure_attempts_[{std::string(package), dp}] = 0;
    }
  }

  void on_fault(const TraceRecord& record, RecordKind kind) {
    if (text_field(record, "fault") != "dp_unreachable") return;
    const std::string_view name = record.actor.substr(kDistributionPointActorPrefix.size());
    for (size_t dp = 0; dp < dps_.size(); ++dp) {
      if (!same_path(dps_[dp].name, name)) continue;
      if (kind.event == RecordEvent::fault_start) ++unreachable_[dp];
      if (kind.event == RecordEvent::fault_end && unreachable_[dp] > 0) --unreachable_[dp];
    }
  }

  void on_manager(const TraceRecord& record, RecordKind kind) {
    if (kind.event == RecordEvent::log_line) {
      const auto [package, share] = attempt_of(text_field(record, "text"));
      if (!package.empty()) begin_attempt(package, share, record.t_us);
      return;
    }
    if (!attempt_) return;
    const std::string_view path = text_field(record, "path");
    if (same_path(path, attempt_->folder) || path_below(path, attempt_->folder)) end_attempt();
  }

  void begin_attempt(std::string_view package, std::string_view share, TimeUs t_us) {
    end_attempt();
    for (size_t dp = 0; dp < dps_.size(); ++dp) {
      if (!same_path(dps_[dp].share, share)) continue;
      const std::pair<std::string, size_t> key{std::string(package), dp};
      Attempt attempt{key.first,
                      dp,
                      ++attempts_[key],
                      ++sure_attempts_[key],
                      {},
                      t_us,
                      history_.dp_folder(package, dps_[dp].name)};
      const auto option = after_.find(package);
      const bool due = option != after_.end() &&
                       attempt.surely_in_cycle >= static_cast<uint64_t>(option->second) + 1 &&
                       dps_[dp].forced_disconnect && unreachable_[dp] == 0;
      if (due) {
        for (const UserHold& hold : holds_) {
          if (!server_process(hold.actor) &&
              (same_path(hold.path, attempt.folder) || path_below(hold.path, attempt.folder))) {
            attempt.due_off.push_back(hold);
          }
        }
      }
      attempt_ = std::move(attempt);
      return;
    }
  }

  // The attempt's first file operation: what it had to force off must be gone.
  void end_attempt() {
    if (!attempt_) return;
    for (const UserHold& hold : attempt_->due_off) {
      if (!holds(hold)) continue;
      report(fmt::format("{}'s {} {} was not forced off {} at {}, although package {} has "
                         "disconnect_users {} and this was copy attempt {} of the retry cycle",
                         hold.actor, hold.noun, hold.path, dps_[attempt_->dp].name,
                         clock_text(attempt_->t_us), attempt_->package,
                         after_.find(attempt_->package)->second, attempt_->surely_in_cycle),
             attempt_->t_us);
    }
    attempt_.reset();
  }

  [[nodiscard]] bool holds(const UserHold& hold) const {
    return std::any_of(holds_.begin(), holds_.end(), [&](const UserHold& each) {
      return each.id == hold.id && each.section == hold.section &&
             same_literal(each.actor, hold.actor);
    });
  }

  void on_holder(const TraceRecord& record, RecordKind kind) {
    const bool open = kind.event == RecordEvent::open;
    const bool close = kind.event == RecordEvent::close;
    const bool other = kind.event == RecordEvent::other;
    if (!open && !close && !other) return;
    const bool map = other && (record.event == "map_image" || record.event == "map_data");
    const bool unmap = other && (record.event == "unmap_image" || record.event == "unmap_data");
    if (other && !map && !unmap) return;
    const bool section = map || unmap;
    const auto id = number_field(record, section ? "section" : "handle");
    if (!id) return;  // a refused open or mapping
    if (open || map) {
      holds_.push_back(
          {record.actor, *id, text_field(record, "path"), section, hold_noun(record.event)});
      return;
    }
    const auto held = std::find_if(holds_.begin(), holds_.end(), [&](const UserHold& each) {
      return each.id == *id && each.section == section && same_literal(each.actor, record.actor);
    });
    if (held != holds_.end()) {
      *held = holds_.back();
      holds_.pop_back();
    }
    if (flag_field(record, "disconnected")) judge_forced_end(record);
  }

  void judge_forced_end(const TraceRecord& record) {
    const std::string_view path = text_field(record, "path");
    const auto fail = [&](const std::string& why) {
      report(fmt::format("{}'s {} {} was ended by a forced disconnect at {}, but {}", record.actor,
                         hold_noun(record.event), path, clock_text(record.t_us), why),
             record.t_us);
    };
    if (server_process(record.actor)) return fail("it runs on the server, not over a session");
    const auto dp = dp_of(path);
    if (!dp) return fail("it is on no distribution point");
    const std::string_view below = relative_below(path, dps_[*dp].share);
    const std::string_view package = below.substr(0, below.find('\\'));
    if (!dps_[*dp].forced_disconnect) {
      return fail(fmt::format("{} does not support forced disconnect", dps_[*dp].name));
    }
    if (unreachable_[*dp] > 0) return fail(fmt::format("{} was unreachable", dps_[*dp].name));
    const auto option = after_.find(package);
    if (option == after_.end()) {
      return fail(fmt::format("package {} was not created with disconnect_users", package));
    }
    if (!attempt_ || !same_path(attempt_->package, package) || attempt_->dp != *dp) {
      return fail(fmt::format("no copy attempt of {} to {} was starting", package, dps_[*dp].name));
    }
    if (attempt_->in_cycle < static_cast<uint64_t>(option->second) + 1) {
      fail(
          fmt::format("it came in copy attempt {} of {} to {} in this retry cycle, and "
                      "disconnect_users asks for {} failed ones before",
                      attempt_->in_cycle, package, dps_[*dp].name, option->second));
    }
  }

  const History& history_;
  Violations& violations_;
  const std::vector<model::DistributionPointDefinition>& dps_;
  std::map<std::string_view, int64_t, std::less<>> after_;       // package -> the option's count
  std::map<std::pair<std::string, size_t>, uint64_t> attempts_;  // (package, DP) -> this cycle's
  std::map<std::pair<std::string, size_t>, uint64_t> sure_attempts_;
  std::vector<int> unreachable_;    // by DP: faults in force
  std::vector<UserHold> holds_;     // users' open handles
  std::optional<Attempt> attempt_;  // the attempt starting
};

}  // namespace

void check_user_disconnects(const History& history, Violations& violations) {
  DisconnectJudge(history, violations).run();
}

}  // namespace distsim::sim::invariant_detail
