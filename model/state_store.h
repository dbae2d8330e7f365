// The state that survives the Distribution Manager process: per package its definition, its
// status, and its retry history (KB Q319207: SMS 2.0 keeps it per package under the registry key
// ...\SMS_DISTRIBUTION_MANAGER\Retry History\<package ID>), plus per-DP retry state. A restarted
// manager reads it back and continues counting. The version of the source the manager read (its
// stored package, the content library of ConfigMgr) survives too, so a DP retry after a restart
// copies it without reading the source again. The simulator keeps it in memory across a crash.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/package.h"
#include "model/ports.h"
#include "model/time.h"

namespace distsim::model {

struct SourceFile {
  std::string path;              // full source path
  uint32_t relative_offset = 0;  // where the part below the source directory begins in `path`
  uint64_t size_bytes = 0;

  // The path below the source directory, a view of `path`.
  [[nodiscard]] std::string_view relative_path() const {
    return std::string_view(path).substr(relative_offset);
  }
};

// One version of a package's source as the manager read it; immutable once read, so the record
// and the state store share it.
struct PackageContent {
  uint32_t version = 0;  // 1 for the first version read, then one more per update
  std::vector<SourceFile> files;
  std::vector<FileContent> contents;  // parallel to files
};

struct StoredRetry {
  uint32_t retries_done = 0;
  TimeUs first_attempt_start_us = 0;
  TimeUs previous_delay_us = 0;
  std::optional<TimeUs> due_us;
  TimeUs decided_us = 0;  // when the pending retry was decided: the end of the failed attempt
  uint32_t uncounted_interruptions = 0;  // crash-interrupted attempts that used no retry
  uint32_t retries_before_cycle = 0;     // carried from earlier cycles (update_resets_retries)
  bool start_carried = false;            // first_attempt_start_us is an earlier cycle's
  bool succeeded = false;                // the latest attempt succeeded
  friend bool operator==(const StoredRetry&, const StoredRetry&) = default;
};

struct StoredDp {
  bool needs_copy = true;
  StoredRetry retry;
  bool failed_with_package = false;
  friend bool operator==(const StoredDp&, const StoredDp&) = default;
};

struct StoredPackage {
  PackageDefinition definition;
  PackageStatus status;
  StoredRetry retry;
  std::vector<StoredDp> distribution_points;  // parallel to status.distribution_points
  bool retries_exhausted = false;
  bool clear_dp_folders = false;
  bool pass_in_progress = false;     // the process died during a processing pass
  bool dp_work_in_progress = false;  // ... or while DP retries were copying (no pass)
  // An update, refresh or retry asked for a pass while other work of the package ran: the pass
  // that work would have been followed by.
  bool pass_requested = false;
  // The version read and still wanted (no update asked for a newer one), once its compressed copy
  // is written where the package has one; null when none.
  std::shared_ptr<const PackageContent> content;
  friend bool operator==(const StoredPackage&, const StoredPackage&) = default;
};

class StateStorePort {
 public:
  virtual ~StateStorePort() = default;
  // Replaces what is stored for definition.id with `package`, which the store takes: what
  // `package` holds afterwards is unspecified, so the caller refills every field before reading
  // it again (the manager refills one scratch package for every save, so a store can hand back
  // the storage of what it replaced instead of copying each time).
  virtual void save_package(StoredPackage&& package) = 0;
  // The form saved for package `id`, which the manager changes in place to save only what changed
  // since it saved the whole package (a copy finished: one DP's status out of many); null when the
  // package was never saved. The change is saved as it is made.
  [[nodiscard]] virtual StoredPackage* saved_form(std::string_view id) = 0;
  // Everything stored, in the order packages were first saved.
  [[nodiscard]] virtual std::vector<StoredPackage> load_packages() const = 0;
  // Whether an administrator deleted the package's retry history (SMS 2.0's registry key
  // `Retry History\<package ID>`, KB Q319207) since the manager last wrote it or started a retry
  // cycle of it: the retry the manager has in mind then has no key. False for a package none of
  // whose passes has ended (no key was written, so none could be deleted). A read of the registry,
  // which the store may note: the manager asks only before a retry it means to make.
  [[nodiscard]] virtual bool retry_history_deleted(std::string_view id) = 0;
  // The same question without its being a read the store notes: for what the manager reports
  // at startup, which decides nothing.
  [[nodiscard]] virtual bool retry_history_gone(std::string_view id) const = 0;
  // The manager writes the package's retry history, as it does at the end of every pass: the key
  // exists from then on (a deletion before it no longer applies).
  virtual void write_retry_history(std::string_view id) = 0;
  // An update or refresh starts a new retry cycle of the package: a deletion before it no longer
  // applies. It writes no key: a package none of whose passes has ended has none.
  virtual void start_retry_cycle(std::string_view id) = 0;
};

}  // namespace distsim::model
