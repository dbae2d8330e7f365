// The simulated world of one run: builds the kernel, the virtual file system, the distribution
// points, the lock holders and the real DistributionManager from a Scenario, runs it to the
// horizon within an event budget, and hands back everything that happened.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/component_status.h"
#include "model/package.h"
#include "model/ports.h"
#include "model/site_config.h"
#include "model/status_message.h"
#include "sim/core/kernel.h"
#include "sim/core/limits.h"
#include "sim/core/trace.h"
#include "sim/holders/holder.h"
#include "sim/scenario/scenario.h"
#include "sim/world/blame.h"
#include "sim/world/ground_truth.h"
#include "sim/world/world_setup.h"

namespace distsim::sim {

// How many of each kind of record a run keeps: past the log lines, status messages or passes it
// stops with `record_limit_hit`; past the trace records its trace is truncated (sim/core/limits.h
// says why). Tests lower them to reach them in a few events; the CLI keeps the defaults.
struct KeptRecordLimits {
  uint64_t trace_records = kTraceRecordsMax;
  uint64_t log_lines = kLogLinesKeptMax;
  uint64_t status_messages = kStatusMessagesKeptMax;
  uint64_t passes = kPassesKeptMax;
};

struct RunOptions {
  std::optional<uint64_t> seed;    // overrides the scenario's seed
  std::optional<TimeUs> until_us;  // overrides the scenario's horizon
  bool trace = true;               // false: the fast mode, no trace records kept
  uint64_t event_budget = kEventsPerRunDefault;
  KeptRecordLimits kept;
  // Keep the final files of package sources and DP shares in RunResult::final_files, which the
  // invariant checkers compare with the trace. nullopt: exactly when the run is traced. A traced
  // run that nothing checks (`distsim run --trace` of a scenario with
  // `no_invariant_violations: false`) sets it false and skips a walk over every file it made.
  std::optional<bool> capture_files;
  // Asked every Kernel::kAbandonCheckEvents events whether to end the run at once (outcome
  // `abandoned`): an exploration's wall-clock stop, which must not wait for a long world. Such a
  // run is not judged. Empty: never.
  std::function<bool()> abandon;
  // Test-only: a planted source of nondeterminism, to show that the determinism property can
  // fail. When set, each run mixes its value into the seed of the manager's random stream.
  // Neither the CLI nor scenario files can set it.
  std::function<uint64_t()> planted_entropy;
};

struct LogLine {
  TimeUs t_us = 0;
  std::string text;  // the message alone
  uint32_t thread_id = 0;
  model::LogSeverity severity = model::LogSeverity::info;
};

// One processing pass of a package, as the summary shows it.
struct PassRecord {
  std::string package_id;
  uint32_t attempt = 0;
  // A span of per-DP retries (DP-thread work, no processing pass); `attempt` is then the
  // package's last pass.
  bool dp_retries = false;
  // A copy attempt to one DP this pass (or span of DP retries) began, and how it ended: the
  // attempts of the per-DP profiles (sim/world/package_attempts.h), and what each DP's copy did
  // when the pass line names only the failure that ended the pass.
  struct DpCopy {
    std::string dp;  // the DP's name
    TimeUs start_us = 0;
    std::optional<TimeUs> end_us;  // empty while the copy was under way at the end or a crash
    Win32Error error = Win32Error::ok;
    std::string failed_path;  // what the manager named as failing; empty when none
    // An update or refresh of the package came in during the copy (it copied an old version),
    // or after it failed and before the pass ended (the failure no longer counts).
    bool superseded = false;
    // The manager's refused file operation behind `error`, with the handles that caused it.
    std::optional<Refusal> refusal;
  };
  std::vector<DpCopy> dp_copies;  // in the order they began
  TimeUs start_us = 0;
  std::optional<TimeUs> end_us;  // empty while the pass was still running at the end
  model::PassResult result = model::PassResult::success;
  Win32Error error = Win32Error::ok;
  std::optional<TimeUs> next_retry_us;
  // The manager's refused file operation that ended the pass with `error`, and the handles
  // that caused it; empty when the pass succeeded or no file operation was refused.
  std::optional<Refusal> refusal;
  // A pass that failed with 998 because the site's compression cannot write a source file's
  // alternate data streams (KB Q316316): that file, which no refused file operation names.
  std::optional<std::string> streams_file;
  // What the pass's copies forced off a DP (a package's `disconnect_users`), in order.
  struct DisconnectedUser {
    std::string actor;        // the holder
    std::string holder_kind;  // "dp_client", ...
    std::string path;
    bool program = false;  // a running program's image, not a file handle
    bool mapping = false;  // a program's memory-mapped data section, not a file handle
    TimeUs t_us = 0;
  };
  std::vector<DisconnectedUser> disconnected;
};

struct RunResult {
  RunOutcome outcome = RunOutcome::queue_empty;
  uint64_t seed = 0;
  TimeUs until_us = 0;
  // When the run ended: until_us, or the time of its last event when a budget or a limit stopped
  // it before the horizon.
  TimeUs ended_us = 0;
  uint64_t events_executed = 0;
  model::SiteConfig site;
  std::vector<model::PackageStatus> packages;
  std::vector<PassRecord> passes;
  std::vector<model::StatusMessage> status_messages;
  // With outcome record_limit_hit: what the run kept as many of as a run may (the limit's name in
  // sim/core/limits.h). The event under way then still finished; ended_us is its time.
  std::string limit_reached;
  // For each crash of the manager, when the process died and when it was started again (empty:
  // not before the end of the run), so that the summary can say why a retry ran late.
  struct ManagerDowntime {
    TimeUs stopped_us = 0;
    std::optional<TimeUs> restarted_us;
  };
  std::vector<ManagerDowntime> manager_downtimes;
  // Where an administrator deleted a package's Retry History key (scenario entries
  // `delete_retry_history`), in time order, with what the world had seen of the package's passes
  // at that moment (so that the summary needs no times to tell which came first).
  struct RetryHistoryDeletion {
    std::string package_id;
    TimeUs t_us = 0;
    bool key_existed = false;     // a pass of the package had ended: the manager wrote one
    size_t passes_before = 0;     // passes of the package begun before the deletion
    bool last_pass_over = false;  // ... and the last of them had ended (or a crash ended it)
    // The manager read the package's key while this deletion was in force: it was about to
    // retry (or redo) the package and found no key. A deletion it never read stopped nothing.
    bool found_by_manager = false;
  };
  std::vector<RetryHistoryDeletion> retry_history_deletions;
  // The holders that run on the servers themselves (antivirus, indexer, backup): a forced
  // disconnect of a DP's users leaves their handles.
  std::vector<std::string> server_processes;
  std::vector<LogLine> log_lines;
  std::vector<HolderFinding> holder_findings;
  // Ground truth read from the VFS after the run, not from the manager: how many handles the
  // manager process holds, and the whole handle table (manager and holders).
  uint32_t manager_open_handles_at_end = 0;
  std::vector<OpenHandleRecord> open_handles;
  model::ComponentStatus component_status = model::ComponentStatus::ok;
  // Whether the three lists below were captured (RunOptions::capture_files; by default, with a
  // trace).
  bool files_captured = false;
  // Every file under a package source, the package store or a DP share at the end.
  std::vector<FinalFile> final_files;
  // Captured with final_files: the package source folders that are not a directory in the VFS
  // at the end (never made, or deleted), in scenario order.
  std::vector<std::string> missing_sources;
  // Captured with final_files: the package source folders whose tree at the end lies past what
  // the manager lists (folders deeper than kSourceDirectoryDepthMax, or more than
  // kSourceFilesPerPackageMax files: model/README.md, Bounds), in scenario order.
  std::vector<std::string> oversized_sources;
  // Captured with final_files: the paths among them whose file is read-only at the end.
  std::vector<std::string> read_only_files;
  // The DPs as the world built them (declared name, share, bandwidth).
  std::vector<model::DistributionPointDefinition> distribution_points;
  // Captured with final_files: the free bytes of each DP's share at the end, as the VFS counts
  // them (capacity less its files), in the order of distribution_points.
  std::vector<uint64_t> dp_free_bytes;
  Trace trace{true};
};

// The Distmgr.log line of a log record in the run's site log format.
[[nodiscard]] std::string formatted_log_line(const RunResult& run, const LogLine& line);

// Runs a scenario that unsupported_features() accepted.
[[nodiscard]] RunResult run_world(const Scenario& scenario, const RunOptions& options);

}  // namespace distsim::sim
