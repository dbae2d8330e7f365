// copy_bandwidth: every file the manager copies to a DP is written when the network allows, to
// the microsecond. Each copy under way to a DP gets an equal share of that DP's bandwidth and,
// where the site limits its outgoing bandwidth, an equal share of that among all copies under
// way; its rate is the smaller of the two, and at least one byte a second (model/README.md,
// "DP copies"). The copies under way are read from the trace, not from the manager's bookkeeping
// (model/dp_links.h): the manager's open of a file on a DP share starts one; the first write or
// close of that handle, or a crash of the manager, ends it. Between two changes of that set every
// rate is constant, so each copy's progress is summed here segment by segment in micro-bytes, as
// exact integers, and a write that succeeds must come in the very microsecond its last byte
// arrives: not before (faster than the links), not after (a link left idle).
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

constexpr uint64_t kMicroPerUnit = 1'000'000;

struct Copy {
  int64_t handle = 0;
  size_t dp = 0;  // index into the run's distribution points
  size_t open_record = 0;
  uint64_t size_bytes = 0;
  uint64_t remaining_micro_bytes = 0;  // bytes x 10^6 still to send
  TimeUs since_us = 0;                 // remaining_micro_bytes is as of this time
  uint64_t bytes_per_second = 1;
  std::optional<TimeUs> done_us;  // when its last byte arrived
};

class CopyLinks {
 public:
  explicit CopyLinks(const RunResult& run)
      : run_(run), copies_per_dp_(run.distribution_points.size(), 0) {}

  // Every copy's progress up to now_us, at the rates since the last change.
  void advance(TimeUs now_us) {
    for (Copy& copy : copies_) {
      if (!copy.done_us) {
        const uint64_t rate = copy.bytes_per_second;
        const uint64_t whole_us =
            copy.remaining_micro_bytes / rate + (copy.remaining_micro_bytes % rate != 0 ? 1 : 0);
        const auto elapsed_us = static_cast<uint64_t>(now_us - copy.since_us);
        if (elapsed_us >= whole_us) {
          copy.done_us = copy.since_us + static_cast<TimeUs>(whole_us);
          copy.remaining_micro_bytes = 0;
        } else {
          copy.remaining_micro_bytes -= rate * elapsed_us;
        }
      }
      copy.since_us = now_us;
    }
  }

  void start(Copy copy) {
    ++copies_per_dp_[copy.dp];
    copies_.push_back(copy);
    share();
  }

  // The copy on `handle`, removed from those under way; nullopt when it is none of them.
  std::optional<Copy> end(int64_t handle) {
    const auto found = std::find_if(copies_.begin(), copies_.end(),
                                    [handle](const Copy& copy) { return copy.handle == handle; });
    if (found == copies_.end()) return std::nullopt;
    const Copy copy = *found;
    copies_.erase(found);
    --copies_per_dp_[copy.dp];
    share();
    return copy;
  }

  void clear() {
    copies_.clear();
    std::fill(copies_per_dp_.begin(), copies_per_dp_.end(), 0);
  }

 private:
  void share() {
    const auto outgoing = run_.site.outgoing_bandwidth_bytes_per_second;
    const auto total = static_cast<uint64_t>(copies_.size());
    for (Copy& copy : copies_) {
      uint64_t rate =
          run_.distribution_points[copy.dp].bandwidth_bytes_per_second / copies_per_dp_[copy.dp];
      if (outgoing) rate = std::min(rate, *outgoing / total);
      copy.bytes_per_second = std::max<uint64_t>(rate, 1);
    }
  }

  const RunResult& run_;
  std::vector<Copy> copies_;
  std::vector<uint64_t> copies_per_dp_;  // by index into the run's distribution points
};

// The DP whose share holds `path`, as an index into the run's distribution points.
std::optional<size_t> dp_of(const RunResult& run, std::string_view path) {
  for (size_t index = 0; index < run.distribution_points.size(); ++index) {
    if (path_below(path, run.distribution_points[index].share)) return index;
  }
  return std::nullopt;
}

}  // namespace

void check_copy_bandwidth(const History& history, Violations& violations) {
  const RunResult& run = *history.run;
  if (run.distribution_points.empty()) return;
  const auto& records = history.records();
  // The size each handle's write carries: an open does not say how much will be written.
  std::map<int64_t, uint64_t> written_bytes;
  for (size_t index = 0; index < records.size(); ++index) {
    if (!history.kinds[index].is(RecordActor::manager, RecordEvent::write)) continue;
    const auto handle = number_field(records[index], "handle");
    const auto size = number_field(records[index], "size");
    if (handle && size && *size >= 0) written_bytes.emplace(*handle, static_cast<uint64_t>(*size));
  }
  CopyLinks links(run);
  for (size_t index = 0; index < records.size(); ++index) {
    const RecordKind kind = history.kinds[index];
    const TraceRecord& record = records[index];
    if (kind.is(RecordActor::world, RecordEvent::crash)) {
      links.clear();  // the process and its copies are gone
      continue;
    }
    if (kind.actor != RecordActor::manager) continue;
    const bool opening = kind.event == RecordEvent::open;
    if (!opening && kind.event != RecordEvent::write && kind.event != RecordEvent::close) continue;
    const auto handle = number_field(record, "handle");
    if (!handle) continue;
    if (opening) {
      if (number_field(record, "win32").value_or(0) != 0) continue;
      const auto dp = dp_of(run, text_field(record, "path"));
      if (!dp) continue;
      links.advance(record.t_us);
      Copy copy;
      copy.handle = *handle;
      copy.dp = *dp;
      copy.open_record = index;
      const auto size = written_bytes.find(*handle);
      // Never written (a crash or the end of the run came first): it only takes its share.
      copy.size_bytes = size == written_bytes.end() ? UINT64_MAX : size->second;
      copy.remaining_micro_bytes = copy.size_bytes > UINT64_MAX / kMicroPerUnit
                                       ? UINT64_MAX
                                       : copy.size_bytes * kMicroPerUnit;
      copy.since_us = record.t_us;
      links.start(copy);
      continue;
    }
    links.advance(record.t_us);
    const std::optional<Copy> ended = links.end(*handle);
    if (!ended || kind.event != RecordEvent::write ||
        number_field(record, "win32").value_or(0) != 0) {
      continue;
    }
    if (ended->done_us == record.t_us) continue;
    const std::string_view path = text_field(record, "path");
    const auto& dp = run.distribution_points[ended->dp];
    const std::string when =
        ended->done_us
            ? fmt::format("{} us after its last byte arrived, at {}", record.t_us - *ended->done_us,
                          clock_text(*ended->done_us))
            : fmt::format("before its last byte could arrive ({} of {} bytes still to send)",
                          ended->remaining_micro_bytes / kMicroPerUnit +
                              (ended->remaining_micro_bytes % kMicroPerUnit != 0 ? 1 : 0),
                          ended->size_bytes);
    violations.push_back(
        {"copy_bandwidth",
         fmt::format("the copy of {} ({} bytes, begun at {}) is written at {}, {}: {}'s {} bytes "
                     "a second{} shared equally among the copies under way",
                     path, ended->size_bytes, clock_text(records[ended->open_record].t_us),
                     clock_text(record.t_us), when, dp.name, dp.bandwidth_bytes_per_second,
                     run.site.outgoing_bandwidth_bytes_per_second
                         ? fmt::format(" and the site's outgoing {} bytes a second",
                                       *run.site.outgoing_bandwidth_bytes_per_second)
                         : std::string()),
         record.t_us});
  }
}

}  // namespace distsim::sim::invariant_detail
