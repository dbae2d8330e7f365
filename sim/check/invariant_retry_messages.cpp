// retry_count_text: the retry counts people read (2302's "retries so far" insertion, or 62302's
// where the site shows the count in a message of its own, and the Distmgr.log lines of a failed
// pass or a failed DP copy) equal the failed attempts of that retry cycle that the trace shows,
// the announced wait (in whole seconds, rounded up) equals the retry actually scheduled, and the
// log line and the status messages agree on whether a retry follows.
#include <fmt/format.h>

#include <algorithm>

#include "model/status_message.h"
#include "sim/check/invariants_internal.h"
#include "sim/core/counted_text.h"

namespace distsim::sim::invariant_detail {
namespace {

// The whole number that follows `prefix` in `text`, if any.
std::optional<uint64_t> number_after(std::string_view text, std::string_view prefix) {
  const size_t at = text.find(prefix);
  if (at == std::string_view::npos) return std::nullopt;
  size_t index = at + prefix.size();
  if (index >= text.size() || text[index] < '0' || text[index] > '9') return std::nullopt;
  uint64_t value = 0;
  for (; index < text.size() && text[index] >= '0' && text[index] <= '9'; ++index) {
    if (value > UINT64_MAX / 10 - 9) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(text[index] - '0');
  }
  return value;
}

// The word that follows `prefix` in `text` up to `end` ("unlimited", "20").
std::string word_after(std::string_view text, std::string_view prefix, char end) {
  const size_t at = text.find(prefix);
  if (at == std::string_view::npos) return {};
  const size_t from = at + prefix.size();
  const size_t to = text.find(end, from);
  return std::string(text.substr(from, to == std::string_view::npos ? to : to - from));
}

// The manager's last log line before `record` containing `needle`, if any since `since`.
std::optional<size_t> log_before(const History& history, size_t since, size_t record,
                                 std::string_view needle) {
  for (size_t index = record; index-- > since;) {
    if (is_log_containing(history.records()[index], needle)) return index;
  }
  return std::nullopt;
}

// Failed attempts counting with the cycle current at `record` that came before attempt `index`.
// Cycles only grow along the attempts, so when `record` is already in a later cycle than the
// attempt's own, no attempt before it counts with that cycle, unless the two count together.
uint64_t expected_retries(const RetryUnit& unit, size_t index, size_t record) {
  const auto later = std::lower_bound(unit.cycle_starts.begin(), unit.cycle_starts.end(), record);
  const auto cycle = static_cast<size_t>(
      std::max<std::ptrdiff_t>(std::distance(unit.cycle_starts.begin(), later) - 1, 0));
  const Attempt& attempt = unit.attempts[index];
  return History::same_count(unit, cycle, attempt.cycle) ? attempt.retries_before : 0;
}

void mismatch(Violations& violations, const std::string& what, uint64_t shown, uint64_t expected,
              TimeUs t_us) {
  violations.push_back({"retry_count_text",
                        fmt::format("{} shows {}; the trace shows {} before it in this retry "
                                    "cycle",
                                    what, counted(shown, "retry", "retries"),
                                    counted(expected, "failed attempt", "failed attempts")),
                        t_us});
}

// The wait a failure's log line announces (`seconds`, if it gives one) against the retry the
// trace shows scheduled as the attempt ended, in the attempt's own retry cycle (a failure after
// an update or refresh schedules none; the new cycle's pass may fail at the same moment): whole
// seconds, a part of a second counting as one (written out here rather than taken from the
// model, whose rounding this judges).
void check_announced_wait(const RetryUnit& unit, const Attempt& attempt,
                          std::optional<uint64_t> seconds, const std::string& what,
                          Violations& violations) {
  if (!seconds) return;
  const auto retry = std::find_if(unit.retries.begin(), unit.retries.end(), [&](const auto& each) {
    return each.record > *attempt.end_record;
  });
  if (retry == unit.retries.end() || retry->t_us != attempt.end_us ||
      retry->cycle != attempt.cycle) {
    return;
  }
  const TimeUs waited_us = retry->at_us - retry->t_us;
  const TimeUs waited_s =
      (waited_us + model::kMicrosecondsPerSecond - 1) / model::kMicrosecondsPerSecond;
  if (static_cast<TimeUs>(*seconds) != waited_s) {
    violations.push_back({"retry_count_text",
                          fmt::format("{} announces a wait of {} seconds; the retry was "
                                      "scheduled {} seconds later",
                                      what, *seconds, waited_s),
                          attempt.end_us});
  }
}

// The record that shows a failed pass's retry count and next retry: its 2302, or with
// retry_count_shown_in retry_message the 62302 after it (none when no retry follows).
const TraceRecord* count_message(const History& history, const Attempt& attempt,
                                 bool count_in_failure) {
  if (count_in_failure) return &history.records()[*attempt.end_record];
  return attempt.retry_message ? &history.records()[*attempt.retry_message] : nullptr;
}

void check_package_failure(const History& history, const RetryUnit& unit, size_t index,
                           Violations& violations) {
  const Attempt& attempt = unit.attempts[index];
  const bool count_in_failure =
      history.run->site.retry_count_shown_in == model::RetryCountShownIn::failure_message;
  const uint64_t expected = expected_retries(unit, index, *attempt.end_record);
  const size_t failure_strings =
      list_field(history.records()[*attempt.end_record], "insertions").size();
  if (!count_in_failure && failure_strings != 3) {
    violations.push_back({"retry_count_text",
                          fmt::format("2302 for {} has {} insertion strings; where a message of "
                                      "its own shows the retry count it gives the error only (3)",
                                      unit.package, failure_strings),
                          attempt.end_us});
  }
  const TraceRecord* const counted_in = count_message(history, attempt, count_in_failure);
  const std::string_view shown_in = count_in_failure ? "2302" : "62302";
  TraceList insertions;
  if (counted_in) insertions = list_field(*counted_in, "insertions");
  if (counted_in) {
    const auto shown = insertions.size() > 3 ? number_after(insertions[3], "") : std::nullopt;
    if (!shown || *shown != expected) {
      mismatch(violations, fmt::format("{} for {}", shown_in, unit.package), shown.value_or(0),
               expected, attempt.end_us);
    }
  }
  // The needles and numbers of every failed attempt are joined by hand: a campaign judges
  // millions of them, and a format string parsed per call cost more than the search.
  const std::string needle = "Failed to process package " + unit.package + " (retries so far: ";
  const auto line = log_before(history, attempt.start_record, *attempt.end_record, needle);
  if (!line) return;
  const std::string_view text = text_field(history.records()[*line], "text");
  const auto logged = number_after(text, needle);
  if (!logged || *logged != expected) {
    mismatch(violations, fmt::format("Distmgr.log for {}", unit.package), logged.value_or(0),
             expected, attempt.end_us);
  }
  // No 62302 is the same as a 2302 whose next retry is "none".
  const std::string_view next = insertions.size() > 4 ? insertions[4] : std::string_view("none");
  const bool says_retry = text.find("Will retry") != std::string::npos;
  const bool says_never = text.find("will not be retried") != std::string::npos ||
                          text.find("next retry: none") != std::string::npos;
  if (says_retry) {
    check_announced_wait(unit, attempt, number_after(text, "Will retry in "),
                         fmt::format("Distmgr.log for {}", unit.package), violations);
  }
  if (!count_in_failure && counted_in && next == "none") {
    violations.push_back({"retry_count_text",
                          fmt::format("62302 for {} gives the next retry as 'none'; it is raised "
                                      "only when a retry follows",
                                      unit.package),
                          attempt.end_us});
  }
  if ((says_retry && next == "none") || (says_never && next != "none")) {
    violations.push_back(
        {"retry_count_text",
         count_in_failure || counted_in
             ? fmt::format("Distmgr.log for {} says it {} but its {} gives the next retry as '{}'",
                           unit.package, says_retry ? "will retry" : "will not retry", shown_in,
                           next)
             : fmt::format("Distmgr.log for {} says it will retry but no 62302 follows its 2302",
                           unit.package),
         attempt.end_us});
  }
  const auto& policy = history.run->site.retry;
  const std::string most =
      policy.retry_count_max ? std::to_string(*policy.retry_count_max) : std::string("unlimited");
  const std::string logged_most =
      word_after(text, std::to_string(logged.value_or(0)) + " of ", ')');
  if (logged_most != most) {
    violations.push_back({"retry_count_text",
                          fmt::format("Distmgr.log for {} gives the retry limit as '{}'; the "
                                      "policy's is {}",
                                      unit.package, logged_most, most),
                          attempt.end_us});
  }
}

void check_dp_failure(const History& history, const RetryUnit& unit, size_t index,
                      Violations& violations) {
  const Attempt& attempt = unit.attempts[index];
  const uint64_t before = expected_retries(unit, index, *attempt.end_record);
  const std::string share = history.dp_share(unit.dp);
  const std::string needle =
      attempt.gave_up
          ? "Package " + unit.package + " failed on distribution point " + share + " after "
          : "Will retry package " + unit.package + " on distribution point " + share + " in ";
  const auto line = log_before(history, attempt.start_record, *attempt.end_record, needle);
  const std::string what = "Distmgr.log for " + unit.name();
  if (!line) {
    violations.push_back(
        {"retry_count_text",
         fmt::format("{} has no line starting '{}' for the failed copy", what, needle),
         attempt.end_us});
    return;
  }
  const std::string_view text = text_field(history.records()[*line], "text");
  if (attempt.gave_up) {
    const auto shown = number_after(text, needle);
    if (!shown || *shown != before)
      mismatch(violations, what, shown.value_or(0), before, attempt.end_us);
    return;
  }
  const auto shown = number_after(text, "(retry ");
  if (!shown || *shown != before + 1) {
    mismatch(violations, what + " (counting this one)", shown.value_or(0), before + 1,
             attempt.end_us);
  }
  check_announced_wait(unit, attempt, number_after(text, needle), what, violations);
}

}  // namespace

void check_retry_messages(const History& history, Violations& violations) {
  for (const RetryUnit& unit : history.units) {
    for (const size_t stray : unit.stray_retry_messages) {
      violations.push_back(
          {"retry_count_text",
           fmt::format(
               "62302 for {} follows no 2302 of a failed pass{}", unit.package,
               history.run->site.retry_count_shown_in == model::RetryCountShownIn::failure_message
                   ? " (and 2302 shows the retry count itself on this site)"
                   : " that a retry follows"),
           history.records()[stray].t_us});
    }
    for (size_t index = 0; index < unit.attempts.size(); ++index) {
      const Attempt& attempt = unit.attempts[index];
      if (attempt.outcome != Outcome::failed || !attempt.end_record) continue;
      if (unit.dp.empty()) {
        check_package_failure(history, unit, index, violations);
      } else {
        check_dp_failure(history, unit, index, violations);
      }
    }
  }
}

}  // namespace distsim::sim::invariant_detail
