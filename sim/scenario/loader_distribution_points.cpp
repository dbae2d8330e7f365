// The `distribution_points` section and references to its DPs: names, shares (explicit, or the
// default \\NAME\SMSPKGC$, which must be a path the VFS accepts too), bandwidth and free space; no
// two DPs share a name or a share.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "sim/fs/windows_path.h"
#include "sim/scenario/loader_context.h"

namespace distsim::sim::loader_internal {
namespace {

bool is_host_char(char c) {
  return is_upper_alnum(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.';
}

std::optional<std::string> read_dp_name(const Context& ctx, uint32_t index, std::string_view key) {
  auto name = read_name(ctx, index, key);
  if (name && !std::all_of(name->begin(), name->end(), is_host_char)) {
    ctx.error(index, fmt::format("distribution point name '{}' may hold only letters, digits, "
                                 "'-', '_' and '.'",
                                 *name));
    return std::nullopt;
  }
  return name;
}

std::string default_share(std::string_view dp_name) {
  return fmt::format("\\\\{}\\SMSPKGC$", dp_name);
}

constexpr std::array<std::string_view, 5> kDpKeys{"name", "share", "bandwidth", "free", "server"};

// A DP without `share` serves \\NAME\SMSPKGC$: its name must then make a share the VFS accepts,
// which "." and a name over kPathComponentLengthMax do not.
bool check_default_share(const Context& ctx, uint32_t name_index, std::string_view name) {
  const std::string share = default_share(name);
  auto problem = path_problem(share);
  if (!problem) problem = kind_problem(share, PathKind::unc_root);
  if (!problem) return true;
  ctx.error(name_index, fmt::format("distribution point name '{}' gives the default share '{}', "
                                    "which is not a share a DP can have: {}",
                                    name, share, *problem));
  return false;
}

// The DP of an entry, or nullopt when it has no valid name (then nothing can refer to it). Errors
// in other fields are reported and leave their defaults.
std::optional<DistributionPointSpec> load_dp(const Context& ctx, uint32_t index) {
  const MapView map = read_map(ctx, index, "each entry of 'distribution_points'",
                               KeySet{"distribution point", kDpKeys});
  const uint32_t name_index = require(ctx, map, "name", "a distribution point");
  std::optional<std::string> name;
  if (name_index != kNoNode) name = read_dp_name(ctx, name_index, "name");
  DistributionPointSpec dp;
  dp.position = ctx.node(index).position;
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "share") dp.share = read_path(ctx, value, key, PathKind::unc_root);
    if (key == "bandwidth") {
      dp.bandwidth_bits_per_second =
          read_bandwidth(ctx, value, key).value_or(dp.bandwidth_bits_per_second);
    }
    if (key == "free")
      dp.free_bytes = read_size(ctx, value, key, kVolumeSizeBounds).value_or(dp.free_bytes);
    if (key == "server")
      dp.netware = read_enum(ctx, value, key, kDpServerNames, "server").value_or(false);
  });
  if (!name) return std::nullopt;
  if (!map.has("share") && !check_default_share(ctx, name_index, *name)) return std::nullopt;
  dp.name = *name;
  return dp;
}

// Registers a loaded DP for the references that follow, refusing a second DP of the same name
// or share (both compare case-insensitively, as Windows does). A DP refused for its share is
// still known by its name, so that the packages naming it are not told it does not exist.
bool register_dp(Context& ctx, uint32_t index, const DistributionPointSpec& dp) {
  const std::string key = upper_ascii(dp.name);
  if (const auto first = ctx.dp_lines.find(key); first != ctx.dp_lines.end()) {
    ctx.error(index, fmt::format("duplicate distribution point '{}' (first at line {})", dp.name,
                                 first->second));
    return false;
  }
  const std::string share = dp.share.value_or(default_share(dp.name));
  const std::string share_key = upper_ascii(share);
  const auto owner = std::find(ctx.dp_share_keys.begin(), ctx.dp_share_keys.end(), share_key);
  const bool share_taken = owner != ctx.dp_share_keys.end();
  if (share_taken) {
    const std::string& owner_name =
        ctx.dp_names[static_cast<size_t>(owner - ctx.dp_share_keys.begin())];
    ctx.error(index,
              fmt::format("distribution point '{}' uses share '{}', which distribution "
                          "point '{}' (line {}) already uses; give each DP a share of its "
                          "own",
                          dp.name, share, owner_name, ctx.dp_lines.at(upper_ascii(owner_name))));
  }
  ctx.dp_lines.emplace(key, ctx.node(index).position.line);
  ctx.dp_names.push_back(dp.name);
  ctx.dp_share_keys.push_back(share_key);
  return !share_taken;
}

}  // namespace

void load_distribution_points(Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items = read_list(ctx, index, "distribution_points",
                               Bounds{0, kDistributionPointsMax, "kDistributionPointsMax"}, true);
  if (!items) return;
  for (const uint32_t item : *items) {
    auto dp = load_dp(ctx, item);
    if (dp && register_dp(ctx, item, *dp)) scenario.distribution_points.push_back(std::move(*dp));
  }
}

// A DP name that refers to a declared DP, else nullopt after an error.
std::optional<std::string> read_dp_reference(const Context& ctx, uint32_t index,
                                             std::string_view key) {
  auto name = read_name(ctx, index, key);
  if (!name) return std::nullopt;
  if (ctx.dp_lines.count(upper_ascii(*name)) == 0) {
    std::vector<std::string_view> names(ctx.dp_names.begin(), ctx.dp_names.end());
    ctx.error(index, fmt::format("unknown distribution point '{}'{}", *name,
                                 reference_hint(*name, names)));
    return std::nullopt;
  }
  return name;
}

}  // namespace distsim::sim::loader_internal
