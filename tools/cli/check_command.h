// `distsim check PATH... [--junit FILE.xml] [-j N]`: runs every scenario file under the paths,
// prints one line per scenario and the closing `N passed, N failed` line, and writes JUnit XML.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace distsim::cli {

struct CheckCommandOptions {
  std::vector<std::string> paths;  // files, or directories searched for *.yaml
  // Empty: no JUnit file; "-": standard output (the scenario lines and the totals then go to
  // stderr). Never one of the checked files, a directory or a non-regular file.
  std::string junit_path;
  uint32_t jobs = 1;
  std::string program = "distsim";  // how repro commands name the binary (main.cpp)
};

// Returns the exit status, the worst of all scenarios: 3 if distsim hit a bug in any, else 2 if
// any could not run (or a path or the JUnit file was bad), else 1 if any failed, else 0.
[[nodiscard]] int check_command(const CheckCommandOptions& options, std::ostream& out,
                                std::ostream& err);

}  // namespace distsim::cli
