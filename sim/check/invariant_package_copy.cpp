// package_copy: a DP copy never reads a compressed copy (`<PackageID>.PCK` in the package store)
// that the manager created and did not finish writing. Opening the .PCK to write it (create
// always) leaves it empty until the compression writes it; a crash, a failed write or a pass that
// skips the compression leaves it so. Judged from the manager's opens, reads, writes and closes of
// the .PCK in the trace, not from what the manager says it compressed.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/file_access.h"
#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

// The rights that write or read a file's data, as the loader requires them of `pck_create_open`
// and `pck_read_open`.
constexpr uint32_t kWritesData = model::access_bits::kFileWriteData |
                                 model::access_bits::kGenericWrite |
                                 model::access_bits::kGenericAll;
constexpr uint32_t kReadsData = model::access_bits::kFileReadData |
                                model::access_bits::kGenericRead | model::access_bits::kGenericAll;

// Where one package's .PCK stands in the trace so far.
struct PackageCopy {
  std::string package;
  std::string path;
  // The manager's open that created it (write access, no read access) while no write followed;
  // nullopt once written, or once a holder changed it (then its content is not the manager's).
  std::optional<size_t> unwritten_since;
  std::optional<size_t> reported_creation;  // one finding per creation
};

// A manager's read-only open of an unwritten .PCK, judged when its handle closes: a DP copy
// copies from the handle without a read record, while a source read (a package whose source
// folder holds the package store) reads it, which is no copy of the package.
struct OpenRead {
  size_t copy = 0;  // index into the copies
  int64_t handle = 0;
  size_t record = 0;
  size_t created = 0;  // the open that created the .PCK
  bool read = false;
};

class PackageCopyJudge {
 public:
  PackageCopyJudge(const History& history, Violations& violations)
      : history_(history), violations_(violations) {
    for (const auto& [package, source] : history.sources) {
      copies_.push_back({package, history.package_copy_path(package), std::nullopt, std::nullopt});
    }
  }

  [[nodiscard]] bool idle() const { return copies_.empty(); }

  void record(size_t index, RecordKind kind) {
    const bool by_manager = kind.actor == RecordActor::manager;
    const bool relevant =
        (by_manager && (kind.event == RecordEvent::open || kind.event == RecordEvent::write ||
                        kind.event == RecordEvent::read || kind.event == RecordEvent::close)) ||
        (kind.actor == RecordActor::holder &&
         (kind.event == RecordEvent::write || kind.event == RecordEvent::delete_file ||
          kind.event == RecordEvent::rename));
    if (!relevant) return;
    // Most of these records are about other files: the path rules them out before any other
    // field is looked up.
    const TraceRecord& record = history_.records()[index];
    const std::string_view path = text_field(record, "path");
    const std::string_view to =
        kind.event == RecordEvent::rename ? text_field(record, "to") : std::string_view();
    const auto copy = std::find_if(copies_.begin(), copies_.end(), [&](const PackageCopy& each) {
      return same_path(path, each.path) || same_path(to, each.path);
    });
    if (copy == copies_.end()) return;
    if (by_manager && (kind.event == RecordEvent::read || kind.event == RecordEvent::close)) {
      handle_event(record, kind.event == RecordEvent::close);
      return;
    }
    if (text_field(record, "result") != "ok") return;
    if (!by_manager || kind.event == RecordEvent::write) {
      copy->unwritten_since.reset();
      return;
    }
    const uint32_t access = access_bits_of(list_field(record, "access"));
    const bool writes = (access & kWritesData) != 0;
    const bool reads = (access & kReadsData) != 0;
    // An open that may both read and write is not judged: the trace does not say whether it
    // created the file or opened it to copy from.
    if (writes && !reads) {
      copy->unwritten_since = index;
    } else if (reads && !writes && copy->unwritten_since) {
      open_reads_.push_back({static_cast<size_t>(copy - copies_.begin()),
                             number_field(record, "handle").value_or(-1), index,
                             *copy->unwritten_since, false});
    }
  }

  // The opens whose handle the trace never closed (the run ended first).
  void finish() {
    for (const OpenRead& open : open_reads_) judge(open);
    open_reads_.clear();
  }

 private:
  void handle_event(const TraceRecord& record, bool closed) {
    const int64_t handle = number_field(record, "handle").value_or(-1);
    const auto open =
        std::find_if(open_reads_.begin(), open_reads_.end(),
                     [handle](const OpenRead& each) { return each.handle == handle; });
    if (open == open_reads_.end()) return;
    if (!closed) {
      open->read = true;
      return;
    }
    judge(*open);
    open_reads_.erase(open);
  }

  void judge(const OpenRead& open) {
    PackageCopy& copy = copies_[open.copy];
    if (open.read || copy.reported_creation == open.created) return;
    const auto& records = history_.records();
    const TimeUs t_us = records[open.record].t_us;
    violations_.push_back(
        {"package_copy",
         fmt::format("a DP copy of {} opens {} at {}, which the manager created at {} and has "
                     "not written since",
                     copy.package, copy.path, clock_text(t_us),
                     clock_text(records[open.created].t_us)),
         t_us});
    copy.reported_creation = open.created;
  }

  const History& history_;
  Violations& violations_;
  std::vector<PackageCopy> copies_;
  std::vector<OpenRead> open_reads_;
};

}  // namespace

void check_package_copies(const History& history, Violations& violations) {
  PackageCopyJudge judge(history, violations);
  if (judge.idle()) return;
  for (size_t index = 0; index < history.records().size(); ++index) {
    judge.record(index, history.kinds[index]);
  }
  judge.finish();
}

}  // namespace distsim::sim::invariant_detail
