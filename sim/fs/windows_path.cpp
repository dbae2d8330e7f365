// Parsing, display and case folding of Windows paths. Parsing is strict (a malformed path is
// ERROR_INVALID_NAME) and reuses the caller's storage, because the VFS parses one path per open.
#include "sim/fs/windows_path.h"

#include <algorithm>

#include "model/assert.h"
#include "sim/core/limits.h"

namespace distsim::sim {
namespace {

using model::Win32Error;

constexpr char kSeparator = '\\';

bool is_separator(char c) { return c == '\\' || c == '/'; }

char upper_char(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - ('a' - 'A')) : c; }

bool is_forbidden_char(char c) {
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

Win32Error check_component(std::string_view name) {
  if (name.empty() || name.size() > kPathComponentLengthMax) return Win32Error::invalid_name;
  if (name == "." || name == "..") return Win32Error::invalid_name;
  const bool forbidden = std::any_of(name.begin(), name.end(), is_forbidden_char);
  return forbidden ? Win32Error::invalid_name : Win32Error::ok;
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

// Splits the part after the root. An empty component is refused unless it is the very end (one
// trailing separator is accepted, as Windows does for directories).
Win32Error parse_components(std::string_view rest, std::vector<std::string>& components) {
  size_t count = 0;
  size_t position = 0;
  while (position < rest.size()) {
    size_t end = position;
    while (end < rest.size() && !is_separator(rest[end])) ++end;
    const std::string_view name = rest.substr(position, end - position);
    if (const Win32Error error = check_component(name); error != Win32Error::ok) return error;
    put_component(components, count, name);
    ++count;
    position = end + 1;
  }
  components.resize(count);
  return Win32Error::ok;
}

// "\\SERVER\SHARE[\rest]": fills root and returns the offset of the rest (or text.size()).
Win32Error parse_unc_root(std::string_view text, std::string& root, size_t& rest_offset) {
  DISTSIM_ASSERT(text.size() >= 2);
  size_t server_end = 2;
  while (server_end < text.size() && !is_separator(text[server_end])) ++server_end;
  const std::string_view server = text.substr(2, server_end - 2);
  if (server_end >= text.size()) return Win32Error::invalid_name;  // no share
  size_t share_end = server_end + 1;
  while (share_end < text.size() && !is_separator(text[share_end])) ++share_end;
  const std::string_view share = text.substr(server_end + 1, share_end - server_end - 1);
  if (check_component(server) != Win32Error::ok) return Win32Error::invalid_name;
  if (check_component(share) != Win32Error::ok) return Win32Error::invalid_name;
  root.assign("\\\\");
  root.append(server);
  root.push_back(kSeparator);
  root.append(share);
  rest_offset = std::min(share_end + 1, text.size());
  return Win32Error::ok;
}

bool is_drive_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

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
  if (text.size() > kPathLengthMax) return Win32Error::filename_exced_range;
  size_t rest_offset = 0;
  if (text.size() >= 2 && is_separator(text[0]) && is_separator(text[1])) {
    const Win32Error error = parse_unc_root(text, path.root, rest_offset);
    if (error != Win32Error::ok) return error;
  } else if (text.size() >= 3 && is_drive_letter(text[0]) && text[1] == ':' &&
             is_separator(text[2])) {
    path.root.assign(text.substr(0, 2));
    rest_offset = 3;
  } else {
    return Win32Error::invalid_name;  // relative, drive-relative ("C:x") or empty
  }
  const Win32Error error = parse_components(text.substr(rest_offset), path.components);
  DISTSIM_ASSERT(error != Win32Error::ok || !path.root.empty());
  return error;
}

model::Result<WindowsPath> parse_windows_path(std::string_view text) {
  WindowsPath path;
  const Win32Error error = parse_windows_path_into(text, path);
  if (error != Win32Error::ok) return error;
  return path;
}

void upper_ascii_into(std::string_view text, std::string& out) {
  out.assign(text.data(), text.size());
  for (char& c : out) c = upper_char(c);
}

std::string upper_ascii(std::string_view text) {
  std::string out;
  upper_ascii_into(text, out);
  return out;
}

bool less_case_insensitive(std::string_view left, std::string_view right) {
  // Compared as unsigned bytes, the order std::string uses for the upper-case keys of the VFS.
  return std::lexicographical_compare(left.begin(), left.end(), right.begin(), right.end(),
                                      [](char a, char b) {
                                        return static_cast<unsigned char>(upper_char(a)) <
                                               static_cast<unsigned char>(upper_char(b));
                                      });
}

}  // namespace distsim::sim
