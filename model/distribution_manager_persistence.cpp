// What survives the manager process: every entry point ends by saving the packages it changed to
// the state store, and recover() reads them back after a restart, counting the attempts a crash
// cut short and re-arming the retries that are still waiting.
#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "model/assert.h"
#include "model/distribution_manager.h"
#include "model/manager_fault_injection.h"
#include "model/manager_wake.h"

namespace distsim::model {

namespace {

// Every field of a package's status but its DP list, which a save after a copy leaves as it is
// but for the DPs that changed. A field left out here makes the audit of save_dirty() fail.
void assign_package_fields(const PackageStatus& from, PackageStatus& to) {
  to.id = from.id;
  to.name = from.name;
  to.state = from.state;
  to.attempt_count = from.attempt_count;
  to.attempts_in_cycle = from.attempts_in_cycle;
  to.update_count = from.update_count;
  to.stored_version = from.stored_version;
  to.installed_at_us = from.installed_at_us;
  to.first_installed_at_us = from.first_installed_at_us;
  to.state_since_us = from.state_since_us;
  to.last_error = from.last_error;
}

}  // namespace

StoredRetry DistributionManager::stored_retry(const RetryState& retry) {
  return {retry.retries_done,
          retry.first_attempt_start_us,
          retry.previous_delay_us,
          retry.due_us,
          retry.decided_us,
          retry.uncounted_interruptions,
          retry.retries_before_cycle,
          retry.start_carried,
          retry.succeeded};
}

StoredDp DistributionManager::stored_dp(const DpSlot& slot) {
  return {slot.needs_copy, stored_retry(slot.retry), slot.failed_with_package};
}

void DistributionManager::mark_dirty(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  if (!record.dirty()) dirty_.push_back(package_index);
  record.dirty_whole = true;
  record.dirty_slots.clear();
}

void DistributionManager::mark_slot_dirty(uint32_t package_index, uint32_t slot) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(slot < record.slots.size());
  if (record.dirty_whole) return;
  if (record.dirty_slots.empty()) dirty_.push_back(package_index);
  record.dirty_slots.push_back(slot);
}

void DistributionManager::save_dirty() {
  for (const uint32_t package_index : dirty_) {
    PackageRecord& record = packages_[package_index];
    StoredPackage* saved =
        record.dirty_whole ? nullptr : ports_.state_store.saved_form(record.definition.id);
    if (saved != nullptr) {
      // A DP added to the package marks the whole package, so the saved form has every slot.
      DISTSIM_ASSERT(saved->distribution_points.size() == record.slots.size());
      update_saved_form(record, *saved);
#if defined(DISTSIM_AUDITS)
      // What a save of the whole package would have stored.
      fill_stored_form(record, stored_scratch_);
      DISTSIM_ASSERT(stored_scratch_ == *saved);
      stored_scratch_.content.reset();
#endif
    } else {
      fill_stored_form(record, stored_scratch_);
      ports_.state_store.save_package(std::move(stored_scratch_));
      // The store may hand back what it replaced: the content version it held must not be kept
      // alive by the scratch.
      stored_scratch_.content.reset();
    }
    record.dirty_whole = false;
    record.dirty_slots.clear();
  }
  dirty_.clear();
}

void DistributionManager::fill_stored_form(const PackageRecord& record, StoredPackage& stored) {
  // Copy-assignment reuses the strings and vectors already there.
  stored.definition = record.definition;
  stored.status = record.status;
  stored.retry = stored_retry(record.retry);
  stored.distribution_points.clear();
  for (const DpSlot& slot : record.slots) {
    stored.distribution_points.push_back(stored_dp(slot));
  }
  fill_package_flags(record, stored);
}

void DistributionManager::update_saved_form(const PackageRecord& record, StoredPackage& stored) {
  DISTSIM_ASSERT(stored.definition.id == record.definition.id);
  assign_package_fields(record.status, stored.status);
  for (const uint32_t index : record.dirty_slots) {
    stored.status.distribution_points[index] = record.status.distribution_points[index];
    stored.distribution_points[index] = stored_dp(record.slots[index]);
  }
  stored.retry = stored_retry(record.retry);
  fill_package_flags(record, stored);
}

void DistributionManager::fill_package_flags(const PackageRecord& record, StoredPackage& stored) {
  stored.retries_exhausted = record.retries_exhausted;
  stored.clear_dp_folders = record.clear_dp_folders;
  stored.pass_in_progress = record.phase != Phase::idle && record.phase != Phase::dp_retries;
  stored.dp_work_in_progress = record.phase == Phase::dp_retries;
  stored.pass_requested = record.rerun_after_pass;
  // A version still being compressed is not stored: its .PCK is not written yet, so a pass
  // after a restart must compress it again rather than copy the empty .PCK.
  const bool unwritten = record.phase == Phase::compressing &&
                         !manager_fault_injection().save_version_before_compression;
  stored.content = unwritten ? nullptr : record.content;
}

