// The Scenario: a plain value holding one YAML scenario file (SCENARIO-FORMAT.md, version 1).
// No yaml-cpp type appears here; the loader fills it and the writer turns it back into YAML.
// Optional fields left empty mean "the profile's or the format's default".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/file_access.h"
#include "model/package.h"
#include "model/retry_policy.h"
#include "model/site_config.h"
#include "model/time.h"
#include "model/win32_error.h"
#include "sim/fs/page_protection.h"

namespace distsim::sim {

using model::TimeUs;

// Where a value was written, for messages about it (line and column are 1-based; 0 = unknown).
struct SourcePosition {
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

// A duration that is a constant or drawn from the run's seed.
struct DurationSpec {
  enum class Kind { constant, uniform, exponential };
  Kind kind = Kind::constant;
  TimeUs value_us = 0;  // constant: the value; uniform: low; exponential: the mean
  TimeUs high_us = 0;   // uniform only
  friend bool operator==(const DurationSpec&, const DurationSpec&) = default;
};

struct RetrySpec {
  bool count_given = false;       // `count` was written
  std::optional<uint32_t> count;  // with count_given: nullopt = unlimited
  std::optional<TimeUs> delay_us;
  std::optional<model::Backoff> backoff;
  std::optional<uint32_t> multiplier_milli;
  std::optional<TimeUs> max_delay_us;
  std::optional<model::Jitter> jitter;
  std::optional<TimeUs> deadline_us;
  std::optional<std::vector<model::Win32Error>> retry_on;
  std::optional<model::DelayFrom> delay_from;
  std::optional<bool> crash_uses_retry;
  std::optional<bool> update_resets_retries;
  std::optional<model::DueWhileDown> due_while_down;
  std::optional<model::DpRetryDecided> dp_retry_decided;
  friend bool operator==(const RetrySpec&, const RetrySpec&) = default;
};

struct SiteSpec {
  std::optional<std::string> code;
  std::optional<std::string> server;
  model::Profile profile = model::Profile::sms2;
  RetrySpec retry;
  std::optional<uint32_t> max_packages;
  std::optional<uint32_t> threads_per_package;
  std::optional<model::AccessMask> source_open_access;
  std::optional<model::ShareMode> source_open_share;
  std::optional<uint32_t> source_open_retries;
  std::optional<TimeUs> source_open_retry_interval_us;
  std::optional<model::AccessMask> dp_copy_open_access;  // `dp_copy_open`
  std::optional<model::ShareMode> dp_copy_open_share;
  std::optional<model::AccessMask> pck_create_open_access;  // `pck_create_open`
  std::optional<model::ShareMode> pck_create_open_share;
  std::optional<model::AccessMask> pck_read_open_access;  // `pck_read_open`
  std::optional<model::ShareMode> pck_read_open_share;
  std::optional<uint64_t> read_bandwidth_bytes_per_second;
  // Keys distsim adds to the format (README, "Site settings beyond the format"):
  std::optional<model::LogFormat> log_format;    // `log_format`
  std::optional<bool> retry_on_wake;             // `retry_on_wake`
  std::optional<TimeUs> retry_on_wake_after_us;  // `retry_on_wake_after`
  std::optional<bool> update_deletes_dp_folder;  // `dp_update: recreate | overwrite`
  std::optional<bool> retry_copies_installed;    // `retry_copies_installed`
  std::optional<model::RetryCountShownIn> retry_count_shown_in;  // `retry_count_shown_in`
  std::optional<uint32_t> compression_per_mille;                 // `compression: 0.5` -> 500
  std::optional<bool> streams_fail_compression;                  // nullopt: the profile's default
  std::optional<model::ComponentStatusThresholds> status_thresholds;  // `status_thresholds`
  std::optional<uint64_t> outgoing_bandwidth_bytes_per_second;        // `outgoing_bandwidth`
  friend bool operator==(const SiteSpec&, const SiteSpec&) = default;
};

struct FilesystemEntry {
  enum class Kind { dir, file, tree };
  Kind kind = Kind::file;
  std::string path;
  uint64_t size_bytes = 1024;  // file: its size; tree: the total
  uint32_t file_count = 0;     // tree only
  SourcePosition position;
  bool read_only = false;          // file only: FILE_ATTRIBUTE_READONLY (`read_only`)
  uint32_t alternate_streams = 0;  // file only: alternate data streams (`streams`)
  friend bool operator==(const FilesystemEntry&, const FilesystemEntry&) = default;
};

struct DistributionPointSpec {
  std::string name;
  std::optional<std::string> share;  // default '\\<name>\SMSPKGC$'
  uint64_t bandwidth_bits_per_second = 100'000'000;
  uint64_t free_bytes = 100ull * 1024 * 1024 * 1024;
  // `server: netware`: a NetWare server, where the manager cannot force users off
  // (model/README.md).
  bool netware = false;
  SourcePosition position;
  friend bool operator==(const DistributionPointSpec&, const DistributionPointSpec&) = default;
};

// A package entry: a new package, or an `update`, `refresh` or `delete_retry_history` of an
// existing one.
struct PackageEvent {
  // delete_retry_history: an administrator deletes the package's Retry History registry key (KB
  // Q319207's way to stop SMS 2.0's retries); it acts on the state store, not through the manager.
  enum class Kind { create, update, refresh, delete_retry_history };
  Kind kind = Kind::create;
  std::string id;  // the package, for every kind
  std::string name;
  std::string source;
  TimeUs at_us = 0;
  std::vector<std::string> distribution_points;  // empty: all
  bool compressed = false;
  // create, `disconnect_users`: the failed copies to a DP in a retry cycle after which the next
  // copy to it first forces the DP's users off the package folder; nullopt: off.
  std::optional<uint32_t> disconnect_users_after;
  SourcePosition position;
  friend bool operator==(const PackageEvent&, const PackageEvent&) = default;
};

enum class HolderKind { explorer_window, temp_user, antivirus, indexer, backup, dp_client, script };

// When an antivirus holder scans a file in its scope (`on`): after a writer closes it, and/or
// when another process opens it.
enum class AntivirusTrigger { write_close, open };

// How a backup holder reads (`mode`): from a VSS snapshot (holds nothing on the live files) or
// plainly (opens each file with share read).
enum class BackupMode { vss, plain };

// The access and share of a `run` step's open of the program file (an assumption,
// sim/holders/README.md): execute and read, sharing read and delete.
inline constexpr model::AccessMask kRunAccess{model::access_bits::kGenericRead |
                                              model::access_bits::kGenericExecute};
inline constexpr model::ShareMode kRunShare{model::share_bits::kRead | model::share_bits::kDelete};

struct ScriptStep {
  enum class Action {
    open,
    close,
    lock,
    unlock,
    write,
    delete_file,
    rename,
    run,             // start a program: open the file, map it as an image, close the file
    exit,            // the program a `run ... as:` started exits: its image section closes
    set_attributes,  // SetFileAttributes: `read_only` true or false
    get_attributes,  // GetFileAttributes, recorded in the trace
    map,             // CreateFileMapping + MapViewOfFile from an open handle: a data section
    unmap            // the view a `map ... as:` made is unmapped and its section closed
  };
  Action action = Action::open;
  TimeUs at_us = 0;
  // `at` given as a distribution: drawn in each run from the holder's random stream (at_us is
  // then the time of the step before it). Steps run in order: a step whose time comes out before
  // the previous step's runs right after it.
  std::optional<DurationSpec> drawn_at;
  std::string path;          // open, delete_file, rename (the source), run, *_attributes
  std::string to;            // rename
  std::string handle_name;   // open and run (`as`), close, lock, unlock, write, exit, map, unmap
  std::string section_name;  // map (`as`): the name `unmap` ends it by; empty: mapped to the end
  PageProtection protection = PageProtection::readonly;        // map
  model::AccessMask access{model::access_bits::kGenericRead};  // open; run: kRunAccess
  model::ShareMode share{model::share_bits::kRead};            // open; run: kRunShare
  uint64_t offset = 0;                                         // lock/unlock
  uint64_t length = 0;                                         // lock/unlock
  bool exclusive = true;  // lock (`exclusive`, a key distsim adds; default true)
  std::optional<model::Win32Error> expect;
  SourcePosition position;
  bool delete_on_close = false;  // open: FILE_FLAG_DELETE_ON_CLOSE
  bool read_only = false;        // set_attributes
  friend bool operator==(const ScriptStep&, const ScriptStep&) = default;
};

struct HolderSpec {
  HolderKind kind = HolderKind::script;
  std::string name;  // default: kind + index, filled by the loader
  DurationSpec at;
  std::optional<DurationSpec> hold_for;  // `for`
  // When every hold ends, a time drawn once per holder; a hold that begins later ends at once.
  std::optional<DurationSpec> until;
  std::optional<DurationSpec> every;
  uint32_t count = 1;
  std::string path;  // explorer_window (dir), temp_user (file), dp_client (file)
  // antivirus, indexer, backup: the directories watched or backed up, one or more (`scope` is a
  // path or a list of paths).
  std::vector<std::string> scope;
  bool thumbnails = true;
  // explorer_window: overrides of the Thumbs.db handle's flags (`access` and `share` are the
  // folder handle's).
  std::optional<model::AccessMask> thumbnails_access;
  std::optional<model::ShareMode> thumbnails_share;
  uint64_t size_bytes = 1024;               // temp_user: size of a file it creates
  std::optional<model::AccessMask> access;  // overrides of the kind's defaults
  std::optional<model::ShareMode> share;
  std::vector<ScriptStep> steps;
  // antivirus `on`; nullopt: not written, the default {write_close}; `on: []` never scans.
  std::optional<std::vector<AntivirusTrigger>> antivirus_on;
  // antivirus, backup `per_mb`: how long a scan or read holds the file per MB of its size;
  // nullopt: the holder kind's documented default.
  std::optional<DurationSpec> per_mb;
  // antivirus `keeps_section`: after a scan closes its handle, it keeps a read-only view of the
  // file this long; nullopt: it keeps none (an uncertain report, sim/holders/antivirus.h).
  std::optional<DurationSpec> keeps_section;
  // indexer `delay`: how long after a change the indexer reads the file; nullopt: its default.
  std::optional<DurationSpec> delay;
  // backup `mode`; default plain, the era's (pre-VSS) agents, and the case that holds files.
  BackupMode backup_mode = BackupMode::plain;
  SourcePosition position;
  bool delete_on_close = false;  // temp_user: opens its file with FILE_FLAG_DELETE_ON_CLOSE
  bool image = true;             // dp_client: maps the file as a running program's image
  friend bool operator==(const HolderSpec&, const HolderSpec&) = default;
};

struct FaultSpec {
  enum class Kind { dp_unreachable, dp_disk_full, crash };
  Kind kind = Kind::dp_unreachable;
  TimeUs at_us = 0;
  std::string target;  // DP name, or "distribution_manager"
  std::optional<TimeUs> for_us;
  std::optional<TimeUs> restart_after_us;
  SourcePosition position;
  friend bool operator==(const FaultSpec&, const FaultSpec&) = default;
};

struct CountRange {
  uint64_t min = 0;
  uint64_t max = 0;
  friend bool operator==(const CountRange&, const CountRange&) = default;
};

struct DpStateExpectation {
  std::string dp_name;
  model::DpState state = model::DpState::installed;
  SourcePosition position;  // the DP name's key
  friend bool operator==(const DpStateExpectation&, const DpStateExpectation&) = default;
};

struct PackageExpectation {
  std::string package_id;
  std::optional<model::PackageState> state;
  std::optional<CountRange> attempts;
  std::optional<CountRange> retries;
  std::optional<TimeUs> installed_by_us;
  std::vector<DpStateExpectation> distribution_points;
  SourcePosition position;  // the package id's key
  // Each expectation's own key, where a failure of that expectation points.
  SourcePosition state_position;
  SourcePosition attempts_position;
  SourcePosition retries_position;
  SourcePosition installed_by_position;
  friend bool operator==(const PackageExpectation&, const PackageExpectation&) = default;
};

struct StatusCountExpectation {
  uint32_t id = 0;
  CountRange count;
  std::optional<std::string> package;
  SourcePosition position;
  friend bool operator==(const StatusCountExpectation&, const StatusCountExpectation&) = default;
};

struct StatusSequenceExpectation {
  std::vector<uint32_t> ids;
  std::optional<std::string> package;
  SourcePosition position;
  friend bool operator==(const StatusSequenceExpectation&,
                         const StatusSequenceExpectation&) = default;
};

// One `log.contains` or `log.not_contains` substring.
struct LogPatternExpectation {
  std::string text;
  SourcePosition position;
  friend bool operator==(const LogPatternExpectation&, const LogPatternExpectation&) = default;
};

enum class ComponentStatusLevel { ok, warning, critical };

struct Expectations {
  std::vector<PackageExpectation> packages;
  std::vector<StatusCountExpectation> status_counts;
  std::vector<StatusSequenceExpectation> status_sequences;
  std::optional<ComponentStatusLevel> component_status;
  SourcePosition component_status_position;  // its key
  std::vector<LogPatternExpectation> log_contains;
  std::vector<LogPatternExpectation> log_not_contains;
  bool no_invariant_violations = true;
  SourcePosition no_invariant_violations_position;  // its key, when written
  // `invariant_violations`: the invariants that must each report a violation (a known livelock
  // or limit the scenario demonstrates); every other one must still report nothing.
  std::vector<std::string> invariant_violations;
  SourcePosition invariant_violations_position;  // its key, when written
  friend bool operator==(const Expectations&, const Expectations&) = default;
};

struct Scenario {
  std::string file;  // the path it was loaded from (for messages and repro lines)
  // The retry policy file whose `retry` replaced site.retry (`distsim run --policy`, `compare`;
  // see with_policy), for repro lines, and its `name`; both empty when site.retry is the file's
  // own.
  std::string policy_file;
  std::string policy_name;
  uint32_t version = 1;
  std::string name;
  std::string description;
  uint64_t seed = 0;
  TimeUs until_us = 30 * model::kMicrosecondsPerDay;
  SiteSpec site;
  std::vector<FilesystemEntry> filesystem;
  std::vector<DistributionPointSpec> distribution_points;
  std::vector<PackageEvent> packages;
  std::vector<HolderSpec> holders;
  std::vector<FaultSpec> faults;
  Expectations expect;
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

// The YAML spellings of the enumerations above, shared by the loader and the writer.
template <typename Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

inline constexpr std::array kLogFormatNames{
    EnumName<model::LogFormat>{model::LogFormat::sms2, "sms2"},
    EnumName<model::LogFormat>{model::LogFormat::numeric, "numeric"},
    EnumName<model::LogFormat>{model::LogFormat::cmtrace, "cmtrace"},
};
// A distribution point's `server`: true = NetWare.
inline constexpr std::array kDpServerNames{
    EnumName<bool>{false, "windows_nt"},
    EnumName<bool>{true, "netware"},
};
// `dp_update`: true = delete and re-create the DP folder on update (SMS 2.0 Reserved Flags 0).
inline constexpr std::array kDpUpdateNames{
    EnumName<bool>{true, "recreate"},
    EnumName<bool>{false, "overwrite"},
};
inline constexpr std::array kHolderKindNames{
    EnumName<HolderKind>{HolderKind::explorer_window, "explorer_window"},
    EnumName<HolderKind>{HolderKind::temp_user, "temp_user"},
    EnumName<HolderKind>{HolderKind::antivirus, "antivirus"},
    EnumName<HolderKind>{HolderKind::indexer, "indexer"},
    EnumName<HolderKind>{HolderKind::backup, "backup"},
    EnumName<HolderKind>{HolderKind::dp_client, "dp_client"},
    EnumName<HolderKind>{HolderKind::script, "script"},
};
inline constexpr std::array kAntivirusTriggerNames{
    EnumName<AntivirusTrigger>{AntivirusTrigger::write_close, "write_close"},
    EnumName<AntivirusTrigger>{AntivirusTrigger::open, "open"},
};
inline constexpr std::array kBackupModeNames{
    EnumName<BackupMode>{BackupMode::vss, "vss"},
    EnumName<BackupMode>{BackupMode::plain, "plain"},
};
// The invariant checkers by the names their violations carry (sim/check/invariants.h), for
// `expect.invariant_violations`.
inline constexpr std::array<std::string_view, 21> kInvariantNames{"copy_bandwidth",
                                                                  "dp_content",
                                                                  "failed_copy_reported",
                                                                  "failure_error",
                                                                  "handles_closed",
                                                                  "installed_has_time",
                                                                  "liveness",
                                                                  "package_copy",
                                                                  "package_state",
                                                                  "pass_messages",
                                                                  "retry_bound",
                                                                  "retry_count_text",
                                                                  "retry_give_up",
                                                                  "retry_history",
                                                                  "retry_wait",
                                                                  "source_open_retries",
                                                                  "source_read_time",
                                                                  "source_read_whole",
                                                                  "status_log_consistency",
                                                                  "thread_limit",
                                                                  "user_disconnect"};
inline constexpr std::array kComponentStatusLevelNames{
    EnumName<ComponentStatusLevel>{ComponentStatusLevel::ok, "ok"},
    EnumName<ComponentStatusLevel>{ComponentStatusLevel::warning, "warning"},
    EnumName<ComponentStatusLevel>{ComponentStatusLevel::critical, "critical"},
};
// The key that names the action of a script step (`delete` for delete_file).
inline constexpr std::array kScriptActionKeys{
    EnumName<ScriptStep::Action>{ScriptStep::Action::open, "open"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::close, "close"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::lock, "lock"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::unlock, "unlock"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::write, "write"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::delete_file, "delete"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::rename, "rename"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::run, "run"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::exit, "exit"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::set_attributes, "set_attributes"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::get_attributes, "get_attributes"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::map, "map"},
    EnumName<ScriptStep::Action>{ScriptStep::Action::unmap, "unmap"},
};
// The key that names the kind of a fault entry.
inline constexpr std::array kFaultKindKeys{
    EnumName<FaultSpec::Kind>{FaultSpec::Kind::dp_unreachable, "dp_unreachable"},
    EnumName<FaultSpec::Kind>{FaultSpec::Kind::dp_disk_full, "dp_disk_full"},
    EnumName<FaultSpec::Kind>{FaultSpec::Kind::crash, "crash"},
};
// The key that names the kind of a filesystem entry.
inline constexpr std::array kFilesystemKindKeys{
    EnumName<FilesystemEntry::Kind>{FilesystemEntry::Kind::dir, "dir"},
    EnumName<FilesystemEntry::Kind>{FilesystemEntry::Kind::file, "file"},
    EnumName<FilesystemEntry::Kind>{FilesystemEntry::Kind::tree, "tree"},
};
// The only process a `crash` fault can name.
inline constexpr std::string_view kCrashTargetName = "distribution_manager";

// The spelling of `value` in `table`; every enumerator has one.
template <typename Enum, size_t kSize>
[[nodiscard]] constexpr std::string_view enum_name(const std::array<EnumName<Enum>, kSize>& table,
                                                   Enum value) {
  for (const EnumName<Enum>& row : table) {
    if (row.value == value) return row.name;
  }
  return {};
}

template <typename Enum, size_t kSize>
[[nodiscard]] constexpr std::optional<Enum> enum_from_name(
    const std::array<EnumName<Enum>, kSize>& table, std::string_view name) {
  for (const EnumName<Enum>& row : table) {
    if (row.name == name) return row.value;
  }
  return std::nullopt;
}

}  // namespace distsim::sim
