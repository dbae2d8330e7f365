// The process-wide fault-injection switches: one atomic word, so that worlds running on several
// threads read them without a data race.
#include "model/manager_fault_injection.h"

#include <atomic>
#include <cstdint>

namespace distsim::model {
namespace {

constexpr uint32_t kLeakSourceHandle = 1;
constexpr uint32_t kPartialDpCopy = 2;
constexpr uint32_t kMiscountRetries = 4;
constexpr uint32_t kUnsavedDpStart = 8;
constexpr uint32_t kFailEveryCompression = 16;
constexpr uint32_t kSaveVersionBeforeCompression = 32;
constexpr uint32_t kUpdatesAlwaysResetRetries = 64;
constexpr uint32_t kOverdueRetriesRunAtRestart = 128;
constexpr uint32_t kOmitsRetryMessages = 256;
constexpr uint32_t kReportsAccessDenied = 512;
constexpr uint32_t kHidesFailedCopies = 1024;
constexpr uint32_t kIgnoresDpRetryDecided = 2048;
constexpr uint32_t kCopiesTakeWholeLink = 4096;
constexpr uint32_t kSharesNeverGrow = 8192;
constexpr uint32_t kReadsTimedByListing = 16384;
constexpr uint32_t kSkipsUnopenableSourceFiles = 32768;
constexpr uint32_t kOmitsSourceNotAccessible = 65536;

std::atomic<uint32_t> g_switches{0};

uint32_t bits_of(const ManagerFaultInjection& faults) {
  return (faults.leak_source_handle ? kLeakSourceHandle : 0) |
         (faults.partial_dp_copy ? kPartialDpCopy : 0) |
         (faults.miscount_retries ? kMiscountRetries : 0) |
         (faults.unsaved_dp_start ? kUnsavedDpStart : 0) |
         (faults.fail_every_compression ? kFailEveryCompression : 0) |
         (faults.save_version_before_compression ? kSaveVersionBeforeCompression : 0) |
         (faults.updates_always_reset_retries ? kUpdatesAlwaysResetRetries : 0) |
         (faults.overdue_retries_run_at_restart ? kOverdueRetriesRunAtRestart : 0) |
         (faults.omits_retry_messages ? kOmitsRetryMessages : 0) |
         (faults.reports_access_denied ? kReportsAccessDenied : 0) |
         (faults.hides_failed_copies ? kHidesFailedCopies : 0) |
         (faults.ignores_dp_retry_decided ? kIgnoresDpRetryDecided : 0) |
         (faults.copies_take_whole_link ? kCopiesTakeWholeLink : 0) |
         (faults.shares_never_grow ? kSharesNeverGrow : 0) |
         (faults.reads_timed_by_listing ? kReadsTimedByListing : 0) |
         (faults.skips_unopenable_source_files ? kSkipsUnopenableSourceFiles : 0) |
         (faults.omits_source_not_accessible ? kOmitsSourceNotAccessible : 0);
}

}  // namespace

ManagerFaultInjection manager_fault_injection() {
  const uint32_t bits = g_switches.load(std::memory_order_acquire);
  return {(bits & kLeakSourceHandle) != 0,          (bits & kPartialDpCopy) != 0,
          (bits & kMiscountRetries) != 0,           (bits & kUnsavedDpStart) != 0,
          (bits & kFailEveryCompression) != 0,      (bits & kSaveVersionBeforeCompression) != 0,
          (bits & kUpdatesAlwaysResetRetries) != 0, (bits & kOverdueRetriesRunAtRestart) != 0,
          (bits & kOmitsRetryMessages) != 0,        (bits & kReportsAccessDenied) != 0,
          (bits & kHidesFailedCopies) != 0,         (bits & kIgnoresDpRetryDecided) != 0,
          (bits & kCopiesTakeWholeLink) != 0,       (bits & kSharesNeverGrow) != 0,
          (bits & kReadsTimedByListing) != 0,       (bits & kSkipsUnopenableSourceFiles) != 0,
          (bits & kOmitsSourceNotAccessible) != 0};
}

ScopedManagerFaultInjection::ScopedManagerFaultInjection(ManagerFaultInjection faults)
    : previous_(manager_fault_injection()) {
  g_switches.store(bits_of(faults), std::memory_order_release);
}

ScopedManagerFaultInjection::~ScopedManagerFaultInjection() {
  g_switches.store(bits_of(previous_), std::memory_order_release);
}

}  // namespace distsim::model
