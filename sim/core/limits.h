// Every bound of the simulated world in one place. A scenario that would exceed one is refused
// before it runs, naming the limit; running out of the event budget is a reported outcome.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/time.h"

namespace distsim::sim {

inline constexpr uint64_t kEventsPerRunDefault = 10'000'000;  // event budget of one run
inline constexpr uint64_t kEventsPendingMax = 1'000'000;      // size of the future-event set
inline constexpr model::TimeUs kRunHorizonDefaultUs = 30 * model::kMicrosecondsPerDay;
inline constexpr model::TimeUs kRunHorizonMaxUs = 3650 * model::kMicrosecondsPerDay;

inline constexpr uint32_t kPathLengthMax = 32'767;        // Win32 extended-length path limit
inline constexpr uint32_t kPathComponentLengthMax = 255;  // NTFS file name limit
// Files and directories one world's file system holds at once, on every volume, the copies the
// manager makes on distribution points included: a site of 10,000 packages of 20 files on 50 DPs
// needs 10.7 M. At about 220 bytes a node (its directory entry and lookup slot, and the rest of
// the world, included), the limit is about 2.6 GB.
inline constexpr uint32_t kFilesystemNodesMax = 12'000'000;
// Files and directories a scenario's `filesystem` section may describe (generated files and each
// entry's parents counted): what the world starts with, before any copy.
inline constexpr uint32_t kScenarioFilesystemNodesMax = 4'000'000;
inline constexpr uint32_t kHandlesOpenMax = 100'000;
inline constexpr uint32_t kLocksPerFileMax = 1'024;
inline constexpr uint32_t kBlameEntriesMax = 16;    // handles named as the cause of one refusal
inline constexpr uint32_t kRecentRefusalsMax = 64;  // manager refusals kept for blame
// Culprits a failed DP copy's record keeps (the rest are counted): every DP of every pass may fail.
inline constexpr uint32_t kCopyCulpritsKeptMax = 2;
inline constexpr uint32_t kAccessLogEntriesMax = 10'000'000;
inline constexpr uint32_t kVolumesMax = 4'096;        // drive letters plus DP shares
inline constexpr uint32_t kVfsActorsMax = 1'000'000;  // actors named in one VirtualFileSystem
// VFS operations under way at once: an observer reacting to an event may operate in turn.
inline constexpr uint32_t kVfsOperationNestingMax = 64;
// What one run keeps. An event can keep many records (a failed pass writes about ten log lines and
// seventeen trace records), so the event budget alone does not bound a run's memory.
// - A run that has kept kLogLinesKeptMax log lines, kStatusMessagesKeptMax status messages or
//   kPassesKeptMax passes stops after the event under way, with the outcome `record_limit_hit`.
//   These are kept whether or not the run is traced, so where a run stops never depends on the
//   outputs asked for.
// - A trace that reaches kTraceRecordsMax keeps no more records and is marked truncated; the run
//   goes on. A truncated trace cannot be judged whole, so a run that expects the invariant checkers
//   fails (and such a run is always traced, so that too does not depend on the outputs).
// Together they keep a run under about 3 GB: the trace's 4 million records take about 1.1 GB,
// and a failed pass's log lines, status messages and pass record about 2.5 KB. Each copy to a DP
// writes log lines (and a copy that an update or refresh does not overtake raises 2330 or 2328),
// so the kept log lines bound the copies a pass record keeps too; a failed copy's record, with at
// most kCopyCulpritsKeptMax culprits, is about 1 KB with paths of common length. The trace, the
// log and the status messages are streamed to their files; the Chrome trace and the HTML report
// lay out a timeline on top of that (the Chrome trace of a full trace about half as much again).
inline constexpr uint64_t kTraceRecordsMax = 4'000'000;
inline constexpr uint64_t kLogLinesKeptMax = 3'000'000;
inline constexpr uint64_t kStatusMessagesKeptMax = 2'000'000;
inline constexpr uint64_t kPassesKeptMax = 1'000'000;
// What every command says when memory runs out (std::bad_alloc) on a machine smaller than that.
inline constexpr std::string_view kOutOfMemoryAdvice =
    "a run may keep up to about 3 GB, and a --chrome-trace or --report half as much again "
    "(scenarios/FORMAT.md, Limits): give it more memory, ask for fewer outputs or shorten `until`";

inline constexpr uint32_t kTreeFilesMax = 100'000;       // files one `tree:` entry may generate
inline constexpr uint32_t kAlternateStreamsMax = 1'000;  // a file entry's `streams`
inline constexpr uint32_t kHoldersMax = 10'000;
inline constexpr uint32_t kHolderRepeatsMax = 100'000;  // `count` of one holder
inline constexpr uint32_t kScriptStepsMax = 10'000;     // steps of one script holder
// Steps of all script holders together, and holds planned by all holders (each holder's `count`
// times its steps, or times 1): a scenario is refused past these before anything is built, so that
// aliases reusing one long list cannot make loading or running cost more than they allow.
inline constexpr uint32_t kScriptStepsTotalMax = 1'000'000;
inline constexpr uint64_t kPlannedHoldsMax = 1'000'000;
// Files one antivirus holder has queued or is scanning, and files one indexer is waiting to read
// or reading; a trigger past the bound is dropped and traced (scan_dropped / index_dropped).
inline constexpr uint32_t kAntivirusScansPendingMax = 10'000;
inline constexpr uint32_t kIndexerFilesPendingMax = 10'000;
// In-pass retries of one refused source open (site.source_open.retries), and the longest wait
// between them: one file keeps its pass's thread at most 1,000 days (each file, and each re-read
// after an update, has retries of its own; the run's horizon ends any of it).
inline constexpr uint32_t kSourceOpenRetriesMax = 1'000;
inline constexpr model::TimeUs kSourceOpenRetryIntervalMaxUs = model::kMicrosecondsPerDay;
// A package's `disconnect_users`: failed copies to a DP before its users are forced off.
inline constexpr uint32_t kDisconnectUsersAfterMax = 1'000;
inline constexpr uint32_t kPackagesMax = 100'000;
inline constexpr uint32_t kDistributionPointsMax = 1'000;
inline constexpr uint64_t kScenarioFileBytesMax = 16ull * 1024 * 1024;
// A campaign result file `explore --merge` reads (each failure carries its reproducer's YAML).
inline constexpr uint64_t kCampaignResultBytesMax = 1024ull * 1024 * 1024;
// Sizes a scenario may give: a file (NTFS of the era: 16 TB), and what one volume holds in total
// or has free (NTFS's 256 TB); with the default free capacity added no volume size can wrap.
inline constexpr uint64_t kFileBytesMax = 16ull << 40U;
inline constexpr uint64_t kVolumeBytesMax = 256ull << 40U;
// The slowest DP link or source read a scenario may give (1,000 bytes a second): moving a full
// volume at that rate still takes a time far inside TimeUs.
inline constexpr uint64_t kBandwidthBitsPerSecondMin = 8'000;

// Scenario loading: bounds on the YAML itself and on lists the sections above do not cover.
inline constexpr uint32_t kYamlDepthMax = 64;         // nesting of mappings and lists
inline constexpr uint32_t kYamlNodesMax = 2'000'000;  // scalars, mappings and lists in a file
// The same counted with every alias expanded: the values the loader reads, whatever reuses them.
inline constexpr uint32_t kYamlExpandedNodesMax = 4'000'000;
inline constexpr uint32_t kScenarioErrorsMax = 1'000;  // errors reported for one file
inline constexpr uint32_t kFaultsMax = 10'000;
inline constexpr uint32_t kExpectationsMax = 10'000;  // entries of one `expect` list
inline constexpr uint32_t kStatusSequenceLengthMax = 10'000;
inline constexpr uint32_t kNameLengthMax = 256;          // names of scenarios, holders, DPs...
inline constexpr uint32_t kLogPatternLengthMax = 4'096;  // one `log.contains` substring
inline constexpr uint32_t kScopeDirectoriesMax = 64;     // paths in one holder `scope` list
inline constexpr uint32_t kFlagNamesMax = 64;  // names in one access, share, retry_on or `on` list
inline constexpr uint32_t kConcurrentPackagesMax = 1'000;  // site `max_packages`
inline constexpr uint32_t kThreadsPerPackageMax = 1'000;   // site `threads_per_package`

// `distsim check` and `distsim validate`: scenario files one command takes, and parallel runs.
inline constexpr uint32_t kScenarioFilesMax = 100'000;
inline constexpr uint32_t kCheckJobsMax = 256;  // `check -j N`

static_assert(kPathComponentLengthMax < kPathLengthMax);
static_assert(kEventsPendingMax <= kEventsPerRunDefault);
static_assert(kRunHorizonDefaultUs <= kRunHorizonMaxUs);
static_assert(kDistributionPointsMax + 26 <= kVolumesMax);
static_assert(kHoldersMax < kVfsActorsMax);
// Every pending scan or index holds at most one kernel event and one handle.
static_assert(kAntivirusScansPendingMax <= kEventsPendingMax);
static_assert(kIndexerFilesPendingMax <= kEventsPendingMax);
static_assert(kAntivirusScansPendingMax <= kHandlesOpenMax);
static_assert(kIndexerFilesPendingMax <= kHandlesOpenMax);
static_assert(kHandlesOpenMax <= kFilesystemNodesMax);
static_assert(kTreeFilesMax <= kScenarioFilesystemNodesMax);
static_assert(kScenarioFilesystemNodesMax <= kFilesystemNodesMax);
static_assert(kYamlNodesMax <= kYamlExpandedNodesMax);
static_assert(kScriptStepsMax <= kScriptStepsTotalMax);
static_assert(kHolderRepeatsMax <= kPlannedHoldsMax);
static_assert(kFileBytesMax <= kVolumeBytesMax);
static_assert(kVolumeBytesMax <= UINT64_MAX / 2);  // a volume's size plus its free space
static_assert(kVolumeBytesMax / (kBandwidthBitsPerSecondMin / 8) <=
              INT64_MAX / 1'000'000 / 16);  // transfer times in microseconds, with room to add
static_assert(kYamlDepthMax >= 8);  // the deepest the format itself goes is 6 (expect.packages.DP)

}  // namespace distsim::sim
