// Draws the detailed timeline row by row, top to bottom: holders, then each package with a row
// per distribution point under it, then faults. Every label goes through a LabelLine or
// LabelStack of its row, so it is drawn only where it overlaps no other text; refusals are joined
// to the bars of the handles that refused them once every row is placed.
#include "sim/report/svg_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include "model/package.h"
#include "sim/report/html_report.h"
#include "sim/report/svg_axis.h"
#include "sim/report/svg_canvas.h"
#include "sim/report/svg_rows.h"

namespace distsim::sim {
namespace {

constexpr int64_t kSectionHeight = 22;
constexpr size_t kHolderRowsMax = 20;
constexpr size_t kPackageRowsMax = 20;
constexpr size_t kDpRowsPerPackageMax = 8;
constexpr size_t kDpRowsMax = 40;

// What went wrong where, for choosing the rows to draw when there are more than fit.
struct Trouble {
  std::set<std::string> packages;  // a pass that did not succeed, a refusal, a W or E message
  std::set<std::pair<std::string, std::string>> dps;  // (package, DP): the same on that DP
  std::set<std::string> holders;                      // held a handle that refused something
};

Trouble find_trouble(const RunResult& run, const Timeline& timeline) {
  Trouble trouble;
  for (const PassRecord& pass : run.passes) {
    if (pass.end_us && pass.result != model::PassResult::success) {
      trouble.packages.insert(pass.package_id);
    }
  }
  for (const TimelineMark& mark : timeline.marks) {
    const bool bad = mark.kind == MarkKind::refusal ||
                     (mark.kind == MarkKind::status_message && mark.severity != 'I');
    if (!bad) continue;
    trouble.packages.insert(mark.package_id);
    if (!mark.dp.empty()) trouble.dps.insert({mark.package_id, mark.dp});
    for (const size_t index : mark.blockers) trouble.holders.insert(timeline.handles[index].actor);
  }
  return trouble;
}

// Which of `count` items to draw, at most `max`: the troubled ones first, then the rest; in
// their own order.
std::vector<size_t> chosen(size_t count, size_t max, const std::function<bool(size_t)>& troubled) {
  std::vector<size_t> picked;
  for (const bool first_pass : {true, false}) {
    for (size_t index = 0; index < count && picked.size() < max; ++index) {
      if (troubled(index) == first_pass) picked.push_back(index);
    }
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

std::string not_drawn_text(size_t omitted, size_t omitted_troubled, std::string_view what) {
  return fmt::format("{} more {} not drawn{}", omitted, what,
                     omitted_troubled == 0 ? " (nothing failed on them)" : "");
}

class TimelineDrawer {
 public:
  TimelineDrawer(const RunResult& run, const Timeline& timeline, const TimeAxis& axis)
      : run_(run),
        timeline_(timeline),
        trouble_(find_trouble(run, timeline)),
        rows_(run.site, timeline, axis, body_) {}

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
    const auto& holders = timeline_.holders;
    if (holders.empty()) return;
    section("holders");
    auto troubled = [&](size_t index) { return trouble_.holders.count(holders[index].name) != 0; };
    const std::vector<size_t> picked = chosen(holders.size(), kHolderRowsMax, troubled);
    for (const size_t index : picked) {
      const TimelineHolder& holder = holders[index];
      row("holder:" + holder.name, holder.name, holder.kind, 0,
          [&](int64_t top) { return rows_.holder(holder.name, top); });
    }
    if (picked.size() < holders.size()) {
      note_row(not_drawn_text(holders.size() - picked.size(),
                              omitted_troubled(holders.size(), picked, troubled), "holders"));
    }
  }

  void manager_rows() {
    section("distribution manager");
    const auto& packages = timeline_.packages;
    auto troubled = [&](size_t index) { return trouble_.packages.count(packages[index].id) != 0; };
    const std::vector<size_t> picked = chosen(packages.size(), kPackageRowsMax, troubled);
    for (const size_t index : picked) {
      const TimelinePackage& package = packages[index];
      const std::string sub = package.name.empty() ? "package" : package.name;
      row("package:" + package.id, package.id, sub, 0,
          [&](int64_t top) { return rows_.package(package.id, run_.passes, top); });
      dp_rows(package);
    }
    if (picked.size() < packages.size()) {
      note_row(not_drawn_text(packages.size() - picked.size(),
                              omitted_troubled(packages.size(), picked, troubled), "packages"));
    }
    if (rows_.has_unattributed_marks()) {
      row("manager", "manager", "without a package", 0,
          [&](int64_t top) { return rows_.package("", run_.passes, top); });
    }
  }

  void dp_rows(const TimelinePackage& package) {
    auto troubled = [&](size_t index) {
      return trouble_.dps.count({package.id, package.dps[index]}) != 0;
    };
    const size_t room = std::min(kDpRowsPerPackageMax, kDpRowsMax - std::min(kDpRowsMax, dp_rows_));
    const std::vector<size_t> picked = chosen(package.dps.size(), room, troubled);
    for (const size_t index : picked) {
      const std::string& dp = package.dps[index];
      row("dp:" + package.id + "/" + dp, dp, dp_subtitle(package.id, dp), 2,
          [&](int64_t top) { return rows_.distribution_point(package.id, dp, top); });
    }
    dp_rows_ += picked.size();
    if (picked.size() < package.dps.size()) {
      note_row(not_drawn_text(package.dps.size() - picked.size(),
                              omitted_troubled(package.dps.size(), picked, troubled),
                              "distribution points of " + package.id));
    }
  }

  static size_t omitted_troubled(size_t count, const std::vector<size_t>& picked,
                                 const std::function<bool(size_t)>& troubled) {
    size_t omitted = 0;
    for (size_t index = 0; index < count; ++index) {
      if (troubled(index) && !std::binary_search(picked.begin(), picked.end(), index)) ++omitted;
    }
    return omitted;
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
  const Trouble trouble_;
  SvgCanvas body_;
  RowPainter rows_;
  int64_t y_ = 0;
  size_t dp_rows_ = 0;
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
