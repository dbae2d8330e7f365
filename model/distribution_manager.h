// The Distribution Manager state machine (SMS_DISTRIBUTION_MANAGER): takes package notifications
// (new, update, refresh), runs processing passes (2300; read the source; optional compressed
// copy; copy to each distribution point; 2301 or 2302), and retries by its policy, per package
// (sms2) or per distribution point (ConfigMgr). It sees the world only through its ports, never
// waits, and keeps all progress as explicit state so that a pass can span virtual time.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/distmgr_log.h"
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
  // short or whose retry fell due while the process was down, and re-arms the other retries.
  // Call once, after the DPs are added and before any notification.
  void recover();

  // The scheduler calls this at the time a wake_at() asked for.
  void on_wake(WakeToken token);

  [[nodiscard]] const SiteConfig& config() const { return config_; }
  [[nodiscard]] std::vector<PackageStatus> package_statuses() const;
  // Handles the manager holds open right now (a pass reading or copying).
  [[nodiscard]] uint32_t open_handle_count() const;

 private:
  struct SourceFile {
    std::string path;           // full source path
    std::string relative_path;  // below the source directory
    uint64_t size_bytes = 0;
  };
  // Retry bookkeeping of one retry unit (a package, or one DP of a package).
  struct RetryState {
    uint32_t retries_done = 0;
    TimeUs first_attempt_start_us = 0;
    TimeUs previous_delay_us = 0;
    std::optional<TimeUs> due_us;  // a retry is scheduled for then
    uint32_t generation = 0;       // increases when pending wake-ups become stale
  };
  struct DpSlot {
    uint32_t dp_index = 0;
    bool needs_copy = true;
    RetryState retry;  // per-DP profiles only
  };
  // Where one DP copy of a pass stands. A job is started in job order, at most
  // threads_per_package at once; the pass concludes when none is waiting or copying.
  enum class DpJobState : uint8_t {
    waiting,    // not started yet
    copying,    // started; holds handles and has a copy_done wake-up pending
    done,       // ended; `error` says how
    cancelled,  // an update or refresh restarted the cycle before it started: the next pass copies
  };
  struct DpJob {
    uint32_t slot = 0;
    uint32_t file_index = 0;
    HandleId handle = 0;
    HandleId package_copy_handle = 0;  // the .PCK, held open while copying from it
    DpJobState state = DpJobState::waiting;
    Win32Error error = Win32Error::ok;
    // Started before an update or refresh restarted the retry cycle: it copies the old version,
    // so its outcome neither installs the DP nor counts against the new cycle.
    bool old_cycle = false;
  };
  enum class Phase { idle, queued, reading, compressing, copying };
  struct PackageRecord {
    PackageDefinition definition;
    PackageStatus status;
    std::vector<DpSlot> slots;  // parallel to status.distribution_points
    Phase phase = Phase::idle;
    uint32_t generation = 0;  // increases with every pass; read/copy wake-ups assert they match
    uint32_t thread_id = 0;
    bool snapshot_valid = false;     // the source was read and nothing asked to re-read it
    bool rerun_after_pass = false;   // something asked for a pass while one was running
    bool cycle_restarted = false;    // an update or refresh arrived during the running pass
    bool clear_dp_folders = false;   // sms2 update: delete the DP package folders first
    bool retries_exhausted = false;  // package-level retries ran out (until an update/refresh)
    std::vector<SourceFile> files;
    std::vector<FileContent> snapshot;
    uint32_t file_index = 0;
    uint32_t reading_version = 0;  // status.update_count when the current read began
    HandleId source_handle = 0;
    std::vector<DpJob> dp_jobs;
    uint32_t next_dp_job = 0;
    RetryState retry;    // package-level
    bool dirty = false;  // changed since last saved to the state store
  };
  // Notifications (distribution_manager.cpp).
  [[nodiscard]] uint32_t package_index_of(const std::string& package_id) const;
  void restart_cycle(uint32_t package_index, const std::vector<std::string>& dp_names);

  // The queue and the admission of passes (distribution_manager_queue.cpp).
  void queue_pass(uint32_t package_index);
  void wake_waiting_retries(uint32_t except_index);
  void start_queued_passes();
  void start_pass(uint32_t package_index);
  // Asks the scheduler to call on_wake() with `wake` at at_us.
  void wake_at(TimeUs at_us, const ManagerWake& wake);
  void dispatch_wake(const ManagerWake& wake);
  void on_retry_due(const ManagerWake& wake);
  void on_dp_retry_due(const ManagerWake& wake);

  // The pass: reading the source and compressing it (distribution_manager_source.cpp).
  void begin_reading(uint32_t package_index);
  [[nodiscard]] Win32Error list_source(PackageRecord& record);
  void read_next_file(uint32_t package_index);
  void finish_read(uint32_t package_index);
  void start_compression(uint32_t package_index);
  void finish_compression(uint32_t package_index);

  // The pass: copies to distribution points (distribution_manager_copies.cpp).
  void start_copies(uint32_t package_index);
  void advance_copies(uint32_t package_index);
  void start_dp_job(uint32_t package_index, uint32_t job_index);
  [[nodiscard]] Win32Error clear_dp_folder(const std::string& folder);
  void copy_next_file(uint32_t package_index, uint32_t job_index);
  void finish_copy(uint32_t package_index, uint32_t job_index);
  void end_dp_job(uint32_t package_index, uint32_t job_index, Win32Error error);
  void conclude_copies(uint32_t package_index);
  // True when a DP retry was scheduled, false when the DP went to INSTALL_FAILED.
  [[nodiscard]] bool retry_dp_or_fail(PackageRecord& record, uint32_t package_index, uint32_t slot,
                                      Win32Error error);

  // The pass: endings (2301 / 2302), package retries and states (distribution_manager_endings.cpp).
  void finish_pass(uint32_t package_index, PassResult result, Win32Error error);
  void fail_pass(uint32_t package_index, Win32Error error);
  [[nodiscard]] RetryDecision package_retry_decision(const PackageRecord& record, Win32Error error,
                                                     TimeUs now_us);
  void log_package_failure(const PackageRecord& record, const RetryDecision& decision,
                           const std::string& next_retry);
  void schedule_package_retry(uint32_t package_index, TimeUs delay_us);
  void end_pass(uint32_t package_index);
  void refresh_package_state(PackageRecord& record);
  void set_dp_state(PackageRecord& record, uint32_t slot, DpState state);

  // Persistence: the state store and a restart (distribution_manager_persistence.cpp).
  void mark_dirty(uint32_t package_index);
  void save_dirty();
  [[nodiscard]] StoredPackage stored_form(const PackageRecord& record) const;
  void restore(const StoredPackage& stored);
  void account_interrupted_attempts(uint32_t package_index);

  // Helpers shared by the phases (distribution_manager.cpp).
  [[nodiscard]] std::string dp_package_path(const PackageRecord& record, uint32_t slot) const;
  [[nodiscard]] std::string package_copy_path(const PackageRecord& record) const;
  void log(std::string_view text, uint32_t thread_id, LogSeverity severity = LogSeverity::info);
  void raise(uint32_t id, std::vector<std::string> insertions, const PackageRecord& record,
             uint32_t thread_id, std::string dp_name = {},
             std::optional<Severity> severity = std::nullopt);
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
  uint32_t next_thread_id_ = 0x129;
};

}  // namespace distsim::model
