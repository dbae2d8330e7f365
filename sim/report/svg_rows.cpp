// Row contents of the detailed timeline. Bars are merged per lane (ShapeLane) before drawing;
// labels go first-fit on the row's lines (status messages by severity, errors first); refusals
// wait until every bar is placed so that they can name and reach the bars that refused them.
#include "sim/report/svg_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "model/assert.h"
#include "sim/check/expectations.h"
#include "sim/report/label_layout.h"
#include "sim/report/site_clock_text.h"
#include "sim/report/svg_timeline.h"

namespace distsim::sim {
namespace {

constexpr int64_t kLabelFont = 12;
constexpr int64_t kStateFont = 10;
constexpr int64_t kLabelGapTenths = 40;
constexpr int64_t kStatusLinePitch = 16;
constexpr size_t kStatusLines = 2;
constexpr int64_t kBarTextInsetTenths = 30;
constexpr int64_t kLabelRunGapTenths = 600;
constexpr int64_t kConnectorOffsetTenths = 25;

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : "|") + name;
  return text.empty() ? "0" : text;
}

// The last component of a path: what a bar is labelled with.
std::string leaf_of(const std::string& path) {
  const size_t slash = path.find_last_of('\\');
  if (slash == std::string::npos || slash + 1 == path.size()) return path;
  return path.substr(slash + 1);
}

int severity_rank(char severity) { return severity == 'E' ? 0 : severity == 'W' ? 1 : 2; }

// The severity letter of a status marker ("msg msg-E id-2302").
char severity_of(const Shape& marker) {
  return marker.css_class.size() > 8 ? marker.css_class[8] : 'I';
}

// "INSTALL_RETRYING" -> "retrying", "INSTALLED" -> "installed".
std::string state_word(const std::string& state) {
  std::string word = state.rfind("INSTALL_", 0) == 0 ? state.substr(8) : state;
  for (char& c : word) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return word;
}

}  // namespace

RowPainter::RowPainter(const model::SiteConfig& site, const Timeline& timeline,
                       const TimeAxis& axis, SvgCanvas& canvas)
    : site_(site), timeline_(timeline), axis_(axis), canvas_(canvas) {
  for (const TimelineMark& mark : timeline.marks) {
    const bool manager = mark.actor == kManagerActorName;
    (manager ? manager_marks_[mark.package_id] : holder_marks_[mark.actor]).push_back(&mark);
    if (mark.kind != MarkKind::refusal || !in_view(mark.t_us, mark.t_us)) continue;
    blockers_.insert(mark.blockers.begin(), mark.blockers.end());
  }
  for (size_t index = 0; index < timeline.handles.size(); ++index) {
    const HandleSpan& handle = timeline.handles[index];
    if (handle.actor == kManagerActorName) {
      manager_handles_[handle.package_id].push_back(index);
    } else {
      holder_handles_[handle.actor].push_back(index);
    }
  }
}

template <typename Key, typename Value>
const Value& RowPainter::entry(const std::map<Key, Value>& map, const Key& key) {
  static const Value kEmpty;
  const auto found = map.find(key);
  return found == map.end() ? kEmpty : found->second;
}

bool RowPainter::in_view(TimeUs from_us, TimeUs to_us) const {
  return to_us >= axis_.start_us() && from_us <= axis_.end_us();
}

TimeUs RowPainter::end_of(const HandleSpan& handle) const {
  return std::max(handle.open_us, handle.close_us.value_or(timeline_.until_us));
}

std::string RowPainter::hold_title(size_t index) const {
  const HandleSpan& handle = timeline_.handles[index];
  return fmt::format(
      "{}: {}\nhandle {}, access {}, share {}\nopen from {}\nto {}", handle.actor, handle.path,
      handle.handle, joined(handle.access), joined(handle.share),
      moment_text(site_, handle.open_us),
      handle.close_us ? moment_text(site_, *handle.close_us) : "the end of the run (still open)");
}

