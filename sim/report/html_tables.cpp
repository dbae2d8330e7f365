// Writes the report's tables. Refusals are grouped while consecutive ones repeat (same actor,
// operation, path, error and culprits), and every table stops at a bound with a count of the rest.
#include "sim/report/html_tables.h"

#include <fmt/format.h>

#include <map>
#include <vector>

#include "model/component_status.h"
#include "model/package.h"
#include "model/status_message.h"
#include "sim/check/expectations.h"
#include "sim/core/counted_text.h"
#include "sim/report/html_report.h"
#include "sim/report/site_clock_text.h"
#include "sim/world/package_attempts.h"

namespace distsim::sim {
namespace {

constexpr size_t kRefusalRowsMax = 200;
constexpr size_t kAttemptRowsMax = 1000;

// Virtual time with the site clock under it; `note` follows the time.
std::string when_cell(const RunResult& run, TimeUs t_us, std::string_view note = "") {
  return fmt::format("{}{}<br><span class=\"clock\">{}</span>", clock_text(t_us), note,
                     html_escape(site_clock_text(run.site, t_us)));
}

// Escaped, with a line break allowed after each underscore and backslash, so that a long name
// such as ERROR_SHARING_VIOLATION or a path never widens a narrow column.
std::string breakable(std::string_view text) {
  std::string out;
  for (const char c : html_escape(text)) {
    out += c;
    if (c == '_' || c == '\\') out += "<wbr>";
  }
  return out;
}

std::string table_start(std::string_view headers) {
  std::string out = "<div class=\"table-wrap\"><table>\n<tr>";
  size_t from = 0;
  while (from <= headers.size()) {
    const size_t bar = std::min(headers.find('|', from), headers.size());
    out += fmt::format("<th>{}</th>", headers.substr(from, bar - from));
    from = bar + 1;
  }
  return out + "</tr>\n";
}

constexpr std::string_view kTableEnd = "</table></div>\n";

std::string culprits_text(const Timeline& timeline, const TimelineMark& mark) {
  std::string text;
  for (const size_t index : mark.blockers) {
    const HandleSpan& held = timeline.handles[index];
    text += fmt::format("{}<b>{}</b> handle {} on <code>{}</code>, open since {}",
                        text.empty() ? "" : "<br>", html_escape(held.actor), held.handle,
                        html_escape(held.path), clock_text(held.open_us));
  }
  if (text.empty()) {
    return mark.blame_from_trace ? "no handle: nothing held it"
                                 : "<span class=\"clock\">no open handle on this path</span>";
  }
  if (!mark.blame_from_trace) {
    text +=
        "<br><span class=\"clock\">(open on the same path then; the trace names no "
        "culprit)</span>";
  }
  return text;
}

std::string culprit_key(const Timeline& timeline, const TimelineMark& mark) {
  std::string key;
  for (const size_t index : mark.blockers) {
    key += timeline.handles[index].actor + "\n" + timeline.handles[index].path + "\n";
  }
  return key;
}

}  // namespace

void append_refusals_table(std::string& out, const RunResult& run, const Timeline& timeline) {
  std::vector<const TimelineMark*> refusals;
  for (const TimelineMark& mark : timeline.marks) {
    if (mark.kind == MarkKind::refusal) refusals.push_back(&mark);
  }
  out += "<h2 id=\"refusals\">Refused file operations</h2>\n";
  if (refusals.empty()) {
    out += "<p>None: every file operation succeeded.</p>\n";
    return;
  }
  out += table_start("When|Who|Operation|Error|Refused by");
  size_t rows = 0;
  for (size_t first = 0; first < refusals.size();) {
    const TimelineMark& mark = *refusals[first];
    size_t last = first;
    while (last + 1 < refusals.size() && refusals[last + 1]->actor == mark.actor &&
           refusals[last + 1]->event == mark.event && refusals[last + 1]->path == mark.path &&
           refusals[last + 1]->label == mark.label &&
           culprit_key(timeline, *refusals[last + 1]) == culprit_key(timeline, mark)) {
      ++last;
    }
    if (rows++ == kRefusalRowsMax) {
      out += std::string(kTableEnd);
      out += fmt::format("<p class=\"meta\">({} more refusals not listed)</p>\n",
                         refusals.size() - first);
      return;
    }
    std::string when = when_cell(run, mark.t_us);
    if (last > first) {
      when += fmt::format("<br>{} times, the last at {}", last - first + 1,
                          clock_text(refusals[last]->t_us));
    }
    out += fmt::format(
        "<tr><td>{}</td><td>{}{}</td><td>{} <code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
        when, html_escape(mark.actor),
        mark.package_id.empty() ? "" : fmt::format("<br>{}", html_escape(mark.package_id)),
        mark.event, html_escape(mark.path), breakable(mark.label), culprits_text(timeline, mark));
    first = last + 1;
  }
  out += std::string(kTableEnd);
}

void append_packages_table(std::string& out, const RunResult& run) {
  out += "<h2>Packages</h2>\n";
  out += table_start("Package|State|Since|Attempts|Distribution points");
  const auto attempts = attempts_by_package(run);
  for (const auto& package : run.packages) {
    const PackageAttempts& made = attempts.find(package.id)->second;
    std::string dps;
    for (const auto& dp : package.distribution_points) {
      dps += fmt::format("{}{}: {}", dps.empty() ? "" : "<br>", html_escape(dp.dp_name),
                         breakable(model::dp_state_name(dp.state)));
    }
    out +=
        fmt::format("<tr><td>{}<br>{}</td><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td></tr>\n",
                    html_escape(package.id), html_escape(package.name),
                    model::package_state_name(package.state),
                    when_cell(run, package.state_since_us.value_or(0)), made.attempts,
                    counted(made.retries, "retry", "retries"), dps);
  }
  out += std::string(kTableEnd);
  out += fmt::format("<p>Component status SMS_DISTRIBUTION_MANAGER: {}</p>\n",
                     model::component_status_name(run.component_status));
}

void append_attempts_table(std::string& out, const RunResult& run) {
  out += "<h2>Attempts</h2>\n";
  out += table_start("Package|Attempt|Start|End|Result|Retry due");
  for (size_t index = 0; index < run.passes.size() && index < kAttemptRowsMax; ++index) {
    const PassRecord& pass = run.passes[index];
    std::string result =
        pass.end_us ? std::string(model::pass_result_name(pass.result)) : "running";
    if (pass.error != model::Win32Error::ok) {
      result += fmt::format("<br>{} {}", model::win32_code(pass.error),
                            breakable(model::win32_error_name(pass.error)));
    }
    out +=
        fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    html_escape(pass.package_id),
                    pass.dp_retries ? std::string("DP retries") : std::to_string(pass.attempt),
                    when_cell(run, pass.start_us), pass.end_us ? when_cell(run, *pass.end_us) : "",
                    result, pass.next_retry_us ? when_cell(run, *pass.next_retry_us) : "");
  }
  out += std::string(kTableEnd);
  if (run.passes.size() > kAttemptRowsMax) {
    out += fmt::format("<p class=\"meta\">({} more attempts not listed)</p>\n",
                       run.passes.size() - kAttemptRowsMax);
  }
}

