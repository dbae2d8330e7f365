// Writes the page: the header with the verdict (and the failed expectations right under it),
// the overview and detailed SVG timelines with their legend, then the tables. The CSS makes the
// SVGs scale to the page width and lets only table containers scroll sideways.
#include "sim/report/html_report.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "model/site_config.h"
#include "sim/check/expectations.h"
#include "sim/core/utf8.h"
#include "sim/report/html_tables.h"
#include "sim/report/run_report.h"
#include "sim/report/site_clock_text.h"
#include "sim/report/svg_overview.h"
#include "sim/report/svg_timeline.h"
#include "sim/report/time_axis.h"
#include "sim/report/timeline.h"

namespace distsim::sim {
namespace {

constexpr std::string_view kStyle = R"(
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212121;
margin:0 auto;padding:16px;max-width:1200px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:28px 0 8px}
h1,p,li,td,th{overflow-wrap:break-word}code{overflow-wrap:anywhere}td.ok,td.bad{white-space:nowrap}
.meta,.clock{color:#555}.clock{font-size:12px}
.verdict{font-weight:600;padding:6px 10px;display:inline-block;margin:8px 0}
.verdict.pass{background:#e8f5e9;color:#1b5e20}.verdict.fail{background:#ffebee;color:#b71c1c}
ul.failures{margin:4px 0 8px;padding-left:20px;color:#b71c1c}
code{background:#f5f5f5;padding:1px 4px;white-space:pre-wrap}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.ok{color:#1b5e20;font-weight:600}td.bad{color:#b71c1c;font-weight:600}
svg.timeline,svg.overview{display:block;width:100%;height:auto}
svg.overview{margin-bottom:6px}
.legend{list-style:none;padding:0;margin:10px 0;display:flex;flex-wrap:wrap;gap:4px 16px;
font-size:13px}
.sw{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}
svg .name{font-weight:700;fill:#212121}svg .sub,svg .axis-name{fill:#666}
svg .section{font-weight:700;fill:#37474f}svg .tick{fill:#424242}svg .tick.site{fill:#1565c0}
svg .date{fill:#1565c0}svg .idle{fill:#546e7a}svg .grid{stroke:#e6e6e6}
svg .sep{stroke:#9e9e9e}svg .row-sep{stroke:#eeeeee}
svg .bar-text{fill:#fff}svg .bar-text-out{fill:#333}svg .state-text{fill:#555}
.break{fill:#eceff1;stroke:#b0bec5;stroke-dasharray:3 3}.sw.break{border:1px dashed #b0bec5}
.success{fill:#2e7d32;background:#2e7d32}.retry{fill:#f9a825;background:#f9a825}
.failed{fill:#c62828;background:#c62828}.interrupted{fill:#616161;background:#616161}
.running{fill:#1565c0;background:#1565c0}.data{fill:#6a1b9a;background:#6a1b9a}
.meta-handle{fill:#b0bec5;background:#b0bec5}.open-end{fill-opacity:.55}
.blocker{stroke:#d50000;stroke-width:2}.sw.blocker{outline:2px solid #d50000;outline-offset:-2px}
.wait{stroke:#455a64;stroke-width:2;stroke-dasharray:5 3;fill:none}
.sw.wait{border-top:2px dashed #455a64;height:0;background:none}
.st-installed{fill:#66bb6a;background:#66bb6a}.st-retrying{fill:#ffb300;background:#ffb300}
.st-failed{fill:#e53935;background:#e53935}.st-pending{fill:#b0bec5;background:#b0bec5}
.msg-I{fill:#1565c0;background:#1565c0}.msg-W{fill:#e65100;background:#e65100}
.msg-E{fill:#c62828;background:#c62828}.refusal{fill:#d50000;background:#d50000}
.blame{stroke:#d50000;stroke-width:1.5;stroke-dasharray:2 2;fill:none}.blame-end{fill:#d50000}
.sw.blame{border-top:2px dotted #d50000;height:0;background:none}
.fault{fill:#37474f;fill-opacity:.8;background:#37474f}.shown{fill:#bbdefb;background:#bbdefb}
svg .many{fill-opacity:.6}
@media print{body{max-width:none;padding:0}.table-wrap{overflow:visible}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)";

constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kLegend{{
    {"data", "handle with read, write or delete access"},
    {"meta-handle", "metadata-only handle"},
    {"data blocker", "handle that refused an operation"},
    {"success", "pass: success"},
    {"retry", "pass: failed, retry scheduled"},
    {"failed", "pass: failed, not retried"},
    {"interrupted", "pass: interrupted by a crash"},
    {"running", "pass: still running"},
    {"wait", "waiting to retry"},
    {"st-installed", "DP installed"},
    {"st-retrying", "DP retrying"},
    {"st-failed", "DP failed"},
    {"st-pending", "DP pending"},
    {"msg-I", "status message (informational)"},
    {"msg-W", "status message (warning)"},
    {"msg-E", "status message (error)"},
    {"refusal", "refused file operation"},
    {"blame", "to the handle that refused it"},
    {"break", "idle time drawn shortened"},
}};

void append_header(std::string& out, const Scenario& scenario, const RunResult& run,
                   const RunVerdict& verdict, std::string_view program) {
  out += fmt::format("<h1>{}</h1>\n", html_escape(scenario.name));
  if (!scenario.description.empty()) {
    out += fmt::format("<p>{}</p>\n", html_escape(scenario.description));
  }
  out += fmt::format(
      "<p class=\"meta\">{} &middot; seed {} &middot; horizon {} &middot; profile {} &middot; {} "
      "events &middot; outcome {}</p>\n",
      html_escape(scenario.file), run.seed, html_escape(duration_text(run.until_us)),
      html_escape(model::profile_name(run.site.profile)), run.events_executed,
      html_escape(run_outcome_name(run.outcome)));
  if (!scenario.policy_file.empty()) {
    out += fmt::format("<p class=\"meta\">{}</p>\n", html_escape(policy_text(scenario)));
  }
  if (verdict.passed()) {
    out += fmt::format("<p class=\"verdict pass\">PASS: {} expectations held</p>\n",
                       verdict.expectation_count);
    return;
  }
  out += fmt::format("<p class=\"verdict fail\">FAIL: {} of {} expectations failed{}</p>\n",
                     verdict.failed_count, verdict.expectation_count,
                     verdict.outcome_ok ? "" : ", run stopped early");
  out += "<ul class=\"failures\">\n";
  if (const auto stopped = early_stop_text(run)) {
    out += fmt::format("<li>{}</li>\n", html_escape(*stopped));
  }
  for (const ExpectationResult& result : verdict.expectations) {
    if (result.ok) continue;
    out += fmt::format("<li>{}: expected {}, got {}</li>\n", html_escape(result.what),
                       html_escape(result.expected), html_escape(result.actual));
  }
  out += "</ul>\n";
  out += fmt::format("<p>Reproduce with: <code>{}</code></p>\n",
                     html_escape(repro_command(scenario, run, program)));
}

std::string view_text(const RunResult& run, const TimeAxis& axis) {
  size_t breaks = 0;
  for (const AxisSegment& segment : axis.segments()) breaks += segment.idle ? 1 : 0;
  std::string text =
      fmt::format("The timeline shows {} to {} of a run of {}", clock_text(axis.start_us()),
                  clock_text(axis.end_us()), duration_text(run.until_us));
  if (breaks > 0) {
    text += fmt::format(
        "; {} idle stretch{} without any activity {} drawn shortened, {} length written above",
        breaks, breaks == 1 ? "" : "es", breaks == 1 ? "is" : "are",
        breaks == 1 ? "its" : "each one's");
  }
  return text + ". Hover over a shape for its details.";
}

void append_timeline(std::string& out, const RunResult& run, const Timeline& timeline) {
  const TimeAxis axis = detail_axis(run, timeline);
  out += "<h2 id=\"timeline\">Timeline</h2>\n";
  out += fmt::format(
      "<p class=\"meta\">Virtual time 00:00:00 is {} ({}) on the site clock, which Distmgr.log "
      "shows; the axis gives both.</p>\n",
      html_escape(site_clock_text(run.site, 0)), html_escape(run.site.clock.time_zone_name));
  const bool whole = !axis.has_breaks() && axis.start_us() == 0 && axis.end_us() >= run.until_us;
  if (!whole) out += overview_svg(run, timeline, axis).svg;
  out += timeline_svg(run, timeline, axis).svg;
  out += fmt::format("<p class=\"meta\">{}</p>\n", html_escape(view_text(run, axis)));
  out += "<ul class=\"legend\">\n";
  for (const auto& [css, text] : kLegend) {
    out += fmt::format("<li><span class=\"sw {}\"></span>{}</li>\n", css, text);
  }
  out += "</ul>\n";
}

}  // namespace

std::string html_report(const Scenario& scenario, const RunResult& run, const RunVerdict& verdict,
                        std::string_view program) {
  const Timeline timeline = build_timeline(scenario, run);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>distsim: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                     html_escape(scenario.name), kStyle);
  append_header(out, scenario, run, verdict, program);
  append_timeline(out, run, timeline);
  append_refusals_table(out, run, timeline);
  append_packages_table(out, run);
  append_attempts_table(out, run);
  append_status_table(out, run);
  append_expectations_table(out, run, verdict);
  out += "</body>\n</html>\n";
  return out;
}

std::string html_escape(std::string_view raw) {
  // The page says charset=utf-8; a file name may be any bytes.
  const std::string valid = valid_utf8(raw);
  const std::string_view text = valid;
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += kReplacementCharacter;
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace distsim::sim
