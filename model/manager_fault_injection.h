// Deliberate bugs for the tests of the checkers: each switch makes the Distribution Manager
// misbehave in one known way, so that a test can show that the oracles (the invariant checkers,
// the explorer) catch it. Every switch is off unless a test turns it on for a scope with
// ScopedManagerFaultInjection; neither the CLI nor scenario files can reach them (a tidy test
// checks that nothing outside model/ and tests/ names them).
#pragma once

namespace distsim::model {

struct ManagerFaultInjection {
  bool leak_source_handle = false;  // forget to close each source file after reading it
  bool partial_dp_copy = false;     // end each DP copy one file early and still report INSTALLED
  bool miscount_retries = false;    // status messages and Distmgr.log show one retry too many
  bool unsaved_dp_start = false;    // a DP copy's start is not saved to the state store
  bool fail_every_compression = false;  // every compression fails with 998, streams or not
  // the version being compressed is saved before its .PCK is written
  bool save_version_before_compression = false;
  // an update or refresh starts the retry counts afresh whatever update_resets_retries says
  bool updates_always_reset_retries = false;
  // a retry that fell due while the process was down runs at the restart whatever
  // due_while_down says
  bool overdue_retries_run_at_restart = false;
  // with retry_count_shown_in retry_message, no 62302 follows a 2302 that a retry follows
  bool omits_retry_messages = false;
  // a failed pass reports ERROR_ACCESS_DENIED (5) whatever the file system refused it with
  bool reports_access_denied = false;
  // under retry_unit package, a pass whose DP copies failed ends with 2301 as if they had copied
  bool hides_failed_copies = false;
  // dp_retry_decided copy_end is ignored: a failed DP copy's retry is decided when the work ends
  bool ignores_dp_retry_decided = false;
  // every copy to a DP gets the DP's whole bandwidth, however many copies share it
  bool copies_take_whole_link = false;
  // a copy's share of the links never grows: when other copies end, it goes on at its old rate
  bool shares_never_grow = false;
  // a source read, and a compression of what was read, take the time of the sizes the listing
  // gave, not of the files opened
  bool reads_timed_by_listing = false;
  // a source file the manager cannot open is left out of the version, and the pass goes on
  bool skips_unopenable_source_files = false;
  // a source folder that cannot be listed raises no 2306 on the ConfigMgr profiles
  bool omits_source_not_accessible = false;
  friend bool operator==(const ManagerFaultInjection&, const ManagerFaultInjection&) = default;
};

// The switches in force now (all off outside a ScopedManagerFaultInjection).
[[nodiscard]] ManagerFaultInjection manager_fault_injection();

// Turns switches on for its lifetime. Test-only; not thread-safe against managers running while
// it is constructed or destroyed (create it before the runs, destroy it after them).
class ScopedManagerFaultInjection {
 public:
  explicit ScopedManagerFaultInjection(ManagerFaultInjection faults);
  ~ScopedManagerFaultInjection();
  ScopedManagerFaultInjection(const ScopedManagerFaultInjection&) = delete;
  ScopedManagerFaultInjection& operator=(const ScopedManagerFaultInjection&) = delete;

 private:
  ManagerFaultInjection previous_;
};

}  // namespace distsim::model
