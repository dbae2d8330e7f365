// The `expect` section: the final state of packages and of their DPs, counts and sequences of
// status messages, the component status, log patterns and the invariant check. Every package,
// DP and status message id it names must exist.
#include <fmt/format.h>

#include <array>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "model/status_message.h"
#include "sim/fs/windows_path.h"
#include "sim/scenario/loader_context.h"

namespace distsim::sim::loader_internal {
namespace {

const std::array<EnumName<model::PackageState>, 4>& package_state_names() {
  using model::PackageState;
  static const std::array<EnumName<PackageState>, 4> kTable{
      EnumName<PackageState>{PackageState::installed,
                             model::package_state_name(PackageState::installed)},
      EnumName<PackageState>{PackageState::retrying,
                             model::package_state_name(PackageState::retrying)},
      EnumName<PackageState>{PackageState::failed, model::package_state_name(PackageState::failed)},
      EnumName<PackageState>{PackageState::pending,
                             model::package_state_name(PackageState::pending)},
  };
  return kTable;
}

// Short names ("retrying") first; SMS's own ("INSTALL_RETRYING") are accepted too.
const std::array<EnumName<model::DpState>, 8>& dp_state_names() {
  using model::DpState;
  static const std::array<EnumName<DpState>, 8> kTable{
      EnumName<DpState>{DpState::installed, model::dp_state_short_name(DpState::installed)},
      EnumName<DpState>{DpState::install_retrying,
                        model::dp_state_short_name(DpState::install_retrying)},
      EnumName<DpState>{DpState::install_failed,
                        model::dp_state_short_name(DpState::install_failed)},
      EnumName<DpState>{DpState::install_pending,
                        model::dp_state_short_name(DpState::install_pending)},
      EnumName<DpState>{DpState::installed, model::dp_state_name(DpState::installed)},
      EnumName<DpState>{DpState::install_retrying, model::dp_state_name(DpState::install_retrying)},
      EnumName<DpState>{DpState::install_failed, model::dp_state_name(DpState::install_failed)},
      EnumName<DpState>{DpState::install_pending, model::dp_state_name(DpState::install_pending)},
  };
  return kTable;
}

void load_dp_expectations(const Context& ctx, uint32_t index, const PackageInfo& package,
                          PackageExpectation& expectation) {
  const MapView map = read_any_map(ctx, index, "'distribution_points'");
  // DP names compare without regard to case, as Windows compares them: DP01 and dp01 are one DP.
  std::map<std::string, uint32_t> lines_by_name;
  for (const MapEntry& entry : map.entries()) {
    if (!read_dp_reference(ctx, entry.key_index, "distribution_points")) continue;
    const uint32_t line = ctx.node(entry.key_index).position.line;
    const auto [first, inserted] = lines_by_name.emplace(upper_ascii(std::string(entry.key)), line);
    if (!inserted) {
      ctx.error(entry.key_index,
                fmt::format("distribution point '{}' is expected twice (first at line {}; DP "
                            "names do not depend on case)",
                            entry.key, first->second));
      continue;
    }
    if (!check_package_on_dp(ctx, package, expectation.package_id, entry.key_index)) continue;
    const auto state =
        read_enum(ctx, entry.value_index, entry.key, dp_state_names(), "distribution point state");
    if (!state) continue;
    expectation.distribution_points.push_back(
        DpStateExpectation{std::string(entry.key), *state, ctx.node(entry.key_index).position});
  }
}

constexpr std::array<std::string_view, 5> kPackageExpectationKeys{
    "state", "attempts", "retries", "installed_by", "distribution_points"};

PackageExpectation load_package_expectation(const Context& ctx, const MapEntry& entry,
                                            const PackageInfo& package) {
  PackageExpectation expectation;
  expectation.package_id = std::string(entry.key);
  expectation.position = ctx.node(entry.key_index).position;
  const MapView map = read_map(ctx, entry.value_index, fmt::format("package '{}'", entry.key),
                               KeySet{"a package expectation", kPackageExpectationKeys});
  for (const MapEntry& each : map.entries()) {
    const std::string_view key = each.key;
    const uint32_t value = each.value_index;
    const SourcePosition key_position = ctx.node(each.key_index).position;
    if (key == "state") {
      expectation.state = read_enum(ctx, value, key, package_state_names(), "package state");
      expectation.state_position = key_position;
    }
    if (key == "attempts") {
      expectation.attempts = read_count_range(ctx, value, key);
      expectation.attempts_position = key_position;
    }
    if (key == "retries") {
      expectation.retries = read_count_range(ctx, value, key);
      expectation.retries_position = key_position;
    }
    if (key == "installed_by") {
      expectation.installed_by_us = read_time(ctx, value, key);
      expectation.installed_by_position = key_position;
    }
    if (key == "distribution_points") load_dp_expectations(ctx, value, package, expectation);
  }
  return expectation;
}

void load_package_expectations(const Context& ctx, uint32_t index, Expectations& expect) {
  const MapView map = read_any_map(ctx, index, "'packages'");
  if (map.entries().size() > kPackagesMax) {
    ctx.error(index, fmt::format("'packages' has {} entries, more than kPackagesMax ({})",
                                 map.entries().size(), kPackagesMax));
    return;
  }
  for (const MapEntry& entry : map.entries()) {
    const auto package = ctx.packages.find(entry.key);
    if (package == ctx.packages.end()) {
      ctx.error(entry.key_index,
                fmt::format("unknown package '{}'; no entry of 'packages' creates it{}", entry.key,
                            package_hint(ctx, entry.key)));
      continue;
    }
    expect.packages.push_back(load_package_expectation(ctx, entry, package->second));
  }
}

std::optional<uint32_t> read_status_id(const Context& ctx, uint32_t index, std::string_view key) {
  const auto id = read_uint32(ctx, index, key, Bounds{});
  if (!id) return std::nullopt;
  if (!model::find_status_definition(model::kDistributionManagerComponent, *id)) {
    std::string known;
    for (const model::StatusMessageDefinition& row : model::status_catalogue()) {
      if (row.component != model::kDistributionManagerComponent ||
          row.form != model::MessageForm::standard) {
        continue;
      }
      known += fmt::format("{}{}", known.empty() ? "" : ", ", row.id);
    }
    ctx.error(index, fmt::format("status message {} is not one distsim raises for {}; known: {}",
                                 *id, model::kDistributionManagerComponent, known));
    return std::nullopt;
  }
  return id;
}

std::optional<std::vector<uint32_t>> read_status_sequence(const Context& ctx, uint32_t index) {
  const auto items = read_list(ctx, index, "sequence",
                               Bounds{1, kStatusSequenceLengthMax, "kStatusSequenceLengthMax"});
  if (!items) return std::nullopt;
  std::vector<uint32_t> ids;
  for (const uint32_t item : *items) {
    if (const auto id = read_status_id(ctx, item, "sequence")) ids.push_back(*id);
  }
  return ids;
}

constexpr std::array<std::string_view, 2> kStatusActions{"id", "sequence"};
constexpr std::array<std::string_view, 4> kStatusKeys{"id", "count", "package", "sequence"};

void load_status_expectation(const Context& ctx, uint32_t index, Expectations& expect) {
  const auto action = find_action_key(ctx, index, kStatusActions, "'status_messages'");
  if (!action) return;
  static constexpr std::array<std::string_view, 3> kCountKeys{"id", "count", "package"};
  static constexpr std::array<std::string_view, 2> kSequenceKeys{"sequence", "package"};
  const bool is_count = *action == "id";
  const MapView map =
      read_map(ctx, index, "each entry of 'status_messages'",
               KeySet{"status message expectation", is_count ? KeyList(kCountKeys) : kSequenceKeys,
                      kStatusKeys, is_count ? "a count of one id" : "a sequence", kStatusActions});
  std::optional<std::string> package;
  if (const uint32_t value = map.value("package"); value != kNoNode) {
    package = read_package_reference(ctx, value, "package");
  }
  const SourcePosition position = ctx.node(index).position;
  if (!is_count) {
    auto ids = read_status_sequence(ctx, map.value("sequence"));
    expect.status_sequences.push_back(
        StatusSequenceExpectation{ids.value_or(std::vector<uint32_t>{}), package, position});
    return;
  }
  StatusCountExpectation expectation{0, CountRange{1, std::numeric_limits<uint64_t>::max()},
                                     package, position};  // default count: at least once
  expectation.id = read_status_id(ctx, map.value("id"), "id").value_or(0);
  if (const uint32_t count = map.value("count"); count != kNoNode) {
    expectation.count = read_count_range(ctx, count, "count").value_or(expectation.count);
  }
  expect.status_counts.push_back(std::move(expectation));
}

std::vector<LogPatternExpectation> read_log_patterns(const Context& ctx, uint32_t index,
                                                     std::string_view key) {
  const auto items = read_list(ctx, index, key, Bounds{0, kExpectationsMax, "kExpectationsMax"});
  std::vector<LogPatternExpectation> patterns;
  if (!items) return patterns;
  for (const uint32_t item : *items) {
    const YamlNode& node = ctx.node(item);
    if (node.kind == YamlNode::Kind::scalar && node.value.empty()) {
      ctx.error(item, fmt::format("an empty string in '{}' is in every line; give the text to "
                                  "look for",
                                  key));
      continue;
    }
    if (auto pattern = read_text(ctx, item, key, kLogPatternLengthMax, "kLogPatternLengthMax")) {
      patterns.push_back({std::move(*pattern), ctx.node(item).position});
    }
  }
  return patterns;
}

void load_log_expectations(const Context& ctx, uint32_t index, Expectations& expect) {
  constexpr std::array<std::string_view, 2> kLogKeys{"contains", "not_contains"};
  const MapView map = read_map(ctx, index, "'log'", KeySet{"log", kLogKeys});
  if (const uint32_t value = map.value("contains"); value != kNoNode) {
    expect.log_contains = read_log_patterns(ctx, value, "contains");
  }
  if (const uint32_t value = map.value("not_contains"); value != kNoNode) {
    expect.log_not_contains = read_log_patterns(ctx, value, "not_contains");
  }
}

constexpr std::array<std::string_view, 6> kExpectKeys{
    "packages", "status_messages",         "component_status",
    "log",      "no_invariant_violations", "invariant_violations"};

void load_invariant_violations(const Context& ctx, uint32_t index, Expectations& expect) {
  const auto items =
      read_list(ctx, index, "invariant_violations", Bounds{1, kInvariantNames.size()});
  for (const uint32_t item : items.value_or(std::span<const uint32_t>{})) {
    const auto name = read_scalar(ctx, item, "invariant_violations");
    if (!name) continue;
    if (!contains(kInvariantNames, *name)) {
      ctx.error(item,
                fmt::format("'{}' is not an invariant{}", *name, hint(*name, kInvariantNames)));
    } else if (std::find(expect.invariant_violations.begin(), expect.invariant_violations.end(),
                         *name) != expect.invariant_violations.end()) {
      ctx.error(item, fmt::format("invariant '{}' is named twice", *name));
    } else {
      expect.invariant_violations.emplace_back(*name);
    }
  }
}

}  // namespace

void load_expect(const Context& ctx, uint32_t index, Expectations& expect) {
  const MapView map = read_map(ctx, index, "'expect'", KeySet{"expect", kExpectKeys});
  for (const MapEntry& entry : map.entries()) {
    const std::string_view key = entry.key;
    const uint32_t value = entry.value_index;
    if (key == "packages") load_package_expectations(ctx, value, expect);
    if (key == "status_messages") {
      const auto items =
          read_list(ctx, value, key, Bounds{0, kExpectationsMax, "kExpectationsMax"});
      for (const uint32_t item : items.value_or(std::span<const uint32_t>{})) {
        load_status_expectation(ctx, item, expect);
      }
    }
    if (key == "component_status") {
      expect.component_status =
          read_enum(ctx, value, key, kComponentStatusLevelNames, "component status");
      expect.component_status_position = ctx.node(entry.key_index).position;
    }
    if (key == "log") load_log_expectations(ctx, value, expect);
    if (key == "no_invariant_violations") {
      expect.no_invariant_violations = read_bool(ctx, value, key).value_or(true);
      expect.no_invariant_violations_position = ctx.node(entry.key_index).position;
    }
    if (key == "invariant_violations") {
      load_invariant_violations(ctx, value, expect);
      expect.invariant_violations_position = ctx.node(entry.key_index).position;
    }
  }
  if (!expect.no_invariant_violations && map.has("invariant_violations")) {
    ctx.error(map.find("invariant_violations")->key_index,
              "'invariant_violations' needs the invariant checkers, which "
              "'no_invariant_violations: false' turns off; drop one of the two");
  }
}

}  // namespace distsim::sim::loader_internal
