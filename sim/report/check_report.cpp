// The check command's lines and JUnit document, from the results of scenario checks.
#include "sim/report/check_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "model/assert.h"
#include "sim/report/junit_report.h"

namespace distsim::sim {
namespace {

namespace fs = std::filesystem;

// " (and 2 more)" after the first of several problems.
std::string more_text(const ScenarioCheck& check) {
  if (check.problems.size() <= 1) return "";
  return fmt::format(" (and {} more)", check.problems.size() - 1);
}

std::string first_problem(const ScenarioCheck& check) {
  return check.problems.empty() ? std::string("no reason given") : check.problems.front();
}

// The testcase classname of a file: its directory as given, normalised, with dots for slashes
// ("scenarios.kb"); each ".." is "up" (so "../sub" and "sub" stay apart), a directory from the
// root starts with "root", and a file in the current directory has "distsim".
std::string classname_of(const std::string& file) {
  std::string classname;
  const fs::path directory = fs::path(file).lexically_normal().parent_path();
  for (const fs::path& part : directory) {
    std::string name = part.string();
    if (name.empty() || name == ".") continue;
    if (name == "..") name = "up";
    if (name == "/") name = "root";
    classname += (classname.empty() ? "" : ".") + name;
  }
  return classname.empty() ? "distsim" : classname;
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// The run-level problems (a run cut short), each failed expectation's block, then the attempts.
std::string failure_text(const ScenarioCheck& check) {
  std::string text;
  for (const std::string& problem : check.problems) {
    if (problem.rfind("run stopped early", 0) == 0) text += problem + "\n";
  }
  for (const std::string& detail : check.failure_details) text += detail;
  return text + "attempts\n" + check.attempts;
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
  // A failed expectation comes with when it was decided and its evidence; the attempt table
  // with the blame goes to <system-out> as well, where CI tools show it beside the failure.
  testcase.text =
      check.failure_details.empty() ? joined_lines(check.problems) : failure_text(check);
  if (!check.repro.empty()) testcase.text += fmt::format("reproduce with: {}\n", check.repro);
  if (!check.attempts.empty()) testcase.system_out = "attempts\n" + check.attempts;
  return testcase;
}

}  // namespace

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
