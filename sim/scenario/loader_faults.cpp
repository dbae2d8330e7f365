// The `faults` section: a DP unreachable or its disk full for a while, and a crash of the
// Distribution Manager with an optional restart; DP faults name a declared DP.
#include <fmt/format.h>

#include <array>
#include <string>

#include "model/assert.h"
#include "sim/scenario/loader_context.h"

namespace distsim::sim::loader_internal {
namespace {

constexpr std::array<std::string_view, 3> kFaultActions{"dp_unreachable", "dp_disk_full", "crash"};
constexpr std::array<std::string_view, 6> kFaultKeys{
    "at", "dp_unreachable", "dp_disk_full", "crash", "for", "restart_after"};

KeyList fault_keys(FaultSpec::Kind kind) {
  static constexpr std::array<std::string_view, 3> kUnreachable{"at", "dp_unreachable", "for"};
  static constexpr std::array<std::string_view, 3> kDiskFull{"at", "dp_disk_full", "for"};
  static constexpr std::array<std::string_view, 3> kCrash{"at", "crash", "restart_after"};
  switch (kind) {
    case FaultSpec::Kind::dp_unreachable:
      return kUnreachable;
    case FaultSpec::Kind::dp_disk_full:
      return kDiskFull;
    case FaultSpec::Kind::crash:
      return kCrash;
  }
  DISTSIM_ASSERT(false);
}

void load_fault_target(const Context& ctx, uint32_t index, FaultSpec& fault) {
  if (fault.kind != FaultSpec::Kind::crash) {
    fault.target =
        read_dp_reference(ctx, index, enum_name(kFaultKindKeys, fault.kind)).value_or("");
    return;
  }
  const auto process = read_scalar(ctx, index, "crash");
  if (!process) return;
  if (*process != kCrashTargetName) {
    ctx.error(index, fmt::format("unknown process '{}' for 'crash'; expected {}", *process,
                                 kCrashTargetName));
    return;
  }
  fault.target = std::string(*process);
}

std::optional<FaultSpec> load_fault(const Context& ctx, uint32_t index) {
  const auto action = find_action_key(ctx, index, kFaultActions, "'faults'");
  if (!action) return std::nullopt;
  FaultSpec fault;
  fault.kind = *enum_from_name(kFaultKindKeys, *action);
  fault.position = ctx.node(index).position;
  const std::string applies_to = with_article(fmt::format("'{}' fault", *action));
  const MapView map =
      read_map(ctx, index, "each entry of 'faults'",
               KeySet{"fault", fault_keys(fault.kind), kFaultKeys, applies_to, kFaultActions});
  load_fault_target(ctx, map.value(*action), fault);
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "at") fault.at_us = read_time(ctx, value, key).value_or(0);
    if (key == "for") fault.for_us = read_positive_duration(ctx, value, key);
    if (key == "restart_after") fault.restart_after_us = read_duration(ctx, value, key);
  });
  return fault;
}

}  // namespace

void load_faults(const Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items = read_list(ctx, index, "faults", Bounds{0, kFaultsMax, "kFaultsMax"}, true);
  if (!items) return;
  for (const uint32_t item : *items) {
    if (auto fault = load_fault(ctx, item)) scenario.faults.push_back(std::move(*fault));
  }
}

}  // namespace distsim::sim::loader_internal
