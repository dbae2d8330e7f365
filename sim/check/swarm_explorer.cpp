// The explorer: checks, shrinking and the seed campaign.
#include "sim/check/swarm_explorer.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>

#include "model/assert.h"
#include "sim/check/expectations.h"
#include "sim/check/invariants.h"
#include "sim/check/invariants_internal.h"
#include "sim/check/verdict.h"
#include "sim/check/world_classes.h"
#include "sim/core/ordered_pool.h"
#include "sim/core/trace.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

constexpr uint64_t kDeterminismCheckEvery = 16;  // seeds whose world is also run twice
// Seeds whose world is also written as YAML and loaded back. Parsing YAML costs about four
// traced runs of a small world, and what it checks (that the generator writes only what the
// loader reads) depends on the features drawn, not on the seed's details: a campaign of 100,000
// seeds still loads 390 worlds back, more than there are feature mixes worth telling apart. A
// multiple of kDeterminismCheckEvery, so that the seeds checked both ways stay one set.
constexpr uint64_t kLoadBackCheckEvery = 256;
static_assert(kLoadBackCheckEvery % kDeterminismCheckEvery == 0);
// Results waiting for their turn at most (run_in_order), and seeds per batch (see explore()).
constexpr size_t kExploreWindowSeeds = 4096;
constexpr uint64_t kExploreBatchSeeds = uint64_t{1} << 20;

struct SeedOutcome {
  bool ran = false;  // false: the stop predicate ended the campaign before this seed
  std::optional<ExploreFinding> finding;
  std::vector<std::string> classes;  // sim/check/world_classes.h
};

std::optional<WorldFailure> check_run(const RunResult& run,
                                      const invariant_detail::History& history,
                                      bool must_install_all) {
  if (const auto stopped = early_stop_text(run)) {
    return WorldFailure{std::string(run_outcome_name(run.outcome)), *stopped};
  }
  // Every checker judges the trace; an untraced run would pass them all without evidence, and a
  // truncated one without the evidence past its end.
  DISTSIM_ASSERT(run.trace.enabled());
  if (const auto truncated = trace_truncation_text(run)) {
    return WorldFailure{"trace_truncated", *truncated};
  }
  const auto violations = invariant_detail::check_history(history);
  if (!violations.empty()) {
    return WorldFailure{"invariant:" + violations.front().invariant, violations.front().detail};
  }
  if (!must_install_all) return std::nullopt;
  for (const model::PackageStatus& package : run.packages) {
    if (package.state == model::PackageState::installed) continue;
    // An administrator stopped its retries, and nothing started them again.
    if (history.retry_history_deleted_before(package.id, history.records().size())) continue;
    // Its source has a file with alternate data streams that the site cannot compress.
    if (history.streams_block_compression(package.id)) continue;
    // The kind names the error that kept it, so shrinking cannot swap the cause (removing the
    // source folder turns a lock into error 3 "forever", a different failure).
    return WorldFailure{fmt::format("liveness:{}", model::win32_code(package.last_error)),
                        fmt::format("{} is {} at the horizon although its retries never end and "
                                    "every hold and fault ended long before",
                                    package.id, model::package_state_name(package.state))};
  }
  return std::nullopt;
}

// A candidate that the loader would refuse (a dangling reference after a removal) is skipped:
// the reproducer must always load.
bool loads_back(const Scenario& scenario) {
  return load_scenario_text(write_scenario_yaml(scenario), "candidate.yaml").errors.empty();
}

