// Why an expectation came out as it did, for someone reading a CI report without running
// anything: when it was decided (virtual time and the site clock), and the evidence it was
// decided on — for counts the attempts counted, for states the last transition, for status
// message counts the messages counted, for the component status the severity counts and the
// thresholds. Attempts carry the refused file operation that ended them and the handles to blame.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/site_config.h"
#include "sim/check/expectations.h"
#include "sim/world/world.h"

namespace distsim::sim {

struct ExpectationEvidence {
  // "decided at 02:00:02.921 (site clock Thu Nov 16 2000 10:00:02.921 Coordinated Universal
  // Time)"; a result without a time of its own was decided at the end of the run.
  std::string decided;
  std::vector<std::string> lines;  // the evidence, one fact a line
};

[[nodiscard]] ExpectationEvidence expectation_evidence(const RunResult& run,
                                                       const ExpectationResult& result);

// "Thu Nov 16 2000 10:00:02.921 Coordinated Universal Time": the site's local clock at t_us.
[[nodiscard]] std::string site_clock_moment(const model::SiteConfig& site, TimeUs t_us);

// "failed with error 32 (ERROR_SHARING_VIOLATION) opening C:\Src\Pkg\Thumbs.db": how a pass
// ended, without its start or retry.
[[nodiscard]] std::string pass_outcome_text(const PassRecord& pass);

// "held by admin-window (explorer_window, RmExplorer) since 00:00:00, GENERIC_READ|GENERIC_WRITE,
// share READ" (with the lock range, and the handle's path when it is not the refused one).
[[nodiscard]] std::string culprit_text(const Culprit& culprit, const std::string& refused_path);

// One line per blamed handle of the pass's refusal (none when nothing is to blame).
[[nodiscard]] std::vector<std::string> blame_lines(const PassRecord& pass);

// What each copy to a DP of `pass` did, when the pass line alone does not say: the pass made
// copies to more than one DP and did not succeed, so another DP may have failed otherwise, or
// been installed. "copy to DP02 at 00:00:20: error 32 (ERROR_SHARING_VIOLATION) opening
// \\DP02\SMSPKGC$\S0100021\data1.cab at 00:00:20.512", each followed (indented) by the handles
// behind its refusal when the pass's blame lines do not already name them. At most
// kDpCopyLinesMax copies, then a line counting the rest.
inline constexpr size_t kDpCopyLinesMax = 8;
[[nodiscard]] std::vector<std::string> dp_copy_lines(const PassRecord& pass);

// When an administrator deleted the retry history of `pass`'s package between the end of that
// pass (number `index` of its package, 0-based) and the package's next pass, so that the retry it
// scheduled, or the redo of a pass a crash cut short, did not run (model/README.md, "Deleting
// the retry history"). Decided by the order the world saw, not by times, and only when the
// manager then read the deleted key: a pass that is no retry (one an update or refresh asked
// for) reads none, and runs.
[[nodiscard]] std::optional<TimeUs> retry_history_deleted_after(const RunResult& run,
                                                                const PassRecord& pass,
                                                                size_t index);

// The manager's downtime (a crash until its restart, or until the end of the run) in which a
// retry due at `due_us` fell, or null: the reason its attempt began later than it was due.
[[nodiscard]] const RunResult::ManagerDowntime* downtime_at(const RunResult& run, TimeUs due_us);

// The attempt table of one package: "attempt   1  at 00:00:00.120  failed with ..., retry at
// 01:00:00.240", each followed by its blame lines and DP copy lines (indented), in pass order. A
// package with more passes shows its first kAttemptTableFirst and last kAttemptTableLast, and one
// line counting the rest: a one-second retry held for a day would otherwise print 86,400 of them.
inline constexpr size_t kAttemptTableFirst = 10;
inline constexpr size_t kAttemptTableLast = 10;
[[nodiscard]] std::vector<std::string> attempt_table(const RunResult& run,
                                                     const std::string& package_id);

}  // namespace distsim::sim
