// The evidence behind judged expectations and the attempt table with blame. Which evidence fits a
// result is read from its `what`, as evaluate_expectations words it: "<package> attempts",
// "<package> on <DP>", "status message <id> count", "component status", ...
#include "sim/check/evidence.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "model/component_status.h"
#include "model/distmgr_log.h"
#include "sim/core/counted_text.h"
#include "sim/world/package_attempts.h"

namespace distsim::sim {
namespace {

// A status message count lists at most this many of the messages it counted.
constexpr size_t kEvidenceMessagesMax = 20;
// A sequence's list starts this many messages before its first one out of order.
constexpr size_t kEvidenceMessagesBefore = 5;

const model::PackageStatus* package_named_by(const RunResult& run, const std::string& what) {
  const std::string first = what.substr(0, what.find(' '));
  for (const model::PackageStatus& status : run.packages) {
    if (status.id == first) return &status;
  }
  return nullptr;
}

std::string names_text(const std::vector<std::string>& names, std::string_view prefix) {
  if (names.empty()) return "none";
  std::string text;
  for (const std::string& name : names) {
    if (!text.empty()) text += '|';
    text += name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
  }
  return text;
}

std::string operation_verb(const std::string& operation) {
  if (operation == "open") return "opening";
  if (operation == "delete") return "deleting";
  if (operation == "rename") return "renaming";
  if (operation == "read") return "reading";
  if (operation == "write") return "writing";
  if (operation == "lock") return "locking";
  if (operation == "create_directory") return "creating the folder";
  if (operation == "remove_directory") return "removing the folder";
  if (operation == "list_directory") return "listing the folder";
  if (operation == "get_attributes") return "reading the attributes of";
  if (operation == "set_attributes") return "setting the attributes of";
  return operation;
}

void add_package_evidence(const RunResult& run, const model::PackageStatus& status,
                          const std::string& what, std::vector<std::string>& lines) {
  lines.push_back(
      fmt::format("package {}: {} since {}, {}", status.id, model::package_state_name(status.state),
                  clock_text(status.state_since_us.value_or(0)),
                  counted(package_attempts(run, status.id).attempts, "attempt", "attempts")));
  const size_t on = what.find(" on ");
  if (on != std::string::npos) {
    const std::string dp = what.substr(on + 4);
    for (const model::DpStatus& each : status.distribution_points) {
      if (upper_ascii(each.dp_name) != upper_ascii(dp)) continue;
      lines.push_back(fmt::format("DP {}: {}, {}, last error {}", each.dp_name,
                                  model::dp_state_name(each.state),
                                  counted(each.attempt_count, "copy attempt", "copy attempts"),
                                  model::win32_code(each.last_error)));
    }
  }
  lines.push_back(run.site.retry_unit == model::RetryUnit::distribution_point
                      ? "passes and DP retries (an attempt is a copy to one DP, or a pass that "
                        "copied nothing):"
                      : "attempts counted:");
  for (const std::string& line : attempt_table(run, status.id)) lines.push_back("  " + line);
}

void add_status_evidence(const RunResult& run, const ExpectationResult& result,
                         std::vector<std::string>& lines) {
  // "status message 2302 count" / "status message 2302 count for S0100001"
  const std::string rest = result.what.substr(std::string("status message ").size());
  const uint32_t id = static_cast<uint32_t>(std::strtoul(rest.c_str(), nullptr, 10));
  const size_t for_at = rest.find(" for ");
  const std::string package = for_at == std::string::npos ? "" : rest.substr(for_at + 5);
  const bool sequence = rest.rfind("sequence", 0) == 0;
  const auto counts = [&](const model::StatusMessage& message) {
    if (!package.empty() && message.package_id != package) return false;
    if (!sequence) return message.id == id;
    return std::find(result.sequence_ids.begin(), result.sequence_ids.end(), message.id) !=
           result.sequence_ids.end();
  };
  // A sequence's list starts a few messages before the first one out of order (or the end of a
  // run that stopped short), which may come long after the first kEvidenceMessagesMax.
  const size_t departs_after = result.sequence_departs_after;
  const size_t first_listed = sequence && !result.ok && departs_after > kEvidenceMessagesBefore
                                  ? departs_after - kEvidenceMessagesBefore
                                  : 0;
  size_t listed = 0;
  size_t matched = 0;
  for (const model::StatusMessage& message : run.status_messages) {
    if (!counts(message)) continue;
    ++matched;
    if (matched <= first_listed || listed >= kEvidenceMessagesMax) continue;
    ++listed;
    lines.push_back(fmt::format("  {} {} {}{}{}", clock_text(message.t_us), message.id,
                                model::severity_letter(message.severity),
                                message.package_id.empty() ? "" : " " + message.package_id,
                                message.dp_name.empty() ? "" : " on " + message.dp_name));
  }
  std::string shown;
  if (matched > listed) {
    shown = first_listed == 0 ? fmt::format(", first {} listed", listed)
                              : fmt::format(", {} listed from number {}", listed, first_listed + 1);
  }
  lines.insert(lines.end() - static_cast<std::ptrdiff_t>(listed),
               fmt::format("messages {} ({}{}):", sequence ? "with the sequence's IDs" : "counted",
                           matched, shown));
}

void add_component_evidence(const RunResult& run, std::vector<std::string>& lines) {
  const model::SeverityCounts counts = model::count_severities(run.status_messages);
  const model::ComponentStatusThresholds& thresholds = run.site.status_thresholds;
  const auto line = [](std::string_view name, uint64_t count, model::SeverityThresholds at) {
    return fmt::format("{}: {} (Warning at {}, Critical at {})", name, count, at.warning_at,
                       at.critical_at);
  };
  lines.push_back(line("errors", counts.errors, thresholds.errors));
  lines.push_back(line("warnings", counts.warnings, thresholds.warnings));
  lines.push_back(line("informational", counts.informational, thresholds.informational));
}

}  // namespace

std::string site_clock_moment(const model::SiteConfig& site, TimeUs t_us) {
  static constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const model::CivilTime local = model::local_time(site.clock, t_us);
  return fmt::format("{} {} {} {} {:02}:{:02}:{:02}.{:03} {}", kDays.at(local.weekday % 7),
                     kMonths.at((local.month + 11) % 12), local.day, local.year, local.hour,
                     local.minute, local.second, local.millisecond, site.clock.time_zone_name);
}

std::string pass_outcome_text(const PassRecord& pass) {
  if (!pass.end_us) return "still running at the end";
  if (pass.result == model::PassResult::interrupted) {
    return fmt::format("interrupted at {} by a crash of the manager", clock_text(*pass.end_us));
  }
  if (pass.result == model::PassResult::success) {
    return fmt::format("succeeded at {}", clock_text(*pass.end_us));
  }
  std::string text = fmt::format("failed with error {} ({})", model::win32_code(pass.error),
                                 model::win32_error_name(pass.error));
  if (pass.refusal) {
    text += fmt::format(" {} {}", operation_verb(pass.refusal->operation), pass.refusal->path);
  }
  if (pass.streams_file) {
    text += fmt::format(
        " compressing it: {} has alternate data streams, which this site's compression cannot "
        "write (KB Q316316; streams_fail_compression)",
        *pass.streams_file);
  }
  return text;
}

std::string culprit_text(const Culprit& culprit, const std::string& refused_path) {
  std::string text =
      fmt::format("held by {} ({}, {}) since {}, {}, share {}", culprit.actor,
                  culprit.holder_kind.empty() ? std::string("unknown") : culprit.holder_kind,
                  rm_app_type_name(culprit.app_type), clock_text(culprit.since_us),
                  names_text(model::access_names(culprit.access, culprit.access_target()), ""),
                  names_text(model::share_names(culprit.share), "FILE_SHARE_"));
  if (culprit.by_lock) {
    text += fmt::format(", {} byte-range lock of {} bytes at {}",
                        culprit.lock_exclusive ? "exclusive" : "shared", culprit.lock_length,
                        culprit.lock_offset);
  }
  // The share modes alone would not explain the refusal: a mapped image refuses writes whatever
  // they allow.
  if (culprit.by_image) text += ", running it as a program (its image refuses writes and deletes)";
  if (culprit.by_data_section) {
    text += fmt::format(", mapping it into memory ({} section{})",
                        page_protection_name(culprit.protection),
                        culprit.protection == PageProtection::readwrite
                            ? ": opens must share write; truncating and deleting are refused"
                            : ": truncating and deleting are refused");
  }
  if (upper_ascii(culprit.path) != upper_ascii(refused_path)) text += " on " + culprit.path;
  return text;
}

namespace {

// One line per culprit of `refusal`, and one counting those a record left out.
void add_culprit_lines(const Refusal& refusal, std::string_view indent,
                       std::vector<std::string>& lines) {
  for (const Culprit& culprit : refusal.culprits) {
    lines.push_back(std::string(indent) + culprit_text(culprit, refusal.path));
  }
  if (refusal.culprits_not_kept > 0) {
    lines.push_back(fmt::format("{}and {} (distsim run --trace names every one)", indent,
                                counted(refusal.culprits_not_kept, "more handle", "more handles")));
  }
}

bool copied(const PassRecord::DpCopy& copy) { return copy.end_us && copy.error == Win32Error::ok; }

std::string dp_copy_text(const PassRecord& pass, const PassRecord::DpCopy& copy) {
  std::string line = fmt::format("copy to {} at {}: ", copy.dp, clock_text(copy.start_us));
  if (!copy.end_us) {
    line += pass.end_us ? "under way when the manager crashed" : "under way at the end";
  } else if (copy.error == Win32Error::ok) {
    line += fmt::format("copied by {}", clock_text(*copy.end_us));
  } else {
    line += fmt::format("error {} ({})", model::win32_code(copy.error),
                        model::win32_error_name(copy.error));
    if (copy.refusal) {
      line += fmt::format(" {} {}", operation_verb(copy.refusal->operation), copy.refusal->path);
    } else if (!copy.failed_path.empty()) {
      line += " on " + copy.failed_path;
    }
    line += " at " + clock_text(*copy.end_us);
  }
  if (copy.superseded) {
    line += copy.error == Win32Error::ok
                ? " (an update or refresh came in meanwhile: an old version)"
                : " (an update or refresh came in before the work ended: the DP is copied again "
                  "in the new cycle)";
  }
  return line;
}

}  // namespace

std::vector<std::string> blame_lines(const PassRecord& pass) {
  std::vector<std::string> lines;
  if (pass.refusal) add_culprit_lines(*pass.refusal, "", lines);
  return lines;
}

// Why a per-DP retry runs later than its delay after the copy that failed: decided once every
// copy of the pass (or DP retries) has ended (dp_retry_decided work_end, model/README.md), its
// delay counts from then, and a reader who sees a copy fail at once and its retry over an hour
// later needs to know that. (Decided as the copy failed, a retry that fell due while the pass
// still copied is named as following the pass's end, which the line shows.)
std::string late_retry_text(const RunResult& run, const PassRecord& pass) {
  if (!pass.end_us || run.site.retry.delay_from != model::DelayFrom::attempt_end ||
      run.site.retry.dp_retry_decided != model::DpRetryDecided::work_end) {
    return {};
  }
  const bool decided_later = std::any_of(pass.dp_copies.begin(), pass.dp_copies.end(),
                                         [&](const PassRecord::DpCopy& copy) {
                                           return copy.end_us && copy.error != Win32Error::ok &&
                                                  !copy.superseded && *copy.end_us < *pass.end_us;
                                         });
  if (!decided_later) return {};
  return fmt::format(" (its delay counts from {}, when the last copy of the {} ended)",
                     clock_text(*pass.end_us), pass.dp_retries ? "DP retries" : "pass");
}

std::vector<std::string> dp_copy_lines(const PassRecord& pass) {
  std::vector<std::string> lines;
  const bool succeeded = pass.end_us && pass.result == model::PassResult::success;
  const bool any_failed = std::any_of(pass.dp_copies.begin(), pass.dp_copies.end(),
                                      [](const PassRecord::DpCopy& copy) { return !copied(copy); });
  if (succeeded ? !any_failed : pass.dp_copies.size() < 2) return lines;
  // Copies that did not copy first: under the bound they are what a reader came for.
  std::vector<const PassRecord::DpCopy*> shown;
  for (const bool want_copied : {false, true}) {
    for (const PassRecord::DpCopy& copy : pass.dp_copies) {
      if (copied(copy) == want_copied) shown.push_back(&copy);
    }
  }
  for (size_t index = 0; index < shown.size(); ++index) {
    if (index == kDpCopyLinesMax) {
      const auto failed_rest =
          std::count_if(shown.begin() + static_cast<std::ptrdiff_t>(index), shown.end(),
                        [](const auto* copy) { return !copied(*copy); });
      lines.push_back(
          fmt::format("... {} not shown{} (distsim run --json lists every one)",
                      counted(shown.size() - index, "more copy to a DP", "more copies to DPs"),
                      failed_rest > 0 ? fmt::format(", {} of them not copied", failed_rest) : ""));
      break;
    }
    const PassRecord::DpCopy& copy = *shown[index];
    lines.push_back(dp_copy_text(pass, copy));
    const bool named_by_pass =
        pass.refusal && copy.refusal && same_operation(*pass.refusal, *copy.refusal);
    if (copy.refusal && !named_by_pass) add_culprit_lines(*copy.refusal, "  ", lines);
  }
  return lines;
}

std::optional<TimeUs> retry_history_deleted_after(const RunResult& run, const PassRecord& pass,
                                                  size_t index) {
  const bool failed = pass.end_us && (pass.result == model::PassResult::retry ||
                                      pass.result == model::PassResult::failed);
  const bool followed = failed ? pass.next_retry_us.has_value()
                               : pass.end_us && pass.result == model::PassResult::interrupted;
  if (!followed) return std::nullopt;
  for (const RunResult::RetryHistoryDeletion& deletion : run.retry_history_deletions) {
    if (deletion.package_id == pass.package_id && deletion.key_existed &&
        deletion.passes_before == index + 1 && deletion.last_pass_over &&
        deletion.found_by_manager) {
      return deletion.t_us;
    }
  }
  return std::nullopt;
}

const RunResult::ManagerDowntime* downtime_at(const RunResult& run, TimeUs due_us) {
  for (const RunResult::ManagerDowntime& down : run.manager_downtimes) {
    const bool before_end =
        down.restarted_us ? due_us < *down.restarted_us : due_us <= run.ended_us;
    if (due_us >= down.stopped_us && before_end) {
      return &down;
    }
  }
  return nullptr;
}

namespace {

// " (it fell due while the manager was down, ...)" when a retry's due time lies in one of the
// manager's downtimes; empty otherwise. It names the site's due_while_down rather than what the
// manager then did: the next attempt's line shows that.
std::string due_while_down_text(const RunResult& run, TimeUs due_us) {
  const RunResult::ManagerDowntime* const down = downtime_at(run, due_us);
  if (down == nullptr) return {};
  if (!down->restarted_us) {
    return fmt::format(" (it fell due while the manager was down, from {} to the end)",
                       clock_text(down->stopped_us));
  }
  return fmt::format(" (it fell due while the manager was down, {} to {}; due_while_down: {})",
                     clock_text(down->stopped_us), clock_text(*down->restarted_us),
                     model::due_while_down_name(run.site.retry.due_while_down));
}

}  // namespace

std::vector<std::string> attempt_table(const RunResult& run, const std::string& package_id) {
  std::vector<const PassRecord*> passes;
  for (const PassRecord& pass : run.passes) {
    if (pass.package_id == package_id) passes.push_back(&pass);
  }
  // Under the per-DP profiles an attempt is a copy to one DP: each line says how many it made.
  const bool per_dp = run.site.retry_unit == model::RetryUnit::distribution_point;
  std::vector<std::string> lines;
  if (passes.empty()) lines.push_back("(no attempts)");
  for (size_t index = 0; index < passes.size(); ++index) {
    const bool elided = passes.size() > kAttemptTableFirst + kAttemptTableLast &&
                        index >= kAttemptTableFirst && index < passes.size() - kAttemptTableLast;
    if (elided) {
      if (index == kAttemptTableFirst) {
        lines.push_back(
            fmt::format("... {} more {} not shown (distsim run --json and --trace list every one)",
                        passes.size() - kAttemptTableFirst - kAttemptTableLast,
                        per_dp ? "passes and DP retries" : "attempts"));
      }
      continue;
    }
    const PassRecord& pass = *passes[index];
    // DP retries are not passes of the package: they are labelled as such, not as its attempt.
    const std::string label =
        pass.dp_retries ? std::string("DP retries ") : fmt::format("attempt {:>3}", pass.attempt);
    std::string line =
        fmt::format("{}  at {:<12}  {}", label, clock_text(pass.start_us), pass_outcome_text(pass));
    const bool failed = pass.end_us && (pass.result == model::PassResult::retry ||
                                        pass.result == model::PassResult::failed);
    if (failed) {
      line += pass.next_retry_us ? fmt::format(", retry at {}{}{}", clock_text(*pass.next_retry_us),
                                               per_dp ? late_retry_text(run, pass) : "",
                                               due_while_down_text(run, *pass.next_retry_us))
                                 : std::string(", not retried");
    }
    // Decided as their copies failed (copy_end), DP retries outlive a crash that cuts the pass
    // short: without this, the DP's later copy would have no retry that explains it.
    const bool decided_before_crash =
        per_dp && run.site.retry.dp_retry_decided == model::DpRetryDecided::copy_end &&
        pass.end_us && pass.result == model::PassResult::interrupted && pass.next_retry_us &&
        *pass.next_retry_us >= *pass.end_us;
    if (decided_before_crash) {
      line += fmt::format(", DP retry at {} (decided before the crash)",
                          clock_text(*pass.next_retry_us));
    }
    if (const auto deleted_us = retry_history_deleted_after(run, pass, index)) {
      line += fmt::format(" ({}: its retry history was deleted at {})",
                          failed ? "not run" : "not redone", clock_text(*deleted_us));
    }
    if (per_dp) {
      if (pass.dp_copies.empty()) {
        line += pass.dp_retries ? "; no copy to a DP" : "; no copy to a DP (1 attempt)";
      } else {
        line += "; " + counted(pass.dp_copies.size(), "copy to a DP", "copies to DPs");
      }
    }
    lines.push_back(std::move(line));
    for (const std::string& blame : blame_lines(pass)) lines.push_back("               " + blame);
    for (const std::string& copy : dp_copy_lines(pass)) lines.push_back("               " + copy);
    for (const PassRecord::DisconnectedUser& user : pass.disconnected) {
      lines.push_back(fmt::format("               forced {} ({}) off the DP at {}: its {} {}",
                                  user.actor, user.holder_kind, clock_text(user.t_us),
                                  user.program   ? "program"
                                  : user.mapping ? "mapped view of"
                                                 : "handle on",
                                  user.path));
    }
  }
  return lines;
}

ExpectationEvidence expectation_evidence(const RunResult& run, const ExpectationResult& result) {
  ExpectationEvidence evidence;
  const TimeUs decided_us = result.t_us.value_or(run.ended_us);
  evidence.decided = fmt::format("decided at {}{} (site clock {})", clock_text(decided_us),
                                 result.t_us ? "" : ", the end of the run",
                                 site_clock_moment(run.site, decided_us));
  if (const model::PackageStatus* status = package_named_by(run, result.what)) {
    add_package_evidence(run, *status, result.what, evidence.lines);
  } else if (result.what.rfind("status message ", 0) == 0) {
    add_status_evidence(run, result, evidence.lines);
  } else if (result.what == "component status") {
    add_component_evidence(run, evidence.lines);
  }
  return evidence;
}

}  // namespace distsim::sim
