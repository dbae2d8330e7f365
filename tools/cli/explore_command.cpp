// The explore subcommand: parse the shard and budget, run the campaign with progress on a
// terminal, write each reproducer completely or not at all, print one line per finding and a
// summary line.
#include "tools/cli/explore_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <ostream>

#include "sim/check/swarm_explorer.h"
#include "sim/report/output_file.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/scenario/value_parse.h"
#include "tools/cli/exit_status.h"

namespace distsim::cli {
namespace {

bool parse_shard(const std::string& text, uint32_t& index, uint32_t& count) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  const auto first = sim::parse_unsigned(text.substr(0, slash));
  const auto second = sim::parse_unsigned(text.substr(slash + 1));
  if (!first.ok() || !second.ok() || *second.value == 0 || *first.value >= *second.value ||
      *second.value > 1'000'000) {
    return false;
  }
  index = static_cast<uint32_t>(*first.value);
  count = static_cast<uint32_t>(*second.value);
  return true;
}

}  // namespace

int explore_command(const ExploreCommandOptions& options, std::ostream& out, std::ostream& err) {
  sim::ExploreOptions explore;
  explore.seed_count = options.seed_count;
  explore.seed_start = options.seed_start;
  explore.jobs = options.jobs;
  if (!parse_shard(options.shard, explore.shard_index, explore.shard_count)) {
    err << fmt::format("distsim explore: --shard '{}' must be I/N with 0 <= I < N\n",
                       options.shard);
    return kExitCannotRun;
  }
  const auto budget = sim::parse_duration(options.budget);
  if (!budget.ok() || *budget.value < model::kMicrosecondsPerHour) {
    err << fmt::format("distsim explore: --budget '{}' must be a duration of at least 1h\n",
                       options.budget);
    return kExitCannotRun;
  }
  explore.generator.horizon_us = *budget.value;
  if (options.seed_count == 0 || options.seed_count > sim::kExploreSeedsMax || options.jobs == 0 ||
      options.jobs > sim::kExploreJobsMax) {
    err << fmt::format("distsim explore: --seeds must be 1..{} and --jobs 1..{}\n",
                       sim::kExploreSeedsMax, sim::kExploreJobsMax);
    return kExitCannotRun;
  }
  const bool tty = isatty(fileno(stderr)) != 0;
  const auto progress = [&err, tty](uint64_t done, uint64_t total) {
    if (!tty || (done != total && done % std::max<uint64_t>(total / 100, 1) != 0)) return;
    err << fmt::format("\rexplored {}/{} worlds", done, total) << (done == total ? "\n" : "")
        << std::flush;
  };
  const sim::ExploreSummary summary = sim::explore(explore, progress);
  std::error_code error;
  if (!summary.findings.empty()) std::filesystem::create_directories(options.out_dir, error);
  if (error) {
    err << fmt::format("distsim explore: cannot create '{}': {}\n", options.out_dir,
                       error.message());
    return kExitCannotRun;
  }
  for (const sim::ExploreFinding& finding : summary.findings) {
    const std::string path = options.out_dir + "/" + sim::reproducer_file_name(finding);
    if (const auto problem =
            sim::write_file_atomically(path, sim::write_scenario_yaml(finding.reproducer))) {
      err << "distsim explore: " << *problem << '\n';
      return kExitCannotRun;
    }
    out << fmt::format("FAIL seed {}: {}: {} -> {} (shrunk in {} runs; replay: distsim run '{}')\n",
                       finding.seed, finding.failure.kind, finding.failure.detail, path,
                       finding.shrink_runs, path);
  }
  out << fmt::format(
      "explored {} worlds (seeds {}..{}, shard {}): {} failed{}\n", summary.worlds,
      options.seed_start, options.seed_start + options.seed_count - 1, options.shard,
      summary.findings.size(),
      summary.findings.empty() ? "" : fmt::format("; reproducers in {}", options.out_dir));
  return summary.findings.empty() ? kExitOk : kExitFinding;
}

}  // namespace distsim::cli
