// Joining and splitting the Windows paths the Distribution Manager builds itself (source files,
// DP package folders, the .PCK), kept apart from sim/'s path parser because model/ never
// includes sim/. Internal to model/.
#pragma once

#include <string>
#include <string_view>

namespace distsim::model {

// "C:\Src" + "a.txt" = "C:\Src\a.txt"; a directory that already ends in '\' gets no second one.
[[nodiscard]] inline std::string join_path(std::string_view directory, std::string_view name) {
  std::string path;
  path.reserve(directory.size() + 1 + name.size());
  path.append(directory);
  if (directory.empty() || directory.back() != '\\') path.push_back('\\');
  path.append(name);
  return path;
}

// Everything before the last '\'; the whole path when it has none.
[[nodiscard]] inline std::string parent_of(const std::string& path) {
  return path.substr(0, path.rfind('\\'));
}

}  // namespace distsim::model