std::string RowPainter::refusal_title(const TimelineMark& mark) const {
  std::string title =
      fmt::format("{}\n{} refused: {}", moment_text(site_, mark.t_us), mark.actor, mark.detail);
  for (const size_t index : mark.blockers) {
    const HandleSpan& held = timeline_.handles[index];
    title += fmt::format("\n{} by {} handle {} ({}, share {}), open since {}",
                         mark.blame_from_trace ? "refused" : "held", held.actor, held.handle,
                         joined(held.access), joined(held.share), clock_text(held.open_us));
  }
  if (mark.blockers.empty()) {
    title += mark.blame_from_trace ? "\nno handle caused it"
                                   : "\nno handle of the trace was open on this path";
  }
  if (!mark.blame_from_trace && !mark.blockers.empty()) {
    title += "\n(handles open on the same path at that moment; the trace names no culprit)";
  }
  return title;
}

uint32_t RowPainter::handle_bars(const std::vector<size_t>& handles, int64_t top,
                                 const BarStyle& style) {
  std::vector<size_t> shown;
  std::vector<LaneSpan> spans;
  for (const size_t index : handles) {
    const HandleSpan& handle = timeline_.handles[index];
    if (!in_view(handle.open_us, end_of(handle))) continue;
    shown.push_back(index);
    spans.push_back({handle.open_us, end_of(handle)});
  }
  const std::vector<uint32_t> lanes = assign_lanes(spans, LaneRule::disjoint);
  const uint32_t lane_count = lanes.empty() ? 0 : *std::max_element(lanes.begin(), lanes.end()) + 1;
  std::vector<ShapeLane> shapes(lane_count);
  for (size_t at = 0; at < shown.size(); ++at) {
    const size_t index = shown[at];
    const HandleSpan& handle = timeline_.handles[index];
    std::string css = handle.data ? "hold data" : "hold meta-handle";
    if (!handle.close_us) css += " open-end";
    if (blockers_.count(index) != 0) css += " blocker";
    shapes[lanes[at]].add({axis_.x(handle.open_us),
                           axis_.x(end_of(handle)),
                           css,
                           hold_title(index),
                           leaf_of(handle.path),
                           0,
                           end_of(handle),
                           {index}});
  }
  for (uint32_t lane = 0; lane < lane_count; ++lane) {
    lane_bars(shapes[lane], top + static_cast<int64_t>(lane) * style.pitch, style);
  }
  return lane_count;
}

void RowPainter::lane_bars(const ShapeLane& lane, int64_t top, const BarStyle& style) {
  LabelLine line;
  const std::vector<Shape>& shapes = lane.shapes();
  for (const Shape& shape : shapes) {
    std::string attributes;
    if (style.ids && !shape.refs.empty()) {
      const std::string id = fmt::format("h{}", shape.refs.front());
      std::string handles;
      for (const size_t ref : shape.refs) {
        handles += fmt::format("{}h{}", handles.empty() ? "" : " ", ref);
        bars_[ref] = {id, shape.x1, shape.x2, top, top + style.height};
      }
      attributes = fmt::format(" id=\"{}\" data-handles=\"{}\"", id, handles);
    }
    std::string title = shape.title;
    if (shape.merged_count > 0) {
      title += fmt::format("\n(and {} more drawn together, up to {})", shape.merged_count,
                           moment_text(site_, shape.last_us));
    }
    canvas_.add(fmt::format(
        "<rect class=\"{}{}\"{} x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">{}</rect>\n",
        shape.css_class, shape.merged_count > 0 ? " many" : "", attributes, px(shape.x1), top,
        px(shape.x2 - shape.x1), style.height, svg_title(title)));
  }
  for (size_t index = 0; index < shapes.size(); ++index) {
    bar_label(shapes, index, top, style, line);
  }
}

