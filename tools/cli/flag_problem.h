// The line a subcommand prints for a flag whose value it cannot use, in the form CLI11's own
// parse errors take (main.cpp): the command, the problem, and where the flag is explained.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace distsim::cli {

// "distsim run: --until: '0s' must be ... (see distsim run --help)"; no line break.
[[nodiscard]] inline std::string flag_problem(std::string_view command, std::string_view problem) {
  return fmt::format("distsim {}: {} (see distsim {} --help)", command, problem, command);
}

}  // namespace distsim::cli
