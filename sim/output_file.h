// Writes an output file completely or not at all: the content goes to a temporary file beside
// the target, which is renamed over it only once fully written.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace distsim::sim {

// Returns an error message ("cannot write 'x': No such file or directory"), or nullopt.
[[nodiscard]] std::optional<std::string> write_file_atomically(const std::string& path,
                                                               std::string_view content);

}  // namespace distsim::sim
