// Where the checkers look for a package's files: its .PCK in the package store and its folder on
// each DP, built as the manager names them or compared piece by piece, and paths relative to a
// folder, and the access rights an open record names.
#include <fmt/format.h>

#include "model/assert.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {

uint32_t access_bits_of(const TraceList& names) {
  uint32_t bits = 0;
  for (const std::string_view name : names) bits |= model::access_right_from_name(name).value_or(0);
  return bits;
}

std::string_view relative_below(std::string_view path, std::string_view folder) {
  DISTSIM_ASSERT(path_below(path, folder));
  return path.substr(folder.size() + (folder.back() == '\\' ? 0 : 1));
}

std::string History::dp_share(std::string_view dp_name) const {
  for (const auto& dp : run->distribution_points) {
    if (same_path(dp.name, dp_name)) return dp.share;
  }
  return fmt::format("\\\\{}\\SMSPKGC$", dp_name);
}

std::string History::dp_of_share(std::string_view share) const {
  for (const auto& dp : run->distribution_points) {
    if (same_path(dp.share, share)) return dp.name;
  }
  return {};
}

std::string History::dp_folder(std::string_view package, std::string_view dp_name) const {
  return fmt::format("{}\\{}", dp_share(dp_name), package);
}

std::string History::package_copy_path(std::string_view package) const {
  return fmt::format("{}\\{}.PCK", run->site.package_store, package);
}

namespace {
// Whether `path` begins with `first`, a backslash and `second`, compared as same_path compares;
// `rest` is what follows.
bool begins_with_joined(std::string_view path, std::string_view first, std::string_view second,
                        std::string_view& rest) {
  const size_t joined = first.size() + 1 + second.size();
  if (path.size() < joined || path[first.size()] != '\\') return false;
  if (!same_path(path.substr(0, first.size()), first) ||
      !same_path(path.substr(first.size() + 1, second.size()), second)) {
    return false;
  }
  rest = path.substr(joined);
  return true;
}
}  // namespace

bool History::is_package_copy(std::string_view path, std::string_view package) const {
  std::string_view rest;
  return begins_with_joined(path, run->site.package_store, package, rest) &&
         same_path(rest, ".PCK");
}

bool History::below_dp_folder(std::string_view path, std::string_view package,
                              const model::DistributionPointDefinition& dp) {
  std::string_view rest;
  return begins_with_joined(path, dp.share, package, rest) && rest.size() >= 2 && rest[0] == '\\';
}

}  // namespace distsim::sim::invariant_detail
