// The Distribution Manager state machine (SMS_DISTRIBUTION_MANAGER): takes package notifications
// (new, update, refresh), runs processing passes (2300; read the source; optional compressed
// copy; copy to each distribution point; 2301 or 2302), and retries by its policy, per package
// (sms2) or per distribution point (ConfigMgr, where a DP retry is DP thread work, not a pass). It
// sees the world only through its ports, never waits, and keeps all progress as explicit state so
// that a pass can span virtual time.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/distmgr_log.h"
#include "model/dp_links.h"
#include "model/package.h"
#include "model/ports.h"
#include "model/random_port.h"
#include "model/retry_policy.h"
#include "model/site_config.h"
#include "model/state_store.h"

namespace distsim::model {

struct ManagerWake;  // model/manager_wake.h: what a WakeToken means to the manager

struct ManagerPorts {
  FileSystemPort& file_system;
  SchedulerPort& scheduler;
  ReporterPort& reporter;
  RandomPort& random;
  StateStorePort& state_store;
};

inline constexpr uint32_t kMainThreadId = 225;  // as in KB244405's Distmgr.log excerpt
inline constexpr uint32_t kSourceFilesPerPackageMax = 100'000;
inline constexpr uint32_t kSourceDirectoryDepthMax = 64;
inline constexpr uint32_t kManagedPackagesMax = (1u << 24) - 1;
inline constexpr uint32_t kManagedDistributionPointsMax = 4095;

class DistributionManager {
 public:
  DistributionManager(SiteConfig config, ManagerPorts ports);

  // Requires a unique name; call before packages arrive.
  void add_distribution_point(DistributionPointDefinition definition);

  // A new package notification: queues its first pass now. Requires an unknown id and DP names
  // that were added.
  void package_created(PackageDefinition definition);
  // "Update distribution points": re-read the source (a new version) and recopy it to every DP
  // of the package; resets the retry counts. Requires a known id.
  void package_updated(const std::string& package_id);
  // "Refresh": recopy the current version to the named DPs (all when empty), without re-reading
  // the source unless no version was read yet; resets those DPs' retry counts.
  void package_refreshed(const std::string& package_id, const std::vector<std::string>& dp_names);

  // After a restart: reads the state store back, re-queues packages whose pass the crash cut
  // short, whose retry fell due while the process was down, or for which an update, refresh or
  // retry asked for a pass while other work ran, and re-arms the other retries.
  // Call once, after the DPs are added and before any notification. `stopped_us` is when the
  // process stopped (a service's event log gives it): due_while_down wait_again postpones only
  // retries that fell due since then.
  void recover(TimeUs stopped_us);

  // The scheduler calls this at the time a wake_at() asked for.
  void on_wake(WakeToken token);

  [[nodiscard]] const SiteConfig& config() const { return config_; }
  [[nodiscard]] std::vector<PackageStatus> package_statuses() const;

