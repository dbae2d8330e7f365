// The history the invariant checkers share, read once from a run's trace: notifications (where
// retry cycles begin), passes, crashes, and per retry unit (a package, or one DP of a package
// under a per-DP policy) its attempts with their outcomes and its scheduled retries. Only
// sim/check/ includes it (the checkers, the world classes and the explorer).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "model/file_access.h"
#include "sim/check/invariants.h"
#include "sim/core/trace.h"
#include "sim/fs/windows_path.h"
#include "sim/world/world.h"

namespace distsim::sim::invariant_detail {

// --- trace records
// Inline: every checker calls these on every record, several times over, and the call cost more
// than the comparisons.

// Equality of the short texts the checkers compare on every record (keys, event and actor names,
// package ids). Keys and event names are string literals, often the very same bytes as the
// caller's, so equal pointers answer at once; otherwise eight bytes at a time (the last word
// overlapping the one before), since a call to memcmp costs more than these texts.
[[nodiscard]] inline bool same_literal(std::string_view left, std::string_view right) {
  const size_t size = left.size();
  if (size != right.size()) return false;
  if (left.data() == right.data()) return true;
  const char* a = left.data();
  const char* b = right.data();
  const auto load64 = [](const char* bytes) {
    uint64_t word = 0;
    std::memcpy(&word, bytes, sizeof(word));
    return word;
  };
  const auto load32 = [](const char* bytes) {
    uint32_t word = 0;
    std::memcpy(&word, bytes, sizeof(word));
    return word;
  };
  if (size >= 8) {
    for (size_t at = 0; at + 8 < size; at += 8) {
      if (load64(a + at) != load64(b + at)) return false;
    }
    return load64(a + size - 8) == load64(b + size - 8);
  }
  if (size >= 4) return load32(a) == load32(b) && load32(a + size - 4) == load32(b + size - 4);
  for (size_t at = 0; at < size; ++at) {
    if (a[at] != b[at]) return false;
  }
  return true;
}

[[nodiscard]] inline const TraceValue* find_field(const TraceRecord& record, std::string_view key) {
  for (const TraceField& field : record.fields) {
    if (same_literal(field.key, key)) return &field.value;
  }
  return nullptr;
}

// The field's value, or an empty text / list when the record has no such field; valid as long as
// the trace holding the record is.
[[nodiscard]] inline std::string_view text_field(const TraceRecord& record, std::string_view key) {
  const TraceValue* value = find_field(record, key);
  const auto* text = value ? std::get_if<std::string_view>(value) : nullptr;
  return text ? *text : std::string_view();
}
[[nodiscard]] inline std::optional<int64_t> number_field(const TraceRecord& record,
                                                         std::string_view key) {
  const TraceValue* value = find_field(record, key);
  const auto* number = value ? std::get_if<int64_t>(value) : nullptr;
  return number ? std::optional<int64_t>(*number) : std::nullopt;
}
// A flag field's value; false when the record has no such field.
[[nodiscard]] inline bool flag_field(const TraceRecord& record, std::string_view key) {
  const TraceValue* value = find_field(record, key);
  const auto* flag = value ? std::get_if<bool>(value) : nullptr;
  return flag != nullptr && *flag;
}
[[nodiscard]] inline TraceList list_field(const TraceRecord& record, std::string_view key) {
  const TraceValue* value = find_field(record, key);
  const auto* list = value ? std::get_if<TraceList>(value) : nullptr;
  return list ? *list : TraceList();
}
[[nodiscard]] inline bool is_manager(const TraceRecord& record) {
  return same_literal(record.actor, kManagerActorName);
}
[[nodiscard]] inline bool is_event(const TraceRecord& record, std::string_view actor,
                                   std::string_view event) {
  return same_literal(record.event, event) && same_literal(record.actor, actor);
}
// A status message record of the manager with this ID (and package, when given).
[[nodiscard]] bool is_status(const TraceRecord& record, uint32_t id, std::string_view package = {});
// A Distmgr.log line of the manager containing `needle`.
[[nodiscard]] bool is_log_containing(const TraceRecord& record, std::string_view needle);

// --- what each record is
// The actors and events the checkers tell apart, read once per record into History::kinds: the
// checkers pass over the whole trace many times, and a byte compared per record costs less than
// the actor's and event's names compared on each pass.
enum class RecordActor : uint8_t { holder, manager, world, distribution_point };
enum class RecordEvent : uint8_t {
  other,
  open,
  close,
  read,
  write,
  delete_file,  // "delete"
  rename,
  remove_directory,
  list_directory,
  log_line,
  status_message,
  retry_scheduled,
  pass_start,
  pass_end,
  dp_state,
  crash,
  restart,
  notification,
  fault_start,
  fault_end,
  retry_history_deleted,
};
struct RecordKind {
  RecordActor actor = RecordActor::holder;
  RecordEvent event = RecordEvent::other;

