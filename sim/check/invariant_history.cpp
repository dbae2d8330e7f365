// Reads a run's trace into the history the invariant checkers share (invariants_internal.h).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "model/assert.h"
#include "model/status_message.h"
#include "sim/check/invariants_internal.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim::invariant_detail {
namespace {

std::optional<int64_t> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9' || value > (INT64_MAX - 9) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// A package's source as the manager names the folder it lists: the parser's display form, which
// writes separators as '\\' and drops a trailing one except after a drive or share root. A text
// the parser refuses stays as written (the manager cannot list it either).
std::string source_folder(std::string_view written) {
  const auto parsed = parse_windows_path(written);
  return parsed.ok() ? parsed.value().display() : std::string(written);
}

// Index of the latest cycle start before `record` (0 when none: the run began the cycle).
size_t cycle_at(const std::vector<size_t>& cycle_starts, size_t record) {
  const auto after = std::lower_bound(cycle_starts.begin(), cycle_starts.end(), record);
  const auto before = static_cast<size_t>(after - cycle_starts.begin());
  return before == 0 ? 0 : before - 1;
}

// Two log lines the retry units look for: "~Woken for other work: retrying package P now ..."
// starts with the first text; "~Error N: <message> Cannot copy package P to distribution point
// S." starts with the second and holds the third. Anchored at the start, so that a package or
// share name that holds these words cannot make another line look like one of them.
constexpr std::string_view kErrorStart = "~Error ";
constexpr std::string_view kCannotCopyText = " Cannot copy package ";

// A record retry units are read from (History::unit_records), with the fields every unit asks of
// it looked up once: a world has a few units, and each reads every such record.
struct UnitRecord {
  enum class Kind { log_line, status_message, retry_scheduled, crash };
  size_t index = 0;
  Kind kind = Kind::log_line;
  std::string_view text;  // a log line's text
  // The log line could be one that names a failed copy to a DP: the units look for their own
  // package's form of these lines only in such lines.
  bool mentions_failed_copy = false;
  bool pulled_forward = false;  // a scheduled retry's: it moves an earlier one to now
  std::string_view package;     // a status message's or a scheduled retry's
  std::string_view dp;          // a status message's or a scheduled retry's
  int64_t status_id = -1;       // a status message's
};

std::vector<UnitRecord> typed_unit_records(const History& history) {
  std::vector<UnitRecord> typed;
  typed.reserve(history.unit_records.size());
  const auto& records = history.records();
  for (const size_t index : history.unit_records) {
    const TraceRecord& record = records[index];
    // Filled in its slot: one built aside and then copied in is read back just after its parts
    // are stored, which stalls.
    UnitRecord& unit_record = typed.emplace_back();
    unit_record.index = index;
    const RecordEvent event = history.kinds[index].event;
    if (event == RecordEvent::crash) {
      unit_record.kind = UnitRecord::Kind::crash;
    } else if (event == RecordEvent::log_line) {
      unit_record.kind = UnitRecord::Kind::log_line;
      unit_record.text = text_field(record, "text");
      unit_record.mentions_failed_copy =
          unit_record.text.starts_with(kErrorStart) &&
          unit_record.text.find(kCannotCopyText) != std::string_view::npos;
    } else {
      unit_record.kind = event == RecordEvent::status_message ? UnitRecord::Kind::status_message
                                                              : UnitRecord::Kind::retry_scheduled;
      unit_record.package = text_field(record, "package");
      unit_record.dp = text_field(record, "dp");
      unit_record.status_id = number_field(record, "id").value_or(-1);
      unit_record.pulled_forward = flag_field(record, "pulled_forward");
    }
  }
  return typed;
}

bool is_status_of(const UnitRecord& record, uint32_t id, std::string_view package) {
  return record.kind == UnitRecord::Kind::status_message &&
         record.status_id == static_cast<int64_t>(id) && same_literal(record.package, package);
}

// kRecordEventNames' entries by the length of their names, computed from the table so that the
// two cannot disagree: kind_of compares a record's event with the few names of its length only.
constexpr size_t kEventNameLengthMax = 21;
constexpr size_t kEventsPerLengthMax = 3;
constexpr auto kEventsByLength = [] {
  std::array<std::array<int8_t, kEventsPerLengthMax>, kEventNameLengthMax + 1> by_length{};
  for (auto& entries : by_length) entries.fill(-1);
  for (size_t index = 0; index < kRecordEventNames.size(); ++index) {
    const size_t length = kRecordEventNames[index].first.size();
    // Over the bounds: the table holds a longer name, or too many of one length.
    if (length > kEventNameLengthMax) throw "an event name is longer than kEventNameLengthMax";
    auto& entries = by_length[length];
    const auto free = std::find(entries.begin(), entries.end(), int8_t{-1});
    if (free == entries.end()) throw "more event names of one length than kEventsPerLengthMax";
    *free = static_cast<int8_t>(index);
  }
  return by_length;
}();

// Passes and crashes, in trace order. A crash ends every running pass.
void read_passes(History& history) {
  // package (a view of the trace), pass index: as few as the manager's threads, so a vector
  std::vector<std::pair<std::string_view, size_t>> running;
  const auto& records = history.records();
  for (size_t index = 0; index < records.size(); ++index) {
    const TraceRecord& record = records[index];
    const RecordKind kind = history.kinds[index];
    if (kind.actor == RecordActor::manager &&
        (kind.event == RecordEvent::log_line || kind.event == RecordEvent::status_message ||
         kind.event == RecordEvent::retry_scheduled)) {
      history.unit_records.push_back(index);
    }
    if (kind.is(RecordActor::manager, RecordEvent::pass_start)) {
      const std::string_view package = text_field(record, "package");
      const auto same = std::find_if(running.begin(), running.end(),
                                     [&](const auto& each) { return each.first == package; });
      if (same != running.end()) {
        same->second = history.passes.size();
      } else {
        running.emplace_back(package, history.passes.size());
      }
      // Filled in its slot (Trace::append_record says why).
      PassSpan& span = history.passes.emplace_back();
      span.package = package;
      span.start_record = index;
      span.start_us = record.t_us;
      span.dp_retries = flag_field(record, "dp_retries");
      span.thread = static_cast<uint32_t>(number_field(record, "thread").value_or(0));
    } else if (kind.is(RecordActor::manager, RecordEvent::pass_end)) {
      const std::string_view package = text_field(record, "package");
      const auto found = std::find_if(running.begin(), running.end(),
                                      [&](const auto& each) { return each.first == package; });
      if (found == running.end()) continue;  // pass_messages reports it
      history.passes[found->second].end_record = index;
      history.passes[found->second].end_us = record.t_us;
      running.erase(found);
    } else if (kind.is(RecordActor::world, RecordEvent::crash)) {
      history.crashes.push_back(index);
      history.unit_records.push_back(index);
      for (const auto& [package, pass] : running) {
        history.passes[pass].end_record = index;
        history.passes[pass].end_us = record.t_us;
        history.passes[pass].interrupted = true;
      }
      running.clear();
    } else if (kind.is(RecordActor::world, RecordEvent::restart)) {
      history.restarts.push_back(index);
    } else if (kind.is(RecordActor::world, RecordEvent::retry_history_deleted)) {
      history.retry_history_deletions.push_back(index);
    } else if (kind.is(RecordActor::world, RecordEvent::notification)) {
      history.notifications.push_back(index);
      if (text_field(record, "kind") == "create") {
        history.sources[std::string(text_field(record, "package"))] =
            source_folder(text_field(record, "source"));
      }
    }
  }
}

// The package-level unit: one attempt per pass, decided by its 2301 or 2302.
// Whether the last attempt of a cycle was granted a retry in that cycle before the next cycle's
// notification took over: a failure, if a retry was scheduled after it (not when the update or
// refresh was already waiting); an attempt a crash cut short, if the crash came first (the
// restart then counted it).
bool granted_in_cycle(const RetryUnit& unit, const Attempt& attempt) {
  if (!attempt.end_record) return false;
  if (attempt.outcome == Outcome::interrupted) {
    return attempt.cycle + 1 >= unit.cycle_starts.size() ||
           *attempt.end_record < unit.cycle_starts[attempt.cycle + 1];
  }
  const auto later = std::upper_bound(
      unit.retries.begin(), unit.retries.end(), *attempt.end_record,
      [](size_t record, const ScheduledRetry& retry) { return record < retry.record; });
  return later != unit.retries.end() && later->cycle == attempt.cycle;
}

// Which cycle each of the unit's cycles counts its retries from. With update_resets_retries (the
// default) every cycle counts afresh. Without, the counts go on across a notification unless the
// unit's latest attempt before it had succeeded, or (for a package) its retry history was deleted
// and not written again: the key that holds the counts was gone.
void link_cycles(const History& history, RetryUnit& unit) {
  const size_t cycles = std::max<size_t>(unit.cycle_starts.size(), 1);
  unit.count_from.resize(cycles);
  const bool resets = history.run->site.retry.update_resets_retries;
  size_t before = 0;  // the attempts that began before the cycle's notification
  for (size_t cycle = 0; cycle < cycles; ++cycle) {
    unit.count_from[cycle] = cycle;
    if (resets || cycle == 0) continue;
    const size_t start = unit.cycle_starts[cycle];
    while (before < unit.attempts.size() && unit.attempts[before].start_record < start) ++before;
    const Attempt* latest = before > 0 ? &unit.attempts[before - 1] : nullptr;
    const bool succeeded = latest != nullptr && latest->outcome == Outcome::success &&
                           latest->end_record && *latest->end_record < start;
    const bool deleted =
        unit.dp.empty() && history.retry_history_deleted_before(unit.package, start).has_value();
    if (!succeeded && !deleted) unit.count_from[cycle] = unit.count_from[cycle - 1];
  }
}

// A 62302 at `index`: it belongs to `owner`, the package's attempt current there, when that
// attempt's 2302 came before it in the same pass and had none yet; it then says whether a retry
// follows. Otherwise it is stray.
void read_retry_message(const History& history, size_t index, Attempt* owner, RetryUnit& unit) {
  using Why = StrayRetryMessage::Why;
  std::optional<Why> stray;
  if (history.count_in_failure_message()) {
    stray = Why::site_shows_count_in_2302;
  } else if (!owner || owner->outcome != Outcome::failed || !owner->end_record) {
    stray = Why::no_failed_pass;
  } else if (owner->pass && history.passes[*owner->pass].end_record &&
             *history.passes[*owner->pass].end_record < index) {
    stray = Why::after_pass_end;
  } else if (owner->retry_message_record) {
    stray = Why::second_one;
  }
  if (stray) {
    unit.stray_retry_messages.push_back({index, *stray});
    return;
  }
  owner->retry_message_record = index;
  const auto& insertions = list_field(history.records()[index], "insertions");
  owner->gave_up = insertions.size() > 4 && insertions[4] == "none";
}

RetryUnit package_unit(const History& history, const std::vector<UnitRecord>& unit_records,
                       std::string_view package) {
  RetryUnit unit;
  unit.package = package;
  const auto& records = history.records();
  for (const size_t index : history.notifications) {
    if (text_field(records[index], "package") == package) unit.cycle_starts.push_back(index);
  }
  std::vector<size_t> attempt_of_pass(history.passes.size());  // valid for this unit's passes
  for (size_t pass = 0; pass < history.passes.size(); ++pass) {
    const PassSpan& span = history.passes[pass];
    if (span.package != package || span.dp_retries) continue;
    attempt_of_pass[pass] = unit.attempts.size();
    Attempt& attempt = unit.attempts.emplace_back();
    attempt.start_record = span.start_record;
    attempt.start_us = span.start_us;
    attempt.cycle = cycle_at(unit.cycle_starts, span.start_record);
    attempt.pass = pass;
    if (span.interrupted) {
      attempt.outcome = Outcome::interrupted;
      attempt.end_record = span.end_record;
      attempt.end_us = span.end_us;
    } else if (span.end_record) {
      attempt.outcome = Outcome::superseded;  // until its message says otherwise
    }
  }
  const bool count_in_failure = history.count_in_failure_message();
  size_t pass_cursor = 0;
  std::optional<size_t> current_attempt;
  for (const UnitRecord& unit_record : unit_records) {
    const size_t index = unit_record.index;
    const TraceRecord& record = records[index];
    while (pass_cursor < history.passes.size() &&
           history.passes[pass_cursor].start_record <= index) {
      if (history.passes[pass_cursor].package == package &&
          !history.passes[pass_cursor].dp_retries) {
        current_attempt = attempt_of_pass[pass_cursor];
      }
      ++pass_cursor;
    }
    if (unit_record.kind == UnitRecord::Kind::retry_scheduled &&
        same_literal(unit_record.package, package) && unit_record.dp.empty()) {
      if (unit_record.pulled_forward) {
        unit.pulled_forward.push_back(index);
      } else {
        unit.retries.push_back({index, record.t_us, number_field(record, "at_us").value_or(0),
                                cycle_at(unit.cycle_starts, index)});
      }
    }
    if (is_status_of(unit_record, model::status_id::kPackageWillRetry, package)) {
      read_retry_message(history, index,
                         current_attempt ? &unit.attempts[*current_attempt] : nullptr, unit);
      continue;
    }
    const bool processed = is_status_of(unit_record, model::status_id::kPackageProcessed, package);
    const bool failed = is_status_of(unit_record, model::status_id::kPackageFailed, package);
    if ((!processed && !failed) || !current_attempt) continue;
    Attempt& attempt = unit.attempts[*current_attempt];
    attempt.outcome = processed ? Outcome::success : Outcome::failed;
    attempt.end_record = index;
    attempt.end_us = record.t_us;
    if (failed) {
      const auto& insertions = list_field(record, "insertions");
      if (insertions.size() > 2) attempt.error = parse_number(insertions[2]);
      // Where a message of its own shows the count, the 2302 gives up until one follows.
      attempt.gave_up = count_in_failure ? insertions.size() > 4 && insertions[4] == "none" : true;
    }
  }
  return unit;
}

// A DP-level unit: attempts begin with the manager's "Attempting to add or update" line for the
// DP's share and end with 2330, 2328, a crash, or the next attempt.
RetryUnit dp_unit(const History& history, const std::vector<UnitRecord>& unit_records,
                  std::string_view package, std::string_view dp) {
  RetryUnit unit;
  unit.package = package;
  unit.dp = dp;
  const auto& records = history.records();
  for (const size_t index : history.notifications) {
    const TraceRecord& record = records[index];
    if (text_field(record, "package") != package) continue;
    if (text_field(record, "kind") == "refresh" && !names_dp(list_field(record, "dps"), dp)) {
      continue;
    }
    unit.cycle_starts.push_back(index);
  }
  const std::string share = history.dp_share(dp);
  // Joined by hand: a campaign reads millions of units, and a format string parsed per call
  // cost more than the search.
  const std::string start_text = "Attempting to add or update package " + std::string(package) +
                                 " on distribution point " + share;
  const std::string error_text =
      "Cannot copy package " + std::string(package) + " to distribution point " + share + ".";
  std::optional<size_t> open;  // the attempt without an outcome yet
  for (const UnitRecord& unit_record : unit_records) {
    const size_t index = unit_record.index;
    const TraceRecord& record = records[index];
    const bool log_line = unit_record.kind == UnitRecord::Kind::log_line;
    const std::string_view text = unit_record.text;
    // The first and last characters first: most lines differ there, and a call to compare the
    // whole text costs more than the line.
    const size_t start_at = text.size() - start_text.size();
    if (log_line && text.size() >= start_text.size() && text.back() == start_text.back() &&
        text[start_at] == start_text.front() &&
        text.compare(start_at, start_text.size(), start_text) == 0) {
      if (open) unit.attempts[*open].outcome = Outcome::superseded;
      open = unit.attempts.size();
      Attempt& attempt = unit.attempts.emplace_back();
      attempt.start_record = index;
      attempt.start_us = record.t_us;
      attempt.cycle = cycle_at(unit.cycle_starts, index);
    } else if (open && unit_record.mentions_failed_copy &&
               text.find(error_text) != std::string_view::npos) {
      const size_t at = text.find("Error ");
      const size_t colon = text.find(':', at);
      if (at != std::string::npos && colon != std::string::npos) {
        unit.attempts[*open].error = parse_number(text.substr(at + 6, colon - at - 6));
      }
    } else if (open && (unit_record.kind == UnitRecord::Kind::crash ||
                        ((is_status_of(unit_record, model::status_id::kCopiedToDp, package) ||
                          is_status_of(unit_record, model::status_id::kCopyToDpFailed, package)) &&
                         same_path(unit_record.dp, share)))) {
      Attempt& attempt = unit.attempts[*open];
      const bool crash = unit_record.kind == UnitRecord::Kind::crash;
      attempt.outcome = crash ? Outcome::interrupted
                        : is_status_of(unit_record, model::status_id::kCopiedToDp, package)
                            ? Outcome::success
                            : Outcome::failed;
      attempt.gave_up =
          !crash && attempt.outcome == Outcome::failed && text_field(record, "severity") == "E";
      attempt.end_record = index;
      attempt.end_us = record.t_us;
      open.reset();
    } else if (unit_record.kind == UnitRecord::Kind::retry_scheduled &&
               same_literal(unit_record.package, package) && same_path(unit_record.dp, dp)) {
      unit.retries.push_back({index, record.t_us, number_field(record, "at_us").value_or(0),
                              cycle_at(unit.cycle_starts, index)});
    }
  }
  if (open) {
    const bool pass_running = std::any_of(
        history.passes.begin(), history.passes.end(),
        [&package](const PassSpan& span) { return span.package == package && !span.end_record; });
    if (!pass_running) unit.attempts[*open].outcome = Outcome::superseded;
  }
  return unit;
}

// Per-DP policy: a failed pass that copied to DPs failed because of those copies (the source was
// read); the DPs retry on their own and the package's retries are not used.
void mark_copy_failures(History& history, size_t package_unit_index) {
  RetryUnit& unit = history.units[package_unit_index];
  for (Attempt& attempt : unit.attempts) {
    if (attempt.outcome != Outcome::failed || !attempt.pass) continue;
    const PassSpan& span = history.passes[*attempt.pass];
    const size_t end = span.end_record.value_or(history.records().size());
    for (size_t each = package_unit_index + 1; each < history.units.size(); ++each) {
      for (const Attempt& copy : history.units[each].attempts) {
        if (copy.start_record > span.start_record && copy.start_record < end) {
          attempt.copies_failed = true;
        }
      }
    }
    if (attempt.copies_failed) attempt.gave_up = false;
  }
}

void read_units(History& history) {
  const RunResult& run = *history.run;
  const bool per_dp = run.site.retry_unit == model::RetryUnit::distribution_point;
  const auto& records = history.records();
  const std::vector<UnitRecord> unit_records = typed_unit_records(history);
  for (const size_t index : history.notifications) {
    const TraceRecord& record = records[index];
    if (text_field(record, "kind") != "create") continue;
    const std::string_view package = text_field(record, "package");
    history.units.push_back(package_unit(history, unit_records, package));
    if (!per_dp) continue;
    const size_t package_unit_index = history.units.size() - 1;
    const TraceList named = list_field(record, "dps");
    for (const model::DistributionPointDefinition& dp : run.distribution_points) {
      if (names_dp(named, dp.name)) {
        history.units.push_back(dp_unit(history, unit_records, package, dp.name));
      }
    }
    mark_copy_failures(history, package_unit_index);
  }
  // Counted after mark_copy_failures, which decides which failed passes used a retry.
  // The checkers search the attempts by cycle, which only grows along them (attempts and cycle
  // starts are both in trace order).
  const auto& most = run.site.retry.retry_count_max;
  for (RetryUnit& unit : history.units) {
    link_cycles(history, unit);
    uint64_t used = 0;
    TimeUs counts_from_us = 0;
    for (size_t index = 0; index < unit.attempts.size(); ++index) {
      Attempt& attempt = unit.attempts[index];
      const bool new_cycle = index == 0 || unit.attempts[index - 1].cycle != attempt.cycle;
      DISTSIM_ASSERT(new_cycle == (index == 0 || unit.attempts[index - 1].cycle < attempt.cycle));
      const bool goes_on =
          index > 0 && History::same_count(unit, unit.attempts[index - 1].cycle, attempt.cycle);
      if (new_cycle && !goes_on) {
        used = 0;
        counts_from_us = attempt.start_us;
      } else if (new_cycle) {
        // The old cycle's last attempt is counted only if it was granted a retry there
        // (granted_in_cycle), and a crash that cut short the attempt after the last retry gave up
        // without one.
        const Attempt& last = unit.attempts[index - 1];
        if (history.uses_retry(unit, last) && !last.gave_up && !granted_in_cycle(unit, last)) {
          --used;
        }
        if (most) used = std::min<uint64_t>(used, *most);
      }
      attempt.retries_before = used;
      attempt.counts_from_us = counts_from_us;
      // An attempt that gave up (the last of its cycle) was granted no retry to count on.
      if (history.uses_retry(unit, attempt) && !attempt.gave_up) ++used;
    }
  }
}

}  // namespace

