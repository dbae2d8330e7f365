// Draws the detailed timeline row by row, top to bottom: holders, then each package with a row
// per distribution point under it, then faults. Every label goes through a LabelLine or
// LabelStack of its row, so it is drawn only where it overlaps no other text; refusals are joined
// to the bars of the handles that refused them once every row is placed.
#include "sim/report/svg_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <utility>

#include "model/package.h"
#include "sim/report/html_report.h"
#include "sim/report/svg_axis.h"
#include "sim/report/svg_canvas.h"
#include "sim/report/svg_rows.h"

namespace distsim::sim {
namespace {

constexpr int64_t kSectionHeight = 22;
constexpr size_t kHolderRowsMax = 40;
constexpr size_t kPackageRowsMax = 40;
constexpr size_t kDpRowsMax = 12;

class TimelineDrawer {
 public:
  TimelineDrawer(const RunResult& run, const Timeline& timeline, const TimeAxis& axis)
      : run_(run), timeline_(timeline), rows_(run.site, timeline, axis, body_) {}

  SvgDrawing draw() {
    y_ = kAxisBandHeight + 4;
    holder_rows();
    manager_rows();
    if (!timeline_.faults.empty()) {
      section("world");
      row("faults", "faults", "and crashes", 0, [&](int64_t top) { return rows_.faults(top); });
    }
    const int64_t height = y_ + 8;
    SvgCanvas background;
    draw_axis(rows_.axis(), run_.site, height, background);
    SvgCanvas connectors;
    rows_.draw_connectors(connectors);
    SvgDrawing drawing;
    drawing.svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 {} {}\" "
        "width=\"{}\" height=\"{}\" font-family=\"{}\" role=\"img\" aria-label=\"timeline of the "
        "run\">\n",
        kSvgWidth, height, kSvgWidth, height, kSvgFontFamily);
    drawing.svg += background.body() + body_.body() + connectors.body() + "</svg>\n";
    for (const SvgCanvas* canvas : {&background, &body_, &connectors}) {
      drawing.texts.insert(drawing.texts.end(), canvas->texts().begin(), canvas->texts().end());
    }
    drawing.lanes = lanes_;
    return drawing;
  }

 private:
  void section(std::string_view name) {
    body_.add(fmt::format("<line class=\"sep\" x1=\"0\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", y_,
                          kSvgWidth, y_));
    body_.text(40, y_ + 16, name, 13, "section");
    y_ += kSectionHeight;
  }

  // One row: its group, its name and subtitle on the left, and what `draw` puts right of them
  // (which returns the row's height).
  void row(const std::string& lane, const std::string& name, const std::string& sub, int64_t indent,
           const std::function<int64_t(int64_t)>& draw) {
    lanes_.push_back(lane);
    body_.add(fmt::format("<g class=\"lane\" data-lane=\"{}\">\n", html_escape(lane)));
    const int64_t name_x = 80 + indent * 10;
    const int64_t name_width = (kPlotLeft - 8) * 10 - name_x;
    body_.text(name_x, y_ + 15, fitted(name, name_width, 13), 13, "name", name);
    body_.text(name_x, y_ + 31, fitted(sub, name_width, 11), 11, "sub", sub);
    const int64_t height = std::max<int64_t>(draw(y_), 36);
    body_.add(fmt::format("<line class=\"row-sep\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                          indent, y_ + height, kSvgWidth, y_ + height));
    body_.add("</g>\n");
    y_ += height;
  }

  void note_row(const std::string& text) {
    body_.text(80, y_ + 14, text, 11, "sub");
    y_ += 20;
  }

  void holder_rows() {
    if (timeline_.holders.empty()) return;
    section("holders");
    size_t drawn = 0;
    for (const TimelineHolder& holder : timeline_.holders) {
      if (drawn++ == kHolderRowsMax) {
        note_row(
            fmt::format("{} more holders not drawn", timeline_.holders.size() - kHolderRowsMax));
        break;
      }
      row("holder:" + holder.name, holder.name, holder.kind, 0,
          [&](int64_t top) { return rows_.holder(holder.name, top); });
    }
  }

  void manager_rows() {
    section("distribution manager");
    size_t drawn = 0;
    for (const TimelinePackage& package : timeline_.packages) {
      if (drawn++ == kPackageRowsMax) {
        note_row(
            fmt::format("{} more packages not drawn", timeline_.packages.size() - kPackageRowsMax));
        break;
      }
      const std::string sub = package.name.empty() ? "package" : package.name;
      row("package:" + package.id, package.id, sub, 0,
          [&](int64_t top) { return rows_.package(package.id, run_.passes, top); });
      for (size_t index = 0; index < package.dps.size(); ++index) {
        if (index == kDpRowsMax) {
          note_row(fmt::format("{} more distribution points not drawn",
                               package.dps.size() - kDpRowsMax));
          break;
        }
        const std::string& dp = package.dps[index];
        row("dp:" + package.id + "/" + dp, dp, dp_subtitle(package.id, dp), 2,
            [&](int64_t top) { return rows_.distribution_point(package.id, dp, top); });
      }
    }
    if (rows_.has_unattributed_marks()) {
      row("manager", "manager", "without a package", 0,
          [&](int64_t top) { return rows_.package("", run_.passes, top); });
    }
  }

  std::string dp_subtitle(const std::string& package_id, const std::string& dp) const {
    for (const auto& package : run_.packages) {
      if (package.id != package_id) continue;
      for (const auto& status : package.distribution_points) {
        if (status.dp_name == dp) {
          return fmt::format("DP, {}", model::dp_state_short_name(status.state));
        }
      }
    }
    return "distribution point";
  }

  const RunResult& run_;
  const Timeline& timeline_;
  SvgCanvas body_;
  RowPainter rows_;
  int64_t y_ = 0;
  std::vector<std::string> lanes_;
};

}  // namespace

TimeAxis detail_axis(const RunResult& run, const Timeline& timeline) {
  return plan_time_axis(activity_moments(timeline, run.passes), run.until_us, kPlotLeft * 10,
                        kPlotRight * 10);
}

SvgDrawing timeline_svg(const RunResult& run, const Timeline& timeline, const TimeAxis& axis) {
  return TimelineDrawer(run, timeline, axis).draw();
}

}  // namespace distsim::sim
