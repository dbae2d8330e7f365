// source_read_time: the manager reads each file it opened in the very microsecond the file's
// size allows at the site's read bandwidth: S bytes take S / read_bandwidth seconds, rounded up to
// the microsecond (scenarios/FORMAT.md, `site.read_bandwidth`). S is the size the file system
// gave the open (the open record's `size`), not what a listing said before: a file replaced
// between the listing and the open takes the time of what is in it. Every read of the manager is
// judged against its handle's open; a crash ends the process's handles, and a close ends a
// handle's claim (a handle closed by a forced disconnect is read only to fail).
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

struct OpenFile {
  int64_t handle = 0;
  TimeUs opened_us = 0;
  uint64_t size = 0;
};

// Wide enough for any size in micro-bytes: computed in one piece, not the manager's way.
__extension__ using Wide = unsigned __int128;

// S bytes at B bytes a second, in microseconds rounded up; saturated far past any run.
TimeUs read_time_us(uint64_t size, uint64_t bytes_per_second) {
  const Wide micro_bytes = static_cast<Wide>(size) * 1'000'000U;
  const Wide us = (micro_bytes + bytes_per_second - 1) / bytes_per_second;
  constexpr auto kFarPastAnyRun = static_cast<Wide>(INT64_MAX / 2);
  return static_cast<TimeUs>(std::min(us, kFarPastAnyRun));
}

}  // namespace

void check_source_read_time(const History& history, Violations& violations) {
  const RunResult& run = *history.run;
  const uint64_t bandwidth = std::max<uint64_t>(run.site.read_bandwidth_bytes_per_second, 1);
  const auto& records = history.records();
  std::vector<OpenFile> open;  // the manager's file handles; a few at a time
  const auto find = [&open](int64_t handle) {
    return std::find_if(open.begin(), open.end(),
                        [handle](const OpenFile& file) { return file.handle == handle; });
  };
  for (size_t index = 0; index < records.size(); ++index) {
    const RecordKind kind = history.kinds[index];
    if (kind.is(RecordActor::world, RecordEvent::crash)) {
      open.clear();
      continue;
    }
    if (kind.actor != RecordActor::manager ||
        (kind.event != RecordEvent::open && kind.event != RecordEvent::read &&
         kind.event != RecordEvent::close)) {
      continue;
    }
    const TraceRecord& record = records[index];
    const auto handle = number_field(record, "handle");
    if (!handle) continue;  // a refused open
    if (kind.event == RecordEvent::open) {
      // A directory's open gives no size; nothing reads it.
      if (const auto size = number_field(record, "size")) {
        open.push_back({*handle, record.t_us, static_cast<uint64_t>(std::max<int64_t>(*size, 0))});
      }
      continue;
    }
    const auto found = find(*handle);
    if (found == open.end()) continue;
    const OpenFile file = *found;
    open.erase(found);
    if (kind.event == RecordEvent::close) continue;
    const TimeUs takes_us = read_time_us(file.size, bandwidth);
    const TimeUs due_us = file.opened_us + takes_us;
    if (record.t_us == due_us) continue;
    const TimeUs off_us = record.t_us > due_us ? record.t_us - due_us : due_us - record.t_us;
    violations.push_back(
        {"source_read_time",
         fmt::format("the read of {} (opened at {} with {} bytes) comes at {}, {} us {}: {} bytes "
                     "at the site's read bandwidth of {} bytes a second take {} us",
                     text_field(record, "path"), clock_text(file.opened_us), file.size,
                     clock_text(record.t_us), off_us, record.t_us > due_us ? "late" : "early",
                     file.size, bandwidth, takes_us),
         record.t_us});
  }
}

}  // namespace distsim::sim::invariant_detail
