// Finds, validates and runs scenario files and reports on them. The parallel runner hands out
// file indices to worker threads; each run builds its own World, so runs share nothing but the
// read-only tables of the model, and the results are reported in file order.
#include "sim/check/scenario_check.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <new>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "model/assert.h"
#include "sim/check/evidence.h"
#include "sim/check/verdict.h"
#include "sim/core/limits.h"
#include "sim/core/ordered_pool.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

namespace fs = std::filesystem;

// A scenario file's name ends in .yaml, in any case (a copy from Windows may say .YAML). Retry
// policy files are kept as .yml so that a directory of scenarios can hold them too.
bool is_scenario_name(const fs::path& path) {
  const std::string extension = path.extension().string();
  constexpr std::string_view kExtension = ".yaml";
  return extension.size() == kExtension.size() &&
         std::equal(extension.begin(), extension.end(), kExtension.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
         });
}

// The *.yaml files (any case) under one directory given to check or validate. Each directory's
// entries are taken in name order and links to directories are followed, each directory once (a
// link back up ends there), so that a directory reached twice is named by the same path on every
// machine. A
// *.yaml link to nothing is a problem: a scenario that went missing must not pass unseen.
// A file as the file system knows it: two paths to one file (a link, a hard link, two spellings)
// have the same identity.
using FileIdentity = std::pair<dev_t, ino_t>;

class ScenarioDirectoryWalk {
 public:
  // `dangling`: the links to nothing already reported, shared by every directory given, so that
  // one reached again through a linked directory is told once.
  ScenarioDirectoryWalk(std::set<std::string>& files, std::vector<std::string>& problems,
                        std::set<FileIdentity>& dangling)
      : files_(files), problems_(problems), dangling_(dangling) {}

  // Adds the directory's scenarios; reports a directory without any.
  void add(const std::string& directory) {
    walk(directory);
    if (listing_error_) {
      problems_.push_back(
          fmt::format("{}: cannot list the directory: {}", directory, *listing_error_));
    } else if (full_) {
      problems_.push_back(fmt::format("{}: more than kScenarioFilesMax ({}) scenario files",
                                      directory, kScenarioFilesMax));
    } else if (found_ == 0) {
      problems_.push_back(
          fmt::format("{}: no scenario files (*.yaml) in this directory", directory));
    }
  }

 private:
  void walk(const fs::path& directory) {
    struct stat info {};
    if (::stat(directory.c_str(), &info) != 0 || !walked_.insert({info.st_dev, info.st_ino}).second)
      return;
    std::error_code error;
    std::vector<fs::directory_entry> entries;
    for (auto entry = fs::directory_iterator(directory,
                                             fs::directory_options::skip_permission_denied, error);
         !error && entry != fs::directory_iterator(); entry.increment(error)) {
      entries.push_back(*entry);
    }
    if (error) {
      if (!listing_error_) listing_error_ = error.message();
      return;
    }
    std::sort(entries.begin(), entries.end(),
              [](const fs::directory_entry& left, const fs::directory_entry& right) {
                return left.path().filename() < right.path().filename();
              });
    for (const fs::directory_entry& entry : entries) {
      if (full_) return;
      std::error_code type_error;
      if (entry.is_directory(type_error)) {
        walk(entry.path());
      } else if (is_scenario_name(entry.path())) {
        add_file(entry);
      }
    }
  }

  void add_file(const fs::directory_entry& entry) {
    std::error_code type_error;
    if (entry.is_symlink(type_error) && !fs::exists(entry.path(), type_error)) {
      struct stat link {};
      if (::lstat(entry.path().c_str(), &link) != 0 ||
          dangling_.insert({link.st_dev, link.st_ino}).second) {
        problems_.push_back(fmt::format("{}: a symbolic link to nothing", entry.path().string()));
      }
      return;
    }
    if (!entry.is_regular_file(type_error)) {
      // A FIFO, device or socket named like a scenario: said, not skipped in silence (reading a
      // FIFO would wait for a writer).
      problems_.push_back(
          fmt::format("{}: not a regular file (a FIFO, device or socket)", entry.path().string()));
      return;
    }
    if (files_.size() >= kScenarioFilesMax) {
      full_ = true;
      return;
    }
    files_.insert(entry.path().lexically_normal().string());
    ++found_;
  }

  std::set<std::string>& files_;
  std::vector<std::string>& problems_;
  std::set<FileIdentity>& dangling_;
  std::set<FileIdentity> walked_;
  size_t found_ = 0;
  bool full_ = false;
  std::optional<std::string> listing_error_;
};

void add_directory(const std::string& directory, std::set<std::string>& files,
                   std::vector<std::string>& problems, std::set<FileIdentity>& dangling) {
  ScenarioDirectoryWalk(files, problems, dangling).add(directory);
}

std::string problem_text(const std::string& file, const SetupProblem& problem) {
  return ScenarioError{file, problem.position.line, problem.position.column, problem.message}
      .to_string();
}