RecordKind kind_of(const TraceRecord& record) {
  RecordKind kind;
  if (same_literal(record.actor, kManagerActorName)) {
    kind.actor = RecordActor::manager;
  } else if (same_literal(record.actor, kWorldActorName)) {
    kind.actor = RecordActor::world;
  } else if (record.actor.starts_with(kDistributionPointActorPrefix)) {
    kind.actor = RecordActor::distribution_point;
  }
  const size_t size = record.event.size();
  if (size >= kEventsByLength.size()) return kind;
  for (const int8_t entry : kEventsByLength[size]) {
    if (entry < 0) break;
    const auto& [name, event] = kRecordEventNames[static_cast<size_t>(entry)];
    if (same_literal(record.event, name)) {
      kind.event = event;
      break;
    }
  }
  return kind;
}

bool is_status(const TraceRecord& record, uint32_t id, std::string_view package) {
  if (!is_event(record, kManagerActorName, "status_message")) return false;
  if (number_field(record, "id") != static_cast<int64_t>(id)) return false;
  return package.empty() || text_field(record, "package") == package;
}

bool is_log_containing(const TraceRecord& record, std::string_view needle) {
  if (!is_event(record, kManagerActorName, "log_line")) return false;
  return text_field(record, "text").find(needle) != std::string::npos;
}

