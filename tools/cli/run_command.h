// `distsim run SCENARIO.yaml`: loads one scenario, runs it, writes the requested output files and
// prints the summary.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace distsim::cli {

struct RunCommandOptions {
  std::string scenario_path;
  std::optional<std::string> seed;   // a plain decimal, parsed like the scenario's `seed`
  std::optional<std::string> until;  // a duration, parsed like the scenario's `until`
  // The retry policy file replacing site.retry, as given: none or one (more is refused, naming
  // compare, which takes several).
  std::vector<std::string> policy_paths;
  // Output paths: empty for none, "-" for standard output (at most one; the summary then goes to
  // stderr, and --json is refused). No output may be the scenario, another output, a directory or
  // an existing file that is not a regular file; all are written or none is.
  std::string trace_path;
  std::string log_path;
  std::string status_path;
  std::string chrome_trace_path;  // Chrome trace event JSON (Perfetto, chrome://tracing)
  std::string report_path;        // self-contained HTML page with an SVG timeline
  bool json = false;
  bool quiet = false;
  std::string program = "distsim";  // how the repro line names the binary (main.cpp)
};

// Returns the exit status. Never throws for bad input; a bug reaches main() as an exception.
[[nodiscard]] int run_command(const RunCommandOptions& options, std::ostream& out,
                              std::ostream& err);

}  // namespace distsim::cli
