// Every bound of the simulated world in one place. A scenario that would exceed one is refused
// before it runs, naming the limit; running out of the event budget is a reported outcome.
#pragma once

#include <cstdint>

#include "model/time.h"

namespace distsim::sim {

inline constexpr uint64_t kEventsPerRunDefault = 10'000'000;   // event budget of one run
inline constexpr uint64_t kEventsPendingMax = 1'000'000;       // size of the future-event set
inline constexpr model::TimeUs kRunHorizonDefaultUs = 30 * model::kMicrosecondsPerDay;
inline constexpr model::TimeUs kRunHorizonMaxUs = 3650 * model::kMicrosecondsPerDay;

inline constexpr uint32_t kPathLengthMax = 32'767;       // Win32 extended-length path limit
inline constexpr uint32_t kPathComponentLengthMax = 255;  // NTFS file name limit
inline constexpr uint32_t kFilesystemNodesMax = 1'000'000;
inline constexpr uint32_t kHandlesOpenMax = 100'000;
inline constexpr uint32_t kLocksPerFileMax = 1'024;
inline constexpr uint32_t kAccessLogEntriesMax = 10'000'000;
inline constexpr uint64_t kTraceRecordsMax = 20'000'000;

inline constexpr uint32_t kTreeFilesMax = 100'000;     // files one `tree:` entry may generate
inline constexpr uint32_t kHoldersMax = 10'000;
inline constexpr uint32_t kHolderRepeatsMax = 100'000;  // `count` of one holder
inline constexpr uint32_t kScriptStepsMax = 10'000;
inline constexpr uint32_t kPackagesMax = 100'000;
inline constexpr uint32_t kDistributionPointsMax = 1'000;
inline constexpr uint64_t kScenarioFileBytesMax = 16ull * 1024 * 1024;

static_assert(kPathComponentLengthMax < kPathLengthMax);
static_assert(kEventsPendingMax <= kEventsPerRunDefault);
static_assert(kRunHorizonDefaultUs <= kRunHorizonMaxUs);

}  // namespace distsim::sim
