// Temporary-file-and-rename writing of output files, one at a time or as a group.
#include "sim/report/output_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace distsim::sim {
namespace {

std::string temporary_path(const std::string& path) { return path + ".distsim-partial"; }

// Writes content to the file's temporary path; removes it again on failure.
std::optional<std::string> write_temporary(const std::string& path, std::string_view content) {
  const std::string temporary = temporary_path(path);
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
  return std::nullopt;
}

}  // namespace

std::optional<std::string> write_files_atomically(
    const std::vector<std::pair<std::string, std::string>>& files) {
  for (size_t index = 0; index < files.size(); ++index) {
    if (auto problem = write_temporary(files[index].first, files[index].second)) {
      for (size_t done = 0; done < index; ++done) {
        std::remove(temporary_path(files[done].first).c_str());
      }
      return problem;
    }
  }
  for (const auto& [path, content] : files) {
    if (std::rename(temporary_path(path).c_str(), path.c_str()) != 0) {
      const int rename_errno = errno;
      for (const auto& [other, unused] : files) std::remove(temporary_path(other).c_str());
      return fmt::format("cannot write '{}': {}", path, std::strerror(rename_errno));
    }
  }
  return std::nullopt;
}

std::optional<std::string> write_file_atomically(const std::string& path,
                                                 std::string_view content) {
  return write_files_atomically({{path, std::string(content)}});
}

}  // namespace distsim::sim