void DistributionManager::restore(const StoredPackage& stored) {
  const auto retry_state = [](const StoredRetry& retry) {
    RetryState state;
    state.retries_done = retry.retries_done;
    state.first_attempt_start_us = retry.first_attempt_start_us;
    state.previous_delay_us = retry.previous_delay_us;
    state.due_us = retry.due_us;
    state.decided_us = retry.decided_us;
    state.uncounted_interruptions = retry.uncounted_interruptions;
    state.retries_before_cycle = retry.retries_before_cycle;
    state.start_carried = retry.start_carried;
    state.succeeded = retry.succeeded;
    return state;
  };
  PackageRecord record;
  record.definition = stored.definition;
  record.status = stored.status;
  record.retry = retry_state(stored.retry);
  record.retries_exhausted = stored.retries_exhausted;
  record.clear_dp_folders = stored.clear_dp_folders;
  record.content = stored.content;
  DISTSIM_ASSERT(stored.distribution_points.size() == stored.status.distribution_points.size());
  for (size_t slot = 0; slot < stored.distribution_points.size(); ++slot) {
    const std::string& name = stored.status.distribution_points[slot].dp_name;
    const auto dp = std::find_if(distribution_points_.begin(), distribution_points_.end(),
                                 [&name](const auto& each) { return each.name == name; });
    DISTSIM_ASSERT(dp != distribution_points_.end());
    record.slots.push_back(DpSlot{static_cast<uint32_t>(dp - distribution_points_.begin()),
                                  stored.distribution_points[slot].needs_copy,
                                  retry_state(stored.distribution_points[slot].retry),
                                  stored.distribution_points[slot].failed_with_package});
  }
  index_by_id_.emplace(record.definition.id, static_cast<uint32_t>(packages_.size()));
  packages_.push_back(std::move(record));
}

// Work the crash cut short made attempts that never got their retry decision. With
// crash_uses_retry (the default) each counts as a failed attempt now: the restart uses one retry,
// or the unit fails when none is left, so that a crash never lets a package or DP make more
// attempts than its retry count allows. Without it the attempt uses no retry and the work is
// redone: the counts stay as they were. An interrupted pass is redone at once (its read or
// compression may not have finished); interrupted DP copies that may go on are due again at once.
// Returns whether a pass is needed.
bool DistributionManager::account_interrupted_attempts(uint32_t package_index, bool pass) {
  PackageRecord& record = packages_[package_index];
  const auto& most = config_.retry.retry_count_max;
  const bool counted = config_.retry.crash_uses_retry;
  bool rerun = pass;
  if (config_.retry_unit == RetryUnit::package) {
    // Uncounted, the redone pass simply continues the attempt's retry count.
    const uint32_t attempts = record.status.attempts_in_cycle;
    if (counted && most && record.retry.retries_before_cycle + attempts > *most) {
      record.retries_exhausted = true;  // as fail_pass() when the policy gives up
      for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
        if (!record.slots[slot].needs_copy) continue;
        set_dp_state(record, slot, DpState::install_failed);
        record.slots[slot].failed_with_package = true;
      }
      rerun = false;
    } else if (counted) {
      record.retry.retries_done = attempts;
    }
  } else {
    for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
      DpSlot& dp = record.slots[slot];
      const uint32_t attempts = record.status.distribution_points[slot].attempts_in_cycle;
      const uint32_t decided = dp.retry.retries_done + dp.retry.uncounted_interruptions;
      // A DP that gave up had its decision: only an update or refresh starts it again.
      const bool gave_up = record.status.distribution_points[slot].state == DpState::install_failed;
      if (!dp.needs_copy || gave_up || attempts <= decided) continue;
      dp.retry.due_us.reset();
      if (counted && most && dp.retry.retries_before_cycle + attempts > *most) {
        set_dp_state(record, slot, DpState::install_failed);
        continue;
      }
      if (counted) {
        dp.retry.retries_done = attempts;
      } else {
        dp.retry.uncounted_interruptions = attempts - dp.retry.retries_done;
      }
      if (!pass) dp.retry.due_us = ports_.scheduler.now();
    }
  }
  record.retry.due_us.reset();
  refresh_package_state(record);
  mark_dirty(package_index);
  return rerun;
}

