// Evaluates `expect`: package states and counts, DP states, status message counts and sequences,
// Distmgr.log contents, invariants, and script steps' own expectations.
#include "sim/check/expectations.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <string>

#include "model/assert.h"
#include "sim/check/invariants.h"
#include "sim/check/verdict.h"
#include "sim/core/counted_text.h"
#include "sim/fs/windows_path.h"
#include "sim/world/package_attempts.h"

namespace distsim::sim {
namespace {

const model::PackageStatus* find_package(const RunResult& run, const std::string& id) {
  for (const auto& status : run.packages) {
    if (status.id == id) return &status;
  }
  return nullptr;
}

bool in_range(const CountRange& range, uint64_t value) {
  return value >= range.min && value <= range.max;
}

// A status message sequence as a result shows it: every ID up to kSequenceIdsShownMax, then a
// count of the rest (a retry every millisecond raises a hundred thousand messages).
constexpr size_t kSequenceIdsShownMax = 40;

std::string ids_text(const std::vector<uint32_t>& ids) {
  if (ids.size() <= kSequenceIdsShownMax) return fmt::format("[{}]", fmt::join(ids, ", "));
  const auto shown_end = ids.begin() + static_cast<std::ptrdiff_t>(kSequenceIdsShownMax);
  return fmt::format("[{}, ... {} more]", fmt::join(ids.begin(), shown_end, ", "),
                     ids.size() - kSequenceIdsShownMax);
}

// Where `actual` first departs from `expected`, said in words when a list is cut short and the
// difference may not be in sight; empty otherwise.
std::string first_difference_text(const std::vector<uint32_t>& expected,
                                  const std::vector<uint32_t>& actual) {
  const bool cut = expected.size() > kSequenceIdsShownMax || actual.size() > kSequenceIdsShownMax;
  if (!cut || actual == expected) return {};
  const auto [expected_at, actual_at] =
      std::mismatch(expected.begin(), expected.end(), actual.begin(), actual.end());
  const size_t index = static_cast<size_t>(actual_at - actual.begin());
  if (expected_at == expected.end()) {
    return fmt::format("; {} came first as expected, then {} more",
                       counted(expected.size(), "message", "messages"), actual.size() - index);
  }
  if (actual_at == actual.end()) {
    return fmt::format("; it ends after {} of the expected {}", actual.size(), expected.size());
  }
  return fmt::format("; message {} is {} where {} was expected", index + 1, *actual_at,
                     *expected_at);
}

void check_package(const PackageExpectation& expectation, const RunResult& run,
                   const std::map<std::string, PackageAttempts, std::less<>>& attempts,
                   std::vector<ExpectationResult>& results) {
  const model::PackageStatus* status = find_package(run, expectation.package_id);
  const std::string& id = expectation.package_id;
  if (status == nullptr) {
    results.push_back({fmt::format("package {}", id), false, "the package to exist",
                       "it never arrived before the end of the run", std::nullopt,
                       expectation.position});
    return;
  }
  if (expectation.state) {
    results.push_back({fmt::format("{} state", id), *expectation.state == status->state,
                       std::string(model::package_state_name(*expectation.state)),
                       std::string(model::package_state_name(status->state)),
                       status->state_since_us, expectation.state_position});
  }
  if (expectation.attempts || expectation.retries) {
    const PackageAttempts& made = attempts.at(id);
    if (expectation.attempts) {
      const CountRange& range = *expectation.attempts;
      results.push_back(
          {fmt::format("{} attempts", id), in_range(range, made.attempts), count_range_text(range),
           fmt::format("{}", made.attempts),
           made.attempts > range.max ? attempts_passed_at(run, id, range.max) : std::nullopt,
           expectation.attempts_position});
    }
    if (expectation.retries) {
      // Retries are the attempts after the first: more than max retries is more than max + 1
      // attempts.
      const CountRange& range = *expectation.retries;
      results.push_back(
          {fmt::format("{} retries", id), in_range(range, made.retries), count_range_text(range),
           fmt::format("{}", made.retries),
           made.retries > range.max ? attempts_passed_at(run, id, range.max + 1) : std::nullopt,
           expectation.retries_position});
    }
  }
  if (expectation.installed_by_us) {
    // The first installation decides: an update or refresh afterwards does not undo that the
    // package reached installed in time.
    const std::optional<TimeUs>& first = status->first_installed_at_us;
    const bool ok = first && *first <= *expectation.installed_by_us;
    results.push_back(
        {fmt::format("{} installed_by", id), ok,
         fmt::format("installed by {}", duration_text(*expectation.installed_by_us)),
         first ? fmt::format("{} at {}",
                             first == status->installed_at_us ? "installed" : "first installed",
                             clock_text(*first))
               : fmt::format("not installed (state {})", model::package_state_name(status->state)),
         first, expectation.installed_by_position});
  }
  for (const DpStateExpectation& dp : expectation.distribution_points) {
    const auto found =
        std::find_if(status->distribution_points.begin(), status->distribution_points.end(),
                     [&dp](const model::DpStatus& each) {
                       return upper_ascii(each.dp_name) == upper_ascii(dp.dp_name);
                     });
    const std::string actual = found == status->distribution_points.end()
                                   ? std::string("not a target of this package")
                                   : std::string(model::dp_state_short_name(found->state));
    // An installed DP names when it was installed; other states are judged at the end.
    const bool installed = found != status->distribution_points.end() &&
                           found->state == model::DpState::installed && found->installed_at_us;
    results.push_back({fmt::format("{} on {}", id, dp.dp_name),
                       found != status->distribution_points.end() && found->state == dp.state,
                       std::string(model::dp_state_short_name(dp.state)), actual,
                       installed ? found->installed_at_us : std::nullopt, dp.position});
  }
}

void check_status_count(const StatusCountExpectation& expectation, const RunResult& run,
                        std::vector<ExpectationResult>& results) {
  // A count is decided at the end of the run, unless it went past the most allowed: then by the
  // message that took it there.
  uint64_t count = 0;
  std::optional<TimeUs> passed_max_us;
  for (const auto& message : run.status_messages) {
    if (message.id != expectation.id) continue;
    if (expectation.package && message.package_id != *expectation.package) continue;
    ++count;
    if (count == expectation.count.max + 1) passed_max_us = message.t_us;
  }
  const std::string scope = expectation.package ? fmt::format(" for {}", *expectation.package) : "";
  results.push_back({fmt::format("status message {} count{}", expectation.id, scope),
                     in_range(expectation.count, count), count_range_text(expectation.count),
                     fmt::format("{}", count), passed_max_us, expectation.position});
}

void check_status_sequence(const StatusSequenceExpectation& expectation, const RunResult& run,
                           std::vector<ExpectationResult>& results) {
  std::vector<uint32_t> actual;
  std::optional<TimeUs> mismatch_us;
  std::optional<size_t> mismatch_index;
  for (const auto& message : run.status_messages) {
    if (expectation.package && message.package_id != *expectation.package) continue;
    if (std::find(expectation.ids.begin(), expectation.ids.end(), message.id) ==
        expectation.ids.end()) {
      continue;
    }
    if (!mismatch_us &&
        (actual.size() >= expectation.ids.size() || expectation.ids[actual.size()] != message.id)) {
      mismatch_us = message.t_us;
      mismatch_index = actual.size();
    }
    actual.push_back(message.id);
  }
  const std::string scope = expectation.package ? fmt::format(" for {}", *expectation.package) : "";
  ExpectationResult& result = results.emplace_back();
  result.what = fmt::format("status message sequence{}", scope);
  result.ok = actual == expectation.ids;
  result.expected = ids_text(expectation.ids);
  result.actual = ids_text(actual) + first_difference_text(expectation.ids, actual);
  result.t_us = mismatch_us;
  result.position = expectation.position;
  result.sequence_ids = expectation.ids;
  result.sequence_departs_after = mismatch_index.value_or(actual.size());
}

// A log pattern as a result names it: whole up to kPatternShownMax characters, else its start and
// its length (a pattern may be 4,096 characters; the line number finds the rest).
constexpr size_t kPatternShownMax = 120;

std::string pattern_text(const std::string& pattern) {
  if (pattern.size() <= kPatternShownMax) return fmt::format("'{}'", pattern);
  size_t cut = kPatternShownMax - 20;
  while (cut > 0 && (static_cast<unsigned char>(pattern[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return fmt::format("'{}...' ({} bytes)", pattern.substr(0, cut), pattern.size());
}

void check_log(const Expectations& expect, const RunResult& run,
               std::vector<ExpectationResult>& results) {
  const auto first_line_with = [&run](const std::string& needle) -> const LogLine* {
    for (const auto& line : run.log_lines) {
      if (formatted_log_line(run, line).find(needle) != std::string::npos) return &line;
    }
    return nullptr;
  };
  for (const LogPatternExpectation& pattern : expect.log_contains) {
    const LogLine* line = first_line_with(pattern.text);
    results.push_back(
        {fmt::format("log contains {}", pattern_text(pattern.text)), line != nullptr,
         "a Distmgr.log line containing it",
         line ? "found" : fmt::format("absent from all {} lines", run.log_lines.size()),
         line ? std::optional<TimeUs>(line->t_us) : std::nullopt, pattern.position});
  }
  for (const LogPatternExpectation& pattern : expect.log_not_contains) {
    const LogLine* line = first_line_with(pattern.text);
    results.push_back({fmt::format("log does not contain {}", pattern_text(pattern.text)),
                       line == nullptr, "no Distmgr.log line containing it",
                       line ? fmt::format("found: {}", line->text) : "absent",
                       line ? std::optional<TimeUs>(line->t_us) : std::nullopt, pattern.position});
  }
}

}  // namespace

std::string count_range_text(const CountRange& range) {
  if (range.min == range.max) return fmt::format("{}", range.min);
  if (range.max == std::numeric_limits<uint64_t>::max()) return fmt::format(">= {}", range.min);
  if (range.min == 0) return fmt::format("<= {}", range.max);
  return fmt::format("{}..{}", range.min, range.max);
}

std::string duration_text(TimeUs t_us) {
  if (t_us == 0) return "0s";
  std::string text = t_us < 0 ? "-" : "";
  TimeUs rest = t_us < 0 ? -t_us : t_us;
  constexpr std::pair<TimeUs, std::string_view> kUnits[] = {
      {model::kMicrosecondsPerDay, "d"},          {model::kMicrosecondsPerHour, "h"},
      {model::kMicrosecondsPerMinute, "m"},       {model::kMicrosecondsPerSecond, "s"},
      {model::kMicrosecondsPerMillisecond, "ms"}, {1, "us"}};
  for (const auto& [unit_us, suffix] : kUnits) {
    if (rest >= unit_us) {
      text += fmt::format("{}{}", rest / unit_us, suffix);
      rest %= unit_us;
    }
  }
  return text;
}

std::string clock_text(TimeUs t_us) {
  DISTSIM_ASSERT(t_us >= 0);
  const TimeUs days = t_us / model::kMicrosecondsPerDay;
  const TimeUs hours = t_us / model::kMicrosecondsPerHour % 24;
  const TimeUs minutes = t_us / model::kMicrosecondsPerMinute % 60;
  const TimeUs seconds = t_us / model::kMicrosecondsPerSecond % 60;
  const TimeUs milliseconds = t_us / model::kMicrosecondsPerMillisecond % 1000;
  std::string text = days > 0 ? fmt::format("{}d ", days) : "";
  text += fmt::format("{:02}:{:02}:{:02}", hours, minutes, seconds);
  if (milliseconds != 0) text += fmt::format(".{:03}", milliseconds);
  return text;
}

std::vector<ExpectationResult> evaluate_expectations(const Scenario& scenario,
                                                     const RunResult& run) {
  std::vector<ExpectationResult> results;
  const Expectations& expect = scenario.expect;
  // Counted once for every package: expectations may name thousands.
  const bool counts_attempts =
      std::any_of(expect.packages.begin(), expect.packages.end(),
                  [](const auto& package) { return package.attempts || package.retries; });
  const auto attempts = counts_attempts ? attempts_by_package(run)
                                        : std::map<std::string, PackageAttempts, std::less<>>{};
  for (const auto& package : expect.packages) check_package(package, run, attempts, results);
  for (const auto& count : expect.status_counts) check_status_count(count, run, results);
  for (const auto& sequence : expect.status_sequences)
    check_status_sequence(sequence, run, results);
  check_log(expect, run, results);
  if (expect.component_status) {
    const auto expected = enum_name(kComponentStatusLevelNames, *expect.component_status);
    const auto actual = model::component_status_name(run.component_status);
    results.push_back({"component status", expected == actual, std::string(expected),
                       std::string(actual), std::nullopt, expect.component_status_position});
  }
  // In the order the scenario writes them, as a reader of the file looks for them; the
  // invariants and script steps, which have no place among them, follow.
  std::stable_sort(results.begin(), results.end(), [](const auto& left, const auto& right) {
    return std::pair(left.position.line, left.position.column) <
           std::pair(right.position.line, right.position.column);
  });
  if (expect.no_invariant_violations && run.trace.truncated()) {
    // The checkers judge a whole trace or nothing: past the limit they would find no evidence.
    const TimeUs last_us = run.trace.records().empty() ? 0 : run.trace.records().back().t_us;
    results.push_back(
        {"invariant checkers", false, "a whole trace to judge",
         *trace_truncation_text(run) + "; the run went on, but the invariants could not be judged",
         last_us, expect.no_invariant_violations_position, false, true});
  } else if (expect.no_invariant_violations) {
    const std::vector<InvariantViolation> violations = check_invariants(run);
    const auto& named = expect.invariant_violations;
    const auto expected = [&named](const std::string& invariant) {
      return std::find(named.begin(), named.end(), invariant) != named.end();
    };
    bool unexpected = false;
    for (const InvariantViolation& violation : violations) {
      if (expected(violation.invariant)) continue;
      unexpected = true;
      results.push_back({fmt::format("invariant {}", violation.invariant), false, "no violation",
                         violation.detail, violation.t_us, expect.no_invariant_violations_position,
                         false, true});
    }
    if (!unexpected) {
      const std::string none = named.empty() ? "no violation" : "no other violation";
      results.push_back({"invariants", true, none, none, std::nullopt,
                         expect.no_invariant_violations_position, false, true});
    }
    // Each named invariant shows its first violation, or fails for want of one.
    for (const std::string& invariant : named) {
      const auto first =
          std::find_if(violations.begin(), violations.end(),
                       [&](const InvariantViolation& each) { return each.invariant == invariant; });
      const bool found = first != violations.end();
      results.push_back({fmt::format("invariant {}", invariant), found, "a violation",
                         found ? first->detail : "no violation",
                         found ? std::optional<TimeUs>(first->t_us) : std::nullopt,
                         expect.invariant_violations_position, false, true});
    }
  }
  for (const HolderFinding& finding : run.holder_findings) {
    if (finding.unjudged) continue;  // the summary lists it
    // A step that ran gives what was expected and what happened; one that did not run, what was
    // expected and why nothing happened, which its sentence says in full.
    ExpectationResult& result = results.emplace_back();
    result.what = fmt::format("holder {} {}", finding.holder, finding.what);
    result.ok = finding.ok;
    result.expected = finding.expected;
    result.actual = finding.actual;
    result.t_us = finding.t_us;
    result.position = finding.position;
    result.already_traced = true;
    if (!finding.ran) result.sentence = finding.detail;
  }
  return results;
}

}  // namespace distsim::sim
