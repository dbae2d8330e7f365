// retry_history: once an administrator deletes a package's Retry History key (KB Q319207: that
// stops SMS 2.0's retries), no pass of the package starts until a pass of it ends (which writes
// the key anew) or an update or refresh of it starts a new cycle; the first pass of a cycle is no
// retry and is never stopped. Judged from the world's record of the deletion and the trace's
// passes and notifications, not from the manager's log.
#include <fmt/format.h>

#include <functional>
#include <map>
#include <string_view>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {

void check_retry_history(const History& history, Violations& violations) {
  if (history.retry_history_deletions.empty()) return;
  const auto& records = history.records();
  // Per package, the latest notification so far and whether a pass began since: the first pass
  // after a notification is its cycle's first (the one an update or refresh asked for, even when
  // a crash made it wait), never a retry, so no key is read for it.
  std::map<std::string_view, bool, std::less<>> began_since_notification;
  size_t next_notification = 0;
  for (const PassSpan& pass : history.passes) {
    for (; next_notification < history.notifications.size() &&
           history.notifications[next_notification] < pass.start_record;
         ++next_notification) {
      const TraceRecord& notification = records[history.notifications[next_notification]];
      began_since_notification[text_field(notification, "package")] = false;
    }
    bool& began = began_since_notification[pass.package];
    const bool first_of_cycle = !began;
    began = true;
    if (first_of_cycle) continue;
    const auto deletion = history.retry_history_deleted_before(pass.package, pass.start_record);
    if (!deletion) continue;
    violations.push_back(
        {"retry_history",
         fmt::format("{}: a pass began at {} although its retry history was deleted at {} and "
                     "no pass of it ended and no update or refresh came since",
                     pass.package, clock_text(pass.start_us), clock_text(records[*deletion].t_us)),
         pass.start_us});
  }
}

}  // namespace distsim::sim::invariant_detail
