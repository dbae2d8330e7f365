// The timeline of one run as the drawings need it: who held which handle and when, the waits
// between a failed pass and its retry, faults, and the point events (status messages, refusals,
// retries scheduled), derived from the run's passes and trace records. The Chrome trace and the
// HTML report both draw it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/ports.h"
#include "sim/core/trace.h"
#include "sim/scenario/scenario.h"
#include "sim/world/world.h"

namespace distsim::sim {

// The trace actors of the manager process and of the world itself (faults, crashes).
inline constexpr std::string_view kManagerTraceActor = "distmgr";
inline constexpr std::string_view kWorldTraceActor = "world";
// Lanes one track may use for spans that overlap; spans beyond the last lane share it.
inline constexpr uint32_t kTimelineLanesMax = 16;

struct TimelinePackage {
  std::string id;
  std::string name;    // empty for a package the scenario does not create
  std::string source;  // its source folder, for telling the manager's handles apart
};

struct TimelineHolder {
  std::string name;  // the holder's trace actor
  std::string kind;  // "temp_user", ...; empty for an actor the scenario does not declare
};

// One handle from a successful open to its close.
struct HandleSpan {
  std::string actor;
  int64_t handle = 0;
  std::string path;
  std::vector<std::string> access;
  std::vector<std::string> share;
  bool data = false;  // read, write or delete access: the handle takes part in sharing checks
  // The manager's handles: the package whose pass opened it, where that is unambiguous.
  std::string package_id;
  TimeUs open_us = 0;
  std::optional<TimeUs> close_us;  // empty: still open when the run ended
};

// From the end of a pass that scheduled a retry to that retry (or to the package's next pass
// when one started sooner, or to the horizon).
struct RetryWait {
  std::string package_id;
  uint32_t attempt = 0;  // the pass that ended
  TimeUs start_us = 0;
  TimeUs end_us = 0;
  TimeUs retry_us = 0;  // when the retry was due
};

// A fault from its start to its end; a crash of the manager lasts until its restart.
struct FaultSpan {
  std::string fault;   // "dp_unreachable", "dp_disk_full", "crash"
  std::string target;  // a DP name, or "distribution_manager"
  TimeUs start_us = 0;
  std::optional<TimeUs> end_us;  // empty: still on when the run ended
};

enum class MarkKind { status_message, refusal, retry_scheduled, dp_state, holder_event };

// A point event. Refusals are the failed file operations of any actor.
struct TimelineMark {
  MarkKind kind = MarkKind::status_message;
  TimeUs t_us = 0;
  std::string actor;
  std::string_view event;          // the trace record's event, always a string literal
  std::string package_id;          // where one applies (the manager's refusals: as for HandleSpan)
  std::string label;               // "2302", "ERROR_SHARING_VIOLATION", "retry 2", "scan_start"
  std::string detail;              // one line for people
  uint32_t status_id = 0;          // status messages only
  char severity = 'I';             // status messages only: I, W or E
  std::vector<TraceField> fields;  // the trace record's own fields
};

struct Timeline {
  std::vector<TimelinePackage> packages;  // the scenario's order, then any other that appears
  std::vector<TimelineHolder> holders;    // the scenario's order, then any other actor
  std::vector<HandleSpan> handles;        // in the order they were opened
  std::vector<RetryWait> waits;           // in the order the passes ended
  std::vector<FaultSpan> faults;          // in the order they started
  std::vector<TimelineMark> marks;        // in trace order
  // The last moment anything happened or was due (a retry), at most the horizon.
  TimeUs activity_end_us = 0;
  TimeUs until_us = 0;  // the run's horizon: where open spans end
};

// Requires a run made with RunOptions::trace for handles, faults and marks (passes and waits come
// from RunResult::passes and exist either way).
[[nodiscard]] Timeline build_timeline(const Scenario& scenario, const RunResult& run);

// "success", "retry", "failed", "interrupted".

struct LaneSpan {
  TimeUs start_us = 0;
  TimeUs end_us = 0;
};

// How spans may share a lane: `nest` when one contains the other or they do not overlap (what a
// Chrome trace thread needs), `disjoint` only when they do not overlap (what a drawing needs).
enum class LaneRule { nest, disjoint };

// A lane (0 first) for each span, lowest that fits. Requires the spans sorted by start, longer
// first on equal starts. Never more than kTimelineLanesMax lanes.
[[nodiscard]] std::vector<uint32_t> assign_lanes(const std::vector<LaneSpan>& spans, LaneRule rule);

}  // namespace distsim::sim
