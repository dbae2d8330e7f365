// When the manager did something to a file, read off a run's trace by the end of the file's path:
// what the timing tests (copy_bandwidth, source_read_time) hold against the rules worked by hand.
#pragma once

#include <catch2/catch.hpp>
#include <optional>
#include <string_view>
#include <variant>

#include "sim/world/world.h"

namespace distsim::sim {

// The time of the manager's last `event` (open, read, write, ...) on a path ending with `name`.
inline TimeUs manager_event_time(const RunResult& run, std::string_view event,
                                 std::string_view name) {
  std::optional<TimeUs> last;
  for (const TraceRecord& record : run.trace.records()) {
    if (record.actor != kManagerActorName || record.event != event) continue;
    for (const TraceField& field : record.fields) {
      const auto* path = std::get_if<std::string_view>(&field.value);
      if (field.key == "path" && path != nullptr && path->ends_with(name)) last = record.t_us;
    }
  }
  REQUIRE(last.has_value());
  return *last;
}

inline TimeUs write_time(const RunResult& run, std::string_view name) {
  return manager_event_time(run, "write", name);
}

}  // namespace distsim::sim
