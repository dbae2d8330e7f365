// copy_bandwidth: every file the manager copies to a DP is written when the network allows, to
// the microsecond. Each copy under way to a DP gets an equal share of that DP's bandwidth and,
// where the site limits its outgoing bandwidth, an equal share of that among all copies under
// way; its rate is the smaller of the two, and at least one byte a second (model/README.md,
// "DP copies"). The copies under way are read from the trace, not from the manager's bookkeeping
// (model/dp_links.h): the manager's open for writing of a file on a DP share starts one (a site
// whose DP copies open without a write right writes nothing, so is not judged); the first write or
// close of that handle, or a crash of the manager, ends it. Between two changes of that set every
// rate is constant, so each copy's progress is summed here segment by segment in micro-bytes
// (bytes x 10^6, so that a rate in bytes a second times microseconds adds exactly), and a write
// that succeeds must come in the very microsecond its last byte arrives: not before (faster than
// the links allow), not after (a link left idle). The write says how much the copy was; the open
// need not.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

constexpr uint64_t kMicroPerUnit = 1'000'000;
constexpr uint64_t kSaturated = std::numeric_limits<uint64_t>::max();

struct Copy {
  int64_t handle = 0;
  size_t dp = 0;  // index into the run's distribution points
  size_t open_record = 0;
  uint64_t sent_micro_bytes = 0;  // up to since_us; saturates far past any file's size
  TimeUs since_us = 0;
  uint64_t bytes_per_second = 1;
  // The rate over the copy's last microsecond before since_us (0: no time has passed since it
  // began): what it had sent one microsecond earlier tells whether its last byte came before.
  uint64_t last_rate = 0;
};

class CopyLinks {
 public:
  explicit CopyLinks(const RunResult& run)
      : run_(run), copies_per_dp_(run.distribution_points.size(), 0) {}

  [[nodiscard]] bool empty() const { return copies_.empty(); }

  // Every copy's progress up to now_us, at the rates since the last change.
  void advance(TimeUs now_us) {
    for (Copy& copy : copies_) {
      const auto elapsed_us = static_cast<uint64_t>(now_us - copy.since_us);
      if (elapsed_us == 0) continue;
      uint64_t sent = 0;
      if (__builtin_mul_overflow(copy.bytes_per_second, elapsed_us, &sent) ||
          __builtin_add_overflow(copy.sent_micro_bytes, sent, &copy.sent_micro_bytes)) {
        copy.sent_micro_bytes = kSaturated;
      }
      copy.last_rate = copy.bytes_per_second;
      copy.since_us = now_us;
    }
  }

  void start(const Copy& copy) {
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
  if (!path.starts_with("\\\\")) return std::nullopt;  // shares are UNC paths
  for (size_t index = 0; index < run.distribution_points.size(); ++index) {
    if (path_below(path, run.distribution_points[index].share)) return index;
  }
  return std::nullopt;
}

// "2 us" late, or the bytes still to send of one written early.
std::string mismatch_text(const Copy& copy, uint64_t size_micro_bytes) {
  if (copy.sent_micro_bytes < size_micro_bytes) {
    const uint64_t missing = size_micro_bytes - copy.sent_micro_bytes;
    return fmt::format("before its last byte could arrive ({} bytes still to send)",
                       missing / kMicroPerUnit + (missing % kMicroPerUnit != 0 ? 1 : 0));
  }
  // At the rate of its last stretch, which ran past its last byte.
  const uint64_t excess = copy.sent_micro_bytes - size_micro_bytes;
  return fmt::format("{} us after its last byte arrived", excess / copy.last_rate);
}

}  // namespace

void check_copy_bandwidth(const History& history, Violations& violations) {
  const RunResult& run = *history.run;
  if (run.distribution_points.empty()) return;
  const auto& records = history.records();
  CopyLinks links(run);
  for (size_t index = 0; index < records.size(); ++index) {
    const RecordKind kind = history.kinds[index];
    if (kind.is(RecordActor::world, RecordEvent::crash)) {
      links.clear();  // the process and its copies are gone
      continue;
    }
    if (kind.actor != RecordActor::manager) continue;
    const bool opening = kind.event == RecordEvent::open;
    const bool writing = kind.event == RecordEvent::write;
    // A write or close matters only while copies are under way; most opens are of the source.
    if (!opening && ((!writing && kind.event != RecordEvent::close) || links.empty())) continue;
    const TraceRecord& record = records[index];
    if (opening) {
      const auto dp = dp_of(run, text_field(record, "path"));
      if (!dp || number_field(record, "win32").value_or(0) != 0 ||
          (access_bits_of(list_field(record, "access")) & kWritesFileData) == 0) {
        continue;  // a DP copy creates its file to write it; a source read on a DP share is none
      }
      const auto handle = number_field(record, "handle");
      if (!handle) continue;
      links.advance(record.t_us);
      Copy copy;
      copy.handle = *handle;
      copy.dp = *dp;
      copy.open_record = index;
      copy.since_us = record.t_us;
      links.start(copy);
      continue;
    }
    const auto handle = number_field(record, "handle");
    if (!handle) continue;
    links.advance(record.t_us);
    const std::optional<Copy> ended = links.end(*handle);
    if (!ended || !writing || number_field(record, "win32").value_or(0) != 0) continue;
    const auto size =
        static_cast<uint64_t>(std::max<int64_t>(number_field(record, "size").value_or(0), 0));
    const uint64_t size_micro_bytes =
        size > kSaturated / kMicroPerUnit ? kSaturated : size * kMicroPerUnit;
    // All its bytes by now, and not all of them a microsecond earlier.
    const bool complete = ended->sent_micro_bytes >= size_micro_bytes;
    const bool just_now = ended->last_rate == 0
                              ? size_micro_bytes == 0 || complete
                              : ended->sent_micro_bytes - ended->last_rate < size_micro_bytes;
    if (complete && (just_now || size_micro_bytes == kSaturated)) continue;  // past kFileBytesMax
    const auto& dp = run.distribution_points[ended->dp];
    violations.push_back(
        {"copy_bandwidth",
         fmt::format("the copy of {} ({} bytes, begun at {}) is written at {}, {}: {}'s {} bytes "
                     "a second{} shared equally among the copies under way",
                     text_field(record, "path"), size, clock_text(records[ended->open_record].t_us),
                     clock_text(record.t_us), mismatch_text(*ended, size_micro_bytes), dp.name,
                     dp.bandwidth_bytes_per_second,
                     run.site.outgoing_bandwidth_bytes_per_second
                         ? fmt::format(" and the site's outgoing {} bytes a second",
                                       *run.site.outgoing_bandwidth_bytes_per_second)
                         : std::string()),
         record.t_us});
  }
}

}  // namespace distsim::sim::invariant_detail
