// thread_limit: the manager never runs more processing passes at once than max_packages allows,
// and never copies one package to more DPs at once than threads_per_package allows (counted
// from the trace: a DP copy holds its target file open while it copies).
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

void check_passes_at_once(const History& history, Violations& violations) {
  const uint32_t most = history.run->site.max_packages;
  std::multiset<size_t> ends;  // end records of the processing passes running (SIZE_MAX: none)
  for (const PassSpan& pass : history.passes) {  // in trace order
    if (pass.dp_retries) continue;  // DP retries run on DP threads, not processing threads
    ends.erase(ends.begin(), ends.upper_bound(pass.start_record));
    ends.insert(pass.end_record.value_or(SIZE_MAX));
    if (ends.size() <= most) continue;
    violations.push_back({"thread_limit",
                          fmt::format("{} processing passes run at once when the pass of {} "
                                      "begins; max_packages is {}",
                                      ends.size(), pass.package, most),
                          pass.start_us});
  }
}

void check_copies_at_once(const History& history, Violations& violations) {
  const uint32_t most = history.run->site.threads_per_package;
  // A world with no more DPs than that cannot copy a package to too many at once: the count is
  // of distinct DPs (most worlds; the trace need not be read).
  if (history.run->distribution_points.size() <= most) return;
  // Per package: the manager's open handles below each DP folder of it, by DP.
  // Keys are views of the trace and of the run's DP list, which outlive the check.
  // A DP's open handles are few (one per file copied at once): a vector searched in place
  // allocates once per DP where a set allocates per open.
  std::map<std::string_view, std::map<std::string_view, std::vector<int64_t>>> copying;
  std::set<std::string_view> reported;
  const auto& records = history.records();
  for (size_t index = 0; index < records.size(); ++index) {
    const RecordKind kind = history.kinds[index];
    const bool closing = kind.event == RecordEvent::close;
    if (kind.actor != RecordActor::manager || (kind.event != RecordEvent::open && !closing)) {
      continue;
    }
    const TraceRecord& record = records[index];
    const auto handle = number_field(record, "handle");
    if (!handle) continue;
    const std::string_view path = text_field(record, "path");
    for (const auto& dp : history.run->distribution_points) {
      if (!path_below(path, dp.share)) continue;
      const std::string_view below = relative_below(path, dp.share);
      const std::string_view package = below.substr(0, below.find('\\'));
      if (package.size() == below.size()) continue;  // not inside a package folder
      auto& dps_copying = copying[package];
      auto& handles = dps_copying[std::string_view(dp.name)];
      const auto found = std::find(handles.begin(), handles.end(), *handle);
      if (closing) {
        if (found != handles.end()) handles.erase(found);
        continue;
      }
      if (found == handles.end()) handles.push_back(*handle);
      uint32_t dps = 0;
      for (const auto& [name, open] : dps_copying) dps += open.empty() ? 0u : 1u;
      if (dps <= most || !reported.insert(package).second) continue;
      violations.push_back({"thread_limit",
                            fmt::format("{} is copied to {} DPs at once at {}; "
                                        "threads_per_package is {}",
                                        package, dps, clock_text(record.t_us), most),
                            record.t_us});
    }
  }
}

}  // namespace

void check_thread_limits(const History& history, Violations& violations) {
  check_passes_at_once(history, violations);
  check_copies_at_once(history, violations);
}

}  // namespace distsim::sim::invariant_detail
