// Windows paths as the simulated world understands them: a root (drive "C:" or UNC share
// "\\SERVER\SHARE") and components, compared case-insensitively, with '/' accepted as a
// separator. Parsing is strict; a malformed path is an error value, never a guess.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"

namespace distsim::sim {

struct WindowsPath {
  std::string root;                     // "C:" or "\\DP01\SMSPKGD$", case as written
  std::vector<std::string> components;  // case as written; no "." or ".." left

  // "C:\WINNT\TEMP" / "\\DP01\SMSPKGD$\S0100001"; the root alone is "C:\" or "\\DP01\SMSPKGD$".
  [[nodiscard]] std::string display() const;
  // Upper-cased display(): the identity of the path (ASCII case folding, as NTFS upcase does for
  // the names distsim produces).
  [[nodiscard]] std::string key() const;
  [[nodiscard]] std::string root_key() const;
  [[nodiscard]] bool is_root() const { return components.empty(); }
  [[nodiscard]] WindowsPath parent() const;  // requires !is_root()
  [[nodiscard]] WindowsPath child(std::string_view name) const;
  [[nodiscard]] bool is_unc() const { return root.size() > 2 && root[0] == '\\'; }
};

// Parses "C:\a\b", "c:/a/b", "\\server\share\a". Fails with ERROR_INVALID_NAME on a relative path,
// an empty component in the middle, a device path ("\\?\..." or "\\.\..."), or a name (server,
// share or component) that is "." or "..", holds a character Windows forbids in names (<>:"|?* and
// control characters) or is over kPathComponentLengthMax; and with ERROR_FILENAME_EXCED_RANGE over
// kPathLengthMax.
[[nodiscard]] model::Result<WindowsPath> parse_windows_path(std::string_view text);

// The upper-cased root of `text` ("C:", "\\DP01\SMSPKGD$"): parse_windows_path(text)'s root_key()
// for a text that parses, found without reading the components, so that code summing over many
// paths by root builds no component list. Empty when `text` has no root.
[[nodiscard]] std::string windows_root_key(std::string_view text);

// parse_windows_path into an existing value, reusing its storage: the VFS parses every request
// into one scratch WindowsPath so that the open path allocates nothing once warmed up. On an
// error `path` holds an unspecified valid value.
[[nodiscard]] model::Win32Error parse_windows_path_into(std::string_view text, WindowsPath& path);

// True for a name the parser accepts at a glance: not empty, at most kPathComponentLengthMax,
// not starting with '.', with no separator and no forbidden character. Appending '\' and such a
// name to a text that parses, and does not end with a separator, appends the name to its parse.
[[nodiscard]] bool is_plain_name(std::string_view name);

// Why parse_windows_path refuses a text, in more detail than its Win32 error: the scenario loader
// explains its refusals with it, so that a file names the exact problem the VFS would meet.
enum class PathProblem : uint8_t {
  none,
  no_root,              // neither "X:\" nor "\\server\share" with both names present
  too_long,             // over kPathLengthMax
  device_prefix,        // "\\?\" or "\\.\": the Win32 device namespace, not a file path
  empty_name,           // two separators in a row before the end
  dot_name,             // "." or ".."
  name_too_long,        // over kPathComponentLengthMax
  forbidden_character,  // <>:"|?* or a control character
};

// The name of a path a problem is in.
enum class PathPart : uint8_t { server, share, component };

struct PathCheck {
  PathProblem problem = PathProblem::none;
  PathPart part = PathPart::component;  // for the name problems
  char character = 0;                   // for forbidden_character: the first one
  bool unc = false;                     // the root is "\\server\share"; false after no_root
  size_t root_size = 0;                 // characters of the root, "C:" or "\\S\SH"; 0 after no_root

  [[nodiscard]] bool ok() const { return problem == PathProblem::none; }
};

// The first problem of `text` in reading order: the root's shape, the total length, then each name
// (server, share, components) from left to right. ok() exactly when parse_windows_path accepts
// `text`: both run the same parser.
[[nodiscard]] PathCheck check_windows_path(std::string_view text);

// ASCII upper-casing used for every case-insensitive comparison.
[[nodiscard]] std::string upper_ascii(std::string_view text);
// upper_ascii into `out`, reusing its storage.
void upper_ascii_into(std::string_view text, std::string& out);
// upper_ascii(text) == upper, without building the upper-case copy.
[[nodiscard]] bool equals_upper_ascii(std::string_view text, std::string_view upper);

// Whether `path` is `folder` or lies below it ("\\DP01\S\P\a.txt" below "\\dp01\s\p", not
// below "\\DP01\S\P2"), compared case-insensitively; `folder` has no trailing separator.
[[nodiscard]] bool path_at_or_below(std::string_view path, std::string_view folder);

// Case-insensitive less-than, the order of every directory listing.
[[nodiscard]] bool less_case_insensitive(std::string_view left, std::string_view right);

}  // namespace distsim::sim