std::vector<Scenario> shrink_candidates(const Scenario& scenario) {
  std::vector<Scenario> candidates;
  const auto without = [&](auto member, size_t index) {
    Scenario smaller = scenario;
    auto& list = smaller.*member;
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(index));
    candidates.push_back(std::move(smaller));
  };
  for (size_t index = 0; index < scenario.holders.size(); ++index)
    without(&Scenario::holders, index);
  for (size_t index = 0; index < scenario.faults.size(); ++index) without(&Scenario::faults, index);
  for (size_t index = scenario.packages.size(); index-- > 0;) without(&Scenario::packages, index);
  for (size_t index = 0; index < scenario.distribution_points.size(); ++index) {
    without(&Scenario::distribution_points, index);
  }
  for (size_t index = 0; index < scenario.filesystem.size(); ++index) {
    without(&Scenario::filesystem, index);
  }
  // A file kept, its alternate data streams gone: a stream that has nothing to do with the
  // failure would otherwise stay in the reproducer.
  for (size_t index = 0; index < scenario.filesystem.size(); ++index) {
    if (scenario.filesystem[index].alternate_streams == 0) continue;
    Scenario plainer = scenario;
    plainer.filesystem[index].alternate_streams = 0;
    candidates.push_back(std::move(plainer));
  }
  return candidates;
}

Scenario reproducer_for(const Scenario& shrunk, uint64_t seed, const WorldFailure& failure,
                        const SwarmFeatures& features) {
  Scenario reproducer = shrunk;
  reproducer.name = fmt::format("explore seed {}: {}", seed, failure.kind);
  reproducer.description = fmt::format(
      "Found by distsim explore (world generator v{}), seed {}, features: {}. Failure: {}: {}. "
      "Shrunk to this world; replay with distsim run.",
      kWorldGeneratorVersion, seed, features.text(), failure.kind, failure.detail);
  reproducer.expect.no_invariant_violations = true;
  if (failure.kind.rfind("liveness", 0) == 0) {
    for (const PackageEvent& event : reproducer.packages) {
      if (event.kind != PackageEvent::Kind::create) continue;
      PackageExpectation expectation;
      expectation.package_id = event.id;
      expectation.state = model::PackageState::installed;
      reproducer.expect.packages.push_back(expectation);
    }
  }
  return reproducer;
}

// check_world, naming the classes the judged run belongs to and, when `judged_trace` is given,
// handing back the judged run's trace (for a determinism check against a second run). A run that
// `abandon` ends early is not judged: `abandoned` says so.
std::optional<WorldFailure> check_classified(const Scenario& scenario, bool must_install_all,
                                             std::vector<std::string>* classes,
                                             std::optional<Trace>* judged_trace,
                                             const std::function<bool()>& abandon,
                                             bool& abandoned) {
  try {
    // Traced: the invariant checkers judge the trace and the VFS, not the manager's word.
    RunOptions options;
    options.abandon = abandon;
    RunResult run = run_world(scenario, options);
    if (run.outcome == RunOutcome::abandoned) {
      abandoned = true;
      return std::nullopt;
    }
    std::optional<WorldFailure> failure;
    {
      // One reading of the trace serves the classes and every checker.
      const invariant_detail::History history = invariant_detail::read_history(run);
      if (classes != nullptr) *classes = invariant_detail::classify_history(history);
      failure = check_run(run, history, must_install_all);
    }
    if (judged_trace != nullptr) judged_trace->emplace(std::move(run.trace));
    return failure;
  } catch (const AssertionFailure& error) {
    return WorldFailure{"internal_error", error.what()};
  }
}

