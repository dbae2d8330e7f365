// Parsing, display and case folding of Windows paths. One parser serves the VFS (a malformed path
// is ERROR_INVALID_NAME, and the caller's storage is reused because the VFS parses one path per
// open) and the scenario loader (the same parse, with the problem in detail).
#include "sim/fs/windows_path.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "model/assert.h"
#include "sim/core/limits.h"

namespace distsim::sim {
namespace {

using model::Win32Error;

constexpr char kSeparator = '\\';

constexpr bool is_separator(char c) { return c == '\\' || c == '/'; }

char upper_char(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - ('a' - 'A')) : c; }

constexpr bool is_forbidden_char(char c) {
  if (static_cast<unsigned char>(c) < 0x20) return true;
  switch (c) {
    case '<':
    case '>':
    case ':':
    case '"':
    case '|':
    case '?':
    case '*':
      return true;
    default:
      return false;
  }
}

// The first problem of one name, or none.
PathProblem name_problem(std::string_view name, char& character) {
  if (name.empty()) return PathProblem::empty_name;
  if (name.size() > kPathComponentLengthMax) return PathProblem::name_too_long;
  if (name == "." || name == "..") return PathProblem::dot_name;
  const auto forbidden = std::find_if(name.begin(), name.end(), is_forbidden_char);
  if (forbidden == name.end()) return PathProblem::none;
  character = *forbidden;
  return PathProblem::forbidden_character;
}

// Records the problem of `name`, if any, as the path's; true when there is one.
bool refuse_name(std::string_view name, PathPart part, PathCheck& check) {
  check.problem = name_problem(name, check.character);
  check.part = part;
  return !check.ok();
}

// Sets components[index] to `name`, reusing the string already there when possible.
void put_component(std::vector<std::string>& components, size_t index, std::string_view name) {
  DISTSIM_ASSERT(index <= components.size());
  if (index == components.size()) {
    components.emplace_back(name);
  } else {
    components[index].assign(name.data(), name.size());
  }
}

// What a byte is in a path: one table lookup per character on the hot path of every VFS call.
enum class CharClass : uint8_t { name, separator, forbidden };

constexpr std::array<CharClass, 256> kCharClasses = [] {
  std::array<CharClass, 256> classes{};
  for (size_t byte = 0; byte < classes.size(); ++byte) {
    const auto c = static_cast<char>(byte);
    classes[byte] = is_separator(c)        ? CharClass::separator
                    : is_forbidden_char(c) ? CharClass::forbidden
                                           : CharClass::name;
  }
  return classes;
}();

// Whether name_problem could find anything in `name`: one table lookup per character, so that
// the common good name is not scanned a second time.
bool suspect_name(std::string_view name) {
  if (name.empty() || name.size() > kPathComponentLengthMax || name[0] == '.') return true;
  return std::any_of(name.begin(), name.end(), [](char c) {
    return kCharClasses[static_cast<unsigned char>(c)] != CharClass::name;
  });
}

// refuse_name, scanning the name a second time only when suspect_name finds it may need it.
bool refuse_suspect_name(std::string_view name, PathPart part, PathCheck& check) {
  if (suspect_name(name)) return refuse_name(name, part, check);
  check.problem = PathProblem::none;
  check.part = part;  // as refuse_name leaves it
  return false;
}

// Splits the part after the root. An empty component is refused unless it is the very end (one
// trailing separator is accepted, as Windows does for directories). One pass finds the end of a
// name and notes whether it may have a problem; only then does name_problem name it.
void parse_components(std::string_view rest, std::vector<std::string>& components,
                      PathCheck& check) {
  size_t count = 0;
  size_t position = 0;
  while (position < rest.size()) {
    size_t end = position;
    bool forbidden = false;
    for (; end < rest.size(); ++end) {
      const CharClass kind = kCharClasses[static_cast<unsigned char>(rest[end])];
      if (kind == CharClass::separator) break;
      forbidden = forbidden || kind == CharClass::forbidden;
    }
    const std::string_view name = rest.substr(position, end - position);
    const bool suspect =
        forbidden || name.empty() || name.size() > kPathComponentLengthMax || name[0] == '.';
    if (suspect && refuse_name(name, PathPart::component, check)) return;
    put_component(components, count, name);
    ++count;
    position = end + 1;
  }
  if (!rest.empty()) check.part = PathPart::component;  // as refuse_name leaves it
  components.resize(count);
}

bool is_drive_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

size_t name_end(std::string_view text, size_t begin) {
  size_t end = begin;
  while (end < text.size() && !is_separator(text[end])) ++end;
  return end;
}

// The shape of the root, "X:\" or "\\server\share" with both names present, without judging the
// names; sets check.unc and check.root_size, or returns false.
bool find_root(std::string_view text, PathCheck& check) {
  if (text.size() >= 3 && is_drive_letter(text[0]) && text[1] == ':' && is_separator(text[2])) {
    check.root_size = 2;
    return true;
  }
  if (text.size() < 2 || !is_separator(text[0]) || !is_separator(text[1])) return false;
  const size_t server_end = name_end(text, 2);
  if (server_end == 2 || server_end >= text.size()) return false;  // no server, or no share
  const size_t share_end = name_end(text, server_end + 1);
  if (share_end == server_end + 1) return false;
  check.unc = true;
  check.root_size = share_end;
  return true;
}

// Judges the server and share of a UNC root whose shape find_root accepted. "\\?\" and "\\.\"
// open the device namespace, which has no files of the simulated world.
bool refuse_unc_names(std::string_view text, PathCheck& check) {
  const size_t server_end = name_end(text, 2);
  const std::string_view server = text.substr(2, server_end - 2);
  if (server == "?" || server == ".") {
    check.problem = PathProblem::device_prefix;
    check.part = PathPart::server;
    return true;
  }
  const std::string_view share = text.substr(server_end + 1, check.root_size - server_end - 1);
  return refuse_suspect_name(server, PathPart::server, check) ||
         refuse_suspect_name(share, PathPart::share, check);
}

// The one parser: fills `path` when the result is ok, else leaves it with an unspecified valid
// value. Reports the root's shape before the length, so that a relative path is named as such.
PathCheck parse_checked(std::string_view text, WindowsPath& path) {
  PathCheck check;
  if (!find_root(text, check)) {
    check.problem = PathProblem::no_root;
    return check;
  }
  if (text.size() > kPathLengthMax) {
    check.problem = PathProblem::too_long;
    return check;
  }
  if (check.unc && refuse_unc_names(text, check)) return check;
  path.root.assign(text.data(), check.root_size);
  for (char& c : path.root) {
    if (is_separator(c)) c = kSeparator;
  }
  const size_t rest_offset = std::min(check.root_size + 1, text.size());
  parse_components(text.substr(rest_offset), path.components, check);
  return check;
}

}  // namespace

