// Classes of worlds, read from a run's trace: the situations a campaign of generated worlds is
// meant to reach (a package retried three times, a holder holding a file during the last failed
// attempt, a DP whose retries ran out, a crash during a copy, an update during a read, ...).
// The explorer counts them per class, so that a campaign shows what it exercised.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/world/world.h"

namespace distsim::sim {

inline constexpr std::string_view kClassRetriedThreeTimes = "retried at least 3 times";
inline constexpr std::string_view kClassHeldAtLastFailure =
    "a holder held a file during the last failed attempt";
inline constexpr std::string_view kClassDpRetriesExhausted = "a DP retry exhausted";
inline constexpr std::string_view kClassPackageRetriesExhausted = "package retries exhausted";
inline constexpr std::string_view kClassCrashDuringCopy = "a crash during a copy";
inline constexpr std::string_view kClassUpdateDuringRead = "an update during a read";
inline constexpr std::string_view kClassDeadlineEnded = "a deadline ended the retries";
inline constexpr std::string_view kClassNotRetryable = "an error not in retry_on";
inline constexpr std::string_view kClassPulledForward = "a retry pulled forward by other work";
inline constexpr std::string_view kClassInstalledAfterFailure = "installed after a failure";
inline constexpr std::string_view kClassNestedInstalled = "a nested source installed";
inline constexpr std::string_view kClassCompressedCopy = "a compressed copy made";
inline constexpr std::string_view kClassOpenedOnRetryInPass =
    "a source file opened on a retry within the pass";
inline constexpr std::string_view kClassRetryStoppedByDeletion =
    "a waiting retry stopped by deleting the retry history";
inline constexpr std::string_view kClassUsersDisconnected = "users forced off a DP";
inline constexpr std::string_view kClassMappedViewRefused = "a mapped view refused the manager";
inline constexpr std::string_view kClassRefusedByItself = "the manager's own handle refused it";

// Every class a run can belong to: what a campaign result may name (sim/report/campaign_result.h).
inline constexpr std::string_view kWorldClasses[] = {
    kClassRetriedThreeTimes,       kClassHeldAtLastFailure,      kClassDpRetriesExhausted,
    kClassPackageRetriesExhausted, kClassCrashDuringCopy,        kClassUpdateDuringRead,
    kClassDeadlineEnded,           kClassNotRetryable,           kClassPulledForward,
    kClassInstalledAfterFailure,   kClassNestedInstalled,        kClassCompressedCopy,
    kClassOpenedOnRetryInPass,     kClassRetryStoppedByDeletion, kClassUsersDisconnected,
    kClassMappedViewRefused,       kClassRefusedByItself};

[[nodiscard]] bool known_world_class(std::string_view name);

// The classes a fixed-seed campaign of a few hundred generated worlds is expected to produce.
inline constexpr std::string_view kImportantWorldClasses[] = {
    kClassRetriedThreeTimes,  kClassHeldAtLastFailure,
    kClassDpRetriesExhausted, kClassCrashDuringCopy,
    kClassUpdateDuringRead,   kClassDeadlineEnded,
    kClassNotRetryable,       kClassInstalledAfterFailure,
    kClassNestedInstalled,    kClassPackageRetriesExhausted,
    kClassCompressedCopy,     kClassRetryStoppedByDeletion};

// The classes a run belongs to, in a fixed order, each once. Requires nothing; a run without a
// complete trace belongs to none.
[[nodiscard]] std::vector<std::string> classify_run(const RunResult& run);

}  // namespace distsim::sim
