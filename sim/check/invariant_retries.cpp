// The retry checkers over each retry unit's attempts: retry_bound (attempts per cycle, and every
// retry due within the deadline), retry_give_up (the manager gave up only where the policy says
// so) and retry_wait (each wait within the policy's analytic bounds, and the retry starting when
// it falls due). The bounds are derived here from the policy's definition, not taken from the
// model, so a wrong delay in the model shows up as a finding.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "model/assert.h"
#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"
#include "sim/core/counted_text.h"

namespace distsim::sim::invariant_detail {
namespace {

constexpr TimeUs kSaturated = std::numeric_limits<TimeUs>::max() / 4;

TimeUs saturating_times(TimeUs value, TimeUs factor) {
  return value > kSaturated / std::max<TimeUs>(factor, 1) ? kSaturated : value * factor;
}

TimeUs capped(const model::RetryPolicy& policy, TimeUs delay_us) {
  const TimeUs at_most = std::min(delay_us, model::kRetryDelayMaxUs);
  return policy.max_delay_us ? std::min(at_most, *policy.max_delay_us) : at_most;
}

// delay * (multiplier/1000)^(retry_number-1), each step rounded down to whole microseconds and
// capped, as retry_policy.h defines it; a fixed delay without jitter has no max_delay to obey.
TimeUs base_delay(const model::RetryPolicy& policy, uint64_t retry_number) {
  TimeUs delay_us = policy.delay_us;
  if (policy.backoff == model::Backoff::fixed && policy.jitter == model::Jitter::none) {
    return std::min(delay_us, model::kRetryDelayMaxUs);
  }
  if (policy.backoff == model::Backoff::exponential) {
    const auto multiplier = static_cast<TimeUs>(policy.multiplier_milli);
    for (uint64_t step = 1; step < retry_number; ++step) {
      const TimeUs next_us =
          saturating_times(delay_us / 1000, multiplier) + (delay_us % 1000) * multiplier / 1000;
      if (capped(policy, next_us) == capped(policy, delay_us) && step > 64) break;  // fixpoint
      delay_us = std::min(next_us, kSaturated);
    }
  }
  return capped(policy, delay_us);
}

std::string policy_count_text(const model::RetryPolicy& policy) {
  return policy.retry_count_max ? fmt::format("{}", *policy.retry_count_max) : "unlimited";
}

std::string range_text(const DelayRange& range) {
  return range.low_us == range.high_us
             ? duration_text(range.low_us)
             : fmt::format("{}..{}", duration_text(range.low_us), duration_text(range.high_us));
}

void check_attempt_count(const History& history, const RetryUnit& unit, Violations& violations) {
  const auto& policy = history.run->site.retry;
  if (!policy.retry_count_max) return;
  const uint64_t most = uint64_t{*policy.retry_count_max} + 1;
  // Under a per-DP policy the package's own retries are its failed passes: passes that copy to
  // DPs whose retries fell due use none of them.
  const bool failures_only =
      unit.dp.empty() && history.run->site.retry_unit == model::RetryUnit::distribution_point;
  // An attempt a crash cut short is not counted when it used no retry (crash_uses_retry false):
  // its work is redone by the attempt that follows. Cycles that count their retries together
  // (update_resets_retries false) are counted together, each cycle's first attempt using none.
  struct Counted {
    uint64_t attempts = 0;
    uint64_t cycles = 0;
    size_t last_cycle = 0;
  };
  std::map<size_t, Counted> per_count;  // by the cycle the counts go on from
  for (const Attempt& attempt : unit.attempts) {
    const bool interrupted = attempt.outcome == Outcome::interrupted;
    if ((failures_only || interrupted) && !history.uses_retry(unit, attempt)) continue;
    Counted& counted = per_count[unit.count_from[attempt.cycle]];
    if (counted.cycles == 0 || counted.last_cycle != attempt.cycle) ++counted.cycles;
    counted.last_cycle = attempt.cycle;
    const uint64_t allowed = most - 1 + counted.cycles;
    if (++counted.attempts != allowed + 1) continue;
    violations.push_back(
        {"retry_bound",
         fmt::format("{} made attempt {} of {}{}; the policy allows at most {}", unit.name(),
                     counted.attempts,
                     counted.cycles == 1
                         ? std::string("one retry cycle")
                         : fmt::format("{} retry cycles counted together", counted.cycles),
                     failures_only ? " (counting failed passes)" : "", allowed),
         failures_only ? attempt.end_us : attempt.start_us});
  }
}

void check_deadline(const History& history, const RetryUnit& unit, Violations& violations) {
  const auto& deadline_us = history.run->site.retry.deadline_us;
  if (!deadline_us) return;
  for (const ScheduledRetry& retry : unit.retries) {
    const auto first_us = history.cycle_first_start(unit, retry.cycle);
    if (!first_us || retry.at_us - *first_us <= *deadline_us) continue;
    violations.push_back(
        {"retry_bound",
         fmt::format("{}: a retry due at {} is {} after the cycle's first attempt began; the "
                     "deadline is {}",
                     unit.name(), clock_text(retry.at_us), duration_text(retry.at_us - *first_us),
                     duration_text(*deadline_us)),
         retry.t_us});
  }
}

bool delay_from_start(const History& history) {
  return history.run->site.retry.delay_from == model::DelayFrom::attempt_start;
}

// Where the policy counts a retry's delay from: the failed attempt's end (when the retry was
// decided) or, with delay_from attempt_start, the start of the latest attempt that failed before
// it was decided.
TimeUs delay_anchor(const History& history, const RetryUnit& unit, const ScheduledRetry& retry) {
  if (!delay_from_start(history)) return retry.t_us;
  for (auto attempt = unit.attempts.rbegin(); attempt != unit.attempts.rend(); ++attempt) {
    if (attempt->outcome == Outcome::failed && attempt->end_record &&
        *attempt->end_record < retry.record) {
      return attempt->start_us;
    }
  }
  return retry.t_us;
}

// The wait decided before `retry` of the unit's cycle, 0 when it is the cycle's first. Counted
// from the attempt's start, a delay that ran out during the attempt is known only to be at most
// that long: the bound taken, which can only widen the next wait's range.
TimeUs previous_delay(const RetryUnit& unit, size_t retry_index,
                      const std::vector<TimeUs>& anchors_us) {
  if (retry_index == 0) return 0;
  const ScheduledRetry& before = unit.retries[retry_index - 1];
  return History::same_count(unit, before.cycle, unit.retries[retry_index].cycle)
             ? before.at_us - anchors_us[retry_index - 1]
             : 0;
}

void check_give_ups(const History& history, const RetryUnit& unit, Violations& violations) {
  const auto& policy = history.run->site.retry;
  for (size_t index = 0; index < unit.attempts.size(); ++index) {
    const Attempt& attempt = unit.attempts[index];
    if (!attempt.gave_up) continue;
    const uint64_t retries = history.retries_used_before(unit, index);
    if (policy.retry_count_max && retries >= *policy.retry_count_max) continue;
    if (!policy.retry_on.empty() &&
        (!attempt.error ||
         std::none_of(policy.retry_on.begin(), policy.retry_on.end(), [&](model::Win32Error e) {
           return model::win32_code(e) == *attempt.error;
         }))) {
      continue;  // not retryable (or the error is not in the trace: no judgement)
    }
    const auto first_us = history.cycle_first_start(unit, attempt.cycle);
    if (policy.deadline_us && first_us) {
      TimeUs previous_us = 0;
      for (size_t each = 0; each < unit.retries.size(); ++each) {
        const ScheduledRetry& retry = unit.retries[each];
        if (retry.record < attempt.start_record &&
            History::same_count(unit, retry.cycle, attempt.cycle)) {
          previous_us = retry.at_us - delay_anchor(history, unit, retry);
        }
      }
      const TimeUs longest_us = delay_range(policy, retries + 1, previous_us).high_us;
      const TimeUs latest_due_us = delay_from_start(history)
                                       ? std::max(attempt.end_us, attempt.start_us + longest_us)
                                       : attempt.end_us + longest_us;
      if (latest_due_us - *first_us > *policy.deadline_us) continue;
    }
    violations.push_back(
        {"retry_give_up",
         fmt::format("{} gave up after {} of {} although the policy still "
                     "allows a retry",
                     unit.name(), counted(retries, "retry", "retries"), policy_count_text(policy)),
         attempt.end_us});
  }
}

// Whether a running manager could not start a pass of `package` at at_us: the package was in a
// pass, or every processing thread was busy.
bool threads_busy_at(const History& history, const std::string& package, TimeUs at_us) {
  uint32_t running = 0;
  for (const PassSpan& pass : history.passes) {
    const bool over_at = pass.start_us <= at_us && (!pass.end_record || pass.end_us >= at_us);
    if (!over_at) continue;
    if (pass.package == package && pass.start_us < at_us) return true;
    if (pass.package != package && !pass.dp_retries) ++running;  // DP retries take no thread
  }
  return running >= history.run->site.max_packages;
}

// Whether the manager could not start a pass of `package` at at_us: the process was down, or
// threads_busy_at.
bool busy_at(const History& history, const std::string& package, TimeUs at_us) {
  return history.manager_down_at(at_us) || threads_busy_at(history, package, at_us);
}

// A retry that fell due while the manager was down starts after the restart: at once, or, with
// due_while_down wait_again, once it has waited again, from the restart, as long as it was meant
// to wait when it was decided; it then counts as decided at the restart, so that a crash before
// it falls due again postpones it the same way once more. `next` is the unit's first attempt
// after the decision, in the retry's cycle (nullptr: none).
void check_retry_after_restart(const History& history, const RetryUnit& unit,
                               const ScheduledRetry& retry, uint64_t retry_number,
                               const Attempt* next, Violations& violations) {
  const auto& all = history.records();
  const bool waits = history.run->site.retry.due_while_down == model::DueWhileDown::wait_again;
  const TimeUs wait_us = waits ? retry.at_us - retry.t_us : 0;
  TimeUs expected_us = retry.at_us;
  std::optional<TimeUs> restart_us;  // the restart that last postponed it
  for (const size_t crash : history.crashes) {
    if (crash < retry.record) continue;
    if (all[crash].t_us > expected_us) break;  // due before this crash: judged as due
    if (next != nullptr && next->start_record < crash) break;  // begun before it: judged so far
    const auto restart = std::upper_bound(history.restarts.begin(), history.restarts.end(), crash);
    if (restart == history.restarts.end()) return;    // never back
    if (all[*restart].t_us <= expected_us) continue;  // down and back before it fell due
    restart_us = all[*restart].t_us;
    expected_us = *restart_us + wait_us;
  }
  if (!restart_us || expected_us >= history.run->until_us) return;
  // An update or refresh came: no judgement.
  const bool new_cycle = std::any_of(
      unit.cycle_starts.begin(), unit.cycle_starts.end(),
      [&](size_t index) { return index > retry.record && all[index].t_us <= expected_us; });
  // An administrator deleted the retry history since the decision: the retry may be dropped.
  const bool deleted = std::any_of(history.retry_history_deletions.begin(),
                                   history.retry_history_deletions.end(), [&](size_t index) {
                                     return index > retry.record &&
                                            all[index].t_us <= expected_us &&
                                            text_field(all[index], "package") == unit.package;
                                   });
  if (new_cycle || deleted) return;
  const std::string when =
      waits ? fmt::format("{}, the restart at {} and the wait again of {}", clock_text(expected_us),
                          clock_text(*restart_us), duration_text(wait_us))
            : fmt::format("{}, the restart", clock_text(expected_us));
  if (next != nullptr && next->start_us < expected_us) {
    violations.push_back(
        {"retry_wait",
         fmt::format("{}: retry {} fell due at {} while the manager was down and began at {}, "
                     "before {}",
                     unit.name(), retry_number, clock_text(retry.at_us), clock_text(next->start_us),
                     when),
         next->start_us});
    return;
  }
  if (next != nullptr && next->start_us == expected_us) return;
  const auto [first, last] = std::equal_range(history.passes.begin(), history.passes.end(),
                                              expected_us, PassStartsBefore{});
  const bool pass_started =
      std::any_of(first, last, [&](const PassSpan& pass) { return pass.package == unit.package; });
  // The process is up from the restart on (busy_at would count the restart's instant as down).
  if (pass_started || threads_busy_at(history, unit.package, expected_us)) return;
  violations.push_back(
      {"retry_wait",
       fmt::format("{}: retry {} fell due at {} while the manager was down; with the manager free "
                   "it should have begun at {}",
                   unit.name(), retry_number, clock_text(retry.at_us), when),
       expected_us});
}

// Whether the world gave the manager other work at the pull-forward record `pull`: a new package,
// an update or a refresh of another package at that very time, on a site that retries on wake
// (KB Q319207's "more often when distmgr is busy"). The pull's own record is the manager's word;
// the notification is the world's.
bool woken_by_other_work(const History& history, const RetryUnit& unit, size_t pull) {
  if (!history.run->site.retry_on_wake) return false;
  const TimeUs t_us = history.records()[pull].t_us;
  return std::any_of(history.notifications.begin(), history.notifications.end(), [&](size_t index) {
    const TraceRecord& record = history.records()[index];
    return record.t_us == t_us && text_field(record, "package") != unit.package;
  });
}

void check_retry_start(const History& history, const RetryUnit& unit, size_t retry_index,
                       uint64_t retry_number, Violations& violations) {
  const ScheduledRetry& retry = unit.retries[retry_index];
  // The first attempt that began after the retry was decided (attempts are in trace order).
  const auto next = std::upper_bound(
      unit.attempts.begin(), unit.attempts.end(), retry.record,
      [](size_t record, const Attempt& attempt) { return record < attempt.start_record; });
  const bool same_cycle = next != unit.attempts.end() && next->cycle == retry.cycle;
  if (next != unit.attempts.end() && !same_cycle) return;  // an update or refresh superseded it
  // Both lists are in trace order: the first pull after the retry was decided is the one to ask.
  const auto pull =
      std::upper_bound(unit.pulled_forward.begin(), unit.pulled_forward.end(), retry.record);
  const bool pulled =
      pull != unit.pulled_forward.end() && (!same_cycle || *pull < next->start_record);
  if (same_cycle && next->start_us < retry.at_us) {
    if (pulled && next->start_us - retry.t_us >= history.run->site.retry_on_wake_min_us) {
      if (woken_by_other_work(history, unit, *pull)) return;
      violations.push_back(
          {"retry_wait",
           fmt::format(
               "{}: retry {} began at {}, before it fell due at {}; the manager says other "
               "work pulled it forward, but no other package was created, updated or "
               "refreshed then{}",
               unit.name(), retry_number, clock_text(next->start_us), clock_text(retry.at_us),
               history.run->site.retry_on_wake ? "" : " (and the site has no retry_on_wake)"),
           next->start_us});
      return;
    }
    violations.push_back(
        {"retry_wait",
         fmt::format("{}: retry {} began at {}, before it fell due at {}", unit.name(),
                     retry_number, clock_text(next->start_us), clock_text(retry.at_us)),
         next->start_us});
    return;
  }
  if (pulled || retry.at_us >= history.run->until_us) return;
  const auto later_cycle =
      std::upper_bound(unit.cycle_starts.begin(), unit.cycle_starts.end(), retry.record);
  const bool new_cycle =
      later_cycle != unit.cycle_starts.end() && history.records()[*later_cycle].t_us <= retry.at_us;
  if (new_cycle) return;  // an update or refresh superseded the retry before it fell due
  // An administrator deleted the retry history while the retry waited: it is not run.
  if (history.retry_history_deleted_while_waiting(unit, retry)) return;
  if (history.manager_down_at(retry.at_us)) {
    const bool has_next = next != unit.attempts.end() && same_cycle;
    check_retry_after_restart(history, unit, retry, retry_number, has_next ? &*next : nullptr,
                              violations);
    return;
  }
  // Asked first: a retry served on time (the usual case) needs no look at what else ran.
  const auto [first, last] = std::equal_range(history.passes.begin(), history.passes.end(),
                                              retry.at_us, PassStartsBefore{});
  const bool pass_started =
      std::any_of(first, last, [&](const PassSpan& pass) { return pass.package == unit.package; });
  if (pass_started) return;
  if (busy_at(history, unit.package, retry.at_us)) return;
  violations.push_back({"retry_wait",
                        fmt::format("{}: retry {} fell due at {} with the manager free, but no "
                                    "pass began then",
                                    unit.name(), retry_number, clock_text(retry.at_us)),
                        retry.at_us});
}

void check_waits(const History& history, const RetryUnit& unit, Violations& violations) {
  const auto& policy = history.run->site.retry;
  const auto by_start = [](const Attempt& a, const Attempt& b) {
    return a.start_record < b.start_record;
  };
  DISTSIM_ASSERT(std::is_sorted(unit.attempts.begin(), unit.attempts.end(), by_start));
  // Each retry answers the failed attempt with the highest index among those that ended before
  // it was decided. Walking the failures in the order they ended alongside the retries (in trace
  // order) finds it in one pass.
  std::vector<std::pair<size_t, size_t>> failures;  // (end record, attempt index)
  for (size_t each = 0; each < unit.attempts.size(); ++each) {
    const Attempt& attempt = unit.attempts[each];
    if (attempt.outcome != Outcome::failed) continue;
    DISTSIM_ASSERT(attempt.end_record.has_value());
    failures.emplace_back(*attempt.end_record, each);
  }
  std::sort(failures.begin(), failures.end());
  size_t ended = 0;  // failures ended before the current retry
  std::optional<size_t> failed;
  const bool from_start = delay_from_start(history);
  std::vector<TimeUs> anchors_us(unit.retries.size());  // where each retry's delay counts from
  for (size_t index = 0; index < unit.retries.size(); ++index) {
    const ScheduledRetry& retry = unit.retries[index];
    DISTSIM_ASSERT(index == 0 || unit.retries[index - 1].record < retry.record);
    for (; ended < failures.size() && failures[ended].first < retry.record; ++ended) {
      failed = std::max(failed.value_or(0), failures[ended].second);
    }
    anchors_us[index] = from_start && failed ? unit.attempts[*failed].start_us : retry.t_us;
    if (!failed) continue;  // retry_messages reports a retry without a failure
    const uint64_t number = history.retries_used_before(unit, *failed) + 1;
    const DelayRange range = delay_range(policy, number, previous_delay(unit, index, anchors_us));
    const TimeUs waited_us = retry.at_us - anchors_us[index];
    const auto slack = static_cast<TimeUs>(number);  // whole-microsecond rounding per step
    // Counted from the start, a delay that ran out while the attempt ran falls due as it ends:
    // only its lower bound can be judged.
    const bool due_as_it_ended = from_start && retry.at_us == retry.t_us;
    const bool outside =
        due_as_it_ended ? waited_us + slack < range.low_us
                        : waited_us + slack < range.low_us || waited_us > range.high_us + slack;
    if (outside) {
      violations.push_back(
          {"retry_wait",
           fmt::format("{}: retry {} {} {}{}; the policy allows {}", unit.name(), number,
                       due_as_it_ended ? "falls due as the failed attempt ends," : "waits",
                       duration_text(waited_us),
                       from_start ? " from the start of the failed attempt" : "",
                       range_text(range)),
           retry.t_us});
    }
    check_retry_start(history, unit, index, number, violations);
  }
}

// A package's attempt that follows a failed one of its cycle is a retry, so the trace must show
// the retry being scheduled in between (a retry that retry_on_wake pulls forward was scheduled
// first too): the waits above are judged only from those records, and a retry the manager ran
// without one would pass them unseen. Per-DP units are not judged here: a package pass may copy to
// a DP again without a DP retry of its own.
void check_unannounced_retries(const RetryUnit& unit, Violations& violations) {
  if (!unit.dp.empty()) return;
  // Whether a retry of the unit was scheduled after record `after` and before record `before`
  // (the unit's retries are in trace order).
  const auto scheduled_between = [&unit](size_t after, size_t before) {
    const auto first = std::upper_bound(
        unit.retries.begin(), unit.retries.end(), after,
        [](size_t record, const ScheduledRetry& retry) { return record < retry.record; });
    return first != unit.retries.end() && first->record < before;
  };
  for (size_t index = 1; index < unit.attempts.size(); ++index) {
    const Attempt& failed = unit.attempts[index - 1];
    const Attempt& next = unit.attempts[index];
    if (failed.outcome != Outcome::failed || failed.copies_failed || next.cycle != failed.cycle) {
      continue;
    }
    if (scheduled_between(failed.start_record, next.start_record)) continue;
    violations.push_back(
        {"retry_wait",
         fmt::format("{}: an attempt began at {} after the failed attempt that ended at {}, but "
                     "the trace shows no retry scheduled in between (and no update or refresh)",
                     unit.name(), clock_text(next.start_us), clock_text(failed.end_us)),
         next.start_us});
  }
}

}  // namespace

DelayRange delay_range(const model::RetryPolicy& policy, uint64_t retry_number,
                       TimeUs previous_delay_us) {
  const TimeUs base_us = base_delay(policy, std::max<uint64_t>(retry_number, 1));
  switch (policy.jitter) {
    case model::Jitter::none:
      return {base_us, base_us};
    case model::Jitter::full:
      return {0, base_us};
    case model::Jitter::equal:
      return {base_us / 2, base_us};
    case model::Jitter::decorrelated: {
      const TimeUs low_us = policy.delay_us;
      const TimeUs high_us = saturating_times(std::max(previous_delay_us, policy.delay_us), 3);
      return {capped(policy, low_us), capped(policy, std::max(low_us, high_us))};
    }
  }
  return {0, kSaturated};
}

TimeUs longest_delay(const model::RetryPolicy& policy, uint64_t retry_number) {
  TimeUs longest_us = 0;
  TimeUs previous_us = 0;
  const uint64_t steps = std::min<uint64_t>(std::max<uint64_t>(retry_number, 1), 100'000);
  for (uint64_t number = 1; number <= steps; ++number) {
    const TimeUs high_us = delay_range(policy, number, previous_us).high_us;
    if (high_us == previous_us && number > 64) break;  // no longer growing
    longest_us = std::max(longest_us, high_us);
    previous_us = high_us;
  }
  return longest_us;
}

void check_retry_units(const History& history, Violations& violations) {
  for (const RetryUnit& unit : history.units) {
    check_attempt_count(history, unit, violations);
    check_deadline(history, unit, violations);
    check_give_ups(history, unit, violations);
    check_waits(history, unit, violations);
    check_unannounced_retries(unit, violations);
  }
}

}  // namespace distsim::sim::invariant_detail
