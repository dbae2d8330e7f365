// The paths of a scenario file. Each one goes through the parser the VFS uses
// (sim/fs/windows_path), so that the loader passes no path the VFS would refuse, and a refusal
// names the problem that parser found. The loader adds only where a path must lie: on a share, or
// at its root.
#include <fmt/format.h>

#include <algorithm>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/windows_path.h"
#include "sim/scenario/loader_context.h"

namespace distsim::sim::loader_internal {
namespace {

std::string_view root_name(PathPart part) {
  DISTSIM_ASSERT(part != PathPart::component);
  return part == PathPart::server ? "server" : "share";
}

// The problem of one name (a component, or the server or share of a UNC root).
std::string name_problem_text(const PathCheck& check) {
  const bool component = check.part == PathPart::component;
  switch (check.problem) {
    case PathProblem::empty_name:
      return "it has an empty component ('\\\\')";
    case PathProblem::dot_name:
      if (component) return "it has a '.' or '..' component";
      return fmt::format("the {} name is '.' or '..'", root_name(check.part));
    case PathProblem::name_too_long:
      return fmt::format("{} is longer than kPathComponentLengthMax ({})",
                         component ? std::string("a component")
                                   : fmt::format("the {} name", root_name(check.part)),
                         kPathComponentLengthMax);
    case PathProblem::forbidden_character:
      return fmt::format("'{}' is a character Windows forbids in names", check.character);
    case PathProblem::device_prefix:
      return "it is a device path ('\\\\?\\...' or '\\\\.\\...'), not a file path";
    case PathProblem::none:
    case PathProblem::no_root:
    case PathProblem::too_long:
      break;
  }
  DISTSIM_ASSERT(false);
}

}  // namespace

std::optional<std::string> path_problem(std::string_view text) {
  const PathCheck check = check_windows_path(text);
  if (check.problem == PathProblem::no_root) {
    return "write a drive path like 'C:\\Dir\\file' or a UNC path like '\\\\SERVER\\share\\dir'";
  }
  if (check.problem == PathProblem::too_long) {
    return fmt::format("it is longer than kPathLengthMax ({})", kPathLengthMax);
  }
  if (!check.ok()) return name_problem_text(check);
  return std::nullopt;
}

namespace {

// What a path of `kind` looks like, for messages.
std::string_view kind_text(PathKind kind) {
  switch (kind) {
    case PathKind::unc:
      return "the file is on a distribution point's share: write a UNC path like "
             "'\\\\DP01\\SMSPKGC$\\S0100001\\setup.exe'";
    case PathKind::unc_root:
      return "a share is a share root like '\\\\SERVER\\share', with nothing after the share";
    case PathKind::any:
      break;
  }
  DISTSIM_ASSERT(false);
}

// A path quoted in a message: whole, or past kQuotedMax characters its start and end around an
// ellipsis with its length, so that a path of 40,000 characters gives a line one can read.
std::string shown(std::string_view text) {
  constexpr size_t kQuotedMax = 512;
  constexpr size_t kEndKept = 40;
  if (text.size() <= kQuotedMax) return fmt::format("'{}'", text);
  return fmt::format("'{}...{}' ({} characters)", text.substr(0, kQuotedMax - kEndKept - 3),
                     text.substr(text.size() - kEndKept), text.size());
}

}  // namespace

std::optional<std::string> kind_problem(std::string_view text, PathKind kind) {
  const PathCheck check = check_windows_path(text);
  DISTSIM_ASSERT(check.ok());  // path_problem accepted it
  const bool fits = kind == PathKind::any || (kind == PathKind::unc && check.unc) ||
                    (kind == PathKind::unc_root && check.unc && check.root_size == text.size());
  if (fits) return std::nullopt;
  return std::string(kind_text(kind));
}

std::optional<std::string> read_path(const Context& ctx, uint32_t index, std::string_view key,
                                     PathKind kind) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  std::string path(*text);
  std::replace(path.begin(), path.end(), '/', '\\');
  if (const auto problem = path_problem(path)) {
    // A path without a root is answered with the form this key takes, not every form there is.
    const bool rootless = check_windows_path(path).problem == PathProblem::no_root;
    // "C:\temp" in double quotes reaches here as C:, a tab and "emp", "D:\Packages" with U+2029
    // for "\P": in a double-quoted value a control or non-ASCII character is most likely an
    // escape (single quotes have none).
    const bool double_quoted = ctx.node(index).double_quoted;
    const bool escaped = double_quoted && !text_problem_hinted(*text, double_quoted) &&
                         std::any_of(text->begin(), text->end(), [](char c) {
                           const auto byte = static_cast<unsigned char>(c);
                           return byte < 0x20 || byte >= 0x80;
                         });
    ctx.error(index, fmt::format("{} is not a valid Windows path for '{}': {}{}", shown(*text), key,
                                 rootless && kind != PathKind::any ? std::string(kind_text(kind))
                                                                   : *problem,
                                 escaped ? kDoubleQuotedPathHint : ""));
    return std::nullopt;
  }
  if (const auto problem = kind_problem(path, kind)) {
    ctx.error(index, fmt::format("{} is a Windows path, but not one '{}' takes here: {}",
                                 shown(*text), key, *problem));
    return std::nullopt;
  }
  DISTSIM_ASSERT(parse_windows_path(path).ok());
  return path;
}

std::string folder_display(std::string_view path) {
  const auto parsed = parse_windows_path(path);
  DISTSIM_ASSERT(parsed.ok());  // read_path accepted it
  return parsed.value().display();
}

bool ends_in_separator(std::string_view path) {
  return !path.empty() && path.back() == '\\' && !parse_windows_path(path).value().is_root();
}

}  // namespace distsim::sim::loader_internal