// A seed's world judged, and its failure shrunk. `abandoned` when the stop came during one of its
// runs: the seed is then not explored, whatever the runs before found.
std::optional<ExploreFinding> explore_seed(
    uint64_t seed, const GeneratorOptions& generator, std::vector<std::string>& classes,
    const std::function<bool()>& should_stop,
    const std::function<void(const ShrinkProgress&)>& on_shrink, bool& abandoned) {
  const GeneratedWorld world = generate_world(seed, generator);
  // Every 16th seed is checked more deeply: a second traced run of it must hold the same records
  // as the judged one, and every 256th seed's world must also load back from YAML. The judged run
  // is the same for every seed (traced, as in shrinking), so that a verdict never depends on
  // which seed is checked deeply.
  const bool deep = seed % kDeterminismCheckEvery == 0;
  std::optional<WorldFailure> failure;
  if (seed % kLoadBackCheckEvery == 0 && !loads_back(world.scenario)) {
    failure = WorldFailure{"generator", "the generated world does not load back from YAML"};
  }
  std::optional<Trace> judged_trace;
  if (!failure) {
    failure = check_classified(world.scenario, world.must_install_all, &classes,
                               deep ? &judged_trace : nullptr, should_stop, abandoned);
    if (abandoned) return std::nullopt;
  }
  if (!failure && deep) {
    // The second run is compared by its trace alone: its final files are not listed.
    RunOptions second_run;
    second_run.capture_files = false;
    second_run.abandon = should_stop;
    const RunResult again = run_world(world.scenario, second_run);
    if (again.outcome == RunOutcome::abandoned) {
      abandoned = true;
      return std::nullopt;
    }
    if (!same_trace(*judged_trace, again.trace)) {
      failure = WorldFailure{"nondeterminism", "two runs of the same seed traced differently"};
    }
  }
  if (!failure) return std::nullopt;
  ExploreFinding finding;
  finding.seed = seed;
  finding.failure = *failure;
  finding.features = world.features;
  const bool shrinkable = failure->kind != "nondeterminism" && failure->kind != "generator";
  ShrinkControl control{should_stop, {}};
  if (on_shrink)
    control.on_run = [&](uint32_t runs) { on_shrink(ShrinkProgress{seed, runs, false}); };
  ShrinkResult shrunk =
      shrinkable ? shrink_world(world.scenario, world.must_install_all, *failure, control)
                 : ShrinkResult{world.scenario, 0, false};
  if (on_shrink) on_shrink(ShrinkProgress{seed, shrunk.runs, true});
  finding.shrink_runs = shrunk.runs;
  finding.shrink_stopped = shrunk.stopped;
  finding.reproducer = reproducer_for(shrunk.scenario, seed, *failure, world.features);
  return finding;
}

}  // namespace

std::optional<WorldFailure> check_world(const Scenario& scenario, bool must_install_all) {
  bool abandoned = false;
  return check_classified(scenario, must_install_all, nullptr, nullptr, {}, abandoned);
}

bool same_trace(const Trace& first, const Trace& second) {
  const auto same_record = [](const TraceRecord& a, const TraceRecord& b) {
    if (a.t_us != b.t_us || a.actor != b.actor || a.event != b.event ||
        a.fields.size() != b.fields.size()) {
      return false;
    }
    for (size_t index = 0; index < a.fields.size(); ++index) {
      if (a.fields[index].key != b.fields[index].key ||
          a.fields[index].value != b.fields[index].value) {
        return false;
      }
    }
    return true;
  };
  return first.truncated() == second.truncated() &&
         std::equal(first.records().begin(), first.records().end(), second.records().begin(),
                    second.records().end(), same_record);
}

ShrinkResult shrink_world(const Scenario& scenario, bool must_install_all,
                          const WorldFailure& failure, const ShrinkControl& control) {
  ShrinkResult result{scenario, 0, false};
  bool progressed = true;
  while (progressed && result.runs < kShrinkRunsMax && !result.stopped) {
    progressed = false;
    for (Scenario& candidate : shrink_candidates(result.scenario)) {
      if (result.runs >= kShrinkRunsMax) break;
      if (control.should_stop && control.should_stop()) {
        result.stopped = true;
        break;
      }
      if (!loads_back(candidate)) continue;
      // The stop also ends a candidate's run: a long world need not finish first.
      bool abandoned = false;
      const auto again = check_classified(candidate, must_install_all, nullptr, nullptr,
                                          control.should_stop, abandoned);
      if (abandoned) {
        result.stopped = true;
        break;
      }
      ++result.runs;
      if (control.on_run) control.on_run(result.runs);
      if (!again || again->kind != failure.kind) continue;
      result.scenario = std::move(candidate);
      progressed = true;
      break;  // restart from the smaller world's candidates
    }
  }
  return result;
}

uint64_t shard_seed_count(const ExploreOptions& options) {
  if (options.shard_index >= options.seed_count) return 0;
  return (options.seed_count - options.shard_index - 1) / options.shard_count + 1;
}

