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
const TraceRecord* count_message(const History& history, const Attempt& attempt) {
  if (history.count_in_failure_message()) return &history.records()[*attempt.end_record];
  return attempt.retry_message_record ? &history.records()[*attempt.retry_message_record] : nullptr;
}

// The next retry a failed pass's log line gives: a time ("Will retry in S seconds, at T." or
// "... (next retry: T)."), "none" ("It will not be retried: ..." or "(next retry: none)"), an
// empty text for a retry whose time it does not name, or nothing when it says neither.
std::optional<std::string_view> logged_next_retry(std::string_view text) {
  if (text.find("will not be retried") != std::string_view::npos) return "none";
  constexpr std::string_view kNextRetry = "(next retry: ";
  if (const size_t at = text.find(kNextRetry); at != std::string_view::npos) {
    const size_t from = at + kNextRetry.size();
    return text.substr(from, text.find(')', from) - from);
  }
  constexpr std::string_view kAt = ", at ";
  const size_t will = text.find("Will retry in ");
  if (will == std::string_view::npos) return std::nullopt;
  const size_t at = text.find(kAt, will);
  if (at == std::string_view::npos) return std::string_view();
  const size_t from = at + kAt.size();
  const size_t end = text.rfind('.');
  return text.substr(from, end == std::string_view::npos || end < from ? end : end - from);
}

// The form of a failed pass's messages: 2302 with five insertion strings where it shows the
// count, three where a 62302 does; the 62302 a Warning naming the 2302's package and error.
void check_failure_form(const History& history, const RetryUnit& unit, const Attempt& attempt,
                        Violations& violations) {
  const TraceRecord& failure = history.records()[*attempt.end_record];
  const TraceList strings = list_field(failure, "insertions");
  const size_t expected = history.count_in_failure_message() ? 5 : 3;
  if (strings.size() != expected) {
    violations.push_back({"retry_count_text",
                          fmt::format("2302 for {} has {} insertion strings; {} expected where {}",
                                      unit.package, strings.size(), expected,
                                      expected == 5 ? "it shows the retry count"
                                                    : "a message of its own shows the retry count"),
                          attempt.end_us});
  }
  if (!attempt.retry_message_record) return;
  const TraceRecord& retry = history.records()[*attempt.retry_message_record];
  const TraceList retry_strings = list_field(retry, "insertions");
  const bool same_package_and_error =
      retry_strings.size() >= 3 && strings.size() >= 3 &&
      std::equal(strings.begin(), strings.begin() + 3, retry_strings.begin());
  if (!same_package_and_error || text_field(retry, "severity") != "W") {
    violations.push_back(
        {"retry_count_text",
         fmt::format("62302 for {} ({}: {}) does not repeat its 2302's package and error ({}) "
                     "as a Warning",
                     unit.package, text_field(retry, "severity"),
                     fmt::join(retry_strings.begin(), retry_strings.end(), "|"),
                     fmt::join(strings.begin(), strings.end(), "|")),
         attempt.end_us});
  }
}

// The retry limit a failed pass's log line gives ("retries so far: N of M") is the policy's.
void check_retry_limit_text(const History& history, const RetryUnit& unit, const Attempt& attempt,
                            std::string_view text, std::optional<uint64_t> logged,
                            Violations& violations) {
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

// The log line and the status messages agree on whether a retry follows, and on its time where
// the line names it (no 62302 is the same as a 2302 whose next retry is "none").
void check_next_retry_text(const History& history, const RetryUnit& unit, const Attempt& attempt,
                           std::string_view text, const TraceRecord* counted_in,
                           Violations& violations) {
  const std::string_view shown_in = history.count_in_failure_message() ? "2302" : "62302";
  TraceList insertions;
  if (counted_in) insertions = list_field(*counted_in, "insertions");
  const std::string_view next = insertions.size() > 4 ? insertions[4] : std::string_view("none");
  if (!history.count_in_failure_message() && counted_in && next == "none") {
    violations.push_back({"retry_count_text",
                          fmt::format("62302 for {} gives the next retry as 'none'; it is raised "
                                      "only when a retry follows",
                                      unit.package),
                          attempt.end_us});
  }
  const auto logged_next = logged_next_retry(text);
  if (!logged_next) return;
  const bool logged_retry = *logged_next != "none";
  std::string wrong;
  if (logged_retry && next == "none") {
    wrong =
        counted_in || history.count_in_failure_message()
            ? fmt::format("says it will retry but its {} gives the next retry as 'none'", shown_in)
            : std::string("says it will retry but no 62302 follows its 2302");
  } else if (!logged_retry && next != "none") {
    wrong = fmt::format("says it will not retry but its {} gives the next retry as '{}'", shown_in,
                        next);
  } else if (logged_retry && !logged_next->empty() && *logged_next != next) {
    wrong = fmt::format("gives the next retry as '{}' but its {} gives '{}'", *logged_next,
                        shown_in, next);
  }
  if (!wrong.empty()) {
    violations.push_back({"retry_count_text",
                          fmt::format("Distmgr.log for {} {}", unit.package, wrong),
                          attempt.end_us});
  }
}

void check_package_failure(const History& history, const RetryUnit& unit, size_t index,
                           Violations& violations) {
  const Attempt& attempt = unit.attempts[index];
  check_failure_form(history, unit, attempt, violations);
  const uint64_t expected = expected_retries(unit, index, *attempt.end_record);
  const TraceRecord* const counted_in = count_message(history, attempt);
  if (counted_in) {
    const std::string_view shown_in = history.count_in_failure_message() ? "2302" : "62302";
    const TraceList insertions = list_field(*counted_in, "insertions");
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
  if (!line) {
    // KB Q207416: Distmgr.log shows the retries of a package that failed.
    violations.push_back(
        {"retry_count_text",
         fmt::format("Distmgr.log for {} has no line starting '{}' for the failed pass",
                     unit.package, needle),
         attempt.end_us});
    return;
  }
  const std::string_view text = text_field(history.records()[*line], "text");
  const auto logged = number_after(text, needle);
  if (!logged || *logged != expected) {
    mismatch(violations, fmt::format("Distmgr.log for {}", unit.package), logged.value_or(0),
             expected, attempt.end_us);
  }
  if (text.find("Will retry") != std::string::npos) {
    check_announced_wait(unit, attempt, number_after(text, "Will retry in "),
                         fmt::format("Distmgr.log for {}", unit.package), violations);
  }
  check_next_retry_text(history, unit, attempt, text, counted_in, violations);
  check_retry_limit_text(history, unit, attempt, text, logged, violations);
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

std::string stray_text(const RetryUnit& unit, StrayRetryMessage::Why why) {
  switch (why) {
    case StrayRetryMessage::Why::site_shows_count_in_2302:
      return fmt::format("62302 for {} on a site whose 2302 shows the retry count itself",
                         unit.package);
    case StrayRetryMessage::Why::no_failed_pass:
      return fmt::format("62302 for {} follows no 2302 of a failed pass", unit.package);
    case StrayRetryMessage::Why::after_pass_end:
      return fmt::format("62302 for {} comes after the end of the pass whose 2302 it follows",
                         unit.package);
    case StrayRetryMessage::Why::second_one:
      return fmt::format("a second 62302 for {} follows the same 2302", unit.package);
  }
  DISTSIM_ASSERT(false);
}

}  // namespace

void check_retry_messages(const History& history, Violations& violations) {
  for (const RetryUnit& unit : history.units) {
    for (const StrayRetryMessage& stray : unit.stray_retry_messages) {
      violations.push_back(
          {"retry_count_text", stray_text(unit, stray.why), history.records()[stray.record].t_us});
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
