// Temporary-file-and-rename writing of output files.
#include "sim/output_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace distsim::sim {

std::optional<std::string> write_file_atomically(const std::string& path,
                                                 std::string_view content) {
  const std::string temporary = path + ".distsim-partial";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) return fmt::format("cannot write '{}': {}", path, std::strerror(errno));
  const size_t written = std::fwrite(content.data(), 1, content.size(), file);
  const bool flushed = std::fflush(file) == 0;
  const int saved_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (written != content.size() || !flushed || !closed) {
    std::remove(temporary.c_str());
    return fmt::format("cannot write '{}': {}", path, std::strerror(saved_errno));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int rename_errno = errno;
    std::remove(temporary.c_str());
    return fmt::format("cannot write '{}': {}", path, std::strerror(rename_errno));
  }
  return std::nullopt;
}

}  // namespace distsim::sim
