// Runs the policy comparison and formats its table. Integer arithmetic only, so the table is the
// same bytes on every machine.
#include "sim/check/policy_compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "model/assert.h"
#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"
#include "sim/check/verdict.h"
#include "sim/world/package_attempts.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

// Manager opens of files below any package source (the load retries put on the source). A
// source may be a drive's root ("E:\\"), written with the separator that follows it.
uint64_t count_source_opens(const Scenario& scenario, const RunResult& run) {
  std::vector<std::string_view> sources;
  for (const PackageEvent& event : scenario.packages) {
    if (event.kind == PackageEvent::Kind::create) sources.push_back(event.source);
  }
  uint64_t opens = 0;
  for (const TraceRecord& record : run.trace.records()) {
    if (record.actor != kManagerActorName || record.event != "open" || record.fields.empty())
      continue;
    const std::string_view path = std::get<std::string_view>(record.fields.front().value);
    if (std::any_of(sources.begin(), sources.end(), [path](std::string_view source) {
          return invariant_detail::path_below(path, source);
        })) {
      ++opens;
    }
  }
  return opens;
}

// The first failed expectation and the first invariant violation of a run; null when none.
struct RunFailures {
  const ExpectationResult* expectation = nullptr;
  std::optional<std::string> invariant;
  uint64_t invariant_violations = 0;
};

// Judged as `distsim run` judges the run, so that the replay line shows the same failure; a
// scenario that turns no_invariant_violations off is not judged by the checkers here either.
RunFailures failures_of(const RunResult& run, const RunVerdict& verdict) {
  RunFailures failures;
  for (const ExpectationResult& result : verdict.expectations) {
    if (result.ok) continue;
    if (!result.invariants) {
      if (failures.expectation == nullptr) failures.expectation = &result;
      continue;
    }
    // A trace past its limit leaves the invariants unjudged: the run is noted as outgrowing its
    // trace, not as breaking one.
    if (run.trace.truncated()) continue;
    if (failures.invariant_violations++ == 0) {
      failures.invariant = expectation_failure_text(result, run.ended_us);
    }
  }
  return failures;
}

void add_run(const Scenario& scenario, const RunResult& run, std::string_view program,
             PolicySummary& summary) {
  ++summary.runs;
  // Source opens are counted from the trace, so over the time it covers: a truncated trace's
  // opens divided by the whole run would understate the load.
  if (!run.trace.truncated()) {
    summary.opens_counted_us += run.ended_us;
  } else if (!run.trace.records().empty()) {
    summary.opens_counted_us += run.trace.records().back().t_us;
  }
  // A run cut short covers less time; one whose trace was truncated has its source opens counted
  // only up to the trace's end, and its invariants could not be judged (as `distsim run` says).
  // A run can be both, and the note then says both.
  std::optional<std::string> partial = early_stop_text(run);
  if (const auto truncated = trace_truncation_text(run)) {
    const std::string text = *truncated +
                             ": source opens count only up to there, and the invariants could not "
                             "be judged";
    partial = partial ? *partial + "; " + text : text;
  }
  if (partial && summary.runs_cut_short++ == 0) {
    summary.first_cut_short = NotedRun{run.seed, *partial, repro_command(scenario, run, program)};
  }
  summary.source_opens += count_source_opens(scenario, run);
  const RunVerdict verdict = judge_run(scenario, run);
  const RunFailures failures = failures_of(run, verdict);
  summary.invariant_violations += failures.invariant_violations;
  if (failures.invariant && !summary.first_invariant_violation) {
    summary.first_invariant_violation =
        NotedRun{run.seed, *failures.invariant, repro_command(scenario, run, program)};
  }
  if (failures.expectation != nullptr && summary.runs_failing_expectations++ == 0) {
    summary.first_failed_expectation =
        NotedRun{run.seed, expectation_failure_text(*failures.expectation, run.ended_us),
                 repro_command(scenario, run, program)};
  }
  const auto attempts = attempts_by_package(run);
  for (const model::PackageStatus& package : run.packages) {
    ++summary.packages;
    const uint64_t made = attempts.find(package.id)->second.attempts;
    summary.attempts_total += made;
    summary.attempts_max = std::max(summary.attempts_max, made);
    // From creation to its first installation, as `installed_by` counts: an update after it
    // makes the package pending again, and its later installation is not how long it took.
    if (!package.first_installed_at_us) {
      ++summary.not_installed;
      continue;
    }
    TimeUs created_us = 0;
    for (const PackageEvent& event : scenario.packages) {
      if (event.kind == PackageEvent::Kind::create && event.id == package.id)
        created_us = event.at_us;
    }
    summary.installed_after_us.push_back(*package.first_installed_at_us - created_us);
  }
}