// Inside the bar when it fits there, else just after it when nothing else is drawn there, else
// inside cut short with an ellipsis when at least three characters fit.
void RowPainter::bar_label(const std::vector<Shape>& shapes, size_t index, int64_t top,
                           const BarStyle& style, LabelLine& line) {
  const Shape& shape = shapes[index];
  if (shape.text.empty()) return;
  const int64_t width = text_width_tenths(shape.text, style.font);
  const int64_t baseline = top + (style.height + style.font * 7 / 10) / 2;
  const int64_t inside_x = shape.x1 + kBarTextInsetTenths;
  const int64_t inside_room = shape.x2 - kBarTextInsetTenths - inside_x;
  if (width <= inside_room && line.is_free(inside_x, inside_x + width)) {
    line.take(inside_x, inside_x + width);
    canvas_.text(inside_x, baseline, shape.text, style.font, "bar-text");
    return;
  }
  const int64_t outside_x = shape.x2 + kBarTextInsetTenths;
  const int64_t outside_end = outside_x + width + kLabelGapTenths;
  const bool clear_of_next = index + 1 == shapes.size() || shapes[index + 1].x1 >= outside_end;
  if (style.outside_labels && clear_of_next && outside_end <= kPlotRight * 10 + 100 &&
      line.is_free(outside_x, outside_end)) {
    line.take(outside_x, outside_end);
    canvas_.text(outside_x, baseline, shape.text, style.font, "bar-text-out");
    return;
  }
  const std::string cut = fitted(shape.text, inside_room, style.font);
  const int64_t cut_width = text_width_tenths(cut, style.font);
  if (cut.size() < 4 + 2 || !line.is_free(inside_x, inside_x + cut_width)) return;
  line.take(inside_x, inside_x + cut_width);
  canvas_.text(inside_x, baseline, cut, style.font, "bar-text", shape.text);
}

void RowPainter::status_markers(const Marks& marks, const MarkFilter& wanted, int64_t marker_y,
                                int64_t line0_baseline) {
  ShapeLane markers;
  for (const TimelineMark* each : marks) {
    const TimelineMark& mark = *each;
    if (mark.kind != MarkKind::status_message || !wanted(mark)) continue;
    if (!in_view(mark.t_us, mark.t_us)) continue;
    const int64_t x = axis_.x(mark.t_us);
    markers.add({x,
                 x,
                 fmt::format("msg msg-{} id-{}", mark.severity, mark.label),
                 fmt::format("{}\n{}", moment_text(site_, mark.t_us), mark.detail),
                 mark.label,
                 0,
                 mark.t_us,
                 {}});
  }
  const std::vector<Shape>& shapes = markers.shapes();
  // Informational markers first, so that warnings and errors at the same place are drawn over
  // them.
  std::vector<size_t> order(shapes.size());
  for (size_t index = 0; index < order.size(); ++index) order[index] = index;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return severity_rank(severity_of(shapes[a])) > severity_rank(severity_of(shapes[b]));
  });
  for (const size_t index : order) {
    const Shape& marker = shapes[index];
    std::string title = marker.title;
    if (marker.merged_count > 0) {
      title += fmt::format("\n(and {} more drawn together, up to {})", marker.merged_count,
                           moment_text(site_, marker.last_us));
    }
    if (is_strip(marker)) {
      canvas_.add(
          fmt::format("<rect class=\"{} many\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"8\" "
                      "rx=\"4\">{}</rect>\n",
                      marker.css_class, px(marker.x1 - 40), marker_y - 4,
                      px(marker.x2 - marker.x1 + 40), svg_title(title)));
    } else {
      canvas_.add(fmt::format("<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"4\">{}</circle>\n",
                              marker.css_class, px(marker.x1), marker_y, svg_title(title)));
    }
  }
  status_labels(shapes, line0_baseline);
}

// One label per run of markers of the same ID and severity, each within kLabelRunGapTenths of
// the previous one ("2328 x100" over the first), placed by importance: errors, then warnings,
// then the rest, each left to right.
void RowPainter::status_labels(const std::vector<Shape>& shapes, int64_t line0_baseline) {
  struct Group {
    size_t first = 0;
    uint64_t count = 0;
    int64_t last_x = 0;
  };
  std::vector<Group> groups;
  std::map<std::string, size_t> open_group;  // by class: the group a next marker may join
  for (size_t index = 0; index < shapes.size(); ++index) {
    const Shape& marker = shapes[index];
    const auto open = open_group.find(marker.css_class);
    if (open == open_group.end() || marker.x1 - groups[open->second].last_x > kLabelRunGapTenths) {
      open_group[marker.css_class] = groups.size();
      groups.push_back({index, 0, marker.x2});
    }
    Group& group = groups[open_group[marker.css_class]];
    group.count += 1 + marker.merged_count;
    group.last_x = marker.x2;
  }
  auto rank = [&](const Group& group) { return severity_rank(severity_of(shapes[group.first])); };
  std::stable_sort(groups.begin(), groups.end(),
                   [&](const Group& a, const Group& b) { return rank(a) < rank(b); });
  LabelStack stack(kStatusLines);
  for (const Group& group : groups) {
    const Shape& marker = shapes[group.first];
    const std::string text =
        group.count > 1 ? fmt::format("{} x{}", marker.text, group.count) : marker.text;
    const int64_t width = text_width_tenths(text, kLabelFont);
    const auto [x1, x2] =
        centred_within(marker.x1 + width / 2 - 40, width, kPlotLeft * 10, kPlotRight * 10 + 100);
    const auto line = stack.place(x1, x2 + kLabelGapTenths);
    if (!line) continue;
    canvas_.text(x1, line0_baseline - static_cast<int64_t>(*line) * kStatusLinePitch, text,
                 kLabelFont, "msg-id " + marker.css_class.substr(4, 5));
  }
}

