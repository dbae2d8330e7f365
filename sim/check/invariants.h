// Invariant checkers: properties every run must have, whatever the scenario. They judge only the
// trace and the world's ground truth (the VFS handle table and files at the end), never counters
// the manager reports about itself. Scenario expectations, the explorer and property tests use
// them.
#pragma once

#include <string>
#include <vector>

#include "sim/world/world.h"

namespace distsim::sim {

struct InvariantViolation {
  std::string invariant;  // "retry_bound"
  std::string detail;
  TimeUs t_us = 0;
};

// Every checker, by the name its violations carry. A retry unit is a package, or under a per-DP
// policy also each DP of a package; a retry cycle starts with each new, update or refresh
// notification that names the unit.
// retry_bound: no unit makes more attempts in one cycle than the policy allows, and no retry is
//   scheduled past the deadline (whatever the count, unlimited included).
// retry_give_up: the manager gives up on a unit only when the count is spent, the error is not
//   retryable or the next wait could pass the deadline.
// failure_error: the error a failed attempt reports (2302's, a DP copy's Distmgr.log line) is one
//   the file system refused the manager with during the attempt, on the unit's files.
// failed_copy_reported: a package's pass that ended with 2301 had none of its DP copies refused by
//   the file system, unless an update or refresh naming the DP came in after the copy began.
// retry_wait: a package's attempt after a failed one of its cycle has its retry scheduled in the
//   trace between them; each wait between a failed attempt and its retry lies within the policy's
//   bounds for that retry number and jitter, and the retry starts when it falls due (not before,
//   unless pulled forward by retry_on_wake at another package's notification; not later, when the
//   manager is free then); under dp_retry_decided copy_end a failed DP copy's 2328 comes in the
//   instant of the refusal that failed it.
// retry_count_text: 2302's "retries so far" (62302's where the site shows the count in a message
//   of its own) and the Distmgr.log lines of failed passes and DP copies give the failed attempts
//   of that cycle that the trace shows, and agree on whether and when a retry follows.
// handles_closed: no manager handle outlives the pass that opened it; the manager holds nothing
//   while no pass runs or after its process died; the VFS handle table at the end agrees with
//   the trace's open and close records of every actor.
// dp_content: a DP reported INSTALLED holds exactly the names, sizes and content versions of the
//   source version its copy came from.
// package_copy: a DP copy never reads a compressed copy (.PCK) the manager created and did not
//   write since.
// package_state: a package's state agrees with its DPs' states, and those with the trace.
// pass_messages: each pass raises one 2300 and (unless cut short) one 2301 or 2302; 2306 comes,
//   once, exactly in the passes whose source listing was refused, and never under sms2.
// thread_limit: at most max_packages processing passes at once, and at most threads_per_package
//   DPs of one package being copied at once.
// copy_bandwidth: each file copied to a DP is written in the microsecond its last byte arrives,
//   every copy under way getting an equal share of its DP's bandwidth and of the site's outgoing
//   bandwidth, recomputed from the trace's opens, writes and closes on DP shares.
// liveness: once the world is quiet, a unit whose policy still allows a retry gets installed.
// status_log_consistency: every status message raised has its STATMSG line in Distmgr.log, right
//   after it in the trace, with its ID, severity, component, thread, insertions and attributes.
// installed_has_time: an installed package has a time of installation within the run: the
//   trace's last report of one of its DPs becoming INSTALLED.
// source_open_retries: within a pass, a source file refused with 32 is opened again at most
//   site.source_open.retries times, each retry_interval after the refusal before.
// source_read_time: each file the manager reads is read exactly size / read_bandwidth after its
//   open, by the size the file system gave the open; each compression ends exactly the bytes of
//   its pass's last reading of the source / read_bandwidth after the .PCK's open.
// source_read_whole: a pass goes on to its copies only after reading every file its listings of
//   the source folder and its subfolders found.
// retry_history: after an administrator deleted a package's retry history, no retry of it begins
//   until a pass of it ends (which writes the key anew) or an update or refresh of it comes.
// user_disconnect: every handle, program or view a forced disconnect ended was a user's, in a
//   package folder on a DP that can disconnect, as a copy attempt of a package created with
//   disconnect_users starts, once that many attempts came before it in the cycle.
// They judge a whole trace or nothing: the run must be traced and its trace not truncated
// (callers give a truncated run a verdict of its own: trace_truncation_text).
[[nodiscard]] std::vector<InvariantViolation> check_invariants(const RunResult& run);

}  // namespace distsim::sim