bool History::uses_retry(const RetryUnit& unit, const Attempt& attempt) const {
  if (attempt.outcome == Outcome::failed) return !attempt.copies_failed;
  if (attempt.outcome != Outcome::interrupted || !run->site.retry.crash_uses_retry) return false;
  // A crash-interrupted attempt counts as failed where the manager retries that unit.
  return !unit.dp.empty() || run->site.retry_unit == model::RetryUnit::package;
}

uint64_t History::retries_used_before(const RetryUnit& unit, size_t index) const {
  return unit.attempts[index].retries_before;
}

std::optional<TimeUs> History::cycle_first_start(const RetryUnit& unit, size_t cycle) const {
  const auto first =
      std::partition_point(unit.attempts.begin(), unit.attempts.end(),
                           [&](const Attempt& attempt) { return attempt.cycle < cycle; });
  if (first == unit.attempts.end() || first->cycle != cycle) return std::nullopt;
  return first->counts_from_us;
}

bool History::manager_down_at(TimeUs t_us) const {
  const auto& all = records();
  std::optional<size_t> last_crash;
  for (const size_t crash : crashes) {
    if (all[crash].t_us <= t_us) last_crash = crash;
  }
  if (!last_crash) return false;
  // A restart at t_us itself may come after the wake-up at t_us: the process counts as down.
  return std::none_of(restarts.begin(), restarts.end(), [&](size_t restart) {
    return restart > *last_crash && all[restart].t_us < t_us;
  });
}