void RowPainter::refusals(const Marks& marks, const MarkFilter& wanted, int64_t apex) {
  ShapeLane lane;
  for (const TimelineMark* each : marks) {
    const TimelineMark& mark = *each;
    if (mark.kind != MarkKind::refusal || !wanted(mark) || !in_view(mark.t_us, mark.t_us)) {
      continue;
    }
    const int64_t x = axis_.x(mark.t_us);
    lane.add({x, x, mark.blame_from_trace ? "refusal" : "refusal inferred", refusal_title(mark), "",
              0, mark.t_us, mark.blockers});
  }
  for (const Shape& shape : lane.shapes()) refusals_.push_back({shape, apex});
}

void RowPainter::wait_lines(const std::vector<std::pair<TimeUs, TimeUs>>& waits, int64_t y,
                            const std::string& title_prefix) {
  ShapeLane lane;
  for (const auto& [from_us, to_us] : waits) {
    if (!in_view(from_us, to_us)) continue;
    lane.add({axis_.x(from_us),
              axis_.x(to_us),
              "wait",
              fmt::format("{}: waiting from {}\nto {}", title_prefix, moment_text(site_, from_us),
                          moment_text(site_, to_us)),
              "",
              0,
              to_us,
              {}});
  }
  for (const Shape& shape : lane.shapes()) {
    canvas_.add(fmt::format("<path class=\"wait\" d=\"M{} {} H{} M{} {} v8\">{}</path>\n",
                            px(shape.x1), y, px(shape.x2), px(shape.x2), y - 4,
                            svg_title(shape.title)));
  }
}

int64_t RowPainter::holder(const std::string& actor, int64_t top) {
  const BarStyle style;
  const uint32_t lanes = handle_bars(entry(holder_handles_, actor), top + 6, style);
  const int64_t bars_end = top + 6 + static_cast<int64_t>(lanes) * style.pitch;
  refusals(
      entry(holder_marks_, actor), [](const TimelineMark&) { return true; }, bars_end);
  return bars_end - top + 12;
}

int64_t RowPainter::package(const std::string& package_id, const std::vector<PassRecord>& passes,
                            int64_t top) {
  const Marks& marks = entry(manager_marks_, package_id);
  auto mine = [](const TimelineMark& mark) { return mark.dp.empty(); };
  status_markers(marks, mine, top + 37, top + 29);
  std::vector<std::pair<TimeUs, TimeUs>> waits;
  for (const RetryWait& wait : timeline_.waits) {
    if (wait.package_id == package_id) waits.emplace_back(wait.start_us, wait.end_us);
  }
  wait_lines(waits, top + 52, package_id);
  ShapeLane bars;
  for (const PassRecord& pass : passes) {
    if (pass.package_id != package_id || package_id.empty()) continue;
    const TimeUs end_us = pass.end_us.value_or(timeline_.until_us);
    if (!in_view(pass.start_us, end_us)) continue;
    std::string css = "pass " + (pass.end_us ? std::string(model::pass_result_name(pass.result))
                                             : std::string("running"));
    // A span of DP retries is no attempt of the package (the run summary lists it apart).
    std::string title =
        fmt::format("{}: {}",
                    pass.dp_retries ? fmt::format("{} DP retries", pass.package_id)
                                    : fmt::format("{} attempt {}", pass.package_id, pass.attempt),
                    pass.end_us ? model::pass_result_name(pass.result) : "still running");
    if (pass.error != model::Win32Error::ok) {
      title += fmt::format(", error {} ({})", model::win32_code(pass.error),
                           model::win32_error_name(pass.error));
    }
    title += fmt::format("\nfrom {}\nto {}", moment_text(site_, pass.start_us),
                         pass.end_us ? moment_text(site_, *pass.end_us) : "the end of the run");
    bars.add({axis_.x(pass.start_us),
              axis_.x(end_us),
              css,
              title,
              std::to_string(pass.attempt),
              0,
              end_us,
              {}});
  }
  BarStyle style;
  style.ids = false;
  style.outside_labels = false;
  lane_bars(bars, top + 44, style);
  refusals(marks, mine, top + 62);
  return 72;
}