std::string optional_clock(const std::optional<TimeUs>& t_us) {
  return t_us ? clock_text(*t_us) : std::string("-");
}

// value / divisor with one decimal, rounded half up.
std::string one_decimal(uint64_t value, uint64_t divisor) {
  if (divisor == 0) return "-";
  const uint64_t tenths = (value * 10 + divisor / 2) / divisor;
  return fmt::format("{}.{}", tenths / 10, tenths % 10);
}

// Opens per hour of simulated time, to one decimal, over any span (not only whole hours). The
// span is taken in whole seconds, which keeps the products within 64 bits for any count a
// comparison can make; "-" for under half a second.
// Counts times microseconds in an hour overflow 64 bits past half a billion.
__extension__ using Wide = unsigned __int128;

std::string per_hour_text(uint64_t count, TimeUs simulated_us) {
  // By the microsecond: a trace cut short within its first second still gives a rate.
  if (simulated_us <= 0) return "-";
  const auto span_us = static_cast<Wide>(simulated_us);
  constexpr auto kTenthsPerHourInMicroseconds = static_cast<Wide>(10 * model::kMicrosecondsPerHour);
  const Wide tenths =
      (static_cast<Wide>(count) * kTenthsPerHourInMicroseconds + span_us / 2) / span_us;
  return fmt::format("{}.{}", static_cast<uint64_t>(tenths / 10),
                     static_cast<uint64_t>(tenths % 10));
}

}  // namespace

Scenario with_policy(const Scenario& scenario, const PolicyFile& policy) {
  Scenario variant = scenario;
  variant.site.retry = policy.retry;
  if (!policy.retry.crash_uses_retry) {
    variant.site.retry.crash_uses_retry = scenario.site.retry.crash_uses_retry;
  }
  if (!policy.retry.update_resets_retries) {
    variant.site.retry.update_resets_retries = scenario.site.retry.update_resets_retries;
  }
  if (!policy.retry.due_while_down) {
    variant.site.retry.due_while_down = scenario.site.retry.due_while_down;
  }
  if (!policy.retry.dp_retry_decided) {
    variant.site.retry.dp_retry_decided = scenario.site.retry.dp_retry_decided;
  }
  // The replay line names the file: a policy without one could not be replayed.
  DISTSIM_ASSERT(!policy.file.empty());
  variant.policy_file = policy.file;
  variant.policy_name = policy.name;
  return variant;
}