 private:
  // Retry bookkeeping of one retry unit (a package, or one DP of a package).
  struct RetryState {
    uint32_t retries_done = 0;
    TimeUs first_attempt_start_us = 0;
    TimeUs previous_delay_us = 0;
    std::optional<TimeUs> due_us;  // a retry is scheduled for then
    TimeUs decided_us = 0;         // ... decided then, at the end of the failed attempt
    // DP attempts of this cycle a crash cut short that used no retry (crash_uses_retry false):
    // with retries_done they account for every attempt that got no decision of its own.
    uint32_t uncounted_interruptions = 0;
    uint32_t generation = 0;  // increases when pending wake-ups become stale
    // When the latest attempt began. Not stored: a crash ends the attempt without a decision.
    TimeUs attempt_start_us = 0;
    // Retries used in earlier cycles that this one goes on counting (update_resets_retries
    // false), and whether first_attempt_start_us is such an earlier cycle's.
    uint32_t retries_before_cycle = 0;
    bool start_carried = false;
    // The unit's latest attempt succeeded (2301, or 2330 for a DP): the next cycle starts afresh.
    bool succeeded = false;
    [[nodiscard]] uint32_t retries_used() const { return retries_before_cycle + retries_done; }
    // A new retry cycle: nothing done or due, and the old cycle's wake-ups stale.
    [[nodiscard]] RetryState restarted() const {
      RetryState fresh;
      fresh.generation = generation + 1;
      return fresh;
    }
    // A new retry cycle that goes on counting: nothing due, the old cycle's wake-ups stale, but
    // the retries used, the last delay and the first attempt's start kept (`attempted`: the old
    // cycle made an attempt).
    [[nodiscard]] RetryState continued(bool attempted) const {
      RetryState next = restarted();
      next.retries_before_cycle = retries_used();
      next.previous_delay_us = previous_delay_us;
      next.start_carried = start_carried || attempted;
      if (next.start_carried) next.first_attempt_start_us = first_attempt_start_us;
      return next;
    }
  };
  struct DpSlot {
    uint32_t dp_index = 0;
    bool needs_copy = true;
    RetryState retry;  // per-DP profiles only
    // INSTALL_FAILED because the package's own retries ran out, not because of this DP's copies:
    // any restart of the package's retry cycle makes it pending again.
    bool failed_with_package = false;
  };
  // Where one DP copy stands. A job is started in job order, at most threads_per_package at
  // once; the pass (or the DP retry work) concludes when none is waiting or copying.
  enum class DpJobState : uint8_t {
    waiting,    // not started yet
    copying,    // started; holds handles and has a copy_done wake-up pending
    done,       // ended; `error` says how
    cancelled,  // an update or refresh restarted the cycle before it started: the next pass copies
  };
  struct DpJob {
    uint32_t slot = 0;
    uint32_t file_index = 0;
    uint32_t thread_id = 0;  // the DP thread (per-DP profiles) or the processing thread (sms2)
    HandleId handle = 0;
    HandleId package_copy_handle = 0;  // the .PCK, held open while copying from it
    std::string folder;                // the package's folder on the DP (dp_package_path)
    DpJobState state = DpJobState::waiting;
    Win32Error error = Win32Error::ok;
    // Started before an update or refresh restarted the retry cycle: it copies the old version,
    // so its outcome neither installs the DP nor counts against the new cycle.
    bool old_cycle = false;
    // dp_retry_decided copy_end: the failure's retry was decided as the copy failed (`retried`:
    // a retry was scheduled, else the DP failed for good), so that the work's conclusion does not
    // decide it a second time.
    bool decided = false;
    bool retried = false;
    // The copy_done wake-up that counts: the link's share changes whenever another copy starts
    // or ends, and each change issues a new wake-up for the new completion time.
    uint32_t copy_wake = 0;
    TimeUs copy_done_us = 0;
    // The folder the last file was copied into and the file system's hint for it: the next file
    // in the same folder is opened through the hint (FileSystemPort::open_in).
    std::string hinted_folder;
    FolderHint folder_hint;
  };
  enum class Phase {
    idle,
    queued,       // waiting for a processing thread
    reading,      // processing thread: listing and reading the source
    compressing,  // processing thread: writing the .PCK, or waiting for the compression lock
    copying,      // processing thread: its DP threads copy
    dp_retries,   // no processing thread: DP threads copy the DPs whose retry fell due
  };
  struct PackageRecord {
    PackageDefinition definition;
    PackageStatus status;
    std::vector<DpSlot> slots;  // parallel to status.distribution_points
    Phase phase = Phase::idle;
    uint32_t generation = 0;  // increases with every pass; read/compress wake-ups assert they match
    uint32_t thread_id = 0;
    // The DP whose failed copy's error the pass reports, set as the copies are concluded; moved
    // into the pass's end report, so a later pass starts without one.
    std::string failed_copy_dp;
    bool holds_thread = false;  // the running work is a processing pass (max_packages)
    // An update, refresh or retry asked for a pass while a pass or DP retry work ran; saved, so
    // that a restart runs it.
    bool rerun_after_pass = false;
    bool cycle_restarted = false;    // an update or refresh arrived during the running pass
    bool clear_dp_folders = false;   // sms2 update: delete the DP package folders first
    bool retries_exhausted = false;  // package-level retries ran out (until an update/refresh)
    // The version read and still wanted; null when the next pass must read the source.
    std::shared_ptr<const PackageContent> content;
    // What the running copies copy (the content when they started).
    std::shared_ptr<const PackageContent> copy_content;
    // The file system's hints for the names of copy_content's files, by index: every DP gets the
    // same names. Kept across versions (a hint for another name is merely not used).
    std::vector<NameHint> copy_name_hints;
    // The folder of the source file read last and the file system's hint for it: the next file
    // read from the same folder is opened through it.
    std::string read_folder;
    FolderHint read_folder_hint;
    std::vector<SourceFile> files;      // the read under way
    std::vector<FileContent> snapshot;  // parallel to files, as far as read
    uint32_t file_index = 0;
    uint32_t source_opens_refused = 0;  // of files[file_index], retried in this pass
    uint32_t reading_version = 0;       // status.update_count when the current read began
    HandleId source_handle = 0;
    std::vector<DpJob> dp_jobs;
    uint32_t next_dp_job = 0;
    // Counts of dp_jobs by state, kept by set_job_state() so that a copy's completion does not
    // scan the jobs: those copying, and those not ended (waiting or copying).
    uint32_t copying_jobs = 0;
    uint32_t unfinished_jobs = 0;
    RetryState retry;  // package-level
    // Changed since last saved to the state store: all of it (`dirty_whole`), or only what every
    // save writes (the package's status, retry state and flags) and the DP slots in dirty_slots.
    bool dirty_whole = false;
    std::vector<uint32_t> dirty_slots;
    [[nodiscard]] bool dirty() const { return dirty_whole || !dirty_slots.empty(); }
  };
  // Notifications (distribution_manager.cpp).
  [[nodiscard]] uint32_t package_index_of(const std::string& package_id) const;
  void restart_cycle(uint32_t package_index, const std::vector<std::string>& dp_names);

