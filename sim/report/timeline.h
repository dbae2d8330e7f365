// The timeline of one run as the drawings need it: who held which handle and when, the waits
// between a failed pass and its retry, faults, and the point events (status messages, refusals,
// retries scheduled), derived from the run's passes and trace records; which distribution point
// each of the manager's handles and marks concerns, and which handles each refusal ran into. The
// Chrome trace and the HTML report both draw it.
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

// Lanes one track may use for spans that overlap; spans beyond the last lane share it.
inline constexpr uint32_t kTimelineLanesMax = 16;

struct TimelinePackage {
  std::string id;
  std::string name;    // empty for a package the scenario does not create
  std::string source;  // its source folder, for telling the manager's handles apart
  // The DPs it is distributed to (their names): the run's final status, then any other DP its
  // marks or handles concern.
  std::vector<std::string> dps;
};

struct TimelineDp {
  std::string name;
  std::string share;  // '\\DP01\SMSPKGC$': paths below it are on this DP
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
  std::string dp;  // the DP whose share holds `path`, by name; empty off the DP shares
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
  std::string_view event;  // the trace record's event, always a string literal
  std::string package_id;  // where one applies (the manager's refusals: as for HandleSpan)
  std::string label;       // "2302", "ERROR_SHARING_VIOLATION", "attempt 2" (a retry), "scan_start"
  std::string detail;      // one line for people
  uint32_t status_id = 0;  // status messages only
  char severity = 'I';     // status messages only: I, W or E
  std::vector<TraceField> fields;  // the trace record's own fields (views of the run's trace)
  // The DP the manager's mark concerns (a status message's `dp` share, a dp_state or a DP retry,
  // a refusal below a DP share), by name; empty when it concerns the package as a whole.
  std::string dp;
  std::string path;  // refusals: the path of the refused operation
  // Refusals: the handles (indices into Timeline::handles) that refused it. When the record has
  // a `blame` field these are the handles it names and blame_from_trace is set; otherwise they
  // are the handles open at that moment on the same path (or below it, for an operation on a
  // folder), narrowed to those whose sharing conflicts with a refused open where that leaves any.
  std::vector<size_t> blockers;
  bool blame_from_trace = false;
};

// A refusal record's `blame` field, as the timeline reads it: a list of strings (or one string),
// one per handle that caused the refusal, each the world's culprit text
// "actor=NAME kind=... handle=N ... path=P" or the short form "NAME#N"; an empty list says no
// handle caused it (a missing file, an unreachable share). Alternatively `blame_actor` (string)
// with `blame_handle` (number) name one handle.
inline constexpr std::string_view kBlameField = "blame";

struct Timeline {
  std::vector<TimelinePackage> packages;  // the scenario's order, then any other that appears
  std::vector<TimelineHolder> holders;    // the scenario's order, then any other actor
  std::vector<TimelineDp> dps;            // the scenario's order
  std::vector<HandleSpan> handles;        // in the order they were opened
  std::vector<RetryWait> waits;           // in the order the passes ended
  std::vector<FaultSpan> faults;          // in the order they started
  std::vector<TimelineMark> marks;        // in trace order
  // The first and the last moment anything happened (a pass, a handle opened or closed, a mark, a
  // fault) or was due (a retry), within the horizon; both 0 when nothing happened. The trace's
  // own bookkeeping records (header, end, expectations) do not count.
  TimeUs activity_start_us = 0;
  TimeUs activity_end_us = 0;
  TimeUs until_us = 0;  // the run's horizon: where open spans end
};

// Requires a run made with RunOptions::trace for handles, faults and marks (passes and waits come
// from RunResult::passes and exist either way).
[[nodiscard]] Timeline build_timeline(const Scenario& scenario, const RunResult& run);

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

// The DP whose share `path` lies on (compared without case), or nullptr.
[[nodiscard]] const TimelineDp* dp_of_path(const std::vector<TimelineDp>& dps,
                                           std::string_view path);

}  // namespace distsim::sim
