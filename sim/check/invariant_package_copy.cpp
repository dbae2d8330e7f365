// package_copy: a DP copy never reads a compressed copy (`<PackageID>.PCK` in the package store)
// that the manager created and did not finish writing. Opening the .PCK to write it (create
// always) leaves it empty until the compression writes it; a crash, a failed write or a pass that
// skips the compression leaves it so. Judged from the manager's opens and writes of the .PCK in
// the trace, not from what the manager says it compressed.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

bool names_any(const TraceList& access, std::initializer_list<std::string_view> rights) {
  return std::any_of(access.begin(), access.end(), [&rights](std::string_view right) {
    return std::find(rights.begin(), rights.end(), right) != rights.end();
  });
}

// Where one package's .PCK stands in the trace so far.
struct PackageCopy {
  std::string package;
  std::string path;
  // The manager's open that created it (write access, no read access) while no write followed;
  // nullopt once written, or once a holder changed it (then its content is not the manager's).
  std::optional<size_t> unwritten_since;
};

}  // namespace

void check_package_copies(const History& history, Violations& violations) {
  std::vector<PackageCopy> copies;
  for (const auto& [package, source] : history.sources) {
    copies.push_back({package, history.package_copy_path(package), std::nullopt});
  }
  if (copies.empty()) return;
  const auto& records = history.records();
  for (size_t index = 0; index < records.size(); ++index) {
    const RecordKind kind = history.kinds[index];
    const bool by_manager = kind.actor == RecordActor::manager;
    const bool relevant =
        (by_manager && (kind.event == RecordEvent::open || kind.event == RecordEvent::write)) ||
        (kind.actor == RecordActor::holder &&
         (kind.event == RecordEvent::write || kind.event == RecordEvent::delete_file ||
          kind.event == RecordEvent::rename));
    if (!relevant) continue;
    // Most of these records are about other files: the path rules them out before any other
    // field is looked up.
    const TraceRecord& record = records[index];
    const std::string_view path = text_field(record, "path");
    const std::string_view to =
        kind.event == RecordEvent::rename ? text_field(record, "to") : std::string_view();
    const auto copy = std::find_if(copies.begin(), copies.end(), [&](const PackageCopy& each) {
      return same_path(path, each.path) || same_path(to, each.path);
    });
    if (copy == copies.end() || text_field(record, "result") != "ok") continue;
    if (!by_manager || kind.event == RecordEvent::write) {
      copy->unwritten_since.reset();
      continue;
    }
    const TraceList access = list_field(record, "access");
    const bool writes = names_any(access, {"GENERIC_WRITE", "FILE_WRITE_DATA", "GENERIC_ALL"});
    const bool reads = names_any(access, {"GENERIC_READ", "FILE_READ_DATA", "GENERIC_ALL"});
    // An open that may both read and write cannot be told apart from the trace: a creation is
    // then judged only by the write that follows it.
    if (writes && !reads) {
      copy->unwritten_since = index;
    } else if (reads && !writes && copy->unwritten_since) {
      const TimeUs created_us = records[*copy->unwritten_since].t_us;
      violations.push_back(
          {"package_copy",
           fmt::format("a DP copy of {} opens {} at {}, which the manager created at {} and has "
                       "not written since",
                       copy->package, copy->path, clock_text(record.t_us), clock_text(created_us)),
           record.t_us});
      copy->unwritten_since.reset();  // one finding per creation
    }
  }
}

}  // namespace distsim::sim::invariant_detail
