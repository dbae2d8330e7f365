// Finds, validates and runs scenario files and reports on them. The parallel runner hands out
// file indices to worker threads; each run builds its own World, so runs share nothing but the
// read-only tables of the model, and the results are reported in file order.
#include "sim/scenario_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "model/assert.h"
#include "sim/junit_report.h"
#include "sim/limits.h"
#include "sim/run_report.h"
#include "sim/world.h"

namespace distsim::sim {
namespace {

namespace fs = std::filesystem;

// Adds the *.yaml files under `directory` to `files`; reports a directory without any.
void add_directory(const std::string& directory, std::set<std::string>& files,
                   std::vector<std::string>& problems) {
  std::error_code error;
  size_t found = 0;
  auto entry = fs::recursive_directory_iterator(
      directory, fs::directory_options::skip_permission_denied, error);
  for (; !error && entry != fs::recursive_directory_iterator(); entry.increment(error)) {
    std::error_code type_error;
    if (!entry->is_regular_file(type_error) || entry->path().extension() != ".yaml") continue;
    if (files.size() >= kScenarioFilesMax) {
      problems.push_back(fmt::format("{}: more than kScenarioFilesMax ({}) scenario files",
                                     directory, kScenarioFilesMax));
      return;
    }
    files.insert(entry->path().lexically_normal().string());
    ++found;
  }
  if (error) {
    problems.push_back(
        fmt::format("{}: cannot list the directory: {}", directory, error.message()));
  } else if (found == 0) {
    problems.push_back(fmt::format("{}: no scenario files (*.yaml) in this directory", directory));
  }
}

std::string problem_text(const std::string& file, const SetupProblem& problem) {
  return ScenarioError{file, problem.position.line, problem.position.column, problem.message}
      .to_string();
}

// "S0100001 attempts: expected 2, got 3 (at 02:00:02.921) [line 33]".
std::string failure_text(const ExpectationResult& result) {
  std::string line = result.what;
  if (!result.expected.empty()) {
    line += fmt::format(": expected {}, got {}", result.expected, result.actual);
  } else if (!result.actual.empty()) {
    line += fmt::format(": {}", result.actual);
  }
  if (result.t_us) line += fmt::format(" (at {})", clock_text(*result.t_us));
  if (result.position.line > 0) line += fmt::format(" [line {}]", result.position.line);
  return line;
}

// Runs a scenario that loaded and can run, and judges it.
void run_and_judge(const Scenario& scenario, ScenarioCheck& check) {
  RunOptions options;
  options.trace = false;  // expectations read the run's results, not its trace
  const RunResult run = run_world(scenario, options);
  const RunVerdict verdict = judge_run(scenario, run);
  if (verdict.passed()) {
    check.outcome = CheckOutcome::passed;
    return;
  }
  check.outcome = CheckOutcome::failed;
  if (!verdict.outcome_ok) {
    check.problems.push_back(fmt::format("run stopped early: {} after {} events",
                                         run_outcome_name(run.outcome), run.events_executed));
  }
  for (const ExpectationResult& result : verdict.expectations) {
    if (!result.ok) check.problems.push_back(failure_text(result));
  }
  check.repro = repro_command(scenario, run);
  DISTSIM_ASSERT(!check.problems.empty());
}

void check_loaded(const Scenario& scenario, ScenarioCheck& check) {
  check.name = scenario.name;
  const std::vector<SetupProblem> unsupported = unsupported_features(scenario);
  if (unsupported.empty()) {
    run_and_judge(scenario, check);
    return;
  }
  check.outcome = CheckOutcome::error;
  for (const SetupProblem& problem : unsupported) {
    check.problems.push_back(problem_text(check.file, problem));
  }
}

// " (and 2 more)" after the first of several problems.
std::string more_text(const ScenarioCheck& check) {
  if (check.problems.size() <= 1) return "";
  return fmt::format(" (and {} more)", check.problems.size() - 1);
}

std::string first_problem(const ScenarioCheck& check) {
  return check.problems.empty() ? std::string("no reason given") : check.problems.front();
}

// The testcase classname of a file: its directory with dots for slashes ("scenarios.kb").
std::string classname_of(const std::string& file) {
  std::string directory = fs::path(file).parent_path().string();
  std::replace(directory.begin(), directory.end(), '/', '.');
  const size_t start = directory.find_first_not_of('.');
  return start == std::string::npos ? "distsim" : directory.substr(start);
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

JUnitCase junit_case(const ScenarioCheck& check) {
  JUnitCase testcase;
  testcase.classname = classname_of(check.file);
  testcase.name = fs::path(check.file).filename().string();
  testcase.file = check.file;
  switch (check.outcome) {
    case CheckOutcome::passed:
      return testcase;
    case CheckOutcome::failed:
      testcase.result = JUnitCase::Result::failure;
      testcase.type = "expectation";
      break;
    case CheckOutcome::error:
      testcase.result = JUnitCase::Result::error;
      testcase.type = "scenario_error";
      break;
    case CheckOutcome::internal_error:
      testcase.result = JUnitCase::Result::error;
      testcase.type = "internal_error";
      break;
  }
  testcase.message = first_problem(check) + more_text(check);
  testcase.text = joined_lines(check.problems);
  if (!check.repro.empty()) testcase.text += fmt::format("reproduce with: {}\n", check.repro);
  return testcase;
}

}  // namespace

ScenarioFileList find_scenario_files(const std::vector<std::string>& paths) {
  ScenarioFileList list;
  std::set<std::string> files;
  for (const std::string& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      list.problems.push_back(fmt::format("{}: no such file or directory", path));
    } else if (fs::is_directory(status)) {
      add_directory(path, files, list.problems);
    } else if (files.size() >= kScenarioFilesMax) {
      list.problems.push_back(fmt::format("{}: more than kScenarioFilesMax ({}) scenario files",
                                          path, kScenarioFilesMax));
    } else {
      files.insert(fs::path(path).lexically_normal().string());
    }
  }
  list.files.assign(files.begin(), files.end());
  return list;
}

LoadResult validate_scenario_file(const std::string& path) {
  LoadResult result = load_scenario_file(path);
  if (!result.errors.empty()) return result;
  for (const SetupProblem& problem : unsupported_features(*result.scenario)) {
    result.errors.push_back(
        ScenarioError{path, problem.position.line, problem.position.column, problem.message});
  }
  if (!result.errors.empty()) result.scenario.reset();
  return result;
}

ScenarioCheck check_scenario_file(const std::string& path) {
  ScenarioCheck check;
  check.file = path;
  std::optional<uint64_t> seed;
  try {
    const LoadResult loaded = load_scenario_file(path);
    if (!loaded.errors.empty()) {
      check.outcome = CheckOutcome::error;
      for (const ScenarioError& error : loaded.errors) check.problems.push_back(error.to_string());
      return check;
    }
    seed = loaded.scenario->seed;
    check_loaded(*loaded.scenario, check);
  } catch (const std::exception& error) {
    check.outcome = CheckOutcome::internal_error;
    check.problems = {
        fmt::format("internal error in distsim: {}; please report it with the "
                    "scenario file",
                    error.what())};
    check.repro = seed ? fmt::format("distsim run '{}' --seed {}", path, *seed) : "";
  }
  return check;
}

std::vector<ScenarioCheck> check_scenario_files(
    const std::vector<std::string>& files, const CheckOptions& options,
    const std::function<void(const ScenarioCheck&)>& on_result) {
  DISTSIM_ASSERT(options.jobs >= 1);
  DISTSIM_ASSERT(options.jobs <= kCheckJobsMax);
  std::vector<ScenarioCheck> results(files.size());
  std::vector<bool> done(files.size(), false);  // guarded by `mutex`
  std::mutex mutex;
  std::condition_variable changed;
  std::atomic<size_t> next_index{0};
  const auto work = [&] {
    for (size_t index = next_index++; index < files.size(); index = next_index++) {
      ScenarioCheck check = check_scenario_file(files[index]);
      const std::lock_guard lock(mutex);
      results[index] = std::move(check);
      done[index] = true;
      changed.notify_all();
    }
  };
  std::vector<std::jthread> workers;  // joined when the function returns
  const size_t worker_count = std::min<size_t>(options.jobs, files.size());
  for (size_t worker = 0; worker < worker_count; ++worker) workers.emplace_back(work);
  for (size_t index = 0; index < files.size(); ++index) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return done[index]; });
    lock.unlock();
    on_result(results[index]);  // no worker writes this element any more
  }
  return results;
}