  [[nodiscard]] bool is(RecordActor by, RecordEvent what) const {
    return actor == by && event == what;
  }
};
// The trace's name of each event but `other`; among names of one length the most frequent first,
// since kind_of stops at the first that matches.
inline constexpr std::array<std::pair<std::string_view, RecordEvent>, 20> kRecordEventNames = {{
    {"log_line", RecordEvent::log_line},
    {"status_message", RecordEvent::status_message},
    {"open", RecordEvent::open},
    {"close", RecordEvent::close},
    {"read", RecordEvent::read},
    {"write", RecordEvent::write},
    {"list_directory", RecordEvent::list_directory},
    {"dp_state", RecordEvent::dp_state},
    {"retry_scheduled", RecordEvent::retry_scheduled},
    {"pass_start", RecordEvent::pass_start},
    {"pass_end", RecordEvent::pass_end},
    {"notification", RecordEvent::notification},
    {"delete", RecordEvent::delete_file},
    {"rename", RecordEvent::rename},
    {"remove_directory", RecordEvent::remove_directory},
    {"crash", RecordEvent::crash},
    {"restart", RecordEvent::restart},
    {"fault_start", RecordEvent::fault_start},
    {"fault_end", RecordEvent::fault_end},
    {"retry_history_deleted", RecordEvent::retry_history_deleted},
}};
[[nodiscard]] RecordKind kind_of(const TraceRecord& record);

// --- paths, compared case-insensitively as Windows does
// Case-insensitive (ASCII) equality, as upper_ascii(left) == upper_ascii(right) without copies.
[[nodiscard]] inline bool same_path(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return false;
  const auto upper = [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; };
  for (size_t index = 0; index < left.size(); ++index) {
    if (left[index] != right[index] && upper(left[index]) != upper(right[index])) return false;
  }
  return true;
}
// Whether a notification's `dps` list names `dp` (an empty list names every DP of the package).
[[nodiscard]] inline bool names_dp(const TraceList& dps, std::string_view dp) {
  return dps.empty() || std::any_of(dps.begin(), dps.end(),
                                    [dp](std::string_view each) { return same_path(each, dp); });
}
// True when `path` lies strictly below `folder`. A folder written with its trailing separator
// ("C:\\", "C:\\Src\\") already holds the separator that follows it in `path`.
[[nodiscard]] inline bool path_below(std::string_view path, std::string_view folder) {
  if (folder.empty()) return false;
  const bool ends_in_separator = folder.back() == '\\';
  if (path.size() <= folder.size() + (ends_in_separator ? 0 : 1)) return false;
  if (!ends_in_separator && path[folder.size()] != '\\') return false;
  return same_path(path.substr(0, folder.size()), folder);
}
// `path` without `folder` and its separator, a view of `path`; requires path_below(path, folder).
[[nodiscard]] std::string_view relative_below(std::string_view path, std::string_view folder);

// --- access rights
// The rights a trace record's access list grants, by the manager's own names for them.
[[nodiscard]] uint32_t access_bits_of(const TraceList& names);
// The rights that let an open write a file's data.
inline constexpr uint32_t kWritesFileData =
    model::access_bits::kGenericWrite | model::access_bits::kGenericAll |
    model::access_bits::kFileWriteData | model::access_bits::kFileAppendData;

// Orders (package, DP) pairs: packages as written, DP names without regard to case, as Windows
// compares them.
struct PackageAndDpLess {
  [[nodiscard]] bool operator()(const std::pair<std::string_view, std::string_view>& left,
                                const std::pair<std::string_view, std::string_view>& right) const {
    if (left.first != right.first) return left.first < right.first;
    return less_case_insensitive(left.second, right.second);
  }
};

// --- the history
enum class Outcome {
  success,      // package: 2301; DP: 2330
  failed,       // package: 2302; DP: 2328
  interrupted,  // a crash ended it first
  superseded,   // ended without an outcome after an update or refresh restarted its cycle
  running,      // still running at the end of the run
};

struct PassSpan {
  std::string package;
  size_t start_record = 0;
  TimeUs start_us = 0;
  std::optional<size_t> end_record;  // the pass_end, or the crash that cut it short
  TimeUs end_us = 0;                 // valid with end_record
  bool interrupted = false;
  // Per-DP policy: DP retries copying without a processing thread (no 2300/2301/2302).
  bool dp_retries = false;
  // The package processing thread, which the manager's listings and opens of the source name;
  // 0 where the trace does not say.
  uint32_t thread = 0;
};

// Orders passes by start time, which History::passes is sorted by (it is in trace order), for
// binary searches by a time.
struct PassStartsBefore {
  bool operator()(const PassSpan& pass, TimeUs t_us) const { return pass.start_us < t_us; }
  bool operator()(TimeUs t_us, const PassSpan& pass) const { return t_us < pass.start_us; }
};

struct Attempt {
  size_t start_record = 0;
  TimeUs start_us = 0;
  size_t cycle = 0;  // index into RetryUnit::cycle_starts
  Outcome outcome = Outcome::running;
  std::optional<size_t> end_record;  // the message or crash that decided the outcome
  TimeUs end_us = 0;
  std::optional<int64_t> error;  // Win32 code of a failure, when the trace shows it
  bool gave_up = false;          // failed and the manager said it will not retry
  // retry_count_shown_in retry_message: the 62302 that followed the attempt's 2302 in its pass,
  // which then says that a retry follows and shows the count
  std::optional<size_t> retry_message_record;
  std::optional<size_t> pass;  // index into History::passes
  // Per-DP policy, package level: the pass failed because DP copies failed, which the DPs'
  // own retries handle; it uses none of the package's retries.
  bool copies_failed = false;
  // Attempts before this one that used a retry (History::uses_retry) and count against it: those
  // of its cycle, and with update_resets_retries false those of the earlier cycles it goes on
  // counting (RetryUnit::count_from); counted once the unit is read.
  uint64_t retries_before = 0;
  // When the first of those attempts began: where the deadline counts from.
  TimeUs counts_from_us = 0;
};

struct ScheduledRetry {
  size_t record = 0;
  TimeUs t_us = 0;   // when the failed attempt ended and the retry was decided
  TimeUs at_us = 0;  // when the retry falls due
  size_t cycle = 0;
};

// A 62302 that does not follow its pass's 2302 as the only one, and why.
struct StrayRetryMessage {
  enum class Why {
    site_shows_count_in_2302,  // retry_count_shown_in is failure_message
    no_failed_pass,            // no 2302 of a failed pass of the package came before it
    after_pass_end,            // the pass of the 2302 before it had ended
    second_one,                // its pass's 2302 already had one
  };
  size_t record = 0;
  Why why = Why::no_failed_pass;
};

struct RetryUnit {
  std::string package;
  std::string dp;                    // empty: the package itself
  std::vector<size_t> cycle_starts;  // notification records, in order
  // Per cycle, the cycle whose first attempt its retry counts go on from: itself, unless
  // update_resets_retries is false and the counts went on across its notification (no success
  // just before it, no deletion of the retry history in force at it).
  std::vector<size_t> count_from;
  std::vector<Attempt> attempts;
  std::vector<ScheduledRetry> retries;
  // retry_scheduled records with pulled_forward: a waiting retry ran early for other work
  std::vector<size_t> pulled_forward;
  // The package's 62302 messages that belong to no failed pass (retry_count_text reports each)
  std::vector<StrayRetryMessage> stray_retry_messages;
  [[nodiscard]] std::string name() const { return dp.empty() ? package : package + " on " + dp; }
};

// The trace's records by index, in one array of pointers filled once: the checkers look records
// up by index millions of times per thousand explored worlds, and TraceRecords works out each
// one's chunk from its index. The pointers stay valid while the run lives (chunks never move).
class RecordTable {
 public:
  void assign(const TraceRecords& records) {
    records_.clear();
    records_.reserve(records.size());
    for (const TraceRecord& record : records) records_.push_back(&record);
  }
  [[nodiscard]] size_t size() const { return records_.size(); }
  [[nodiscard]] bool empty() const { return records_.empty(); }
  [[nodiscard]] const TraceRecord& operator[](size_t index) const {
    DISTSIM_ASSERT(index < records_.size());
    return *records_[index];
  }

