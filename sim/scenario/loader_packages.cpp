// The `packages` section and references to its packages: a package is created once (its id is the
// site code and five hex digits), then updated, refreshed or its retry history deleted no earlier
// than its creation, refreshed only on DPs it is sent to. References are checked once every
// creation is known.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <vector>

#include "model/assert.h"
#include "sim/fs/windows_path.h"
#include "sim/scenario/loader_context.h"
#include "sim/scenario/value_parse.h"

namespace distsim::sim::loader_internal {
namespace {

constexpr std::array<std::string_view, 4> kPackageActions{"id", "update", "refresh",
                                                          "delete_retry_history"};
constexpr std::array<std::string_view, 10> kPackageKeys{
    "id",         "update",          "refresh", "delete_retry_history",
    "name",       "source",          "at",      "distribution_points",
    "compressed", "disconnect_users"};

KeyList package_keys(PackageEvent::Kind kind) {
  static constexpr std::array<std::string_view, 7> kCreate{
      "id", "name", "source", "at", "distribution_points", "compressed", "disconnect_users"};
  static constexpr std::array<std::string_view, 2> kUpdate{"update", "at"};
  static constexpr std::array<std::string_view, 3> kRefresh{"refresh", "at", "distribution_points"};
  static constexpr std::array<std::string_view, 2> kDeleteRetryHistory{"delete_retry_history",
                                                                       "at"};
  switch (kind) {
    case PackageEvent::Kind::create:
      return kCreate;
    case PackageEvent::Kind::update:
      return kUpdate;
    case PackageEvent::Kind::refresh:
      return kRefresh;
    case PackageEvent::Kind::delete_retry_history:
      return kDeleteRetryHistory;
  }
  DISTSIM_ASSERT(false);
}

bool is_upper_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// The id of a new package: the site code and five upper-case hex digits, as SMS numbers them.
std::optional<std::string> read_new_package_id(const Context& ctx, uint32_t index) {
  auto id = read_name(ctx, index, "id");
  if (!id || !ctx.site_code) return id;
  const bool valid = id->size() == 8 && id->compare(0, 3, *ctx.site_code) == 0 &&
                     std::all_of(id->begin() + 3, id->end(), is_upper_hex);
  if (!valid) {
    ctx.error(index, fmt::format("package id '{}' must be the site code '{}' followed by five "
                                 "upper-case hex digits, e.g. '{}00001'",
                                 *id, *ctx.site_code, *ctx.site_code));
  }
  return id;
}

// A list of declared DP names without repeats; at least one (omit the key to mean all).
std::optional<std::vector<std::string>> read_dp_list(const Context& ctx, uint32_t index,
                                                     std::string_view key) {
  const auto items =
      read_list(ctx, index, key, Bounds{1, kDistributionPointsMax, "kDistributionPointsMax"});
  if (!items) return std::nullopt;
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const uint32_t item : *items) {
    auto name = read_dp_reference(ctx, item, key);
    if (!name) continue;
    if (!seen.insert(upper_ascii(*name)).second) {
      ctx.error(item, fmt::format("distribution point '{}' appears twice in '{}'", *name, key));
      continue;
    }
    names.push_back(std::move(*name));
  }
  return names;
}

// `disconnect_users`: `true` (after kDisconnectUsersAfterDefault failed copies), `false`, or the
// number of failed copies.
std::optional<uint32_t> read_disconnect_users(const Context& ctx, uint32_t index,
                                              std::string_view key) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "false") {
    const auto on = read_bool(ctx, index, key);
    return on.value_or(false) ? std::optional<uint32_t>(model::kDisconnectUsersAfterDefault)
                              : std::nullopt;
  }
  if (text->empty() || text->front() < '0' || text->front() > '9') {
    ctx.error(index, fmt::format("'{}' is true, false or a whole number of failed copies, not '{}'",
                                 key, *text));
    return std::nullopt;
  }
  return read_uint32(ctx, index, key,
                     Bounds{0, kDisconnectUsersAfterMax, "kDisconnectUsersAfterMax"});
}

// Where the references of an update or refresh were written, for the checks once every package
// is known.
struct PackageReference {
  size_t event_index = 0;
  uint32_t id_index = kNoNode;
  uint32_t at_index = kNoNode;
  uint32_t dps_index = kNoNode;
};

