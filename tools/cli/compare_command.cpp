// The compare subcommand: load the scenario and the policies, refuse what cannot run, compare.
#include "tools/cli/compare_command.h"

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <system_error>

#include "sim/check/policy_compare.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "tools/cli/exit_status.h"
#include "tools/cli/flag_problem.h"

namespace distsim::cli {

int compare_command(const CompareCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.seed_count < 1 || options.seed_count > sim::kCompareSeedsMax) {
    err << flag_problem("compare", fmt::format("--seeds {} is not in 1..{}", options.seed_count,
                                               sim::kCompareSeedsMax))
        << '\n';
    return kExitCannotRun;
  }
  const sim::LoadResult loaded = sim::load_scenario_file(options.scenario_path);
  bool usable = loaded.errors.empty();
  for (const auto& error : loaded.errors) err << error.to_string() << '\n';
  std::vector<sim::PolicyFile> policies;
  for (const std::string& path : options.policy_paths) {
    sim::PolicyLoadResult policy = sim::load_policy_file(path);
    for (const auto& error : policy.errors) err << error.to_string() << '\n';
    if (policy.policy) policies.push_back(std::move(*policy.policy));
    usable = usable && policy.errors.empty();
  }
  if (!usable) return kExitCannotRun;
  // The same file twice would give two identical rows: most likely a path typed twice.
  for (size_t later = 1; later < options.policy_paths.size(); ++later) {
    for (size_t earlier = 0; earlier < later; ++earlier) {
      std::error_code error;
      if (!std::filesystem::equivalent(options.policy_paths[earlier], options.policy_paths[later],
                                       error)) {
        continue;
      }
      err << fmt::format(
          "distsim compare: --policy '{}' and --policy '{}' are the same file; give "
          "each policy once\n",
          options.policy_paths[earlier], options.policy_paths[later]);
      usable = false;
      break;  // named once, by the first path it repeats
    }
  }
  if (!usable) return kExitCannotRun;
  for (const auto& problem : sim::unsupported_features(*loaded.scenario)) {
    err << fmt::format("{}:{}:{}: {}\n", loaded.scenario->file, problem.position.line,
                       problem.position.column, problem.message);
    usable = false;
  }
  if (!usable) return kExitCannotRun;
  const uint64_t first_seed = options.seed_start.value_or(loaded.scenario->seed);
  if (UINT64_MAX - first_seed < options.seed_count - 1) {
    err << fmt::format("distsim compare: {} seeds from {} pass the largest seed ({})\n",
                       options.seed_count, first_seed, UINT64_MAX);
    return kExitCannotRun;
  }
  const auto summaries = sim::compare_policies(
      *loaded.scenario, policies, {options.seed_count, options.seed_start, options.program});
  out << fmt::format("scenario: {} ({}), {} seed{} from {}\n\n", loaded.scenario->name,
                     loaded.scenario->file, options.seed_count, options.seed_count == 1 ? "" : "s",
                     options.seed_start.value_or(loaded.scenario->seed));
  out << sim::compare_table(summaries);
  return sim::all_held(summaries) ? kExitOk : kExitFinding;
}

}  // namespace distsim::cli
