// The scenario loader: a YAML file (SCENARIO-FORMAT.md, version 1) to a plain Scenario value, or
// every problem of the file at once, each with its file, line and column. It is the only code
// that sees yaml-cpp; nothing it calls throws past it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.h"

namespace distsim::sim {

// One problem of a scenario file. line and column are 1-based; line 0 means "no position" (the
// file could not be read at all).
struct ScenarioError {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;  // starts lowercase, no trailing period

  // "FILE:LINE:COL: message", or "FILE: message" without a position (CLI.md, exit status 2).
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const ScenarioError&, const ScenarioError&) = default;
};

// Exactly one of the two is meaningful: a scenario when errors is empty, otherwise the errors
// ordered by position (at most kScenarioErrorsMax of them, the last saying so when cut).
struct LoadResult {
  std::optional<Scenario> scenario;
  std::vector<ScenarioError> errors;
};

// Why a path of "-" that names no file is refused, for a scenario or a policy: many tools read
// standard input there, but distsim names each input by its file in traces and reproduce lines.
inline constexpr std::string_view kStandardInputRefused =
    "standard input is not read: distsim names each input by its file in traces and reproduce "
    "lines; save it to a file and give that";

// Reads and loads the file at `path`. A file that cannot be read or is larger than
// kScenarioFileBytesMax gives one error without a position.
[[nodiscard]] LoadResult load_scenario_file(const std::string& path);

// Loads `text` as if read from `file_name` (which only appears in errors and Scenario::file).
[[nodiscard]] LoadResult load_scenario_text(std::string_view text, const std::string& file_name);

// A retry policy file for `distsim compare` and `run --policy`: a mapping with an optional `name`
// and a `retry` mapping that takes exactly the keys of a scenario's site.retry.
struct PolicyFile {
  std::string file;
  std::string name;  // `name`, or the file name when absent
  RetrySpec retry;
};

struct PolicyLoadResult {
  std::optional<PolicyFile> policy;
  std::vector<ScenarioError> errors;
};

[[nodiscard]] PolicyLoadResult load_policy_text(std::string_view text,
                                                const std::string& file_name);
[[nodiscard]] PolicyLoadResult load_policy_file(const std::string& path);

}  // namespace distsim::sim