// The block a CI reader needs to judge one failed expectation without running anything.
std::string failure_detail(const RunResult& run, const ExpectationResult& result) {
  const ExpectationEvidence evidence = expectation_evidence(run, result);
  std::string text =
      expectation_failure_text(result, run.ended_us) + "\n  " + evidence.decided + "\n";
  for (const std::string& line : evidence.lines) text += "  " + line + "\n";
  return text;
}

std::string attempts_text(const RunResult& run) {
  std::string text;
  for (const model::PackageStatus& package : run.packages) {
    text += fmt::format("package {} ({}):\n", package.id, model::package_state_name(package.state));
    for (const std::string& line : attempt_table(run, package.id)) text += "  " + line + "\n";
  }
  return text.empty() ? "no package arrived\n" : text;
}

// Runs a scenario that loaded and can run, and judges it.
void run_and_judge(const Scenario& scenario, std::string_view program, ScenarioCheck& check) {
  RunOptions options;
  // The invariant checkers read the trace, so a run that expects them is traced.
  options.trace = scenario.expect.no_invariant_violations;
  const RunResult run = run_world(scenario, options);
  const RunVerdict verdict = judge_run(scenario, run);
  if (verdict.passed()) {
    check.outcome = CheckOutcome::passed;
    return;
  }
  check.outcome = CheckOutcome::failed;
  if (const auto stopped = early_stop_text(run)) check.problems.push_back(*stopped);
  for (const ExpectationResult& result : verdict.expectations) {
    if (result.ok) continue;
    check.problems.push_back(expectation_failure_text(result, run.ended_us));
    check.failure_details.push_back(failure_detail(run, result));
  }
  check.attempts = attempts_text(run);
  check.repro = repro_command(scenario, run, program);
  DISTSIM_ASSERT(!check.problems.empty());
}

void check_loaded(const Scenario& scenario, std::string_view program, ScenarioCheck& check) {
  check.name = scenario.name;
  const std::vector<SetupProblem> unsupported = unsupported_features(scenario);
  if (unsupported.empty()) {
    run_and_judge(scenario, program, check);
    return;
  }
  check.outcome = CheckOutcome::error;
  for (const SetupProblem& problem : unsupported) {
    check.problems.push_back(problem_text(check.file, problem));
  }
}

}  // namespace

ScenarioFileList find_scenario_files(const std::vector<std::string>& paths) {
  ScenarioFileList list;
  std::set<std::string> files;
  std::set<FileIdentity> dangling;
  for (const std::string& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (path == "-" && (error || !fs::exists(status))) {
      list.problems.push_back(fmt::format("{}: {}", path, kStandardInputRefused));
    } else if (error || !fs::exists(status)) {
      list.problems.push_back(fmt::format("{}: no such file or directory", path));
    } else if (fs::is_directory(status)) {
      add_directory(path, files, list.problems, dangling);
    } else if (files.size() >= kScenarioFilesMax) {
      list.problems.push_back(fmt::format("{}: more than kScenarioFilesMax ({}) scenario files",
                                          path, kScenarioFilesMax));
    } else {
      files.insert(fs::path(path).lexically_normal().string());
    }
  }
  // One file reached by two spellings (a relative and an absolute path, a symbolic or hard link,
  // a file named and also found in its directory) runs once, under its first spelling in path
  // order.
  std::set<FileIdentity> identities;
  for (const std::string& file : files) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0 || identities.insert({info.st_dev, info.st_ino}).second) {
      list.files.push_back(file);
    }
  }
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

ScenarioCheck check_scenario_file(const std::string& path, std::string_view program) {
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
    check_loaded(*loaded.scenario, program, check);
  } catch (const std::bad_alloc&) {
    check.outcome = CheckOutcome::internal_error;
    check.problems = {fmt::format("out of memory: {}", kOutOfMemoryAdvice)};
    check.repro = seed ? fmt::format("{} run '{}' --seed {}", program, path, *seed) : "";
  } catch (const std::exception& error) {
    check.outcome = CheckOutcome::internal_error;
    check.problems = {
        fmt::format("internal error in distsim: {}; please report it with the "
                    "scenario file",
                    error.what())};
    check.repro = seed ? fmt::format("{} run '{}' --seed {}", program, path, *seed) : "";
  }
  return check;
}

std::vector<ScenarioCheck> check_scenario_files(
    const std::vector<std::string>& files, const CheckOptions& options,
    const std::function<void(const ScenarioCheck&)>& on_result) {
  DISTSIM_ASSERT(options.jobs >= 1);
  DISTSIM_ASSERT(options.jobs <= kCheckJobsMax);
  std::vector<ScenarioCheck> results;
  results.reserve(files.size());
  run_in_order<ScenarioCheck>(
      files.size(), options.jobs,
      [&](size_t index) { return check_scenario_file(files[index], options.program); },
      [&](size_t, const ScenarioCheck& check) {
        on_result(check);
        results.push_back(check);
      });
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

}  // namespace distsim::sim
