// The distsim command line: flags in, sim/ calls out, exit statuses as CLI.md promises (CLI11's
// own parse errors become 2, bugs become 3 with the seed).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "model/assert.h"
#include "sim/check/campaign_shard.h"
#include "sim/check/policy_compare.h"
#include "sim/check/swarm_explorer.h"
#include "sim/core/limits.h"
#include "sim/scenario/value_parse.h"
#include "tools/cli/argument_check.h"
#include "tools/cli/build_info.h"
#include "tools/cli/check_command.h"
#include "tools/cli/compare_command.h"
#include "tools/cli/exit_status.h"
#include "tools/cli/explore_command.h"
#include "tools/cli/run_command.h"
#include "tools/cli/validate_command.h"

namespace {

constexpr const char* kDescription =
    "distsim: a deterministic simulator of SMS / ConfigMgr Distribution Manager retries (KB "
    "Q207416).\nIt runs the real distribution state machine in a virtual Windows file system with "
    "lock holders,\nand checks what the manager logs, which status messages it raises and whether "
    "packages arrive.\n\nExamples:\n  distsim run scenarios/q207416-temp-source.yaml\n  distsim "
    "run scenarios/q207416-temp-source.yaml --seed 7 --trace out.jsonl --log Distmgr.log\n"
    "  distsim validate scenarios\n  distsim check scenarios --junit report.xml -j 4\n\nExit "
    "status: 0 all expectations held, 1 an expectation failed or a run stopped before its "
    "horizon,\n"
    "2 could not run, 3 internal error.\n"
    "For check, the worst scenario decides: 3 if any hit a bug, else 2 if any could not run, else "
    "1 if any failed, else 0.";

constexpr const char* kCheckSummary =
    "Run every scenario under the paths, one line each, and close with `N passed, N failed`; "
    "--junit writes JUnit XML, -j N runs N at once.";

constexpr const char* kCheckDetails =
    "Paths are files, or directories searched recursively for *.yaml; scenarios run in path\n"
    "order. Each gets one line: PASS; FAIL with the first failed expectation and a repro command;\n"
    "ERROR when it cannot run (all its FILE:LINE:COL problems also go to stderr). The last line\n"
    "is `N passed, N failed`, where failed counts the scenarios that could not run too.\n"
    "Output and JUnit file are the same bytes whatever -j.\n\n"
    "Examples:\n"
    "  distsim check scenarios\n"
    "  distsim check scenarios extra/one.yaml --junit report.xml -j 4\n\n"
    "Exit status, the worst scenario decides: 3 distsim hit a bug in one; else 2 one could not\n"
    "run, or a path or the JUnit file was bad; else 1 one failed an expectation; else 0.";

constexpr const char* kValidateSummary =
    "Load and validate every scenario under the paths without running them.";

constexpr const char* kValidateDetails =
    "Paths are files, or directories searched recursively for *.yaml. Prints `ok FILE` for each\n"
    "valid file and every problem as FILE:LINE:COL: message on stderr (features this build cannot\n"
    "simulate included), then `N valid, N invalid`.\n\n"
    "Examples:\n"
    "  distsim validate scenarios\n"
    "  distsim validate my-scenario.yaml\n\n"
    "Exit status: 0 every file is valid, 2 otherwise.";

constexpr const char* kRunDetails =
    "Each failed attempt names the file operation that was refused and the handles to blame:\n"
    "who held them (holder kind and Restart Manager application type), since when, and with\n"
    "which access and share mode. --json gives the same as \"attempts\" with \"blame\".\n\n"
    "Examples:\n"
    "  distsim run scenarios/q207416-temp-source.yaml\n"
    "  distsim run scenarios/q207416-temp-source.yaml --seed 7 --until 6h --quiet\n"
    "  distsim run scenarios/q207416-temp-source.yaml --trace out.jsonl --log Distmgr.log\n"
    "  distsim run scenarios/q207416-temp-source.yaml --json > summary.json\n"
    "  distsim run scenarios/q207416-temp-source.yaml --policy "
    "scenarios/policies/exponential-full-jitter.yml\n\n"
    "Exit status: 0 every expectation held; 1 an expectation or invariant failed, or the run\n"
    "was cut short (the summary ends with a repro command); 2 could not run (bad scenario, flag\n"
    "or output path); 3 internal error (please report it with the scenario and seed).";

constexpr const char* kVersionDetails =
    "Example:\n"
    "  distsim version\n\n"
    "Exit status: 0.";

// Refuses an empty path, which would otherwise read as "not given" and silently write nothing,
// and a flag taken for a path: CLI11 gives a flag that lacks its value the next argument even
// when that is a flag, so `--merge --out DIR A.json` read "--out" as a result file.
const CLI::Validator kNamesAFile(
    [](std::string& text) {
      if (text.empty()) return std::string("needs a path, not an empty name");
      if (text.size() > 1 && text.front() == '-') {
        return fmt::format(
            "'{}' is a flag, not a path: give the path right after the flag (write ./{} for a "
            "file of that name)",
            text, text);
      }
      return std::string();
    },
    "");

// Refuses an empty duration, which would otherwise read as "not given": a `--time-limit
// "$LIMIT"` whose variable is unset would silently run without its limit.
const CLI::Validator kNamesADuration(
    [](std::string& text) {
      return text.empty() ? std::string("needs a duration (such as 2h or 3d), not an empty value")
                          : std::string();
    },
    "");

// A whole number (a seed, a count of seeds or jobs) as `run --seed` and scenario files read one
// (sim::parse_unsigned): CLI11 alone would read "18446744073709551616" as the largest seed,
// "0x10" as 16 and "+5" as 5.
const CLI::Validator kWholeNumber(
    [](std::string& text) { return distsim::sim::parse_unsigned(text).error; }, "");

// kWholeNumber for a count from 1 to `max`: digits too many for any whole number are told
// against the flag's own range, not against the largest 64-bit number.
CLI::Validator count_up_to(uint64_t max) {
  return CLI::Validator(
      [max](std::string& text) {
        std::string error = distsim::sim::parse_unsigned(text).error;
        const bool digits =
            !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (!error.empty() && digits && text.front() != '0') {
          error = fmt::format("{} is not in 1..{}", text, max);
        }
        return error;
      },
      "");
}

void add_run_command(CLI::App& app, distsim::cli::RunCommandOptions& options) {
  CLI::App* run = app.add_subcommand(
      "run",
      "Run one scenario and print a summary: per package the attempts, retries and final state, "
      "the status messages raised, each expectation with PASS/FAIL, and a repro command on "
      "failure.");
  run->footer(kRunDetails);
  run->add_option("scenario", options.scenario_path, "The scenario file (YAML, version 1)")
      ->required();
  run->add_option("--seed", options.seed,
                  "Seed of every random draw (overrides the scenario's `seed`, default 0)");
  run->add_option(
      "--until", options.until,
      "Horizon as a duration such as 3d or 90m (overrides the scenario's `until`; a shorter "
      "one first names what the scenario times after it)");
  run->add_option("--policy", options.policy_paths,
                  "A retry policy file whose `retry` replaces the scenario's site.retry, as "
                  "`distsim compare` applies it (replays a run that compare names)")
      ->type_name("FILE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false)
      ->check(kNamesAFile);
  run->add_option("--trace", options.trace_path,
                  "Write the event trace as JSON Lines (one object per event) to this file (- for "
                  "standard output)")
      ->check(kNamesAFile);
  run->add_option("--log", options.log_path,
                  "Write Distmgr.log in the profile's SMS/ConfigMgr format to this file (- for "
                  "standard output)")
      ->check(kNamesAFile);
  run->add_option("--status", options.status_path,
                  "Write the status messages as CSV to this file (- for standard output)")
      ->check(kNamesAFile);
  run->add_option("--chrome-trace", options.chrome_trace_path,
                  "Write Chrome trace event JSON (open it in Perfetto or chrome://tracing): a "
                  "track per package and per holder with passes, handles and retry waits (- for "
                  "standard output)")
      ->check(kNamesAFile);
  run->add_option("--report", options.report_path,
                  "Write a self-contained HTML page with an SVG timeline (holders' handles, "
                  "attempts, retry waits, status messages) and the summary (- for standard "
                  "output)")
      ->check(kNamesAFile);
  // A flag given twice is a mistake like a value given twice (tools/cli/README.md, Exit status).
  CLI::Option* json =
      run->add_flag("--json", options.json, "Print a machine-readable JSON summary instead of text")
          ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  // The JSON summary is whole or absent: a script reading it would break on a part.
  run->add_flag("--quiet", options.quiet, "Print only failures (not with --json)")
      ->excludes(json)
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

void add_check_command(CLI::App& app, distsim::cli::CheckCommandOptions& options) {
  CLI::App* check = app.add_subcommand("check", kCheckSummary);
  check->footer(kCheckDetails);
  check->add_option("paths", options.paths, "Scenario files or directories")->required();
  check
      ->add_option("--junit", options.junit_path,
                   "Write JUnit XML to this file: one testcase per scenario, a failure with the "
                   "failed expectations and the repro command (- for standard output)")
      ->check(kNamesAFile);
  check
      ->add_option("-j,--jobs", options.jobs,
                   fmt::format("Scenarios run at once, on separate threads: 1 to {} (1)",
                               distsim::sim::kCheckJobsMax))
      ->type_name("N")
      ->check(count_up_to(distsim::sim::kCheckJobsMax))
      ->check(CLI::Range(uint32_t{1}, distsim::sim::kCheckJobsMax).description(""));
}

constexpr const char* kCompareDescription =
    "Run one scenario under several retry policies with the same seeds and print a table per "
    "policy: attempts (mean and max), time from a package's creation to installed (p50, p95, "
    "max), packages never installed, and the manager's opens of source files per hour. A "
    "policy file is YAML with an optional `name` and a `retry` mapping that takes the keys of "
    "a scenario's site.retry (see scenarios/policies/*.yml).\n\nExample:\n  distsim compare "
    "scenarios/q207416-temp-source.yaml --policy scenarios/policies/sms2-hourly.yml --policy "
    "scenarios/policies/exponential-full-jitter.yml --seeds 20\n(exits 1: the scenario expects the "
    "three attempts of its hourly retry, which exponential backoff does not keep)\n\nEvery run "
    "is judged as `distsim run` judges it (the scenario's `expect` block and, unless it turns "
    "them off, the invariant checkers): a policy under which a run failed an expectation, broke "
    "an invariant, stopped early or outgrew its trace is named under the table with its first "
    "such seed and the `distsim run ... --policy FILE` command that replays it.\n\nExit status: 0 "
    "every run "
    "of every policy held its expectations and invariants and reached its horizon; 1 a run "
    "failed an expectation, broke an invariant, stopped before the horizon or outgrew its trace "
    "(named under the table); 2 a file or flag cannot be used.";

void add_compare_command(CLI::App& app, distsim::cli::CompareCommandOptions& options) {
  CLI::App* compare = app.add_subcommand("compare", kCompareDescription);
  compare->add_option("scenario", options.scenario_path, "The scenario file")->required();
  // One file per flag: a list after one --policy would also take the scenario written after it.
  compare->add_option("--policy", options.policy_paths, "A retry policy file (repeat the flag)")
      ->required()
      ->type_name("FILE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false)
      ->check(kNamesAFile);
  compare->add_option("--seeds", options.seed_count, "How many seeds to run per policy (10)")
      ->check(count_up_to(distsim::sim::kCompareSeedsMax));
  compare
      ->add_option("--seed-start", options.seed_start,
                   "First seed (default: the scenario's `seed`)")
      ->check(kWholeNumber);
}

constexpr const char* kExploreDescription =
    "Generate random worlds, one per seed (swarm testing: each seed switches holder kinds, DP "
    "faults, crashes (whether they use a retry, whether retries due meanwhile wait again), backoff "
    "and jitter variants, where retry "
    "delays count from, in-pass retries of refused source opens, updates (and whether they keep "
    "the retry counts) and compression on or off, deletions of a package's retry history, forced "
    "disconnects of DP users, memory-mapped "
    "views, alternate data streams, the manager's own share modes for DP files and the .PCK, "
    "sms2 retries that copy installed DPs again, the retry count in a status message of its "
    "own, antivirus scans that keep a view of the file, packages that share a source folder, "
    "ConfigMgr DP retries decided as each copy fails; "
    "with no retry count, holds last at most 48 retry delays except in one world in sixteen), "
    "run each with the invariant checkers and a liveness oracle (a package whose retries never "
    "end must be installed once every hold and fault is over), and for every "
    "failing world write a shrunk reproducer DIR/explore-<seed>-<kind>.yaml that `distsim run` "
    "replays. Every 16th seed is also run twice to check determinism.";

constexpr const char* kExploreDetails =
    "Campaigns over many machines: --shard I/N takes every N-th seed from seed-start + I; "
    "--shard auto\nreads the task index of a Slurm job array (SLURM_ARRAY_TASK_ID/COUNT, "
    "--array=0-(N-1)), a\nKubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shard-count N or "
    "DISTSIM_SHARD_COUNT) or a\nGitLab parallel job (CI_NODE_INDEX/CI_NODE_TOTAL). Each shard "
    "writes --result FILE.json; then\n`distsim explore --merge FILE.json... [--out DIR] [--junit "
    "FILE]` checks that the files are every\nshard of one campaign exactly once, writes the "
    "reproducers and prints the summary a single process\nover the same seeds prints. "
    "--time-limit stops the campaign after that much wall-clock time: a world\nunder way is "
    "abandoned (its seed is not explored), and a shrink under way keeps the\nsmallest failing "
    "world it has; the seeds left are a gap, reported by the "
    "summary and by --merge, never a pass. Progress goes to a terminal only.\n\nExamples:\n  "
    "distsim explore --seeds 10000 --jobs 2\n  distsim explore --seeds "
    "1000000 --shard auto --result shard.json --time-limit 50m\n  distsim explore --merge "
    "results/*.json --out found --junit explore.xml\n\nExit status: 0 every seed explored and "
    "no world failed; 1 a world failed (reproducers written)\nor seeds were left unexplored; 2 "
    "bad flags, or result files that are not one whole campaign\n(missing or duplicate shards "
    "are named).";

void add_explore_command(CLI::App& app, distsim::cli::ExploreCommandOptions& options) {
  CLI::App* explore = app.add_subcommand("explore", kExploreDescription);
  explore->footer(kExploreDetails);
  std::vector<CLI::Option*> campaign_flags = {
      explore
          ->add_option("--seeds", options.seed_count,
                       "How many seeds (worlds) the whole campaign explores (1000)")
          ->check(count_up_to(distsim::sim::kExploreSeedsMax)),
      explore->add_option("--seed-start", options.seed_start, "The first seed (0)")
          ->check(kWholeNumber),
      explore->add_option("--shard", options.shard,
                          "I/N: explore only shard I of N (0/1); auto: from the batch engine"),
      explore
          ->add_option("--shard-count", options.shard_count,
                       "With --shard auto in a Kubernetes Indexed Job: the number of shards")
          ->check(count_up_to(distsim::sim::kShardCountMax)),
      explore->add_option("--jobs", options.jobs, "Worlds run at once, on separate threads (1)")
          ->check(count_up_to(distsim::sim::kExploreJobsMax)),
      explore
          ->add_option("--budget", options.budget,
                       "Virtual time each world runs, from 1h to 3650d (3d)")
          ->check(kNamesADuration),
      explore
          ->add_option("--time-limit", options.time_limit,
                       "Wall-clock limit such as 10m: stop after it, abandoning the world under "
                       "way (a gap)")
          ->check(kNamesADuration),
      explore
          ->add_option("--result", options.result_path,
                       "Write this shard's campaign result as JSON (for --merge)")
          ->check(kNamesAFile),
  };
  explore->add_option("--out", options.out_dir, "Directory for reproducers (explore-out)")
      ->check(kNamesAFile);
  explore
      ->add_option("--junit", options.junit_path,
                   "Write JUnit XML: a testcase per shard and per failing world")
      ->check(kNamesAFile);
  CLI::Option* merge =
      explore
          ->add_option(
              "--merge", options.merge_paths,
              "Merge these result files (every shard of one campaign) instead of exploring")
          ->check(kNamesAFile);
  for (CLI::Option* flag : campaign_flags) merge->excludes(flag);
}

void add_validate_command(CLI::App& app, distsim::cli::ValidateCommandOptions& options) {
  CLI::App* validate = app.add_subcommand("validate", kValidateSummary);
  validate->footer(kValidateDetails);
  validate->add_option("paths", options.paths, "Scenario files or directories")->required();
}

// argv[0] as typed when it holds a '/' (a path the user can run again), else "distsim".
std::string program_name(const char* argv0) {
  const std::string typed = argv0 == nullptr ? std::string() : std::string(argv0);
  return typed.find('/') == std::string::npos ? std::string("distsim") : typed;
}

std::string version_line() {
  return fmt::format("distsim {} (commit {}, {} build)", distsim::cli::kVersion,
                     distsim::cli::kCommit, distsim::cli::kBuildType);
}

// CLI11's parse errors in distsim's words: the command named as distsim's own messages name it
// ("distsim run: ..."), a flag given twice or a number out of range said plainly, and where the
// help is, on the same line. It rewrites CLI11's English texts, which tests/cli_test.cpp pins: a
// CLI11 upgrade that words them differently leaves them as CLI11 says them, and fails that test.
std::string parse_failure_text(const CLI::App* app, const CLI::Error& error) {
  std::string command = "distsim";
  const CLI::App* innermost = app;
  for (const CLI::App* subcommand : app->get_subcommands()) {
    command += " " + subcommand->get_name();
    innermost = subcommand;
  }
  std::string message = error.what();
  constexpr std::string_view kAtMostOne = ": At Most 1 required but received ";
  constexpr std::string_view kValue = ": Value ";
  constexpr std::string_view kNotInRange = " not in range ";
  if (const size_t at = message.find(kAtMostOne); at != std::string::npos) {
    const std::string name = message.substr(0, at);
    const CLI::Option* option = innermost->get_option_no_throw(name);
    const bool flag = option != nullptr && option->get_expected_max() == 0;
    message = fmt::format("{} is given {} times; {}", name, message.substr(at + kAtMostOne.size()),
                          flag ? "give it once" : "it takes one value");
  } else if (const size_t value_at = message.find(kValue); value_at != std::string::npos) {
    const size_t range_at = message.find(kNotInRange, value_at);
    if (range_at != std::string::npos) {
      const size_t value_start = value_at + kValue.size();
      std::string range = message.substr(range_at + kNotInRange.size());
      if (const size_t to = range.find(" to "); to != std::string::npos) range.replace(to, 4, "..");
      message = fmt::format("{} {} is not in {}", message.substr(0, value_at),
                            message.substr(value_start, range_at - value_start), range);
    }
  }
  // One line per problem (the exit-status contract): the help is named on the problem's line.
  return fmt::format("{}: {} (see {} --help)\n", command, message, command);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "distsim"};
  // Before the subcommands: each takes the failure message of its parent when it is added.
  app.failure_message(parse_failure_text);
  app.require_subcommand(1);
  distsim::cli::RunCommandOptions run_options;
  add_run_command(app, run_options);
  distsim::cli::CheckCommandOptions check_options;
  add_check_command(app, check_options);
  distsim::cli::ValidateCommandOptions validate_options;
  add_validate_command(app, validate_options);
  distsim::cli::CompareCommandOptions compare_options;
  add_compare_command(app, compare_options);
  distsim::cli::ExploreCommandOptions explore_options;
  add_explore_command(app, explore_options);
  app.add_subcommand("version",
                     "Print the distsim version, the commit it was built from and the build type")
      ->footer(kVersionDetails);
  app.set_version_flag("--version", version_line(), "Print what `distsim version` prints and exit");
  // Repro commands name the binary as it was run: a path as typed, a bare name as `distsim`
  // (found on PATH either way).
  const std::string program = program_name(argc > 0 ? argv[0] : nullptr);
  run_options.program = program;
  check_options.program = program;
  compare_options.program = program;
  explore_options.program = program;
  for (const auto& complaint : {distsim::cli::unknown_subcommand(app, argc, argv),
                                distsim::cli::unknown_flag(app, argc, argv)}) {
    if (!complaint) continue;
    std::cerr << *complaint << '\n';
    return distsim::cli::kExitCannotRun;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? distsim::cli::kExitOk : distsim::cli::kExitCannotRun;
  }
  const auto dispatch = [&]() {
    if (app.got_subcommand("version")) {
      std::cout << version_line() << '\n';
      return distsim::cli::kExitOk;
    }
    if (app.got_subcommand("check")) {
      return distsim::cli::check_command(check_options, std::cout, std::cerr);
    }
    if (app.got_subcommand("explore")) {
      return distsim::cli::explore_command(explore_options, std::cout, std::cerr);
    }
    if (app.got_subcommand("compare")) {
      return distsim::cli::compare_command(compare_options, std::cout, std::cerr);
    }
    if (app.got_subcommand("validate")) {
      return distsim::cli::validate_command(validate_options, std::cout, std::cerr);
    }
    return distsim::cli::run_command(run_options, std::cout, std::cerr);
  };
  try {
    const int status = dispatch();
    // What was printed may not have reached standard output (a full disk, a closed pipe): the
    // summary is lost, so a verdict of 0 or 1 would claim a run that did what it was asked. A
    // status of 2 or 3 already says it did not (and a command that wrote an output to standard
    // output named the failure itself).
    const bool verdict = status == distsim::cli::kExitOk || status == distsim::cli::kExitFinding;
    if (!std::cout.flush() && verdict) {
      std::cerr << "distsim: cannot write to standard output; what it printed is lost\n";
      return distsim::cli::kExitCannotRun;
    }
    return status;
  } catch (const std::bad_alloc&) {
    std::cerr << "distsim: out of memory: " << distsim::sim::kOutOfMemoryAdvice << '\n';
    return distsim::cli::kExitInternalError;
  } catch (const std::exception& error) {
    std::cerr << "distsim: internal error: " << error.what() << '\n';
    if (!app.got_subcommand("run")) {
      std::cerr << "please report this with the command line and the scenario files\n";
      return distsim::cli::kExitInternalError;
    }
    std::cerr << "scenario " << run_options.scenario_path << ", seed "
              << (run_options.seed ? *run_options.seed : std::string("from the scenario"))
              << "; please report this with the scenario file\n";
    return distsim::cli::kExitInternalError;
  }
}
