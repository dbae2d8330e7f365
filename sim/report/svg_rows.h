// What the detailed timeline draws inside one row, right of its name: a holder's handle bars; a
// package's passes, retry waits and status messages; a distribution point's copies, state, retry
// waits and status messages; faults. Refusals are remembered with their place and drawn at the
// end, each joined to the bars of the handles that refused it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/site_config.h"
#include "sim/report/svg_canvas.h"
#include "sim/report/time_axis.h"
#include "sim/report/timeline.h"
#include "sim/world/world.h"

namespace distsim::sim {

class RowPainter {
 public:
  RowPainter(const model::SiteConfig& site, const Timeline& timeline, const TimeAxis& axis,
             SvgCanvas& canvas);

  [[nodiscard]] const TimeAxis& axis() const { return axis_; }
  // Each draws a row whose top is at `top` and returns its height.
  int64_t holder(const std::string& actor, int64_t top);
  int64_t package(const std::string& package_id, const std::vector<PassRecord>& passes,
                  int64_t top);
  int64_t distribution_point(const std::string& package_id, const std::string& dp, int64_t top);
  int64_t faults(int64_t top);
  // True when the manager raised a status message or was refused outside any package.
  [[nodiscard]] bool has_unattributed_marks() const;
  // The refusals of every row drawn so far, with data-blockers naming the bars that refused
  // them, and a line from each refusal to each of those bars.
  void draw_connectors(SvgCanvas& canvas) const;

 private:
  struct BarPlace {
    std::string id;
    int64_t x1 = 0;
    int64_t x2 = 0;
    int64_t top = 0;
    int64_t bottom = 0;
  };
  struct RefusalPlace {
    Shape shape;
    int64_t apex = 0;  // y of the triangle's tip
  };
  struct BarStyle {
    int64_t height = 16;
    int64_t pitch = 20;
    int64_t font = 11;
    bool ids = true;             // handle bars: id and data-handles, places remembered
    bool outside_labels = true;  // a label that does not fit inside may follow the bar
  };
  using MarkFilter = std::function<bool(const TimelineMark&)>;
  using Marks = std::vector<const TimelineMark*>;

  [[nodiscard]] bool in_view(TimeUs from_us, TimeUs to_us) const;
  [[nodiscard]] TimeUs end_of(const HandleSpan& handle) const;
  uint32_t handle_bars(const std::vector<size_t>& handles, int64_t top, const BarStyle& style);
  void lane_bars(const ShapeLane& lane, int64_t top, const BarStyle& style);
  void bar_label(const std::vector<Shape>& shapes, size_t index, int64_t top, const BarStyle& style,
                 LabelLine& line);
  void status_markers(const Marks& marks, const MarkFilter& wanted, int64_t marker_y,
                      int64_t line0_baseline);
  void status_labels(const std::vector<Shape>& shapes, int64_t line0_baseline);
  void refusals(const Marks& marks, const MarkFilter& wanted, int64_t apex);
  template <typename Key, typename Value>
  static const Value& entry(const std::map<Key, Value>& map, const Key& key);
  void wait_lines(const std::vector<std::pair<TimeUs, TimeUs>>& waits, int64_t y,
                  const std::string& title_prefix);
  int64_t dp_states(const std::string& package_id, const std::string& dp, int64_t top);
  [[nodiscard]] std::string hold_title(size_t index) const;
  [[nodiscard]] std::string refusal_title(const TimelineMark& mark) const;

  const model::SiteConfig& site_;
  const Timeline& timeline_;
  const TimeAxis& axis_;
  SvgCanvas& canvas_;
  // Indexes, so that drawing a row does not read the whole run: the manager's marks and handles
  // by package, a holder's marks and handles by actor.
  std::map<std::string, Marks> manager_marks_;
  std::map<std::string, Marks> holder_marks_;
  std::map<std::string, std::vector<size_t>> manager_handles_;
  std::map<std::string, std::vector<size_t>> holder_handles_;
  std::set<size_t> blockers_;           // handles that refused something in view
  std::map<size_t, BarPlace> bars_;     // drawn handle bars by handle index
  std::vector<RefusalPlace> refusals_;  // drawn at the end
};

}  // namespace distsim::sim
