// Draws the timeline as SVG rows (a row per holder, per package, and one for faults) on a time
// scale in integer tenths of a pixel, and writes the summary tables around it.
#include "sim/report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "model/assert.h"
#include "model/component_status.h"
#include "model/package.h"
#include "model/site_config.h"
#include "model/status_message.h"
#include "sim/check/expectations.h"
#include "sim/core/limits.h"
#include "sim/report/timeline.h"

namespace distsim::sim {
namespace {

using model::kMicrosecondsPerDay;
using model::kMicrosecondsPerHour;
using model::kMicrosecondsPerMillisecond;
using model::kMicrosecondsPerMinute;
using model::kMicrosecondsPerSecond;

constexpr int64_t kLabelWidthPx = 220;
constexpr int64_t kPlotWidthPx = 960;
constexpr int64_t kSvgWidthPx = kLabelWidthPx + kPlotWidthPx + 30;
constexpr int64_t kAxisHeightPx = 30;
constexpr int64_t kSectionHeightPx = 24;
constexpr int64_t kHoldBarPx = 10;
constexpr int64_t kLaneGapPx = 3;
constexpr int64_t kPackageRowPx = 70;
constexpr int64_t kShapeWidthMinTenths = 20;  // 2 px: anything shorter is drawn this wide
constexpr size_t kMarkerLabelLines = 3;
constexpr int64_t kMarkerLabelCharTenths = 62;  // width of a digit at the label font size
constexpr size_t kLabelCharsMax = 30;
constexpr size_t kAttemptRowsMax = 1000;  // rows of the attempts table
constexpr TimeUs kViewMinUs = model::kMicrosecondsPerSecond;
constexpr size_t kAxisTicksMax = 12;
static_assert(kRunHorizonMaxUs * 2 <= INT64_MAX / (kPlotWidthPx * 10));

constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#212121}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555;margin:2px 0}.verdict{font-weight:600;padding:6px 10px;display:inline-block}
.verdict.pass{background:#e8f5e9;color:#1b5e20}.verdict.fail{background:#ffebee;color:#b71c1c}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;
vertical-align:top}th{background:#f5f5f5}td.ok{color:#1b5e20;font-weight:600}
td.bad{color:#b71c1c;font-weight:600}code{background:#f5f5f5;padding:1px 4px}
.scroll{overflow-x:auto}.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:14px}
.sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}
svg{font:11px system-ui,sans-serif}svg .tick{fill:#555}svg .grid{stroke:#eee}
svg .sep{stroke:#bbb}svg .section{font-weight:700;fill:#333}svg .name{font-weight:600}
svg .sub{fill:#666;font-size:10px}svg .msg-id{font-size:10px;fill:#333}
.success{fill:#2e7d32;background:#2e7d32}.retry{fill:#f9a825;background:#f9a825}
.failed{fill:#c62828;background:#c62828}.interrupted{fill:#616161;background:#616161}
.running{fill:#1565c0;background:#1565c0}.data{fill:#6a1b9a;background:#6a1b9a}
.meta-handle{fill:#b0bec5;background:#b0bec5}.open-end{fill-opacity:.55}
.wait{stroke:#455a64;stroke-width:2;stroke-dasharray:5 3;fill:none}
.sw.wait{border-top:2px dashed #455a64;height:0;background:none}
.msg-I{fill:#1565c0;background:#1565c0}.msg-W{fill:#ef6c00;background:#ef6c00}
.msg-E{fill:#c62828;background:#c62828}.refusal{fill:#d50000;background:#d50000}
.fault{fill:#37474f;fill-opacity:.8;background:#37474f}svg .many{fill-opacity:.6}svg .bar-text{fill:#fff;font-size:10px}
)";

// Integer tenths of a pixel, written as "12" or "12.5".
std::string px(int64_t tenths) {
  DISTSIM_ASSERT(tenths >= 0);
  if (tenths % 10 == 0) return std::to_string(tenths / 10);
  return fmt::format("{}.{}", tenths / 10, tenths % 10);
}

std::string shortened(const std::string& text) {
  if (text.size() <= kLabelCharsMax) return text;
  size_t cut = kLabelCharsMax - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\xE2\x80\xA6";  // an ellipsis, not splitting a UTF-8 sequence
}

class TimeScale {
 public:
  explicit TimeScale(TimeUs view_us) : view_us_(view_us) { DISTSIM_ASSERT(view_us > 0); }
  [[nodiscard]] TimeUs view_us() const { return view_us_; }
  // The x of a moment in tenths of a pixel; moments past the view sit on its right edge.
  [[nodiscard]] int64_t x(TimeUs t_us) const {
    const TimeUs clamped_us = std::clamp<TimeUs>(t_us, 0, view_us_);
    return kLabelWidthPx * 10 + clamped_us * kPlotWidthPx * 10 / view_us_;
  }

 private:
  TimeUs view_us_;
};

// A rectangle, line or marker of one lane.
struct Shape {
  int64_t x1 = 0;
  int64_t x2 = 0;
  std::string css_class;
  std::string title;
  std::string text;  // drawn inside bars wide enough
  uint32_t merged_count = 0;
  TimeUs last_us = 0;
};

// The shapes of one lane, added in x order. A shape that starts before the previous shape of the
// same class ends (once widened to the smallest drawable width) is merged into it, so a lane holds
// at most a few shapes per pixel and class however long the run.
class ShapeLane {
 public:
  void add(Shape shape) {
    shape.x2 = std::max(shape.x2, shape.x1 + kShapeWidthMinTenths);
    const auto last = last_of_class_.find(shape.css_class);
    if (last != last_of_class_.end() && shape.x1 < shapes_[last->second].x2) {
      Shape& merged = shapes_[last->second];
      merged.x2 = std::max(merged.x2, shape.x2);
      merged.merged_count += 1 + shape.merged_count;
      merged.last_us = std::max(merged.last_us, shape.last_us);
      if (merged.text != shape.text) merged.text.clear();  // attempt numbers; IDs stay
      return;
    }
    last_of_class_[shape.css_class] = shapes_.size();
    shapes_.push_back(std::move(shape));
  }
  [[nodiscard]] const std::vector<Shape>& shapes() const { return shapes_; }

 private:
  std::vector<Shape> shapes_;
  std::map<std::string, size_t> last_of_class_;
};

// True for a merged shape that covers more than one drawable width: drawn as a strip.
bool is_strip(const Shape& shape) {
  return shape.merged_count > 0 && shape.x2 - shape.x1 > kShapeWidthMinTenths;
}

std::string title_of(const Shape& shape) {
  std::string title = shape.title;
  if (shape.merged_count > 0) {
    title += fmt::format("\n(and {} more drawn together, up to {})", shape.merged_count,
                         clock_text(shape.last_us));
  }
  return "<title>" + html_escape(title) + "</title>";
}

std::string rect_svg(const Shape& shape, int64_t y_px, int64_t height_px) {
  std::string out =
      fmt::format("<rect class=\"{}{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">{}</rect>\n",
                  shape.css_class, shape.merged_count > 0 ? " many" : "", px(shape.x1), y_px,
                  px(shape.x2 - shape.x1), height_px, title_of(shape));
  const auto text_chars = static_cast<int64_t>(shape.text.size());
  if (!shape.text.empty() && shape.x2 - shape.x1 > text_chars * kMarkerLabelCharTenths + 40) {
    out += fmt::format("<text class=\"bar-text\" x=\"{}\" y=\"{}\">{}</text>\n", px(shape.x1 + 30),
                       y_px + height_px - 3, html_escape(shape.text));
  }
  return out;
}

std::string triangle_svg(const Shape& shape, int64_t y_px) {
  if (is_strip(shape)) {
    return fmt::format(
        "<rect class=\"refusal many\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"5\">{}</rect>\n",
        px(shape.x1), y_px + 1, px(shape.x2 - shape.x1), title_of(shape));
  }
  return fmt::format("<path class=\"refusal\" d=\"M{} {} l-4 7 h8 z\">{}</path>\n", px(shape.x1),
                     y_px, title_of(shape));
}

std::string pass_class(const PassRecord& pass) {
  return pass.end_us ? std::string(model::pass_result_name(pass.result)) : "running";
}

std::string pass_title(const PassRecord& pass) {
  std::string title =
      fmt::format("{} attempt {}: {}", pass.package_id, pass.attempt,
                  pass.end_us ? model::pass_result_name(pass.result) : "still running");
  if (pass.error != model::Win32Error::ok) {
    title += fmt::format(", error {} ({})", model::win32_code(pass.error),
                         model::win32_error_name(pass.error));
  }
  title += fmt::format("\n{} to {}", clock_text(pass.start_us),
                       pass.end_us ? clock_text(*pass.end_us) : "the end of the run");
  if (pass.next_retry_us)
    title += fmt::format("\nretry due at {}", clock_text(*pass.next_retry_us));
  return title;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : "|") + name;
  return text.empty() ? "0" : text;
}

std::string hold_title(const HandleSpan& handle) {
  return fmt::format("{}: {}\nhandle {}, access {}, share {}\n{} to {}", handle.actor, handle.path,
                     handle.handle, joined(handle.access), joined(handle.share),
                     clock_text(handle.open_us),
                     handle.close_us ? clock_text(*handle.close_us) : "the end (still open)");
}

// Writes the SVG rows top to bottom; the axis and grid, which need the total height, come last.
class SvgTimeline {
 public:
  SvgTimeline(const RunResult& run, const Timeline& timeline, TimeUs view_us)
      : run_(run), timeline_(timeline), scale_(view_us) {}

  std::string draw() {
    y_px_ = kAxisHeightPx;
    if (!timeline_.holders.empty()) {
      section("holders");
      for (const TimelineHolder& holder : timeline_.holders) holder_row(holder);
    }
    section("distribution manager");
    for (const TimelinePackage& package : timeline_.packages) package_row(package.id, package);
    if (has_unattributed_marks()) package_row("", {"", "manager", ""});
    if (!timeline_.faults.empty()) {
      section("world");
      fault_row();
    }
    const int64_t height_px = y_px_ + 8;
    std::string out = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} "
        "{}\" "
        "role=\"img\" aria-label=\"timeline\">\n",
        kSvgWidthPx, height_px, kSvgWidthPx, height_px);
    out += axis(height_px);
    out += body_;
    out += "</svg>\n";
    return out;
  }

 private:
  void section(std::string_view name) {
    body_ += fmt::format("<line class=\"sep\" x1=\"0\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                         y_px_ + 2, kSvgWidthPx, y_px_ + 2);
    body_ += fmt::format("<text class=\"section\" x=\"4\" y=\"{}\">{}</text>\n", y_px_ + 17,
                         html_escape(name));
    y_px_ += kSectionHeightPx;
  }

  void row_label(const std::string& name, const std::string& sub, int64_t height_px) {
    body_ += fmt::format("<text class=\"name\" x=\"12\" y=\"{}\">{}<title>{}</title></text>\n",
                         y_px_ + std::min<int64_t>(height_px / 2, 30), html_escape(shortened(name)),
                         html_escape(name));
    if (sub.empty()) return;
    body_ +=
        fmt::format("<text class=\"sub\" x=\"12\" y=\"{}\">{}</text>\n",
                    y_px_ + std::min<int64_t>(height_px / 2, 30) + 13, html_escape(shortened(sub)));
  }

  void holder_row(const TimelineHolder& holder) {
    std::vector<const HandleSpan*> spans;
    for (const HandleSpan& handle : timeline_.handles) {
      if (handle.actor == holder.name) spans.push_back(&handle);
    }
    std::vector<LaneSpan> intervals;
    for (const HandleSpan* span : spans) {
      intervals.push_back({span->open_us, span->close_us.value_or(timeline_.until_us)});
    }
    const std::vector<uint32_t> lanes = assign_lanes(intervals, LaneRule::disjoint);
    const uint32_t lane_count =
        lanes.empty() ? 1 : *std::max_element(lanes.begin(), lanes.end()) + 1;
    std::vector<ShapeLane> shapes(lane_count);
    for (size_t index = 0; index < spans.size(); ++index) {
      const HandleSpan& handle = *spans[index];
      const TimeUs end_us = handle.close_us.value_or(timeline_.until_us);
      std::string css = handle.data ? "hold data" : "hold meta-handle";
      if (!handle.close_us) css += " open-end";
      shapes[lanes[index]].add(
          {scale_.x(handle.open_us), scale_.x(end_us), css, hold_title(handle), "", 0, end_us});
    }
    const int64_t bars_px = static_cast<int64_t>(lane_count) * (kHoldBarPx + kLaneGapPx);
    const int64_t height_px = std::max<int64_t>(36, bars_px + 22);
    row_label(holder.name, holder.kind, height_px);
    for (uint32_t lane = 0; lane < lane_count; ++lane) {
      for (const Shape& shape : shapes[lane].shapes()) {
        body_ += rect_svg(shape, y_px_ + 6 + lane * (kHoldBarPx + kLaneGapPx), kHoldBarPx);
      }
    }
    refusals(holder.name, "", y_px_ + 8 + bars_px);
    y_px_ += height_px;
  }

  void package_row(const std::string& package_id, const TimelinePackage& package) {
    const std::string sub = package.id.empty() ? "messages without a package" : package.name;
    row_label(package.id.empty() ? package.name : package.id, sub, kPackageRowPx);
    const int64_t bar_y_px = y_px_ + 42;
    if (!package_id.empty()) {
      waits(package_id, bar_y_px + 7);
      passes(package_id, bar_y_px);
    }
    status_markers(package_id, y_px_);
    refusals(std::string(kManagerTraceActor), package_id, bar_y_px + 16);
    y_px_ += kPackageRowPx + 2;
  }

  void passes(const std::string& package_id, int64_t y_px) {
    ShapeLane lane;
    for (const PassRecord& pass : run_.passes) {
      if (pass.package_id != package_id) continue;
      const TimeUs end_us = pass.end_us.value_or(timeline_.until_us);
      lane.add({scale_.x(pass.start_us), scale_.x(end_us), "pass " + pass_class(pass),
                pass_title(pass), std::to_string(pass.attempt), 0, end_us});
    }
    for (const Shape& shape : lane.shapes()) body_ += rect_svg(shape, y_px, 14);
  }

  void waits(const std::string& package_id, int64_t y_px) {
    ShapeLane lane;
    for (const RetryWait& wait : timeline_.waits) {
      if (wait.package_id != package_id) continue;
      std::string title = fmt::format(
          "{} waiting to retry after attempt {}\n{} to {}, retry due {}", package_id, wait.attempt,
          clock_text(wait.start_us), clock_text(wait.end_us), clock_text(wait.retry_us));
      lane.add({scale_.x(wait.start_us), scale_.x(wait.end_us), "wait", std::move(title), "", 0,
                wait.end_us});
    }
    for (const Shape& shape : lane.shapes()) {
      body_ +=
          fmt::format("<path class=\"wait\" d=\"M{} {} H{} M{} {} v8\">{}</path>\n", px(shape.x1),
                      y_px, px(shape.x2), px(shape.x2), y_px - 4, title_of(shape));
    }
  }

  void status_markers(const std::string& package_id, int64_t row_y_px) {
    ShapeLane markers;
    for (const TimelineMark& mark : timeline_.marks) {
      if (mark.kind != MarkKind::status_message || mark.package_id != package_id) continue;
      const int64_t x = scale_.x(mark.t_us);
      markers.add({x, x, fmt::format("msg msg-{} id-{}", mark.severity, mark.label),
                   fmt::format("{} {}", clock_text(mark.t_us), mark.detail), mark.label, 0,
                   mark.t_us});
    }
    std::array<int64_t, kMarkerLabelLines> line_end{};
    for (const Shape& marker : markers.shapes()) {
      const int64_t x = marker.x1;
      if (is_strip(marker)) {
        body_ += fmt::format(
            "<rect class=\"{} many\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"8\" "
            "rx=\"4\">{}</rect>\n",
            marker.css_class, px(x - 40), row_y_px + 33, px(marker.x2 - marker.x1 + 40),
            title_of(marker));
      } else {
        body_ += fmt::format("<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"4\">{}</circle>\n",
                             marker.css_class, px(x), row_y_px + 37, title_of(marker));
      }
      const int64_t half = static_cast<int64_t>(marker.text.size()) * kMarkerLabelCharTenths / 2;
      for (size_t line = 0; line < kMarkerLabelLines; ++line) {
        if (line_end[line] != 0 && x - half < line_end[line] + 20) continue;
        line_end[line] = x + half;
        body_ += fmt::format(
            "<text class=\"msg-id\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", px(x),
            row_y_px + 30 - static_cast<int64_t>(line) * 11, html_escape(marker.text));
        break;
      }
    }
  }

  void refusals(const std::string& actor, const std::string& package_id, int64_t y_px) {
    ShapeLane marks;
    for (const TimelineMark& mark : timeline_.marks) {
      if (mark.kind != MarkKind::refusal || mark.actor != actor) continue;
      if (actor == kManagerTraceActor && mark.package_id != package_id) continue;
      const int64_t x = scale_.x(mark.t_us);
      marks.add({x, x, "refusal",
                 fmt::format("{} {}: {}", clock_text(mark.t_us), actor, mark.detail), "", 0,
                 mark.t_us});
    }
    for (const Shape& shape : marks.shapes()) body_ += triangle_svg(shape, y_px);
  }

  void fault_row() {
    std::vector<LaneSpan> intervals;
    for (const FaultSpan& fault : timeline_.faults) {
      intervals.push_back(
          {fault.start_us, std::max(fault.start_us, fault.end_us.value_or(timeline_.until_us))});
    }
    const std::vector<uint32_t> lanes = assign_lanes(intervals, LaneRule::disjoint);
    const uint32_t lane_count = *std::max_element(lanes.begin(), lanes.end()) + 1;
    const int64_t height_px = std::max<int64_t>(36, lane_count * (kHoldBarPx + 6) + 12);
    row_label("faults", "and crashes", height_px);
    for (size_t index = 0; index < timeline_.faults.size(); ++index) {
      const FaultSpan& fault = timeline_.faults[index];
      const TimeUs end_us = fault.end_us.value_or(timeline_.until_us);
      const std::string name =
          fault.fault == "crash" ? "manager down" : fault.fault + " " + fault.target;
      const std::string title = fmt::format("{}\n{} to {}", name, clock_text(fault.start_us),
                                            fault.end_us ? clock_text(*fault.end_us) : "the end");
      const Shape shape{scale_.x(fault.start_us),
                        std::max(scale_.x(end_us), scale_.x(fault.start_us) + kShapeWidthMinTenths),
                        "fault",
                        title,
                        name,
                        0,
                        end_us};
      body_ += rect_svg(shape, y_px_ + 6 + lanes[index] * (kHoldBarPx + 6), kHoldBarPx + 4);
    }
    y_px_ += height_px;
  }

  bool has_unattributed_marks() const {
    return std::any_of(timeline_.marks.begin(), timeline_.marks.end(),
                       [](const TimelineMark& mark) {
                         const bool manager_refusal =
                             mark.kind == MarkKind::refusal && mark.actor == kManagerTraceActor;
                         return mark.package_id.empty() &&
                                (mark.kind == MarkKind::status_message || manager_refusal);
                       });
  }

  std::string axis(int64_t height_px) const {
    const TimeUs step_us = axis_step_us(scale_.view_us());
    std::string out;
    for (TimeUs t_us = 0; t_us <= scale_.view_us(); t_us += step_us) {
      const std::string x = px(scale_.x(t_us));
      out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", x,
                         kAxisHeightPx - 8, x, height_px);
      out +=
          fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                      x, kAxisHeightPx - 12, html_escape(axis_label(t_us, step_us)));
    }
    return out;
  }

  const RunResult& run_;
  const Timeline& timeline_;
  TimeScale scale_;
  int64_t y_px_ = 0;
  std::string body_;
};

void append_header(std::string& out, const Scenario& scenario, const RunResult& run,
                   const RunVerdict& verdict) {
  out += fmt::format("<h1>{}</h1>\n", html_escape(scenario.name));
  if (!scenario.description.empty())
    out += fmt::format("<p>{}</p>\n", html_escape(scenario.description));
  out += fmt::format(
      "<p class=\"meta\">{} &middot; seed {} &middot; horizon {} &middot; profile {} &middot; {} "
      "events &middot; outcome {}</p>\n",
      html_escape(scenario.file), run.seed, html_escape(duration_text(run.until_us)),
      html_escape(model::profile_name(run.site.profile)), run.events_executed,
      html_escape(run_outcome_name(run.outcome)));
  if (verdict.passed()) {
    out += fmt::format("<p class=\"verdict pass\">PASS: {} expectations held</p>\n",
                       verdict.expectations.size());
    return;
  }
  out += fmt::format("<p class=\"verdict fail\">FAIL: {} of {} expectations failed{}</p>\n",
                     verdict.failed_count, verdict.expectations.size(),
                     verdict.outcome_ok ? "" : ", run stopped early");
  out += fmt::format("<p>Reproduce with: <code>{}</code></p>\n",
                     html_escape(repro_command(scenario, run)));
}

void append_timeline(std::string& out, const RunResult& run, const Timeline& timeline) {
  const TimeUs activity_us = timeline.activity_end_us;
  // A margin after the last event, at least a second, but never past the horizon.
  TimeUs view_us = std::min(activity_us + activity_us / 20, run.until_us);
  view_us = std::max({view_us, std::min(kViewMinUs, run.until_us), TimeUs{1}});
  out += "<h2>Timeline</h2>\n<div class=\"scroll\">\n";
  out += SvgTimeline(run, timeline, view_us).draw();
  out += "</div>\n<ul class=\"legend\">\n";
  constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kLegend{{
      {"data", "handle with read, write or delete access"},
      {"meta-handle", "metadata-only handle"},
      {"success", "pass: success"},
      {"retry", "pass: failed, retry scheduled"},
      {"failed", "pass: failed, not retried"},
      {"interrupted", "pass: interrupted by a crash"},
      {"running", "pass: still running"},
      {"wait", "waiting to retry"},
      {"msg-I", "status message (informational)"},
      {"msg-W", "status message (warning)"},
      {"msg-E", "status message (error)"},
      {"refusal", "refused file operation"},
  }};
  for (const auto& [css, text] : kLegend)
    out += fmt::format("<li><span class=\"sw {}\"></span>{}</li>\n", css, text);
  out += "</ul>\n";
  out += fmt::format("<p class=\"meta\">Virtual time from 00:00:00 to {}", clock_text(view_us));
  if (view_us < run.until_us) {
    out += fmt::format("; the horizon is {}, nothing happens after {}",
                       html_escape(duration_text(run.until_us)), clock_text(activity_us));
  }
  out += ". Hover over a shape for details.</p>\n";
}

void append_packages(std::string& out, const RunResult& run) {
  out +=
      "<h2>Packages</h2>\n<table>\n<tr><th>Package</th><th>Name</th><th>State</th>"
      "<th>Since</th><th>Attempts</th><th>Retries</th><th>Distribution points</th></tr>\n";
  for (const auto& package : run.packages) {
    std::string dps;
    for (const auto& dp : package.distribution_points) {
      dps += fmt::format("{}{}: {}", dps.empty() ? "" : "<br>", html_escape(dp.dp_name),
                         model::dp_state_name(dp.state));
    }
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(package.id), html_escape(package.name),
        model::package_state_name(package.state), clock_text(package.state_since_us.value_or(0)),
        package.attempt_count, package.attempt_count == 0 ? 0 : package.attempt_count - 1, dps);
  }
  out += "</table>\n";
  out += fmt::format("<p>Component status SMS_DISTRIBUTION_MANAGER: {}</p>\n",
                     model::component_status_name(run.component_status));
}

void append_attempts(std::string& out, const RunResult& run) {
  out +=
      "<h2>Attempts</h2>\n<table>\n<tr><th>Package</th><th>Attempt</th><th>Start</th>"
      "<th>End</th><th>Result</th><th>Error</th><th>Retry due</th></tr>\n";
  for (size_t index = 0; index < run.passes.size() && index < kAttemptRowsMax; ++index) {
    const PassRecord& pass = run.passes[index];
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        html_escape(pass.package_id), pass.attempt, clock_text(pass.start_us),
        pass.end_us ? clock_text(*pass.end_us) : "", pass_class(pass),
        pass.error == model::Win32Error::ok ? std::string()
                                            : fmt::format("{} {}", model::win32_code(pass.error),
                                                          model::win32_error_name(pass.error)),
        pass.next_retry_us ? clock_text(*pass.next_retry_us) : "");
  }
  out += "</table>\n";
  if (run.passes.size() > kAttemptRowsMax) {
    out += fmt::format("<p class=\"meta\">({} more attempts not listed)</p>\n",
                       run.passes.size() - kAttemptRowsMax);
  }
}

void append_status_messages(std::string& out, const RunResult& run) {
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
  out +=
      "<h2>Status messages</h2>\n<table>\n<tr><th>ID</th><th>Severity</th><th>Count</th>"
      "<th>First</th><th>Last</th></tr>\n";
  for (const auto& [id, seen] : by_id) {
    out +=
        fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", id,
                    seen.severity, seen.count, clock_text(seen.first_us), clock_text(seen.last_us));
  }
  out += "</table>\n";
}

void append_expectations(std::string& out, const RunVerdict& verdict) {
  out += "<h2>Expectations</h2>\n";
  if (verdict.expectations.empty()) {
    out += "<p>(none)</p>\n";
    return;
  }
  out +=
      "<table>\n<tr><th>Result</th><th>Expectation</th><th>Expected</th><th>Actual</th>"
      "<th>At</th></tr>\n";
  for (const ExpectationResult& result : verdict.expectations) {
    out += fmt::format(
        "<tr><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        result.ok ? "ok" : "bad", result.ok ? "PASS" : "FAIL", html_escape(result.what),
        html_escape(result.expected), html_escape(result.actual),
        result.t_us ? clock_text(*result.t_us) : "");
  }
  out += "</table>\n";
}

}  // namespace

std::string html_report(const Scenario& scenario, const RunResult& run, const RunVerdict& verdict) {
  const Timeline timeline = build_timeline(scenario, run);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>distsim: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                     html_escape(scenario.name), kStyle);
  append_header(out, scenario, run, verdict);
  append_timeline(out, run, timeline);
  append_packages(out, run);
  append_attempts(out, run);
  append_status_messages(out, run);
  append_expectations(out, verdict);
  out += "</body>\n</html>\n";
  return out;
}

std::string html_escape(std::string_view text) {
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
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

TimeUs axis_step_us(TimeUs view_us) {
  constexpr TimeUs kMs = kMicrosecondsPerMillisecond;
  constexpr TimeUs kS = kMicrosecondsPerSecond;
  constexpr TimeUs kM = kMicrosecondsPerMinute;
  constexpr TimeUs kH = kMicrosecondsPerHour;
  constexpr TimeUs kD = kMicrosecondsPerDay;
  constexpr std::array kSteps{
      kMs,     2 * kMs, 5 * kMs, 10 * kMs, 20 * kMs, 50 * kMs, 100 * kMs, 200 * kMs, 500 * kMs,
      kS,      2 * kS,  5 * kS,  10 * kS,  15 * kS,  30 * kS,  kM,        2 * kM,    5 * kM,
      10 * kM, 15 * kM, 30 * kM, kH,       2 * kH,   3 * kH,   6 * kH,    12 * kH,   kD,
      2 * kD,  7 * kD,  14 * kD, 30 * kD,  60 * kD,  180 * kD, 365 * kD,  730 * kD,  1825 * kD};
  DISTSIM_ASSERT(view_us > 0);
  for (const TimeUs step_us : kSteps) {
    if (view_us / step_us < static_cast<TimeUs>(kAxisTicksMax)) return step_us;
  }
  return kSteps.back();
}

std::string axis_label(TimeUs t_us, TimeUs step_us) {
  DISTSIM_ASSERT(t_us >= 0);
  DISTSIM_ASSERT(step_us > 0);
  const TimeUs days = t_us / kMicrosecondsPerDay;
  std::string text = days > 0 ? fmt::format("{}d ", days) : "";
  text += fmt::format("{:02}:{:02}", t_us / kMicrosecondsPerHour % 24,
                      t_us / kMicrosecondsPerMinute % 60);
  if (step_us % kMicrosecondsPerMinute == 0) return text;
  text += fmt::format(":{:02}", t_us / kMicrosecondsPerSecond % 60);
  if (step_us % kMicrosecondsPerSecond == 0) return text;
  return text + fmt::format(".{:03}", t_us / kMicrosecondsPerMillisecond % 1000);
}

}  // namespace distsim::sim
