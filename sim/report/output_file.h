// Writes an output file completely or not at all: the content goes to a temporary file beside
// the target, which is renamed over it only once fully written.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace distsim::sim {

// Returns an error message ("cannot write 'x': No such file or directory"), or nullopt.
[[nodiscard]] std::optional<std::string> write_file_atomically(const std::string& path,
                                                               std::string_view content);

// Several outputs as one: every file is first written to its temporary file, and only when all of
// them are complete are they renamed into place, so a failure leaves none of them behind (the
// "nothing is half-written" rule of exit status 2).
[[nodiscard]] std::optional<std::string> write_files_atomically(
    const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace distsim::sim