int64_t RowPainter::distribution_point(const std::string& package_id, const std::string& dp,
                                       int64_t top) {
  const Marks& marks = entry(manager_marks_, package_id);
  auto mine = [&](const TimelineMark& mark) { return mark.dp == dp; };
  status_markers(marks, mine, top + 37, top + 29);
  std::vector<size_t> copies;
  for (const size_t index : entry(manager_handles_, package_id)) {
    if (timeline_.handles[index].dp == dp) copies.push_back(index);
  }
  BarStyle style;
  style.height = 14;
  style.pitch = 16;
  style.font = kStateFont;
  const uint32_t lanes = handle_bars(copies, top + 44, style);
  const int64_t after = top + 44 + static_cast<int64_t>(std::max<uint32_t>(lanes, 1)) * style.pitch;
  refusals(marks, mine, after + 1);
  return dp_states(package_id, dp, after + 10) - top;
}

// The DP's state as a band from each state change to the next, the retry waits over it, and the
// state's name under it where it fits. Returns the bottom of what it drew.
int64_t RowPainter::dp_states(const std::string& package_id, const std::string& dp, int64_t top) {
  std::vector<const TimelineMark*> states;
  std::vector<std::pair<TimeUs, TimeUs>> waits;
  for (const TimelineMark* each : entry(manager_marks_, package_id)) {
    const TimelineMark& mark = *each;
    if (mark.dp != dp) continue;
    if (mark.kind == MarkKind::dp_state) states.push_back(&mark);
    if (mark.kind == MarkKind::retry_scheduled) {
      TimeUs due_us = mark.t_us;
      for (const TraceField& field : mark.fields) {
        if (field.key == "at_us" && std::holds_alternative<int64_t>(field.value)) {
          due_us = std::max(mark.t_us, std::get<int64_t>(field.value));
        }
      }
      waits.emplace_back(mark.t_us, std::min(due_us, timeline_.until_us));
    }
  }
  ShapeLane band;
  for (size_t index = 0; index < states.size(); ++index) {
    const TimeUs from_us = states[index]->t_us;
    const TimeUs to_us = index + 1 < states.size() ? states[index + 1]->t_us : axis_.end_us();
    if (!in_view(from_us, to_us) || from_us == to_us) continue;
    const std::string word = state_word(states[index]->label);
    band.add({axis_.x(from_us),
              axis_.x(to_us),
              "state st-" + word,
              fmt::format("DP {} of {}: {}\nfrom {}", dp, package_id, states[index]->label,
                          moment_text(site_, from_us)),
              word,
              0,
              to_us,
              {}});
  }
  for (const Shape& shape : band.shapes()) {
    canvas_.add(fmt::format(
        "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"6\">{}</rect>\n",
        shape.css_class, px(shape.x1), top, px(shape.x2 - shape.x1), svg_title(shape.title)));
  }
  // The names under the band, the longest states first.
  std::vector<const Shape*> by_width;
  for (const Shape& each : band.shapes()) by_width.push_back(&each);
  std::stable_sort(by_width.begin(), by_width.end(),
                   [](const Shape* a, const Shape* b) { return a->x2 - a->x1 > b->x2 - b->x1; });
  LabelLine line;
  for (const Shape* state : by_width) {
    const int64_t width = text_width_tenths(state->text, kStateFont);
    const auto [x1, x2] =
        centred_within(state->x1 + width / 2, width, kPlotLeft * 10, kPlotRight * 10 + 100);
    if (!line.is_free(x1, x2 + kLabelGapTenths)) continue;
    line.take(x1, x2 + kLabelGapTenths);
    canvas_.text(x1, top + 16, state->text, kStateFont, "state-text");
  }
  wait_lines(waits, top + 3, fmt::format("{} on {}", package_id, dp));
  return top + 21;
}

