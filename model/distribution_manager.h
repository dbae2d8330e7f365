// The Distribution Manager state machine (SMS_DISTRIBUTION_MANAGER): takes new packages, runs
// processing passes (status 2300, read the source, copy to each distribution point, 2301 or
// 2302), and schedules retries by its policy. It sees the world only through its ports, never
// waits, and keeps all progress as explicit state so that a pass can span virtual time.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "model/distmgr_log.h"
#include "model/package.h"
#include "model/ports.h"
#include "model/random_port.h"
#include "model/site_config.h"

namespace distsim::model {

struct ManagerPorts {
  FileSystemPort& file_system;
  SchedulerPort& scheduler;
  ReporterPort& reporter;
  RandomPort& random;
};

inline constexpr uint32_t kMainThreadId = 225;  // as in KB244405's Distmgr.log excerpt
inline constexpr uint32_t kSourceFilesPerPackageMax = 100'000;
inline constexpr uint32_t kSourceDirectoryDepthMax = 64;
inline constexpr uint32_t kManagedPackagesMax = 1 << 20;
inline constexpr uint32_t kManagedDistributionPointsMax = 4095;

class DistributionManager {
 public:
  DistributionManager(SiteConfig config, ManagerPorts ports);

  // Requires a unique name; call before packages arrive.
  void add_distribution_point(DistributionPointDefinition definition);

  // A new package notification (the console created it): queues its first pass at now.
  // Requires an id not seen before and DP names that were added.
  void package_created(PackageDefinition definition);

  // The scheduler calls this at the time a wake_at() asked for.
  void on_wake(WakeToken token);

  [[nodiscard]] const SiteConfig& config() const { return config_; }
  [[nodiscard]] std::vector<PackageStatus> package_statuses() const;
  [[nodiscard]] std::optional<PackageStatus> package_status(const std::string& package_id) const;

 private:
  struct SourceFile {
    std::string path;           // full source path
    std::string relative_path;  // below the source directory
    uint64_t size_bytes = 0;
  };
  struct DpJob {
    uint32_t dp_index = 0;
    uint32_t file_index = 0;
    HandleId handle = 0;
    bool active = false;
    bool done = false;
    Win32Error error = Win32Error::ok;
  };
  enum class Phase { idle, queued, reading, copying };
  struct PackageRecord {
    PackageDefinition definition;
    PackageStatus status;
    std::vector<uint32_t> dp_indexes;
    Phase phase = Phase::idle;
    uint32_t generation = 0;  // increases with every pass; stale wake-ups are ignored
    uint32_t thread_id = 0;
    std::vector<SourceFile> files;
    std::vector<FileContent> snapshot;
    uint32_t file_index = 0;
    HandleId source_handle = 0;
    std::vector<DpJob> dp_jobs;
    uint32_t next_dp_job = 0;
    uint32_t retries_done = 0;
    TimeUs first_attempt_start_us = 0;
    TimeUs previous_delay_us = 0;
  };
  enum class WakeKind : uint8_t { retry_due = 1, read_done = 2, copy_done = 3 };

  [[nodiscard]] WakeToken make_token(uint32_t package_index, WakeKind kind,
                                     uint32_t dp_job_index) const;
  void start_queued_passes();
  void start_pass(uint32_t package_index);
  [[nodiscard]] Win32Error list_source(PackageRecord& record);
  void read_next_file(uint32_t package_index);
  void finish_read(uint32_t package_index);
  void start_copies(uint32_t package_index);
  void advance_copies(uint32_t package_index);
  void start_dp_job(uint32_t package_index, uint32_t job_index);
  void copy_next_file(uint32_t package_index, uint32_t job_index);
  void finish_copy(uint32_t package_index, uint32_t job_index);
  void end_dp_job(uint32_t package_index, uint32_t job_index, Win32Error error);
  void finish_pass(uint32_t package_index);
  void fail_pass(uint32_t package_index, Win32Error error);
  void set_dp_state(PackageRecord& record, uint32_t dp_index, DpState state);
  [[nodiscard]] std::string dp_package_path(const PackageRecord& record, uint32_t dp_index) const;
  void log(std::string_view text, uint32_t thread_id, LogSeverity severity = LogSeverity::info);
  void raise(uint32_t id, std::vector<std::string> insertions, const PackageRecord& record,
             uint32_t thread_id, std::string dp_name = {});
  [[nodiscard]] TimeUs transfer_time_us(uint64_t size_bytes, uint64_t bytes_per_second) const;
  [[nodiscard]] std::string local_time_text(TimeUs t_us) const;

  SiteConfig config_;
  ManagerPorts ports_;
  std::vector<DistributionPointDefinition> distribution_points_;
  std::vector<PackageRecord> packages_;
  std::deque<uint32_t> queue_;  // packages waiting for a processing thread, in arrival order
  uint32_t active_passes_ = 0;
  uint32_t next_thread_id_ = 0x129;
};

}  // namespace distsim::model