  // The queue and the admission of passes (distribution_manager_queue.cpp).
  void queue_pass(uint32_t package_index);
  void wake_waiting_retries(uint32_t except_index);
  void start_queued_passes();
  // Whether an administrator deleted the package's retry history before the retry the manager
  // has in mind; if so the retry is dropped (logged) and the package waits for an update or
  // refresh.
  bool drop_retry_if_history_deleted(uint32_t package_index);
  void start_pass(uint32_t package_index);
  // Asks the scheduler to call on_wake() with `wake` at at_us.
  void wake_at(TimeUs at_us, const ManagerWake& wake);
  void dispatch_wake(const ManagerWake& wake);
  void on_retry_due(const ManagerWake& wake);

  // The pass: reading the source and compressing it (distribution_manager_source.cpp).
  void begin_reading(uint32_t package_index);
  [[nodiscard]] Win32Error list_source(PackageRecord& record);
  void read_next_file(uint32_t package_index);
  [[nodiscard]] bool open_source_again_later(uint32_t package_index, Win32Error error);
  void finish_read(uint32_t package_index);
  void start_compression(uint32_t package_index);
  void begin_compression(uint32_t package_index);
  void finish_compression(uint32_t package_index);
  // Hands the compression lock to the next package waiting for it, if any.
  void release_compression(uint32_t package_index);

  // The pass: copies to distribution points (distribution_manager_copies.cpp).
  void start_copies(uint32_t package_index);
  // The job list of a new pass or DP retry run: empty, then waiting jobs added.
  static void clear_dp_jobs(PackageRecord& record);
  static void add_dp_job(PackageRecord& record, uint32_t slot);
  // Moves a job to `state`, keeping the record's counts of jobs by state.
  static void set_job_state(PackageRecord& record, DpJob& job, DpJobState state);
  void advance_copies(uint32_t package_index);
  void disconnect_users_if_due(const PackageRecord& record, const DpJob& job);
  void start_dp_job(uint32_t package_index, uint32_t job_index);
  [[nodiscard]] Win32Error clear_dp_folder(const std::string& folder);
  // Starts the job's next file, or ends the job. link_under_way: the job's link still carries the
  // file just finished (finish_copy hands it over, so that the link restarts instead of stopping
  // and starting again).
  void copy_next_file(uint32_t package_index, uint32_t job_index, bool link_under_way = false);
  void on_copy_done(const ManagerWake& wake);
  void finish_copy(uint32_t package_index, uint32_t job_index);
  // Re-issues the copy_done wake-ups whose completion time moved after a copy started or ended.
  void schedule_copy_wakes();
  // `failed_path`: the file or folder whose operation failed, named in the failure's log line.
  void end_dp_job(uint32_t package_index, uint32_t job_index, Win32Error error,
                  const std::string& failed_path = {});
  void conclude_copies(uint32_t package_index);

  // Per-DP retries: DP threads without a processing thread (distribution_manager_dp_retries.cpp).
  void on_dp_retry_due(const ManagerWake& wake);
  // Adds a waiting DP job for every DP whose retry is due and that has none yet.
  void add_due_dp_jobs(uint32_t package_index);
  [[nodiscard]] bool any_dp_retry_due(const PackageRecord& record) const;
  void start_dp_retries(uint32_t package_index);
  void conclude_dp_retries(uint32_t package_index);
  // Raises 2328 per failed DP and schedules its retry or marks it INSTALL_FAILED; returns how
  // the failures leave the package (PassResult::retry or ::failed), success when none failed.
  [[nodiscard]] PassResult retry_failed_dps(uint32_t package_index,
                                            std::optional<Win32Error>& first_error,
                                            std::optional<TimeUs>& next_retry_us);
  // True when a DP retry was scheduled, false when the DP went to INSTALL_FAILED.
  [[nodiscard]] bool retry_dp_or_fail(uint32_t package_index, const DpJob& job);