int64_t RowPainter::faults(int64_t top) {
  std::vector<LaneSpan> spans;
  for (const FaultSpan& fault : timeline_.faults) {
    spans.push_back(
        {fault.start_us, std::max(fault.start_us, fault.end_us.value_or(timeline_.until_us))});
  }
  const std::vector<uint32_t> lanes = assign_lanes(spans, LaneRule::disjoint);
  const uint32_t lane_count = lanes.empty() ? 1 : *std::max_element(lanes.begin(), lanes.end()) + 1;
  std::vector<ShapeLane> shapes(lane_count);
  for (size_t index = 0; index < timeline_.faults.size(); ++index) {
    const FaultSpan& fault = timeline_.faults[index];
    if (!in_view(spans[index].start_us, spans[index].end_us)) continue;
    const std::string name =
        fault.fault == "crash" ? "manager down" : fault.fault + " " + fault.target;
    shapes[lanes[index]].add(
        {axis_.x(spans[index].start_us),
         axis_.x(spans[index].end_us),
         "fault",
         fmt::format("{}\nfrom {}\nto {}", name, moment_text(site_, fault.start_us),
                     fault.end_us ? moment_text(site_, *fault.end_us) : "the end of the run"),
         name,
         0,
         spans[index].end_us,
         {}});
  }
  BarStyle style;
  style.ids = false;
  for (uint32_t lane = 0; lane < lane_count; ++lane) {
    lane_bars(shapes[lane], top + 6 + static_cast<int64_t>(lane) * style.pitch, style);
  }
  return 6 + static_cast<int64_t>(lane_count) * style.pitch + 6;
}

bool RowPainter::has_unattributed_marks() const {
  return std::any_of(timeline_.marks.begin(), timeline_.marks.end(), [](const TimelineMark& mark) {
    const bool manager = mark.actor == kManagerActorName;
    const bool kind = mark.kind == MarkKind::status_message || mark.kind == MarkKind::refusal;
    return manager && kind && mark.package_id.empty() && mark.dp.empty();
  });
}

void RowPainter::draw_connectors(SvgCanvas& canvas) const {
  // Connectors that start at the same x are moved apart, so that each stays distinguishable.
  std::map<int64_t, int64_t> connectors_at;
  for (const RefusalPlace& place : refusals_) {
    const Shape& shape = place.shape;
    std::string ids;
    std::string lines;
    std::set<std::string> seen;
    for (const size_t ref : shape.refs) {
      const auto bar = bars_.find(ref);
      if (bar == bars_.end() || !seen.insert(bar->second.id).second) continue;
      ids += (ids.empty() ? "" : " ") + bar->second.id;
      const int64_t centre = (shape.x1 + shape.x2) / 2;
      const int64_t from = centre + kConnectorOffsetTenths * (connectors_at[centre / 10]++ % 3);
      const int64_t to = std::clamp(from, bar->second.x1, bar->second.x2);
      const bool above = bar->second.bottom <= place.apex;
      const int64_t end_y = above ? bar->second.bottom : bar->second.top;
      lines += fmt::format(
          "<path class=\"blame\" d=\"M{} {} L{} {}\"/>\n<circle class=\"blame-end\" cx=\"{}\" "
          "cy=\"{}\" r=\"2\"/>\n",
          px(from), above ? place.apex + 3 : place.apex + 7, px(to), end_y, px(to), end_y);
    }
    std::string title = shape.title;
    if (shape.merged_count > 0) {
      title += fmt::format("\n(and {} more refusals drawn together, up to {})", shape.merged_count,
                           moment_text(site_, shape.last_us));
    }
    canvas.add(lines);
    if (is_strip(shape)) {
      canvas.add(
          fmt::format("<rect class=\"{} many\" data-blockers=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
                      "height=\"6\">{}</rect>\n",
                      shape.css_class, ids, px(shape.x1), place.apex, px(shape.x2 - shape.x1),
                      svg_title(title)));
    } else {
      canvas.add(
          fmt::format("<path class=\"{}\" data-blockers=\"{}\" d=\"M{} {} l-4 7 h8 z\">{}</path>\n",
                      shape.css_class, ids, px(shape.x1), place.apex, svg_title(title)));
    }
  }
}

}  // namespace distsim::sim
