// The run's pass records (PassRecord, world.h) as the world learns them: a pass or span of DP
// retries from the manager's start and end reports, each copy to a DP it began and how that
// ended, the retry it scheduled, what its copies forced off a DP, and, for each failure, the
// manager's refused file operation behind it with the handles to blame, taken from the VFS's
// refusals (RefusalLog), not from the manager's word.
#pragma once

#include <string_view>
#include <vector>

#include "model/ports.h"
#include "model/time.h"
#include "sim/world/blame.h"
#include "sim/world/world.h"

namespace distsim::sim {

class PassRecorder {
 public:
  explicit PassRecorder(std::vector<PassRecord>& passes) : passes_(passes) {}

  void started(const model::PassStartReport& report, model::TimeUs now_us);
  void copy_started(const model::DpCopyStartReport& report, model::TimeUs now_us);
  void copy_ended(const model::DpCopyEndReport& report, model::TimeUs now_us);
  void copy_superseded(const model::DpCopySupersededReport& report);
  // The ended pass, for the world to add what only it can tell (a file with alternate streams).
  PassRecord& ended(const model::PassEndReport& report, model::TimeUs now_us);
  // A crash of the manager cuts every running pass short.
  void interrupt_running(model::TimeUs now_us);
  void retry_scheduled(const model::RetryScheduledReport& report);
  // A refused file operation of the manager's, for the failures that follow to name.
  void manager_refused(Refusal refusal) { refusals_.record(std::move(refusal)); }
  // A forced disconnect by a copy of `package_id`, which is running.
  void user_disconnected(std::string_view package_id, PassRecord::DisconnectedUser user);

 private:
  [[nodiscard]] PassRecord& running(std::string_view package_id);

  std::vector<PassRecord>& passes_;
  RefusalLog refusals_;  // the manager's recent refused file operations
};

}  // namespace distsim::sim
