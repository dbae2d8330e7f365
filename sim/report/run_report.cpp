// Formats a run for people (summary), for programs (JSON) and for SMS tools (CSV, Distmgr.log).
#include "sim/report/run_report.h"

#include <fmt/format.h>

#include <iterator>
#include <map>

#include "model/distmgr_log.h"
#include "sim/check/evidence.h"
#include "sim/core/counted_text.h"
#include "sim/core/text_sink.h"
#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/world/package_attempts.h"

namespace distsim::sim {
namespace {

void append_packages(std::string& out, const RunResult& run) {
  out += "packages\n";
  if (run.packages.empty()) out += "  (none arrived)\n";
  const auto attempts = attempts_by_package(run);
  for (const auto& package : run.packages) {
    const PackageAttempts& made = attempts.find(package.id)->second;
    out += fmt::format(
        "  {} \"{}\": {} since {}, {}, {}\n", package.id, package.name,
        model::package_state_name(package.state), clock_text(package.state_since_us.value_or(0)),
        counted(made.attempts, "attempt", "attempts"), counted(made.retries, "retry", "retries"));
    for (const std::string& line : attempt_table(run, package.id)) out += "    " + line + "\n";
    if (package.distribution_points.empty()) {
      // Easy to forget in a scenario, and the package then "installs" by reading its source.
      out += "    no distribution point: the scenario declares none, so nothing was copied\n";
    }
    for (const auto& dp : package.distribution_points) {
      out += fmt::format("    DP {}: {}, {}{}\n", dp.dp_name, model::dp_state_name(dp.state),
                         counted(dp.attempt_count, "copy attempt", "copy attempts"),
                         dp.installed_at_us && dp.state == model::DpState::installed
                             ? fmt::format(", installed at {}", clock_text(*dp.installed_at_us))
                             : std::string());
    }
  }
}

// One line per message ID and severity: one ID may be raised at several severities (2328 is a
// Warning while a DP's retries last and an Error once they ran out), and the component status
// counts them by severity.
void append_status_messages(std::string& out, const RunResult& run) {
  std::map<std::pair<uint32_t, model::Severity>, uint64_t> counts;
  for (const auto& message : run.status_messages) ++counts[{message.id, message.severity}];
  out += "status messages (SMS_DISTRIBUTION_MANAGER)\n";
  if (counts.empty()) out += "  (none)\n";
  for (const auto& [key, count] : counts) {
    out += fmt::format("  {} {}  x{}\n", key.first, model::severity_letter(key.second), count);
  }
}

// Script steps that did not run although nothing was expected of them: without this list a
// scenario whose open failed would pass without a word about the steps it lost.
void append_skipped_steps(std::string& out, const RunResult& run) {
  bool any = false;
  for (const HolderFinding& finding : run.holder_findings) {
    if (!finding.unjudged) continue;
    if (!any) out += "script steps that did not run\n";
    any = true;
    out += fmt::format("  {} {} at {}: {} [line {}]\n", finding.holder, finding.what,
                       clock_text(finding.t_us), finding.detail, finding.position.line);
  }
  if (any) out += "\n";
}

std::string skipped_steps_json(const RunResult& run) {
  std::string out = "[";
  bool first = true;
  for (const HolderFinding& finding : run.holder_findings) {
    if (!finding.unjudged) continue;
    out += fmt::format("{}{{\"holder\":{},\"step\":{},\"t_us\":{},\"detail\":{},\"line\":{}}}",
                       first ? "" : ",", json_quote(finding.holder), json_quote(finding.what),
                       finding.t_us, json_quote(finding.detail), finding.position.line);
    first = false;
  }
  return out + "]";
}

std::string expectation_line(const ExpectationResult& result, TimeUs run_end_us) {
  if (!result.ok) return "  FAIL  " + expectation_failure_text(result, run_end_us);
  const std::string line = "  PASS  " + result.what;
  return result.actual.empty() ? line : fmt::format("{}: {}", line, result.actual);
}

std::string culprit_json(const Culprit& culprit) {
  const auto names = [](const std::vector<std::string>& list) {
    std::string out = "[";
    for (size_t index = 0; index < list.size(); ++index) {
      if (index > 0) out += ',';
      out += json_quote(list[index]);
    }
    return out + "]";
  };
  std::string out = fmt::format(
      "{{\"actor\":{},\"holder_kind\":{},\"app_type\":{},\"handle\":{},\"path\":{},"
      "\"access\":{},\"share\":{},\"since_us\":{}",
      json_quote(culprit.actor), json_quote(culprit.holder_kind),
      json_quote(rm_app_type_name(culprit.app_type)), culprit.handle, json_quote(culprit.path),
      names(model::access_names(culprit.access, culprit.access_target())),
      names(model::share_names(culprit.share)), culprit.since_us);
  if (culprit.by_image) out += ",\"image\":true";
  if (culprit.by_data_section) {
    out += fmt::format(",\"mapped\":{}", json_quote(page_protection_name(culprit.protection)));
  }
  if (culprit.by_lock) {
    out += fmt::format(",\"lock\":{{\"offset\":{},\"length\":{},\"exclusive\":{}}}",
                       culprit.lock_offset, culprit.lock_length,
                       culprit.lock_exclusive ? "true" : "false");
  }
  return out + "}";
}

// ,"refused":{"operation":...,"path":...,"t_us":...},"blame":[culprit, ...]
void append_refusal_json(const Refusal& refusal, std::string& out) {
  out += fmt::format(",\"refused\":{{\"operation\":{},\"path\":{},\"t_us\":{}}}",
                     json_quote(refusal.operation), json_quote(refusal.path), refusal.t_us);
  out += ",\"blame\":[";
  for (size_t at = 0; at < refusal.culprits.size(); ++at) {
    if (at > 0) out += ',';
    out += culprit_json(refusal.culprits[at]);
  }
  out += "]";
  if (refusal.culprits_not_kept > 0) {
    out += fmt::format(",\"blame_not_kept\":{}", refusal.culprits_not_kept);
  }
}

// Every pass in run order; a failed one with the refused operation and the handles to blame.
std::string attempts_json(const RunResult& run) {
  std::string out = "[";
  std::map<std::string_view, size_t> passes_of;  // package -> its passes so far
  for (size_t index = 0; index < run.passes.size(); ++index) {
    const PassRecord& pass = run.passes[index];
    const size_t index_in_package = passes_of[pass.package_id]++;
    out += fmt::format(
        "{}{{\"package\":{},\"attempt\":{},\"start_us\":{},\"end_us\":{},\"result\":{},"
        "\"win32\":{},\"dp_copies\":{}",
        index ? "," : "", json_quote(pass.package_id), pass.attempt, pass.start_us,
        pass.end_us ? fmt::format("{}", *pass.end_us) : "null",
        pass.end_us ? json_quote(model::pass_result_name(pass.result)) : "\"running\"",
        model::win32_code(pass.error), pass.dp_copies.size());
    if (pass.dp_retries) out += ",\"dp_retries\":true";
    if (pass.next_retry_us) {
      out += fmt::format(",\"next_retry_us\":{}", *pass.next_retry_us);
      if (const auto* down = downtime_at(run, *pass.next_retry_us)) {
        out += fmt::format(",\"retry_due_while_down\":{{\"stopped_us\":{},\"restarted_us\":{}}}",
                           down->stopped_us,
                           down->restarted_us ? fmt::format("{}", *down->restarted_us) : "null");
      }
    }
    if (const auto deleted_us = retry_history_deleted_after(run, pass, index_in_package)) {
      out += fmt::format(",\"retry_history_deleted_us\":{}", *deleted_us);
    }
    if (pass.streams_file)
      out += fmt::format(",\"streams_file\":{}", json_quote(*pass.streams_file));
    if (pass.refusal) append_refusal_json(*pass.refusal, out);
    if (!pass.dp_copies.empty()) {
      out += ",\"copies\":[";
      for (size_t at = 0; at < pass.dp_copies.size(); ++at) {
        const PassRecord::DpCopy& copy = pass.dp_copies[at];
        // A copy cut short has no outcome: null, never the 0 of a copy made.
        out += fmt::format("{}{{\"dp\":{},\"start_us\":{},\"end_us\":{},\"win32\":{}",
                           at > 0 ? "," : "", json_quote(copy.dp), copy.start_us,
                           copy.end_us ? fmt::format("{}", *copy.end_us) : "null",
                           copy.end_us ? fmt::format("{}", model::win32_code(copy.error)) : "null");
        if (!copy.failed_path.empty()) out += ",\"failed_path\":" + json_quote(copy.failed_path);
        if (copy.superseded) out += ",\"superseded\":true";
        if (copy.refusal) append_refusal_json(*copy.refusal, out);
        out += "}";
      }
      out += "]";
    }
    if (!pass.disconnected.empty()) {
      out += ",\"disconnected\":[";
      for (size_t at = 0; at < pass.disconnected.size(); ++at) {
        const PassRecord::DisconnectedUser& user = pass.disconnected[at];
        out +=
            fmt::format("{}{{\"holder\":{},\"kind\":{},\"path\":{},\"program\":{},{}\"t_us\":{}}}",
                        at > 0 ? "," : "", json_quote(user.actor), json_quote(user.holder_kind),
                        json_quote(user.path), user.program ? "true" : "false",
                        user.mapping ? "\"mapped\":true," : "", user.t_us);
      }
      out += "]";
    }
    out += "}";
  }
  return out + "]";
}

}  // namespace

std::string policy_text(const Scenario& scenario) {
  if (scenario.policy_file.empty()) return {};
  const std::string_view file = scenario.policy_file;
  const std::string_view file_name = file.substr(file.find_last_of('/') + 1);
  if (scenario.policy_name == file_name) {
    return fmt::format("retry policy: {}, in place of the scenario's site.retry", file);
  }
  return fmt::format("retry policy: {} ({}), in place of the scenario's site.retry",
                     scenario.policy_name, file);
}

std::string summary_text(const Scenario& scenario, const RunResult& run, const RunVerdict& verdict,
                         const SummaryOptions& options) {
  std::string out;
  if (!options.quiet) {
    out += fmt::format("scenario: {} ({})\n", scenario.name, scenario.file);
    if (!scenario.policy_file.empty()) out += policy_text(scenario) + "\n";
    out += fmt::format("seed {}, horizon {}, profile {}, {} kernel events, outcome {}\n\n",
                       run.seed, duration_text(run.until_us), model::profile_name(run.site.profile),
                       run.events_executed, run_outcome_name(run.outcome));
    append_packages(out, run);
    out += "\n";
    append_status_messages(out, run);
    out += fmt::format("component status SMS_DISTRIBUTION_MANAGER: {}\n\n",
                       model::component_status_name(run.component_status));
    append_skipped_steps(out, run);
  }
  if (const auto stopped = early_stop_text(run)) out += *stopped + "\n";
  if (!verdict.expectations.empty()) {
    if (!options.quiet) out += "expectations\n";
    for (const auto& result : verdict.expectations) {
      if (options.quiet && result.ok) continue;
      out += expectation_line(result, run.ended_us) + "\n";
    }
  }
  if (verdict.passed()) {
    if (!options.quiet) {
      out += fmt::format("\nPASS: {} expectations held\n", verdict.expectation_count);
    }
    return out;
  }
  out +=
      fmt::format("\nFAIL: {} of {} expectations failed{}\n", verdict.failed_count,
                  verdict.expectation_count, verdict.outcome_ok ? "" : ", the run was cut short");
  out += fmt::format("reproduce with: {}\n", repro_command(scenario, run, options.program));
  return out;
}

std::string summary_json(const Scenario& scenario, const RunResult& run, const RunVerdict& verdict,
                         std::string_view program) {
  std::string out = fmt::format(
      "{{\"scenario\":{},\"file\":{},\"seed\":{},\"until_us\":{},\"profile\":{},\"kernel_events\":{"
      "},"
      "\"outcome\":{},\"passed\":{},\"component_status\":{}",
      json_quote(scenario.name), json_quote(scenario.file), run.seed, run.until_us,
      json_quote(model::profile_name(run.site.profile)), run.events_executed,
      json_quote(run_outcome_name(run.outcome)), verdict.passed() ? "true" : "false",
      json_quote(model::component_status_name(run.component_status)));
  out += fmt::format(",\"ended_us\":{}", run.ended_us);
  if (!scenario.policy_file.empty()) {
    out += fmt::format(",\"policy\":{},\"policy_name\":{}", json_quote(scenario.policy_file),
                       json_quote(scenario.policy_name));
  }
  if (run.outcome == RunOutcome::record_limit_hit) {
    out += fmt::format(",\"limit_reached\":{}", json_quote(run.limit_reached));
  }
  out += ",\"packages\":[";
  const auto attempts = attempts_by_package(run);
  for (size_t index = 0; index < run.packages.size(); ++index) {
    const auto& package = run.packages[index];
    const PackageAttempts& made = attempts.find(package.id)->second;
    out += fmt::format(
        "{}{{\"id\":{},\"state\":{},\"state_since_us\":{},\"attempts\":{},\"retries\":{},"
        "\"installed_at_us\":{},\"distribution_points\":{{",
        index ? "," : "", json_quote(package.id),
        json_quote(model::package_state_name(package.state)),
        package.state_since_us ? fmt::format("{}", *package.state_since_us) : "null", made.attempts,
        made.retries,
        package.installed_at_us ? fmt::format("{}", *package.installed_at_us) : "null");
    for (size_t dp = 0; dp < package.distribution_points.size(); ++dp) {
      out +=
          fmt::format("{}{}:{}", dp ? "," : "", json_quote(package.distribution_points[dp].dp_name),
                      json_quote(model::dp_state_name(package.distribution_points[dp].state)));
    }
    out += "}}";
  }
  out += "],\"status_messages\":{";
  std::map<uint32_t, uint64_t> counts;
  for (const auto& message : run.status_messages) ++counts[message.id];
  bool first = true;
  for (const auto& [id, count] : counts) {
    out += fmt::format("{}\"{}\":{}", first ? "" : ",", id, count);
    first = false;
  }
  // The same counts split by severity, the way the component status counts them.
  out += "},\"status_message_severities\":{";
  std::map<uint32_t, std::map<model::Severity, uint64_t>> by_severity;
  for (const auto& message : run.status_messages) ++by_severity[message.id][message.severity];
  first = true;
  for (const auto& [id, severities] : by_severity) {
    out += fmt::format("{}\"{}\":{{", first ? "" : ",", id);
    bool first_severity = true;
    for (const auto& [severity, count] : severities) {
      out += fmt::format("{}\"{}\":{}", first_severity ? "" : ",", model::severity_letter(severity),
                         count);
      first_severity = false;
    }
    out += "}";
    first = false;
  }
  out += "},\"skipped_steps\":" + skipped_steps_json(run) + ",\"expectations\":[";
  for (size_t index = 0; index < verdict.expectations.size(); ++index) {
    const auto& result = verdict.expectations[index];
    out += fmt::format("{}{{\"what\":{},\"ok\":{},\"expected\":{},\"actual\":{}", index ? "," : "",
                       json_quote(result.what), result.ok ? "true" : "false",
                       json_quote(result.expected), json_quote(result.actual));
    if (!result.ok) {
      const ExpectationEvidence evidence = expectation_evidence(run, result);
      out += fmt::format(",\"decided\":{},\"evidence\":[", json_quote(evidence.decided));
      for (size_t line = 0; line < evidence.lines.size(); ++line) {
        if (line > 0) out += ',';
        out += json_quote(evidence.lines[line]);
      }
      out += "]";
    }
    out += "}";
  }
  out += "],\"attempts\":" + attempts_json(run);
  out += fmt::format(",\"repro\":{}}}\n", json_quote(repro_command(scenario, run, program)));
  return out;
}

void write_status_csv(const RunResult& run, const TextSink& sink) {
  BufferedSink out(sink);
  const auto append_quoted = [&out](std::string_view text) {
    out.text() += '"';
    for (const char c : text) {
      if (c == '"') out.text() += '"';
      out.text() += c;
    }
    out.text() += '"';
  };
  out.append("time_us,time,id,severity,component,package,dp,text\n");
  for (const auto& message : run.status_messages) {
    fmt::format_to(std::back_inserter(out.text()), "{},{},{},{},{},", message.t_us,
                   clock_text(message.t_us), message.id, model::severity_letter(message.severity),
                   message.component);
    append_quoted(message.package_id);
    out.text() += ',';
    append_quoted(message.dp_name);
    out.text() += ',';
    append_quoted(message.text);
    out.append('\n');
  }
  out.flush();
}

std::string status_csv(const RunResult& run) {
  return collected_text([&run](const TextSink& sink) { write_status_csv(run, sink); });
}

void write_distmgr_log(const RunResult& run, const TextSink& sink) {
  BufferedSink out(sink);
  for (const auto& line : run.log_lines) {
    out.text() += formatted_log_line(run, line);
    out.append('\n');
  }
  out.flush();
}

std::string distmgr_log_text(const RunResult& run) {
  return collected_text([&run](const TextSink& sink) { write_distmgr_log(run, sink); });
}

}  // namespace distsim::sim
