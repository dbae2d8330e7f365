// source_read_time: the manager reads each file it opened in the very microsecond the file's
// size allows at the site's read bandwidth: S bytes take S / read_bandwidth seconds, rounded up to
// the microsecond (scenarios/FORMAT.md, `site.read_bandwidth`). S is the size the file system
// gave the open (the open record's `size`), not what a listing said before: a file replaced
// between the listing and the open takes the time of what is in it. A compression takes the same
// time for the bytes its pass read in its last reading of the source (the files read since the
// listing): the compressed copy (.PCK) the manager creates (the open with a disposition that
// creates, whatever rights the site gives it) is written, or given up, exactly that long after
// its open. Every read of the manager is judged against its handle's open, whatever rights it
// asked; a crash ends the process's handles, and a close ends a handle's claim (a handle closed by
// a forced disconnect is read only to fail). A compression whose pass's thread the trace does not
// name, or whose pass read nothing, is not judged.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

// Wide enough for any size in micro-bytes: computed in one piece, not the manager's way.
__extension__ using Wide = unsigned __int128;

// S bytes at B bytes a second, in microseconds rounded up; saturated far past any run.
TimeUs read_time_us(uint64_t size, uint64_t bytes_per_second) {
  const Wide micro_bytes = static_cast<Wide>(size) * 1'000'000U;
  const Wide us = (micro_bytes + bytes_per_second - 1) / bytes_per_second;
  constexpr auto kFarPastAnyRun = static_cast<Wide>(INT64_MAX / 2);
  return static_cast<TimeUs>(std::min(us, kFarPastAnyRun));
}

struct OpenFile {
  int64_t handle = 0;
  size_t open_record = 0;
  uint64_t size = 0;             // at the open; for a compression, the bytes its pass read
  int64_t thread = 0;            // the processing thread the open names (source reads), or 0
  std::string_view compressing;  // the package, for the open that creates its .PCK
};

class ReadTimes {
 public:
  ReadTimes(const History& history, Violations& violations)
      : history_(history),
        violations_(violations),
        bandwidth_(std::max<uint64_t>(history.run->site.read_bandwidth_bytes_per_second, 1)) {
    for (const auto& [package, source] : history.sources) {
      copy_paths_.emplace_back(package, history.package_copy_path(package));
    }
  }

  void crash() {
    open_.clear();
    read_bytes_.clear();
  }

  // A reading of the source begins with its listing, and a compression takes what the last
  // reading read: an update during a pass makes it read the source again. (Thread ids are also
  // reused: a restarted manager counts them afresh.)
  void listed(const TraceRecord& record) {
    if (const auto thread = number_field(record, "thread")) read_bytes_.erase(*thread);
  }

  void open(size_t index, const TraceRecord& record, int64_t handle) {
    const auto size = number_field(record, "size");
    if (!size) return;  // a directory's open: nothing reads it
    OpenFile file{handle,
                  index,
                  static_cast<uint64_t>(std::max<int64_t>(*size, 0)),
                  number_field(record, "thread").value_or(0),
                  {}};
    // The compression creates its .PCK; a DP copy opens the one there (whatever rights a site
    // gives either). Any other open may be read: only the manager's reads of its sources come.
    const bool creates = !text_field(record, "disposition").empty();
    const std::string_view package =
        creates ? compressed_package(text_field(record, "path")) : std::string_view();
    if (!package.empty()) {
      const auto read = bytes_read_by_pass(package, index);
      if (!read) return;
      file.size = *read;
      file.compressing = package;
    }
    open_.push_back(file);
  }

