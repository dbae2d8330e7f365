// The explore subcommand: turns flags (and, for --shard auto, the batch engine's environment) into
// sim::ExploreOptions, runs the campaign with a throttled progress line on a terminal and a
// wall-clock stop, or merges result files; writes reproducers, the result file and JUnit each
// completely or not at all, then prints the summary.
#include "tools/cli/explore_command.h"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <ostream>
#include <sstream>

#include "sim/check/campaign_shard.h"
#include "sim/check/swarm_explorer.h"
#include "sim/core/limits.h"
#include "sim/report/campaign_merge.h"
#include "sim/report/campaign_result.h"
#include "sim/report/explore_report.h"
#include "sim/report/output_file.h"
#include "sim/scenario/value_parse.h"
#include "tools/cli/build_info.h"
#include "tools/cli/exit_status.h"
#include "tools/cli/flag_problem.h"
#include "tools/cli/progress_line.h"
#include "tools/cli/wall_clock.h"

namespace distsim::cli {
namespace {

constexpr std::string_view kStoppedByTimeLimit = sim::kCampaignStopReasons[0];

sim::EnvironmentValues shard_environment() {
  sim::EnvironmentValues environment;
  for (const std::string_view name : sim::kShardEnvironmentNames) {
    const std::string key(name);
    if (const char* value = std::getenv(key.c_str())) environment[key] = value;
  }
  return environment;
}

// Why an output file cannot be written where asked, checked before hours of exploring.
std::optional<std::string> output_parent_problem(const char* option, const std::string& path) {
  if (path.empty()) return std::nullopt;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (parent.empty() || std::filesystem::is_directory(parent, error)) return std::nullopt;
  if (std::filesystem::exists(parent, error)) {
    return fmt::format("{} '{}': '{}' is not a directory", option, path, parent.string());
  }
  return fmt::format("{} '{}': the directory '{}' does not exist", option, path, parent.string());
}

// Why the reproducers could not be written to --out, checked before the campaign, not after it
// found something.
std::optional<std::string> out_directory_problem(const ExploreCommandOptions& options) {
  // Elsewhere "-" is standard output; reproducers are files, so it is refused rather than made
  // a directory of that name.
  if (options.out_dir == sim::kStandardOutputPath) {
    return "--out needs a directory: reproducers are files (write ./- for a directory named -)";
  }
  const auto problem = sim::check_output_directory(options.out_dir);
  if (!problem) return std::nullopt;
  return fmt::format("--out: {}", *problem);
}

// Why an output file would meet the reproducers written to --out: it is the --out directory
// itself, or it is inside it under a reproducer's name (explore-*.yaml), which a failing world
// would write over.
std::optional<std::string> meets_reproducers(const char* option, const std::string& path,
                                             const std::string& out_dir) {
  namespace fs = std::filesystem;
  const auto normal = [](const std::string& text) {
    std::error_code error;
    fs::path resolved = fs::weakly_canonical(text, error);
    if (error) resolved = fs::absolute(text, error).lexically_normal();
    return resolved.has_filename() ? resolved : resolved.parent_path();
  };
  const fs::path file = normal(path);
  const fs::path out = normal(out_dir);
  if (file == out) {
    return fmt::format(
        "{} '{}' is the --out directory, where the reproducers go; give it a file "
        "name of its own",
        option, path);
  }
  const std::string name = file.filename().string();
  if (file.parent_path() == out && name.starts_with("explore-") && name.ends_with(".yaml")) {
    return fmt::format(
        "{} '{}' has a reproducer's name (explore-*.yaml) inside --out '{}', where "
        "a failing world's reproducer would replace it; give it another name",
        option, path, out_dir);
  }
  return std::nullopt;
}

// Why the outputs would write over each other or over a result being merged: the files are
// checked as `run` checks its own (sim::OutputSet), before any work.
std::optional<std::string> outputs_overlap(const std::vector<std::string>& inputs,
                                           const ExploreCommandOptions& options) {
  sim::OutputSet outputs;
  for (const std::string& input : inputs) outputs.add_input("a merged result", input);
  for (const auto& [option, path] :
       {std::pair{"--result", options.result_path}, std::pair{"--junit", options.junit_path}}) {
    if (path.empty()) continue;
    if (path == sim::kStandardOutputPath) {
      return fmt::format("{} needs a file: explore writes its summary on standard output", option);
    }
    if (auto problem = meets_reproducers(option, path, options.out_dir)) return problem;
    outputs.add_output(option, path, sim::OutputSet::StandardOutput::refused);
  }
  const std::vector<std::string> problems = outputs.check();
  if (problems.empty()) return std::nullopt;
  return problems.front();
}

// The campaign flags as options for sim::explore, or a message for the first bad flag.
std::optional<std::string> configure(const ExploreCommandOptions& options,
                                     sim::ExploreOptions& explore, double& time_limit_seconds) {
  explore.seed_count = options.seed_count;
  explore.seed_start = options.seed_start;
  explore.jobs = options.jobs;
  if (options.seed_count == 0 || options.seed_count > sim::kExploreSeedsMax) {
    return fmt::format("--seeds {} is not in 1..{}", options.seed_count, sim::kExploreSeedsMax);
  }
  if (options.jobs == 0 || options.jobs > sim::kExploreJobsMax) {
    return fmt::format("--jobs {} is not in 1..{}", options.jobs, sim::kExploreJobsMax);
  }
  if (UINT64_MAX - options.seed_start < options.seed_count - 1) {
    return fmt::format("--seed-start plus --seeds passes the largest seed ({})", UINT64_MAX);
  }
  if (options.shard != "auto" && options.shard_count) {
    return "--shard-count goes with --shard auto (a Kubernetes Indexed Job's completions)";
  }
  const sim::ShardParse shard =
      options.shard == "auto"
          ? sim::shard_from_environment(shard_environment(), options.shard_count)
          : sim::parse_shard_text(options.shard);
  if (!shard.shard) return shard.error;
  explore.shard_index = shard.shard->index;
  explore.shard_count = shard.shard->count;
  const auto budget = sim::parse_duration(options.budget);
  if (!budget.ok()) return fmt::format("--budget '{}': {}", options.budget, budget.error);
  if (*budget.value < model::kMicrosecondsPerHour || *budget.value > sim::kRunHorizonMaxUs) {
    return fmt::format("--budget '{}' must be a duration from 1h to {}, the longest run",
                       options.budget, sim::format_duration(sim::kRunHorizonMaxUs));
  }
  explore.generator.horizon_us = *budget.value;
  if (!options.time_limit.empty()) {
    const auto limit = sim::parse_duration(options.time_limit);
    if (!limit.ok()) return fmt::format("--time-limit '{}': {}", options.time_limit, limit.error);
    if (*limit.value < model::kMicrosecondsPerSecond) {
      return fmt::format("--time-limit '{}' must be at least 1s, such as 10m or 2h",
                         options.time_limit);
    }
    time_limit_seconds = static_cast<double>(*limit.value) / 1e6;
  }
  for (const auto& [option, path] :
       {std::pair{"--result", options.result_path}, std::pair{"--junit", options.junit_path}}) {
    if (auto problem = output_parent_problem(option, path)) return problem;
  }
  if (auto problem = out_directory_problem(options)) return problem;
  return outputs_overlap({}, options);
}

// Writes reproducers, then the result file and JUnit; each file is complete or absent.
// Writes the reproducers, the result file and JUnit all or none (sim::OutputSet): a reproducer
// path taken by a directory must not leave the others written and the JUnit file missing.
std::optional<std::string> write_outputs(const ExploreCommandOptions& options,
                                         const sim::CampaignResult& total,
                                         const std::vector<sim::CampaignResult>& shards) {
  sim::OutputSet outputs;
  for (const std::string& input : options.merge_paths) outputs.add_input("a merged result", input);
  std::error_code error;
  if (!total.failures.empty()) std::filesystem::create_directories(options.out_dir, error);
  if (error) return fmt::format("cannot create '{}': {}", options.out_dir, error.message());
  for (const sim::CampaignFailure& failure : total.failures) {
    const size_t output =
        outputs.add_output("", sim::explore_reproducer_path(options.out_dir, failure),
                           sim::OutputSet::StandardOutput::refused);
    outputs.set_content(output, failure.reproducer_yaml);
  }
  if (!options.result_path.empty() && options.merge_paths.empty()) {
    const size_t output = outputs.add_output("--result", options.result_path,
                                             sim::OutputSet::StandardOutput::refused);
    outputs.set_content(output, sim::campaign_result_json(total));
  }
  if (!options.junit_path.empty()) {
    const size_t output =
        outputs.add_output("--junit", options.junit_path, sim::OutputSet::StandardOutput::refused);
    outputs.set_content(output,
                        sim::explore_junit_xml(total, shards, options.out_dir, options.program));
  }
  if (const std::vector<std::string> problems = outputs.check(); !problems.empty()) {
    return fmt::format("{}", fmt::join(problems, "; "));
  }
  return outputs.commit(std::cout);
}

int report(const ExploreCommandOptions& options, const sim::CampaignResult& total,
           const std::vector<sim::CampaignResult>& shards, std::ostream& out, std::ostream& err) {
  const std::string summary =
      sim::explore_summary_text(total, shards, options.out_dir, options.program);
  if (const auto problem = write_outputs(options, total, shards)) {
    // The campaign's findings still reach the user: the summary names each failing seed, which
    // `explore --seed-start SEED --seeds 1` finds again, though no reproducer was written.
    out << summary;
    // The reproducers named above were not written: say how to get them again. A seed's world
    // depends on the budget, so the command names it.
    err << "distsim explore: " << *problem << "; nothing was written, not even the reproducers "
        << "named above: "
        << (options.merge_paths.empty()
                ? fmt::format("each failing seed is found again by `distsim explore --seed-start "
                              "SEED --seeds 1 --budget {}`",
                              sim::format_duration(total.budget_us))
                : std::string("run the merge again once its outputs can be written"))
        << '\n';
    return kExitCannotRun;
  }
  out << summary;
  return sim::explore_exit_status(total) == 0 ? kExitOk : kExitFinding;
}

// Set by the handler, read by every exploring thread: a lock-free atomic is both safe in a signal
// handler and free of a data race between threads, which volatile is not.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

void on_stop_signal(int signal) {
  g_stop_signal.store(signal, std::memory_order_relaxed);
  std::signal(signal, SIG_DFL);  // a second one ends the process at once
}

// While exploring, SIGTERM (a batch engine's time limit or cancellation, which then waits a grace
// period before SIGKILL) and SIGINT (Ctrl-C) end the campaign at once (a world under way is
// abandoned, its seed not explored), so that the summary and the result file still say how far
// it got.
class StopSignals {
 public:
  StopSignals()
      : previous_term_(std::signal(SIGTERM, on_stop_signal)),
        previous_int_(std::signal(SIGINT, on_stop_signal)) {}
  ~StopSignals() {
    std::signal(SIGTERM, previous_term_);
    std::signal(SIGINT, previous_int_);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  [[nodiscard]] static bool received() {
    return g_stop_signal.load(std::memory_order_relaxed) != 0;
  }
  [[nodiscard]] static std::string name() {
    const int signal = g_stop_signal.load(std::memory_order_relaxed);
    return signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "";
  }

 private:
  using Handler = void (*)(int);
  Handler previous_term_;
  Handler previous_int_;
};

int explore_seeds(const ExploreCommandOptions& options, std::ostream& out, std::ostream& err) {
  sim::ExploreOptions explore;
  double time_limit_seconds = 0;
  if (const auto problem = configure(options, explore, time_limit_seconds)) {
    err << flag_problem("explore", *problem) << '\n';
    return kExitCannotRun;
  }
  const WallClock clock;
  ProgressLine progress(err, clock, sim::shard_seed_count(explore), time_limit_seconds);
  const StopSignals signals;
  const auto should_stop = [&clock, time_limit_seconds] {
    return StopSignals::received() ||
           (time_limit_seconds > 0 && clock.elapsed_seconds() >= time_limit_seconds);
  };
  const sim::ExploreSummary summary = sim::explore(
      explore, [&progress](const sim::ExploreProgress& done) { progress.update(done); },
      should_stop, [&progress](const sim::ShrinkProgress& shrink) { progress.shrinking(shrink); });
  progress.erase();
  sim::CampaignResult result = sim::campaign_result(
      explore, summary, kVersion, kCommit,
      StopSignals::received() ? StopSignals::name() : std::string(kStoppedByTimeLimit));
  result.wall_seconds = clock.elapsed_seconds();
  return report(options, result, {result}, out, err);
}

// A result file's text, or why it cannot be had (as the scenario loader says it).
std::optional<std::string> read_text(const std::string& path, std::string& text) {
  // A directory opens as a stream on Linux and fails only at the first read, without a reason.
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return fmt::format("{}: this is a directory; give a result file", path);
  }
  // A FIFO would wait for a writer and /dev/zero never end: only regular files are results.
  const std::filesystem::file_status status = std::filesystem::status(path, ignored);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    return fmt::format("{}: not a regular file; give a result file", path);
  }
  if (std::filesystem::exists(status) &&
      std::filesystem::file_size(path, ignored) > sim::kCampaignResultBytesMax) {
    return fmt::format("{}: larger than kCampaignResultBytesMax ({} bytes); not a result file",
                       path, sim::kCampaignResultBytesMax);
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream.is_open()) {
    const int open_errno = errno;  // read before anything else can change it
    return fmt::format("{}: cannot open the file: {}", path, std::strerror(open_errno));
  }
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  if (stream.bad()) return fmt::format("{}: cannot read the file", path);
  text = buffer.str();
  return std::nullopt;
}

int merge_results(const ExploreCommandOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<std::string> problems;
  std::vector<sim::MergeInput> inputs;
  for (const std::string& path : options.merge_paths) {
    std::string text;
    if (auto problem = read_text(path, text)) {
      problems.push_back(*problem);
      continue;
    }
    sim::CampaignResultRead read = sim::read_campaign_result(text);
    if (!read.result) {
      problems.push_back(path + ": " + read.error);
      continue;
    }
    inputs.push_back(sim::MergeInput{path, std::move(*read.result)});
  }
  if (const auto problem = output_parent_problem("--junit", options.junit_path)) {
    problems.push_back(*problem);
  } else if (const auto out_problem = out_directory_problem(options)) {
    problems.push_back(*out_problem);
  } else if (const auto overlap = outputs_overlap(options.merge_paths, options)) {
    problems.push_back(*overlap);
  }
  sim::CampaignMerge merge;
  if (problems.empty()) {
    merge = sim::merge_campaign(inputs);
    problems = merge.errors;
  }
  for (const std::string& problem : problems) err << "distsim explore --merge: " << problem << '\n';
  if (!problems.empty()) return kExitCannotRun;
  return report(options, merge.total, merge.shards, out, err);
}

}  // namespace

int explore_command(const ExploreCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (!options.merge_paths.empty()) return merge_results(options, out, err);
  return explore_seeds(options, out, err);
}

}  // namespace distsim::cli
