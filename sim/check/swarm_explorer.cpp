// The explorer: checks, shrinking and the seed campaign.
#include "sim/check/swarm_explorer.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/assert.h"
#include "sim/check/expectations.h"
#include "sim/check/invariants.h"
#include "sim/core/ordered_pool.h"
#include "sim/core/trace.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

constexpr uint64_t kDeterminismCheckEvery = 16;  // seeds whose world is also run twice

std::optional<WorldFailure> check_run(const RunResult& run, bool must_install_all) {
  if (run.outcome == RunOutcome::budget_exhausted || run.outcome == RunOutcome::pending_limit_hit) {
    return WorldFailure{std::string(run_outcome_name(run.outcome)),
                        fmt::format("the run stopped after {} events", run.events_executed)};
  }
  const auto violations = check_invariants(run);
  if (!violations.empty()) {
    return WorldFailure{"invariant:" + violations.front().invariant, violations.front().detail};
  }
  if (!must_install_all) return std::nullopt;
  for (const model::PackageStatus& package : run.packages) {
    if (package.state == model::PackageState::installed) continue;
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

std::optional<ExploreFinding> explore_seed(uint64_t seed, const GeneratorOptions& generator) {
  const GeneratedWorld world = generate_world(seed, generator);
  std::optional<WorldFailure> failure;
  if (seed % kDeterminismCheckEvery == 0 && !loads_back(world.scenario)) {
    failure = WorldFailure{"generator", "the generated world does not load back from YAML"};
  }
  if (!failure) failure = check_world(world.scenario, world.must_install_all);
  if (!failure && seed % kDeterminismCheckEvery == 0) {
    const RunResult first = run_world(world.scenario, RunOptions{});
    const RunResult second = run_world(world.scenario, RunOptions{});
    const TraceHeader header{world.scenario.name, seed, "explore"};
    if (trace_to_jsonl(first.trace, header) != trace_to_jsonl(second.trace, header)) {
      failure = WorldFailure{"nondeterminism", "two runs of the same seed traced differently"};
    }
  }
  if (!failure) return std::nullopt;
  ExploreFinding finding;
  finding.seed = seed;
  finding.failure = *failure;
  finding.features = world.features;
  const bool shrinkable = failure->kind != "nondeterminism" && failure->kind != "generator";
  ShrinkResult shrunk = shrinkable ? shrink_world(world.scenario, world.must_install_all, *failure)
                                   : ShrinkResult{world.scenario, 0};
  finding.shrink_runs = shrunk.runs;
  finding.reproducer = reproducer_for(shrunk.scenario, seed, *failure, world.features);
  return finding;
}

}  // namespace

std::optional<WorldFailure> check_world(const Scenario& scenario, bool must_install_all) {
  try {
    RunOptions options;
    options.trace = false;
    return check_run(run_world(scenario, options), must_install_all);
  } catch (const AssertionFailure& error) {
    return WorldFailure{"internal_error", error.what()};
  }
}

ShrinkResult shrink_world(const Scenario& scenario, bool must_install_all,
                          const WorldFailure& failure) {
  ShrinkResult result{scenario, 0};
  bool progressed = true;
  while (progressed && result.runs < kShrinkRunsMax) {
    progressed = false;
    for (Scenario& candidate : shrink_candidates(result.scenario)) {
      if (result.runs >= kShrinkRunsMax) break;
      if (!loads_back(candidate)) continue;
      ++result.runs;
      const auto again = check_world(candidate, must_install_all);
      if (!again || again->kind != failure.kind) continue;
      result.scenario = std::move(candidate);
      progressed = true;
      break;  // restart from the smaller world's candidates
    }
  }
  return result;
}

ExploreSummary explore(const ExploreOptions& options,
                       const std::function<void(uint64_t, uint64_t)>& on_progress) {
  DISTSIM_ASSERT(options.shard_count >= 1 && options.shard_index < options.shard_count);
  DISTSIM_ASSERT(options.jobs >= 1 && options.jobs <= kExploreJobsMax);
  DISTSIM_ASSERT(options.seed_count <= kExploreSeedsMax);
  std::vector<uint64_t> seeds;
  for (uint64_t offset = options.shard_index; offset < options.seed_count;
       offset += options.shard_count) {
    seeds.push_back(options.seed_start + offset);
  }
  ExploreSummary summary;
  summary.worlds = seeds.size();
  run_in_order<std::optional<ExploreFinding>>(
      seeds.size(), options.jobs,
      [&](size_t index) { return explore_seed(seeds[index], options.generator); },
      [&](size_t index, std::optional<ExploreFinding>& finding) {
        if (finding) summary.findings.push_back(std::move(*finding));
        on_progress(index + 1, seeds.size());
      });
  return summary;
}

std::string reproducer_file_name(const ExploreFinding& finding) {
  std::string kind = finding.failure.kind;
  std::replace(kind.begin(), kind.end(), ':', '-');
  std::replace(kind.begin(), kind.end(), '_', '-');
  return fmt::format("explore-{}-{}.yaml", finding.seed, kind);
}

}  // namespace distsim::sim