  // A read, write or close of the manager's `handle`.
  void use(RecordEvent event, const TraceRecord& record, int64_t handle) {
    const auto found = std::find_if(open_.begin(), open_.end(), [handle](const OpenFile& file) {
      return file.handle == handle;
    });
    if (found == open_.end()) return;
    const bool compression = !found->compressing.empty();
    // A read ends with its read; a compression with its write, or its close when the compressor
    // gives up. A handle closed first makes no claim.
    const bool ends = compression ? event != RecordEvent::read : event == RecordEvent::read;
    if (!ends) {
      if (event == RecordEvent::close) open_.erase(found);
      return;
    }
    const OpenFile file = *found;
    open_.erase(found);
    if (!compression && number_field(record, "win32").value_or(0) == 0 && file.thread != 0) {
      read_bytes_[file.thread] +=
          static_cast<uint64_t>(std::max<int64_t>(number_field(record, "size").value_or(0), 0));
    }
    judge(file, record);
  }

 private:
  // The package whose compressed copy `path` is, or empty.
  [[nodiscard]] std::string_view compressed_package(std::string_view path) const {
    for (const auto& [package, copy] : copy_paths_) {
      if (same_path(path, copy)) return package;
    }
    return {};
  }

  // What the pass of `package` under way at record `index` read, by the thread the trace names
  // on its opens; nullopt when that is unknown or nothing.
  [[nodiscard]] std::optional<uint64_t> bytes_read_by_pass(std::string_view package,
                                                           size_t index) const {
    for (auto pass = history_.passes.rbegin(); pass != history_.passes.rend(); ++pass) {
      if (pass->start_record > index || pass->package != package) continue;
      if (pass->end_record && *pass->end_record < index) return std::nullopt;
      const auto read = read_bytes_.find(pass->thread);
      if (pass->thread == 0 || read == read_bytes_.end()) return std::nullopt;
      return read->second;
    }
    return std::nullopt;
  }

  void judge(const OpenFile& file, const TraceRecord& record) {
    const TimeUs opened_us = history_.records()[file.open_record].t_us;
    const TimeUs takes_us = read_time_us(file.size, bandwidth_);
    const TimeUs due_us = opened_us + takes_us;
    if (record.t_us == due_us) return;
    const TimeUs off_us = record.t_us > due_us ? record.t_us - due_us : due_us - record.t_us;
    const std::string what =
        file.compressing.empty()
            ? fmt::format("the read of {} (opened at {} with {} bytes) comes",
                          text_field(record, "path"), clock_text(opened_us), file.size)
            : fmt::format(
                  "the compression of {} into {} (begun at {} after its pass read {} "
                  "bytes) ends",
                  file.compressing, text_field(record, "path"), clock_text(opened_us), file.size);
    violations_.push_back(
        {"source_read_time",
         fmt::format("{} at {}, {} us {}: {} bytes at the site's read bandwidth of {} bytes a "
                     "second take {} us",
                     what, clock_text(record.t_us), off_us, record.t_us > due_us ? "late" : "early",
                     file.size, bandwidth_, takes_us),
         record.t_us});
  }

  const History& history_;
  Violations& violations_;
  uint64_t bandwidth_;
  std::vector<std::pair<std::string_view, std::string>> copy_paths_;  // package, its .PCK
  std::vector<OpenFile> open_;              // the manager's file handles; a few at a time
  std::map<int64_t, uint64_t> read_bytes_;  // per processing thread: what its pass has read
};

}  // namespace

void check_source_read_time(const History& history, Violations& violations) {
  const auto& records = history.records();
  ReadTimes times(history, violations);
  for (size_t index = 0; index < records.size(); ++index) {
    const RecordKind kind = history.kinds[index];
    if (kind.is(RecordActor::world, RecordEvent::crash)) {
      times.crash();
      continue;
    }
    if (kind.is(RecordActor::manager, RecordEvent::list_directory)) {
      times.listed(records[index]);
      continue;
    }
    if (kind.actor != RecordActor::manager ||
        (kind.event != RecordEvent::open && kind.event != RecordEvent::read &&
         kind.event != RecordEvent::write && kind.event != RecordEvent::close)) {
      continue;
    }
    const TraceRecord& record = records[index];
    const auto handle = number_field(record, "handle");
    if (!handle) continue;  // a refused open
    if (kind.event == RecordEvent::open) {
      times.open(index, record, *handle);
    } else {
      times.use(kind.event, record, *handle);
    }
  }
}

}  // namespace distsim::sim::invariant_detail