// due_while_down wait_again: a retry that fell due while the process was down (at or after
// `stopped_us`) waits again, from the restart, as long as it was meant to wait when it was
// decided (its due time less the time of the decision); it counts as decided at the restart. One
// that fell due before the crash waited for a thread or for its package's pass, and runs as under
// at_restart; a package's own retry whose pass or DP work the crash cut short is left to the
// count of interrupted work.
void DistributionManager::postpone_overdue_retries(uint32_t package_index, bool work_in_progress,
                                                   TimeUs stopped_us, TimeUs now_us) {
  PackageRecord& record = packages_[package_index];
  const auto postpone = [&](RetryState& retry, std::string_view where) {
    // A crash at the due time itself came first: the retry's wake-up found the process dead.
    if (!retry.due_us || *retry.due_us > now_us || *retry.due_us < stopped_us) return;
    retry.due_us = now_us + (*retry.due_us - retry.decided_us);
    retry.decided_us = now_us;
    log(fmt::format(FMT_COMPILE("~A retry of package {}{} fell due while the manager was down; "
                                "it waits again until {}."),
                    record.definition.id, where, local_time_text(*retry.due_us)),
        kMainThreadId);
    mark_dirty(package_index);
  };
  if (!work_in_progress) postpone(record.retry, "");
  for (DpSlot& slot : record.slots) {
    if (!slot.needs_copy || !slot.retry.due_us) continue;
    const std::string where = " on distribution point " + distribution_points_[slot.dp_index].share;
    postpone(slot.retry, where);
  }
}

void DistributionManager::recover(TimeUs stopped_us) {
  DISTSIM_ASSERT(packages_.empty());
  const std::vector<StoredPackage> stored = ports_.state_store.load_packages();
  for (const StoredPackage& package : stored) restore(package);
  const TimeUs now_us = ports_.scheduler.now();
  for (uint32_t index = 0; index < packages_.size(); ++index) {
    PackageRecord& record = packages_[index];
    // A key deleted since the manager last wrote it holds no history: the counts come from the
    // saved state, and the retry the key would have held is dropped when the manager comes to
    // make it.
    const bool key_gone = ports_.state_store.retry_history_gone(record.status.id);
    log(fmt::format(FMT_COMPILE("~Recovered package {} {}: {} attempts, {} retries so far."),
                    record.status.id,
                    key_gone ? "from the saved state; its retry history was deleted since it was "
                               "last written"
                             : "from the retry history",
                    record.status.attempts_in_cycle, record.retry.retries_used()),
        kMainThreadId);
    // Under a per-DP policy the DPs' counts are the ones that matter.
    for (uint32_t slot = 0;
         config_.retry_unit == RetryUnit::distribution_point && slot < record.slots.size();
         ++slot) {
      const uint32_t attempts = record.status.distribution_points[slot].attempts_in_cycle;
      if (attempts == 0) continue;
      log(fmt::format(FMT_COMPILE("~Recovered package {} on distribution point {}: {} attempts, "
                                  "{} retries so far."),
                      record.status.id, distribution_points_[record.slots[slot].dp_index].share,
                      attempts, record.slots[slot].retry.retries_used()),
          kMainThreadId);
    }
    if (config_.retry.due_while_down == DueWhileDown::wait_again &&
        !manager_fault_injection().overdue_retries_run_at_restart) {
      postpone_overdue_retries(index,
                               stored[index].pass_in_progress || stored[index].dp_work_in_progress,
                               stopped_us, now_us);
    }
    bool rerun = false;
    if (stored[index].pass_in_progress || stored[index].dp_work_in_progress) {
      rerun = account_interrupted_attempts(index, stored[index].pass_in_progress);
    } else if (record.retry.due_us && *record.retry.due_us <= now_us) {
      record.retry.due_us.reset();
      rerun = true;
    } else if (record.retry.due_us) {
      wake_at(*record.retry.due_us, {index, WakeKind::retry_due, record.retry.generation, 0});
    }
    for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
      const RetryState& retry = record.slots[slot].retry;
      if (retry.due_us && *retry.due_us > now_us) {
        wake_at(*retry.due_us, {index, WakeKind::dp_retry_due, retry.generation, slot});
      }
    }
    // An update or refresh that came during DP retry work left the named DPs at no attempts,
    // so the count of interrupted work above does not bring them back: the pass it asked for does.
    if (stored[index].pass_requested && !record.retries_exhausted) rerun = true;
    if (rerun) {
      queue_pass(index);
    } else if (any_dp_retry_due(record)) {  // overdue while the process was down
      if (record.content) {
        start_dp_retries(index);
      } else {
        queue_pass(index);
      }
    }
  }
  start_queued_passes();
  end_entry();
}

}  // namespace distsim::model
