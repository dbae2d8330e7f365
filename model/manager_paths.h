// Joining and splitting the Windows paths the Distribution Manager builds itself (source files,
// DP package folders, the .PCK), kept apart from sim/'s path parser because model/ never
// includes sim/. Internal to model/.
#pragma once

#include <string>
#include <string_view>

namespace distsim::model {

// "C:\Src" + "a.txt" = "C:\Src\a.txt"; a directory that already ends in '\' gets no second one.
// Into `path`, reusing its storage.
inline void join_path_into(std::string_view directory, std::string_view name, std::string& path) {
  path.assign(directory);
  if (directory.empty() || directory.back() != '\\') path.push_back('\\');
  path.append(name);
}

[[nodiscard]] inline std::string join_path(std::string_view directory, std::string_view name) {
  std::string path;
  path.reserve(directory.size() + 1 + name.size());
  join_path_into(directory, name, path);
  return path;
}

// Everything before the last '\'; the whole path when it has none.
[[nodiscard]] inline std::string_view parent_of_view(std::string_view path) {
  return path.substr(0, path.rfind('\\'));
}

[[nodiscard]] inline std::string parent_of(const std::string& path) {
  return std::string(parent_of_view(path));
}

}  // namespace distsim::model
