// Folders of scenarios for QA: finding the scenario files under paths, validating them, running
// each one and judging it (`distsim validate`, `distsim check`), and the one-line and JUnit
// reports of the results. Runs are independent, so `check` runs several at once on threads; the
// results come back in file order, whatever the number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_loader.h"

namespace distsim::sim {

struct ScenarioFileList {
  std::vector<std::string> files;     // sorted by path, no repeats
  std::vector<std::string> problems;  // "PATH: no such file or directory", one per bad path
};

// A path that is a file is taken as it is; a directory gives its *.yaml files, recursively
// (symbolic links to directories are not followed). A path that does not exist, a directory
// holding no *.yaml file, and more than kScenarioFilesMax files are problems.
[[nodiscard]] ScenarioFileList find_scenario_files(const std::vector<std::string>& paths);

// A scenario file that loaded and that this build can run, or every reason it cannot: its load
// errors, or else the features this build cannot simulate (as errors with their positions).
[[nodiscard]] LoadResult validate_scenario_file(const std::string& path);

enum class CheckOutcome {
  passed,          // ran; every expectation and invariant held
  failed,          // ran; an expectation or invariant failed
  error,           // could not run: it does not load, or uses an unsupported feature
  internal_error,  // distsim hit a bug (an assertion) while running it
};

struct ScenarioCheck {
  std::string file;
  std::string name;  // the scenario's `name`; empty when it did not load
  CheckOutcome outcome = CheckOutcome::error;
  // failed: one line per failed expectation ("S0100001 attempts: expected 2, got 3 [line 33]");
  // error: the problems as FILE:LINE:COL: message; internal_error: what went wrong.
  std::vector<std::string> problems;
  std::string repro;  // failed and internal_error: the command that reproduces the run
  // failed: per failed expectation, its line, when it was decided (virtual time and site clock)
  // and its evidence (sim/check/evidence.h), one block of lines each.
  std::vector<std::string> failure_details;
  // failed: every package's attempt table with the handles to blame for each failed attempt.
  std::string attempts;
};

struct CheckOptions {
  uint32_t jobs = 1;  // runs at once, 1..kCheckJobsMax
  // How repro commands name the program: the path the user ran it by (tools/cli/main.cpp).
  std::string program = "distsim";
};

// Loads, runs (without a trace) and judges one scenario file. Never throws: a bug in distsim
// becomes an internal_error result naming the seed.
[[nodiscard]] ScenarioCheck check_scenario_file(const std::string& path,
                                                std::string_view program = "distsim");

// Checks every file, options.jobs at a time, and calls `on_result` on the calling thread for
// each result in the order of `files`, as soon as it and those before it are done. Returns the
// results in that order.
[[nodiscard]] std::vector<ScenarioCheck> check_scenario_files(
    const std::vector<std::string>& files, const CheckOptions& options,
    const std::function<void(const ScenarioCheck&)>& on_result);

struct CheckTotals {
  uint32_t passed = 0;
  uint32_t failed = 0;  // scenarios that failed an expectation
  uint32_t errors = 0;  // scenarios that could not run, internal errors included
  uint32_t internal_errors = 0;
};

[[nodiscard]] CheckTotals check_totals(const std::vector<ScenarioCheck>& checks);

}  // namespace distsim::sim