std::optional<size_t> History::retry_history_deleted_before(std::string_view package,
                                                            size_t at) const {
  const auto& all = records();
  if (std::none_of(retry_history_deletions.begin(), retry_history_deletions.end(),
                   [&](size_t index) { return text_field(all[index], "package") == package; })) {
    return std::nullopt;
  }
  auto timeline = retry_history_timelines.find(package);
  if (timeline == retry_history_timelines.end()) {
    // The key's life, from the package's events: the manager writes it when a pass ends (a crash
    // ends none); a deletion removes a key that exists, and does nothing where there is none; an
    // update or refresh makes a deleted key's deletion no longer apply. Only those events are
    // visited (a world may hold thousands of passes and tens of thousands of records).
    enum class Event : uint8_t { written, notified, deleted };
    std::vector<std::pair<size_t, Event>> events;
    for (const PassSpan& pass : passes) {
      if (pass.package == package && pass.end_record && !pass.interrupted) {
        events.emplace_back(*pass.end_record, Event::written);
      }
    }
    for (const size_t index : notifications) {
      if (text_field(all[index], "package") == package) events.emplace_back(index, Event::notified);
    }
    for (const size_t index : retry_history_deletions) {
      if (text_field(all[index], "package") == package) events.emplace_back(index, Event::deleted);
    }
    std::sort(events.begin(), events.end());
    enum class Key { none, written, deleted };
    Key key = Key::none;
    std::optional<size_t> deletion;
    std::vector<KeyState> states;
    states.reserve(events.size());
    for (const auto& [index, event] : events) {
      if (event == Event::written) {
        key = Key::written;
      } else if (event == Event::notified) {
        if (key == Key::deleted) key = Key::none;
      } else if (key != Key::none) {
        key = Key::deleted;
        deletion = index;
      }
      states.push_back({index, key == Key::deleted ? deletion : std::nullopt});
    }
    timeline = retry_history_timelines.emplace(std::string(package), std::move(states)).first;
  }
  // The state after the last event before `at`.
  const std::vector<KeyState>& states = timeline->second;
  const auto after =
      std::lower_bound(states.begin(), states.end(), at,
                       [](const KeyState& state, size_t record) { return state.record < record; });
  return after == states.begin() ? std::nullopt : std::prev(after)->deletion;
}

std::optional<size_t> History::retry_history_deleted_while_waiting(
    const RetryUnit& unit, const ScheduledRetry& retry) const {
  const auto& all = records();
  for (const size_t deletion : retry_history_deletions) {
    if (deletion > retry.record && all[deletion].t_us <= retry.at_us &&
        text_field(all[deletion], "package") == unit.package) {
      return deletion;
    }
  }
  return std::nullopt;
}

History read_history(const RunResult& run) {
  History history;
  history.run = &run;
  // The checkers compare the trace with the files the run ended with.
  DISTSIM_ASSERT(run.files_captured || !run.trace.enabled());
  history.traced = run.trace.enabled() && !run.trace.truncated();
  const auto& records = run.trace.records();
  history.record_table.assign(records);
  history.kinds.reserve(records.size());
  for (const TraceRecord& record : records) history.kinds.push_back(kind_of(record));
  if (!history.traced) return history;
  read_passes(history);
  read_units(history);
  return history;
}

}  // namespace distsim::sim::invariant_detail