uint64_t shard_seed(const ExploreOptions& options, uint64_t position) {
  return options.seed_start + options.shard_index + position * options.shard_count;
}

ExploreSummary explore(const ExploreOptions& options,
                       const std::function<void(const ExploreProgress&)>& on_progress,
                       const std::function<bool()>& should_stop,
                       const std::function<void(const ShrinkProgress&)>& on_shrink) {
  DISTSIM_ASSERT(options.shard_count >= 1 && options.shard_index < options.shard_count);
  DISTSIM_ASSERT(options.jobs >= 1 && options.jobs <= kExploreJobsMax);
  DISTSIM_ASSERT(options.seed_count <= kExploreSeedsMax);
  ExploreSummary summary;
  summary.worlds_planned = shard_seed_count(options);
  std::atomic<bool> stopped{false};
  bool gap = false;  // a seed was not run: later results do not count
  // The window bounds the results waiting for their turn (a world's outcome, a finding with its
  // shrunk reproducer); a slow seed (a long shrink) stalls the other threads only after they
  // have run that many seeds past it. Batches only bound the seeds passed over after a stop.
  for (uint64_t batch = 0; batch < summary.worlds_planned && !gap; batch += kExploreBatchSeeds) {
    const uint64_t size = std::min<uint64_t>(kExploreBatchSeeds, summary.worlds_planned - batch);
    run_in_order<SeedOutcome>(
        size, options.jobs,
        [&](size_t index) {
          if (stopped.load() || (should_stop && should_stop())) {
            stopped.store(true);
            return SeedOutcome{};
          }
          SeedOutcome outcome{true, std::nullopt, {}};
          bool abandoned = false;
          outcome.finding = explore_seed(shard_seed(options, batch + index), options.generator,
                                         outcome.classes, should_stop, on_shrink, abandoned);
          if (abandoned) {
            stopped.store(true);
            return SeedOutcome{};
          }
          return outcome;
        },
        [&](size_t, SeedOutcome& outcome) {
          gap = gap || !outcome.ran;
          if (gap) return;
          ++summary.worlds;
          for (const std::string& name : outcome.classes) ++summary.class_counts[name];
          if (outcome.finding) summary.findings.push_back(std::move(*outcome.finding));
          on_progress(ExploreProgress{summary.worlds, summary.worlds_planned,
                                      summary.findings.size(), false, 0, 0,
                                      shard_seed(options, summary.worlds), 0});
        },
        kExploreWindowSeeds);
  }
  return summary;
}

bool known_failure_kind(std::string_view kind) {
  constexpr std::string_view kInvariant = "invariant:";
  constexpr std::string_view kLiveness = "liveness:";
  if (kind.substr(0, kInvariant.size()) == kInvariant) {
    const std::string_view name = kind.substr(kInvariant.size());
    return std::find(kInvariantNames.begin(), kInvariantNames.end(), name) != kInvariantNames.end();
  }
  if (kind.substr(0, kLiveness.size()) == kLiveness) {
    // A Win32 code as win32_code prints it: decimal digits, no leading zero.
    const std::string_view code = kind.substr(kLiveness.size());
    return !code.empty() && code.size() <= 10 && (code == "0" || code.front() != '0') &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  for (const RunOutcome outcome : {RunOutcome::budget_exhausted, RunOutcome::pending_limit_hit,
                                   RunOutcome::record_limit_hit}) {
    if (kind == run_outcome_name(outcome)) return true;
  }
  return kind == "trace_truncated" || kind == "internal_error" || kind == "generator" ||
         kind == "nondeterminism";
}

std::string reproducer_file_name(const ExploreFinding& finding) {
  return reproducer_file_name(finding.seed, finding.failure.kind);
}

std::string reproducer_file_name(uint64_t seed, std::string_view failure_kind) {
  std::string kind(failure_kind);
  std::replace(kind.begin(), kind.end(), ':', '-');
  std::replace(kind.begin(), kind.end(), '_', '-');
  return fmt::format("explore-{}-{}.yaml", seed, kind);
}

}  // namespace distsim::sim
