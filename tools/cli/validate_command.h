// `distsim validate PATH...`: loads every scenario file under the paths and reports each one's
// problems (load errors and features this build cannot simulate) without running anything.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace distsim::cli {

struct ValidateCommandOptions {
  std::vector<std::string> paths;  // files, or directories searched for *.yaml
};

// Prints "ok FILE" on `out` for each valid file and every problem as FILE:LINE:COL: message on
// `err`, then "N valid, N invalid" on `out`. Returns 0 when every file is valid, else 2.
[[nodiscard]] int validate_command(const ValidateCommandOptions& options, std::ostream& out,
                                   std::ostream& err);

}  // namespace distsim::cli