void append_status_table(std::string& out, const RunResult& run) {
  struct Seen {
    char severity = 'I';
    uint64_t count = 0;
    TimeUs first_us = 0;
    TimeUs last_us = 0;
  };
  std::map<uint32_t, Seen> by_id;
  for (const auto& message : run.status_messages) {
    Seen& seen = by_id[message.id];
    if (seen.count == 0) seen.first_us = message.t_us;
    seen.severity = model::severity_letter(message.severity);
    seen.last_us = message.t_us;
    ++seen.count;
  }
  out += "<h2>Status messages</h2>\n";
  out += table_start("ID|Severity|Count|First|Last");
  for (const auto& [id, seen] : by_id) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", id,
                       seen.severity, seen.count, when_cell(run, seen.first_us),
                       when_cell(run, seen.last_us));
  }
  out += std::string(kTableEnd);
}

void append_expectations_table(std::string& out, const RunResult& run, const RunVerdict& verdict) {
  out += "<h2 id=\"expectations\">Expectations</h2>\n";
  if (verdict.expectations.empty()) {
    out += "<p>(none)</p>\n";
    return;
  }
  out += table_start("Result|Expectation|Expected|Actual|At");
  for (const ExpectationResult& result : verdict.expectations) {
    out += fmt::format(
        "<tr><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        result.ok ? "ok" : "bad", result.ok ? "PASS" : "FAIL", breakable(result.what),
        breakable(result.expected), breakable(result.actual),
        // No time of its own: decided at the end of the run, as the text summary says.
        result.t_us ? when_cell(run, *result.t_us)
                    : when_cell(run, run.ended_us, ", the end of the run"));
  }
  out += std::string(kTableEnd);
}

}  // namespace distsim::sim
