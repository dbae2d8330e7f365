// What the scenario loader's tests share: loading a text as "t.yaml" and reading its errors as the
// CLI prints them ("t.yaml:LINE:COL: message"), or requiring it to load; and whether a text is
// UTF-8, for the tests that the loader keeps invalid bytes out. A test file takes them all with
// `using namespace loader_test;` inside its own namespace.
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/source_text.h"

namespace distsim::sim::loader_test {

using Errors = std::vector<std::string>;

// The errors of `text` loaded as "t.yaml", as the CLI prints them.
inline Errors errors_of(std::string_view text) {
  const LoadResult result = load_scenario_text(text, "t.yaml");
  Errors errors;
  for (const ScenarioError& error : result.errors) errors.push_back(error.to_string());
  if (errors.empty()) REQUIRE(result.scenario.has_value());
  return errors;
}

// The errors of `text` loaded as the retry policy file "p.yml", as the CLI prints them.
inline Errors policy_errors_of(std::string_view text) {
  Errors errors;
  for (const ScenarioError& error : load_policy_text(text, "p.yml").errors) {
    errors.push_back(error.to_string());
  }
  return errors;
}

// The errors of a file that starts with a valid version and name (lines 1 and 2).
inline Errors errors_after_header(std::string_view body) {
  return errors_of(std::string("version: 1\nname: t\n") + std::string(body));
}

inline std::string joined(const std::vector<ScenarioError>& errors) {
  std::string text;
  for (const ScenarioError& error : errors) text += error.to_string() + "\n";
  return text;
}

// Whether `text` is well-formed UTF-8 throughout, by the loader's own sequence rule.
inline bool valid_utf8(std::string_view text) {
  for (size_t position = 0; position < text.size();) {
    const size_t length = utf8_sequence_length(text, position);
    if (length == 0) return false;
    position += length;
  }
  return true;
}

inline Scenario load_valid(std::string_view text) {
  const LoadResult result = load_scenario_text(text, "t.yaml");
  INFO(joined(result.errors));
  REQUIRE(result.errors.empty());
  REQUIRE(result.scenario.has_value());
  return *result.scenario;
}

// The repository's scenario `name` (a file of scenarios/), with the text `from` replaced by `to`
// when `from` is given (it must occur): a test's variant of a scenario users run.
inline Scenario repository_scenario(const std::string& name, const std::string& from = "",
                                    const std::string& to = "") {
  std::ifstream stream(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << stream.rdbuf();
  std::string text = buffer.str();
  REQUIRE_FALSE(text.empty());
  if (!from.empty()) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  return load_valid(text);
}

}  // namespace distsim::sim::loader_test