std::vector<PolicySummary> compare_policies(const Scenario& scenario,
                                            const std::vector<PolicyFile>& policies,
                                            const CompareOptions& options) {
  DISTSIM_ASSERT(options.seed_count >= 1 && options.seed_count <= kCompareSeedsMax);
  const uint64_t seed_start = options.seed_start.value_or(scenario.seed);
  std::vector<PolicySummary> summaries;
  for (const PolicyFile& policy : policies) {
    const Scenario variant = with_policy(scenario, policy);
    PolicySummary summary;
    // Two policies of one name (a copy changed and not renamed) are told apart by their files.
    const auto same_name = std::count_if(policies.begin(), policies.end(), [&](const auto& other) {
      return other.name == policy.name;
    });
    summary.name = same_name > 1 ? fmt::format("{} ({})", policy.name, policy.file) : policy.name;
    for (uint64_t offset = 0; offset < options.seed_count; ++offset) {
      RunOptions run_options;
      run_options.seed = seed_start + offset;
      try {
        add_run(variant, run_world(variant, run_options), options.program, summary);
      } catch (const AssertionFailure& error) {
        // A bug: the report must say which run to replay.
        RunResult replay;
        replay.seed = *run_options.seed;
        replay.until_us = variant.until_us;
        throw AssertionFailure(fmt::format("{} (policy '{}', seed {}; replay with {})",
                                           error.what(), policy.name, replay.seed,
                                           repro_command(variant, replay, options.program)));
      }
    }
    std::sort(summary.installed_after_us.begin(), summary.installed_after_us.end());
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

std::optional<TimeUs> percentile(const std::vector<TimeUs>& sorted, uint32_t rank) {
  DISTSIM_ASSERT(rank <= 100);
  if (sorted.empty()) return std::nullopt;
  const size_t index = (sorted.size() * rank + 99) / 100;  // nearest rank, 1-based
  return sorted[std::max<size_t>(index, 1) - 1];
}

std::string compare_table(const std::vector<PolicySummary>& summaries) {
  // Every column fits its longest cell, so that a long name or count does not shift its row; the
  // policy column is at least 32 wide, the others as wide as their headings at the least.
  using Row = std::array<std::string, 8>;
  std::vector<Row> rows{{"policy", "runs", "attempts mean", "installed p50", "installed p95",
                         "installed max", "not installed", "source opens/h"}};
  for (const PolicySummary& summary : summaries) {
    rows.push_back(
        {summary.name, fmt::format("{}", summary.runs),
         fmt::format("{} (max {})", one_decimal(summary.attempts_total, summary.packages),
                     summary.attempts_max),
         optional_clock(percentile(summary.installed_after_us, 50)),
         optional_clock(percentile(summary.installed_after_us, 95)),
         optional_clock(percentile(summary.installed_after_us, 100)),
         fmt::format("{} of {}", summary.not_installed, summary.packages),
         per_hour_text(summary.source_opens, summary.opens_counted_us)});
  }
  std::array<size_t, 8> widths{32, 5, 13, 14, 14, 14, 13, 15};
  for (const Row& row : rows) {
    for (size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  std::string out;
  for (const Row& row : rows) {
    out += fmt::format("{:<{}}", row[0], widths[0]);
    for (size_t column = 1; column < row.size(); ++column) {
      out += fmt::format(" {:>{}}", row[column], widths[column]);
    }
    out += '\n';
  }
  for (const PolicySummary& summary : summaries) {
    if (summary.first_cut_short) {
      const NotedRun& first = *summary.first_cut_short;
      out += fmt::format(
          "{}: {} of {} runs stopped before the horizon or outgrew their trace, so its figures "
          "cover only part of them; first, seed {}: {}; reproduce with: {}\n",
          summary.name, summary.runs_cut_short, summary.runs, first.seed, first.what, first.replay);
    }
    if (summary.first_failed_expectation) {
      const NotedRun& first = *summary.first_failed_expectation;
      out += fmt::format(
          "{}: {} of {} runs failed an expectation of the scenario; first, seed {}: {}; "
          "reproduce with: {}\n",
          summary.name, summary.runs_failing_expectations, summary.runs, first.seed, first.what,
          first.replay);
    }
    if (summary.first_invariant_violation) {
      const NotedRun& first = *summary.first_invariant_violation;
      out += fmt::format("{}: {} invariant violations; first, seed {}: {}; reproduce with: {}\n",
                         summary.name, summary.invariant_violations, first.seed, first.what,
                         first.replay);
    }
  }
  return out;
}

bool all_held(const std::vector<PolicySummary>& summaries) {
  return std::all_of(summaries.begin(), summaries.end(), [](const PolicySummary& summary) {
    return summary.runs_cut_short == 0 && summary.invariant_violations == 0 &&
           summary.runs_failing_expectations == 0;
  });
}

}  // namespace distsim::sim