std::optional<PackageEvent> load_package_event(const Context& ctx, uint32_t index,
                                               PackageReference& reference) {
  const auto action = find_action_key(ctx, index, kPackageActions, "'packages'");
  if (!action) return std::nullopt;
  PackageEvent event;
  event.kind = *action == "id"        ? PackageEvent::Kind::create
               : *action == "update"  ? PackageEvent::Kind::update
               : *action == "refresh" ? PackageEvent::Kind::refresh
                                      : PackageEvent::Kind::delete_retry_history;
  event.position = ctx.node(index).position;
  const std::string applies_to = *action == "id" ? std::string("a new package")
                                                 : with_article(fmt::format("'{}' entry", *action));
  const MapView map = read_map(
      ctx, index, "each entry of 'packages'",
      KeySet{"package", package_keys(event.kind), kPackageKeys, applies_to, kPackageActions});
  reference.id_index = map.value(*action);
  reference.at_index = map.value("at");
  reference.dps_index = map.value("distribution_points");
  const auto id = event.kind == PackageEvent::Kind::create
                      ? read_new_package_id(ctx, reference.id_index)
                      : read_name(ctx, reference.id_index, *action);
  event.id = id.value_or("");
  if (event.kind == PackageEvent::Kind::create) {
    event.name = event.id;  // default: the id
    const uint32_t source = require(ctx, map, "source", applies_to);
    if (source != kNoNode) event.source = read_path(ctx, source, "source").value_or("");
  }
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "name") event.name = read_name(ctx, value, key).value_or(event.name);
    if (key == "at") event.at_us = read_time(ctx, value, key).value_or(0);
    if (key == "distribution_points")
      event.distribution_points =
          read_dp_list(ctx, value, key).value_or(std::vector<std::string>{});
    if (key == "compressed") event.compressed = read_bool(ctx, value, key).value_or(false);
    if (key == "disconnect_users")
      event.disconnect_users_after = read_disconnect_users(ctx, value, key);
  });
  if (!id) return std::nullopt;
  return event;
}

void register_package(Context& ctx, const PackageEvent& event, uint32_t id_index) {
  PackageInfo info{ctx.node(id_index).position.line, event.at_us, {}};
  for (const std::string& dp : event.distribution_points) info.dp_keys.push_back(upper_ascii(dp));
  const auto [first, inserted] = ctx.packages.emplace(event.id, std::move(info));
  if (!inserted) {
    ctx.error(id_index, fmt::format("duplicate package id '{}' (first at line {})", event.id,
                                    first->second.line));
  }
}

}  // namespace

// Names the DP of `dp_index` is not one of the package's, or nothing when it is.
bool check_package_on_dp(const Context& ctx, const PackageInfo& package, std::string_view id,
                         uint32_t dp_index) {
  const std::string dp_key = upper_ascii(ctx.node(dp_index).value);
  if (package.dp_keys.empty() ||
      std::find(package.dp_keys.begin(), package.dp_keys.end(), dp_key) != package.dp_keys.end()) {
    return true;
  }
  ctx.error(dp_index, fmt::format("package '{}' is not sent to distribution point '{}'", id,
                                  ctx.node(dp_index).value));
  return false;
}

namespace {

void check_package_reference(const Context& ctx, const PackageEvent& event,
                             const PackageReference& reference) {
  const auto package = ctx.packages.find(event.id);
  if (package == ctx.packages.end()) {
    ctx.error(reference.id_index,
              fmt::format("unknown package '{}'; no entry of 'packages' creates it{}", event.id,
                          package_hint(ctx, event.id)));
    return;
  }
  if (event.at_us < package->second.at_us) {
    const uint32_t at = reference.at_index != kNoNode ? reference.at_index : reference.id_index;
    ctx.error(at, fmt::format("'at' {} is before package '{}' is created (at {})",
                              format_duration(event.at_us), event.id,
                              format_duration(package->second.at_us)));
  }
  if (reference.dps_index == kNoNode ||
      ctx.node(reference.dps_index).kind != YamlNode::Kind::sequence) {
    return;
  }
  for (const uint32_t dp : ctx.node(reference.dps_index).children) {
    if (ctx.node(dp).kind == YamlNode::Kind::scalar &&
        ctx.dp_lines.count(upper_ascii(ctx.node(dp).value)) != 0) {
      check_package_on_dp(ctx, package->second, event.id, dp);
    }
  }
}

}  // namespace

void load_packages(Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items =
      read_list(ctx, index, "packages", Bounds{0, kPackagesMax, "kPackagesMax"}, true);
  if (!items) return;
  std::vector<PackageReference> references;
  for (const uint32_t item : *items) {
    PackageReference reference;
    auto event = load_package_event(ctx, item, reference);
    if (!event) continue;
    reference.event_index = scenario.packages.size();
    if (event->kind == PackageEvent::Kind::delete_retry_history &&
        scenario.site.profile != model::Profile::sms2) {
      ctx.error(reference.id_index,
                fmt::format("'delete_retry_history' needs profile sms2: the Retry History registry "
                            "key it deletes is SMS 2.0's (KB Q319207), and no source says where "
                            "{} keeps its retry counts",
                            model::profile_name(scenario.site.profile)));
    }
    if (event->kind == PackageEvent::Kind::create) {
      register_package(ctx, *event, reference.id_index);
    } else {
      references.push_back(reference);
    }
    scenario.packages.push_back(std::move(*event));
  }
  for (const PackageReference& reference : references) {
    check_package_reference(ctx, scenario.packages[reference.event_index], reference);
  }
}

// A reference to a package some entry of `packages` creates.
std::optional<std::string> read_package_reference(const Context& ctx, uint32_t index,
                                                  std::string_view key) {
  auto id = read_name(ctx, index, key);
  if (id && ctx.packages.count(*id) == 0) {
    ctx.error(index, fmt::format("unknown package '{}'; no entry of 'packages' creates it{}", *id,
                                 package_hint(ctx, *id)));
    return std::nullopt;
  }
  return id;
}

std::string package_hint(const Context& ctx, std::string_view id) {
  std::vector<std::string_view> ids;
  for (const auto& [known, info] : ctx.packages) ids.push_back(known);
  return reference_hint(id, ids);
}

}  // namespace distsim::sim::loader_internal