std::string WindowsPath::display() const {
  std::string out = root;
  if (components.empty() && !is_unc()) out.push_back(kSeparator);
  for (const std::string& name : components) {
    out.push_back(kSeparator);
    out.append(name);
  }
  return out;
}

std::string WindowsPath::key() const { return upper_ascii(display()); }

std::string WindowsPath::root_key() const { return upper_ascii(root); }

WindowsPath WindowsPath::parent() const {
  DISTSIM_ASSERT(!is_root());
  WindowsPath result = *this;
  result.components.pop_back();
  return result;
}

WindowsPath WindowsPath::child(std::string_view name) const {
  DISTSIM_ASSERT(!name.empty());
  DISTSIM_ASSERT(std::none_of(name.begin(), name.end(), is_separator));
  WindowsPath result = *this;
  result.components.emplace_back(name);
  return result;
}

Win32Error parse_windows_path_into(std::string_view text, WindowsPath& path) {
  // Over kPathLengthMax is ERROR_FILENAME_EXCED_RANGE whatever the rest of the text, as the header
  // promises; check_windows_path, written for people, names a missing root first.
  if (text.size() > kPathLengthMax) return Win32Error::filename_exced_range;
  const PathCheck check = parse_checked(text, path);
  DISTSIM_ASSERT(check.problem != PathProblem::too_long);
  DISTSIM_ASSERT(!check.ok() || !path.root.empty());
  return check.ok() ? Win32Error::ok : Win32Error::invalid_name;
}

model::Result<WindowsPath> parse_windows_path(std::string_view text) {
  WindowsPath path;
  const Win32Error error = parse_windows_path_into(text, path);
  if (error != Win32Error::ok) return error;
  return path;
}

std::string windows_root_key(std::string_view text) {
  PathCheck check;
  if (!find_root(text, check)) return {};
  std::string key = upper_ascii(text.substr(0, check.root_size));
  for (char& c : key) {
    if (is_separator(c)) c = kSeparator;
  }
  return key;
}

bool is_plain_name(std::string_view name) { return !suspect_name(name); }

PathCheck check_windows_path(std::string_view text) {
  WindowsPath scratch;
  return parse_checked(text, scratch);
}

void upper_ascii_into(std::string_view text, std::string& out) {
  out.assign(text.data(), text.size());
  for (char& c : out) c = upper_char(c);
}

bool equals_upper_ascii(std::string_view text, std::string_view upper) {
  return text.size() == upper.size() &&
         std::equal(text.begin(), text.end(), upper.begin(),
                    [](char written, char folded) { return upper_char(written) == folded; });
}

std::string upper_ascii(std::string_view text) {
  std::string out;
  upper_ascii_into(text, out);
  return out;
}

bool path_at_or_below(std::string_view path, std::string_view folder) {
  if (folder.empty() || path.size() < folder.size()) return false;
  if (path.size() > folder.size() && path[folder.size()] != '\\') return false;
  return std::equal(folder.begin(), folder.end(), path.begin(),
                    [](char left, char right) { return upper_char(left) == upper_char(right); });
}

bool less_case_insensitive(std::string_view left, std::string_view right) {
  // Compared as unsigned bytes, the order std::string uses for the upper-case keys of the VFS.
  // Sorted listings compare paths with long common prefixes: bytes that are equal as written are
  // equal folded, so the equal prefix is skipped eight bytes at a time before folding.
  const size_t common = std::min(left.size(), right.size());
  size_t index = 0;
  while (index + sizeof(uint64_t) <= common &&
         std::memcmp(left.data() + index, right.data() + index, sizeof(uint64_t)) == 0) {
    index += sizeof(uint64_t);
  }
  for (; index < common; ++index) {
    const auto a = static_cast<unsigned char>(upper_char(left[index]));
    const auto b = static_cast<unsigned char>(upper_char(right[index]));
    if (a != b) return a < b;
  }
  return left.size() < right.size();
}

}  // namespace distsim::sim