 private:
  std::vector<const TraceRecord*> records_;
};

struct History {
  const RunResult* run = nullptr;
  bool traced = false;            // the trace is enabled and complete
  std::vector<RecordKind> kinds;  // per record, for every record the trace holds
  std::map<std::string, std::string, std::less<>> sources;  // package -> source folder
  std::vector<size_t> notifications;                        // record indices
  // The records a retry unit's attempts are read from: the manager's log lines, status messages
  // and scheduled retries, and crashes, in trace order.
  std::vector<size_t> unit_records;
  std::vector<PassSpan> passes;
  std::vector<size_t> crashes;
  std::vector<size_t> restarts;
  // Where an administrator deleted a package's retry history (SMS 2.0's registry key), in order.
  std::vector<size_t> retry_history_deletions;
  std::vector<RetryUnit> units;

  RecordTable record_table;  // every record the trace holds

  [[nodiscard]] const RecordTable& records() const { return record_table; }
  // Whether 2302 itself shows the retry count (retry_count_shown_in failure_message).
  [[nodiscard]] bool count_in_failure_message() const {
    return run->site.retry_count_shown_in == model::RetryCountShownIn::failure_message;
  }
  [[nodiscard]] std::string dp_share(std::string_view dp_name) const;
  [[nodiscard]] std::string dp_of_share(std::string_view share) const;  // "" when unknown
  [[nodiscard]] std::string dp_folder(std::string_view package, std::string_view dp_name) const;
  [[nodiscard]] std::string package_copy_path(std::string_view package) const;
  // Whether `path` is package_copy_path(package), or lies below the package's folder on `dp`:
  // compared piece by piece, for checkers that ask per handle or record and would otherwise
  // build the paths each time.
  [[nodiscard]] bool is_package_copy(std::string_view path, std::string_view package) const;
  [[nodiscard]] static bool below_dp_folder(std::string_view path, std::string_view package,
                                            const model::DistributionPointDefinition& dp);
  // Whether a failed or interrupted attempt of `unit` uses one of its retries.
  [[nodiscard]] bool uses_retry(const RetryUnit& unit, const Attempt& attempt) const;
  // Attempts before attempt `index` that used a retry counting against it (Attempt).
  [[nodiscard]] uint64_t retries_used_before(const RetryUnit& unit, size_t index) const;
  // When the first attempt whose retries the unit's `cycle` counts with started: the cycle's own
  // first, or an earlier cycle's when update_resets_retries is false (nullopt: none yet).
  [[nodiscard]] std::optional<TimeUs> cycle_first_start(const RetryUnit& unit, size_t cycle) const;
  // Whether the two cycles of the unit count their retries together.
  [[nodiscard]] static bool same_count(const RetryUnit& unit, size_t cycle, size_t other) {
    return unit.count_from[cycle] == unit.count_from[other];
  }
  // The manager process is down at `t_us` (a crash at or before it, no restart before it).
  [[nodiscard]] bool manager_down_at(TimeUs t_us) const;
  // The deletion of `package`'s retry history in force just before record `at`: the latest
  // deletion before it that found a key (one a pass of the package wrote as it ended, and no
  // deletion removed since; a crash ends no pass here, so a pass it cut short wrote nothing),
  // with no pass of the package ended (which writes the key anew) and no notification of it (a
  // new cycle) in between; nullopt when none is.
  [[nodiscard]] std::optional<size_t> retry_history_deleted_before(std::string_view package,
                                                                   size_t at) const;
  // Per package whose retry history was deleted: after each of its key's events (a pass ended, a
  // notification, a deletion), in record order, the deletion in force. Built on first use, so
  // that a checker asking at every one of thousands of passes reads it by binary search.
  struct KeyState {
    size_t record = 0;
    std::optional<size_t> deletion;
  };
  mutable std::map<std::string, std::vector<KeyState>, std::less<>> retry_history_timelines;
  // Whether the world created the package compressed (its creation's `compressed` flag).
  [[nodiscard]] bool package_compressed(std::string_view package) const;
  // KB Q316316: the package is compressed (the world's record of its creation), the site cannot
  // compress files with alternate data streams, and the last pass that read its source read one
  // (the file system's read records): no retry can install it while that file stays.
  [[nodiscard]] bool streams_block_compression(std::string_view package) const;
  // A deletion of the unit's retry history while `retry` waited: after the retry was decided and
  // no later than it fell due; nullopt when none.
  [[nodiscard]] std::optional<size_t> retry_history_deleted_while_waiting(
      const RetryUnit& unit, const ScheduledRetry& retry) const;
};

[[nodiscard]] History read_history(const RunResult& run);

// check_invariants and classify_run on a history already read, so that a caller who wants both
// (the explorer, for every world) reads the trace once.
[[nodiscard]] std::vector<InvariantViolation> check_history(const History& history);
[[nodiscard]] std::vector<std::string> classify_history(const History& history);

// --- the retry policy's analytic bounds, derived from its definition (not from the model)
struct DelayRange {
  TimeUs low_us = 0;
  TimeUs high_us = 0;
};
// The wait before retry `retry_number` (1-based) after a wait of `previous_delay_us`.
[[nodiscard]] DelayRange delay_range(const model::RetryPolicy& policy, uint64_t retry_number,
                                     TimeUs previous_delay_us);
// The policy's largest single wait for retries 1..retry_number.
[[nodiscard]] TimeUs longest_delay(const model::RetryPolicy& policy, uint64_t retry_number);

// --- the checkers
using Violations = std::vector<InvariantViolation>;
void check_handles(const History& history, Violations& violations);
void check_dp_content(const History& history, Violations& violations);
void check_package_copies(const History& history, Violations& violations);
void check_retry_units(const History& history, Violations& violations);
void check_failure_errors(const History& history, Violations& violations);
void check_failed_copies_reported(const History& history, Violations& violations);
void check_dp_decisions(const History& history, Violations& violations);
void check_retry_messages(const History& history, Violations& violations);
void check_pass_messages(const History& history, Violations& violations);
void check_thread_limits(const History& history, Violations& violations);
void check_copy_bandwidth(const History& history, Violations& violations);
void check_source_read_time(const History& history, Violations& violations);
void check_source_open_retries(const History& history, Violations& violations);
void check_liveness(const History& history, Violations& violations);
void check_retry_history(const History& history, Violations& violations);
void check_user_disconnects(const History& history, Violations& violations);
void check_statmsg_lines(const History& history, Violations& violations);

}  // namespace distsim::sim::invariant_detail