  // The pass: endings (2301 / 2302), package retries and states (distribution_manager_endings.cpp).
  void finish_pass(uint32_t package_index, PassResult result, Win32Error error);
  void fail_pass(uint32_t package_index, Win32Error error);
  // The end report of `record`'s pass, taking the DP whose copy failed with `error` (if any).
  [[nodiscard]] PassEndReport pass_end_report(PackageRecord& record, PassResult result,
                                              Win32Error error);
  // Per-DP profiles: DP copies failed in this pass; each DP is retried on its own.
  void fail_pass_for_dps(uint32_t package_index, PassResult result, Win32Error error,
                         std::optional<TimeUs> next_retry_us);
  [[nodiscard]] RetryDecision package_retry_decision(const PackageRecord& record, Win32Error error,
                                                     TimeUs now_us);
  void raise_package_failed(const PackageRecord& record, Win32Error error,
                            const std::string& next_retry, bool retry_follows);
  void log_package_failure(const PackageRecord& record, const RetryDecision& decision,
                           const std::string& next_retry);
  void log_thread_exit(const PackageRecord& record);
  void schedule_package_retry(uint32_t package_index, const RetryDecision& decision);
  void end_pass(uint32_t package_index);
  void refresh_package_state(PackageRecord& record);
  void set_dp_state(PackageRecord& record, uint32_t slot, DpState state);

  // Persistence: the state store and a restart (distribution_manager_persistence.cpp).
  // The package changed in any way; or only in DP slot `slot` and in what every save writes.
  void mark_dirty(uint32_t package_index);
  void mark_slot_dirty(uint32_t package_index, uint32_t slot);
  void save_dirty();
  // Fills `stored` (reusing its storage: every entry point saves) with what survives a crash.
  static void fill_stored_form(const PackageRecord& record, StoredPackage& stored);
  // Brings a saved form up to date in what every save writes and in the record's dirty slots.
  static void update_saved_form(const PackageRecord& record, StoredPackage& stored);
  [[nodiscard]] static StoredRetry stored_retry(const RetryState& retry);
  void postpone_overdue_retries(uint32_t package_index, bool work_in_progress, TimeUs stopped_us,
                                TimeUs now_us);
  [[nodiscard]] static StoredDp stored_dp(const DpSlot& slot);
  // The package's flags and content version, which every save writes.
  static void fill_package_flags(const PackageRecord& record, StoredPackage& stored);
  void restore(const StoredPackage& stored);
  // Returns whether the package needs a pass now.
  [[nodiscard]] bool account_interrupted_attempts(uint32_t package_index, bool pass);

  // Helpers shared by the phases (distribution_manager.cpp).
  [[nodiscard]] std::string dp_package_path(const PackageRecord& record, uint32_t slot) const;
  [[nodiscard]] std::string package_copy_path(const PackageRecord& record) const;
  [[nodiscard]] uint32_t next_thread_id();
  void end_entry();
  void log(std::string text, uint32_t thread_id, LogSeverity severity = LogSeverity::info);
  void raise(uint32_t id, std::vector<std::string> insertions, const PackageRecord& record,
             uint32_t thread_id, std::string dp_name = {},
             std::optional<Severity> severity = std::nullopt,
             MessageForm form = MessageForm::standard);
  // A package message in a form other than the standard one, on the package's thread.
  void raise_in_form(MessageForm form, uint32_t id, std::vector<std::string> insertions,
                     const PackageRecord& record);
  [[nodiscard]] TimeUs transfer_time_us(uint64_t size_bytes, uint64_t bytes_per_second) const;
  [[nodiscard]] std::string local_time_text(TimeUs t_us) const;
  [[nodiscard]] std::string retry_count_text() const;

  SiteConfig config_;
  ManagerPorts ports_;
  std::vector<DistributionPointDefinition> distribution_points_;
  std::vector<PackageRecord> packages_;
  std::map<std::string, uint32_t> index_by_id_;
  std::vector<uint32_t> dirty_;  // packages to save at the end of the current entry point
  std::deque<uint32_t> queue_;   // packages waiting for a processing thread, in arrival order
  uint32_t active_passes_ = 0;
  // Thread IDs: the first is KB Q244405's 0x129 (297); each next one 4 higher (an assumption).
  uint32_t next_thread_id_ = 0x129;
  // CM-THREADS: one package thread compresses at a time. The package holding the lock, and the
  // packages waiting for it in arrival order.
  std::optional<uint32_t> compressing_;
  std::deque<uint32_t> compression_waiting_;
  DpLinks links_;
  uint32_t copy_wakes_issued_ = 0;
  uint64_t copy_wakes_for_changes_ = 0;  // links_.changes() when schedule_copy_wakes last looked
  StoredPackage stored_scratch_;         // save_dirty() fills it for each package it saves
  // The open of the file copy_next_file() creates, rebuilt in place for each file: the copy loop
  // allocates no path.
  OpenRequest copy_request_;
  OpenRequest read_request_;  // the open of the source file read_next_file() reads, likewise
};

}  // namespace distsim::model
