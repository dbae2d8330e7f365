// Fuzz target: whatever the loader accepts and the world can set up is run with a small event
// budget, judged, and formatted by every report.
#include <string_view>

#include "sim/check/verdict.h"
#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/report/chrome_trace.h"
#include "sim/report/html_report.h"
#include "sim/report/run_report.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "tools/fuzz/fuzz_targets.h"

namespace distsim::fuzz {
namespace {

// Events one fuzzed run may execute: enough for a few passes and retries, small enough for
// thousands of runs a second.
constexpr uint64_t kFuzzEventBudget = 20'000;
// Worlds above this many generated files or holder repeats take long to set up by design (the
// limits allow millions); the target skips them so that a timeout means a hang, not a big world.
constexpr uint64_t kFuzzWorldItemsMax = 2'000;

bool small_world(const sim::Scenario& scenario) {
  uint64_t items = scenario.filesystem.size() + scenario.packages.size() +
                   scenario.distribution_points.size() + scenario.faults.size();
  for (const auto& entry : scenario.filesystem) items += entry.file_count;
  for (const auto& holder : scenario.holders) items += holder.count + holder.steps.size();
  return items <= kFuzzWorldItemsMax;
}

}  // namespace

void scenario_run(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const sim::LoadResult loaded = sim::load_scenario_text(text, "fuzz.yaml");
  if (!loaded.scenario || !small_world(*loaded.scenario)) return;
  const sim::Scenario& scenario = *loaded.scenario;
  if (!sim::unsupported_features(scenario).empty()) return;
  sim::RunOptions options;
  options.event_budget = kFuzzEventBudget;
  sim::RunResult run = sim::run_world(scenario, options);
  const sim::RunVerdict verdict = sim::judge_run(scenario, run);
  sim::trace_expectations(verdict, run);
  if (run.events_executed > kFuzzEventBudget) {
    property_failed("the run executed more events than its budget", text);
  }
  (void)sim::summary_text(scenario, run, verdict, {});
  (void)sim::summary_json(scenario, run, verdict);
  (void)sim::status_csv(run);
  (void)sim::distmgr_log_text(run);
  (void)sim::trace_to_jsonl(run.trace, {scenario.name, run.seed, "fuzz"});
  (void)sim::chrome_trace_json(scenario, run, verdict);
  (void)sim::html_report(scenario, run, verdict);
}

}  // namespace distsim::fuzz