CheckTotals check_totals(const std::vector<ScenarioCheck>& checks) {
  CheckTotals totals;
  for (const ScenarioCheck& check : checks) {
    totals.passed += check.outcome == CheckOutcome::passed ? 1 : 0;
    totals.failed += check.outcome == CheckOutcome::failed ? 1 : 0;
    totals.errors += check.outcome == CheckOutcome::error ? 1 : 0;
    totals.errors += check.outcome == CheckOutcome::internal_error ? 1 : 0;
    totals.internal_errors += check.outcome == CheckOutcome::internal_error ? 1 : 0;
  }
  return totals;
}

std::string check_line(const ScenarioCheck& check) {
  switch (check.outcome) {
    case CheckOutcome::passed:
      return fmt::format("PASS {} ({})", check.file, check.name);
    case CheckOutcome::failed:
      return fmt::format("FAIL {}: {}{}; reproduce with: {}", check.file, first_problem(check),
                         more_text(check), check.repro);
    case CheckOutcome::error:
      return fmt::format("ERROR {}{}", first_problem(check), more_text(check));
    case CheckOutcome::internal_error:
      return fmt::format("ERROR {}: {}{}", check.file, first_problem(check),
                         check.repro.empty() ? "" : "; reproduce with: " + check.repro);
  }
  DISTSIM_ASSERT(false);
}

std::string check_closing_line(const CheckTotals& totals) {
  return fmt::format("{} passed, {} failed", totals.passed, totals.failed + totals.errors);
}

std::string check_junit_xml(const std::vector<ScenarioCheck>& checks) {
  JUnitSuite suite{"distsim check", {}};
  for (const ScenarioCheck& check : checks) suite.cases.push_back(junit_case(check));
  return junit_xml("distsim", {suite});
}

}  // namespace distsim::sim
