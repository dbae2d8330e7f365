// Derives a run's timeline in one pass over its trace: handles are matched open-to-close by
// (actor, handle id), faults start-to-end by (fault, target), and the manager's handles and
// refusals are given to the package whose pass was running.
#include "sim/report/timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "model/assert.h"
#include "model/file_access.h"
#include "sim/check/expectations.h"
#include "sim/fs/sharing_rule.h"

namespace distsim::sim {
namespace {

const TraceValue* find_field(const TraceRecord& record, std::string_view key) {
  for (const TraceField& field : record.fields) {
    if (field.key == key) return &field.value;
  }
  return nullptr;
}

std::string text_field(const TraceRecord& record, std::string_view key) {
  const TraceValue* value = find_field(record, key);
  if (value == nullptr) return {};
  if (const auto* text = std::get_if<std::string>(value)) return *text;
  if (const auto* number = std::get_if<int64_t>(value)) return std::to_string(*number);
  if (const auto* flag = std::get_if<bool>(value)) return *flag ? "true" : "false";
  std::string joined;
  for (const std::string& item : std::get<std::vector<std::string>>(*value)) {
    if (!joined.empty()) joined += '|';
    joined += item;
  }
  return joined;
}

int64_t number_field(const TraceRecord& record, std::string_view key) {
  const TraceValue* value = find_field(record, key);
  if (value == nullptr) return 0;
  const auto* number = std::get_if<int64_t>(value);
  return number == nullptr ? 0 : *number;
}

std::vector<std::string> list_field(const TraceRecord& record, std::string_view key) {
  const TraceValue* value = find_field(record, key);
  if (value == nullptr) return {};
  const auto* list = std::get_if<std::vector<std::string>>(value);
  return list == nullptr ? std::vector<std::string>{} : *list;
}

bool takes_part_in_sharing(const std::vector<std::string>& access) {
  model::AccessMask mask;
  for (const std::string& name : access)
    mask.bits |= model::access_right_from_name(name).value_or(0);
  return sharing_class_bits(mask) != 0;
}

std::string lower_ascii(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

// True when `path` lies in the package's source folder or in its folder on a DP share.
bool path_belongs_to(std::string_view path, const TimelinePackage& package) {
  const std::string lowered = lower_ascii(path);
  const std::string source = lower_ascii(package.source);
  if (!source.empty() && (lowered == source || lowered.rfind(source + "\\", 0) == 0)) return true;
  const std::string folder = "\\" + lower_ascii(package.id);
  const size_t at = lowered.find(folder);
  if (at == std::string::npos) return false;
  const size_t after = at + folder.size();
  return after == lowered.size() || lowered[after] == '\\';
}

// The passes running at a moment, advanced in time order along the trace.
class RunningPasses {
 public:
  explicit RunningPasses(const std::vector<PassRecord>& passes) : passes_(passes) {}

  // The package a manager's operation at t_us on `path` belongs to, or "" when not known.
  std::string package_at(TimeUs t_us, std::string_view path,
                         const std::vector<TimelinePackage>& packages) {
    while (next_index_ < passes_.size() && passes_[next_index_].start_us <= t_us) {
      running_.push_back(next_index_++);
    }
    std::erase_if(running_, [&](size_t index) {
      const auto& end_us = passes_[index].end_us;
      return end_us && *end_us < t_us;
    });
    if (running_.size() == 1) return passes_[running_.front()].package_id;
    std::string found;
    for (const size_t index : running_) {
      const std::string& id = passes_[index].package_id;
      const auto package = std::find_if(packages.begin(), packages.end(),
                                        [&](const TimelinePackage& each) { return each.id == id; });
      if (package == packages.end() || !path_belongs_to(path, *package)) continue;
      if (!found.empty() && found != id) return {};
      found = id;
    }
    return found;
  }

 private:
  const std::vector<PassRecord>& passes_;
  size_t next_index_ = 0;
  std::vector<size_t> running_;
};

class TimelineBuilder {
 public:
  TimelineBuilder(const std::vector<PassRecord>& passes, Timeline& timeline)
      : timeline_(timeline), running_(passes) {}

  void add(const TraceRecord& record) {
    if (record.actor == kWorldTraceActor) {
      add_world_event(record);
      return;
    }
    const bool manager = record.actor == kManagerTraceActor;
    if (!manager) note_holder(record.actor);
    if (record.event == "open" && text_field(record, "result") == "ok") {
      open_handle(record, manager);
    } else if (record.event == "close") {
      close_handle(record);
    } else if (number_field(record, "win32") != 0 && find_field(record, "path") != nullptr) {
      add_refusal(record, manager);
    } else if (manager) {
      add_manager_mark(record);
    } else if (find_field(record, "win32") == nullptr) {
      add_mark(record, MarkKind::holder_event, "", std::string(record.event), fields_text(record));
    }
  }

 private:
  static std::string fields_text(const TraceRecord& record) {
    std::string text;
    for (const TraceField& field : record.fields) {
      if (!text.empty()) text += ", ";
      text += fmt::format("{}={}", field.key, text_field(record, field.key));
    }
    return text;
  }

  void note_holder(const std::string& actor) {
    const auto& holders = timeline_.holders;
    if (std::any_of(holders.begin(), holders.end(),
                    [&](const TimelineHolder& each) { return each.name == actor; })) {
      return;
    }
    timeline_.holders.push_back({actor, ""});
  }

  void note_package(const std::string& id) {
    if (id.empty()) return;
    const auto& packages = timeline_.packages;
    if (std::any_of(packages.begin(), packages.end(),
                    [&](const TimelinePackage& each) { return each.id == id; })) {
      return;
    }
    timeline_.packages.push_back({id, "", ""});
  }

  std::string manager_package(const TraceRecord& record, bool manager) {
    if (!manager) return {};
    return running_.package_at(record.t_us, text_field(record, "path"), timeline_.packages);
  }

  void open_handle(const TraceRecord& record, bool manager) {
    HandleSpan span;
    span.actor = record.actor;
    span.handle = number_field(record, "handle");
    span.path = text_field(record, "path");
    span.access = list_field(record, "access");
    span.share = list_field(record, "share");
    span.data = takes_part_in_sharing(span.access);
    span.package_id = manager_package(record, manager);
    span.open_us = record.t_us;
    open_handles_[{record.actor, span.handle}] = timeline_.handles.size();
    timeline_.handles.push_back(std::move(span));
  }

  void close_handle(const TraceRecord& record) {
    const auto open = open_handles_.find({record.actor, number_field(record, "handle")});
    if (open == open_handles_.end()) return;  // opened before the trace was complete
    timeline_.handles[open->second].close_us = record.t_us;
    open_handles_.erase(open);
  }

  void add_refusal(const TraceRecord& record, bool manager) {
    const std::string result = text_field(record, "result");
    const std::string detail =
        fmt::format("{} {}: {} ({})", record.event, text_field(record, "path"), result,
                    number_field(record, "win32"));
    add_mark(record, MarkKind::refusal, manager_package(record, manager), result, detail);
  }

  void add_manager_mark(const TraceRecord& record) {
    const std::string package = text_field(record, "package");
    const std::string dp = text_field(record, "dp");
    const std::string on_dp = dp.empty() ? "" : fmt::format(" (DP {})", dp);
    if (record.event == "status_message") {
      const std::string severity = text_field(record, "severity");
      TimelineMark& mark = add_mark(
          record, MarkKind::status_message, package, text_field(record, "id"),
          fmt::format("{} {}: {}", text_field(record, "id"), severity, text_field(record, "text")));
      mark.status_id = static_cast<uint32_t>(number_field(record, "id"));
      mark.severity = severity.empty() ? 'I' : severity.front();
    } else if (record.event == "retry_scheduled") {
      const TimeUs at_us = number_field(record, "at_us");
      add_mark(record, MarkKind::retry_scheduled, package,
               fmt::format("retry {}", number_field(record, "attempt")),
               fmt::format("attempt {} due at {}{}", number_field(record, "attempt"),
                           clock_text(at_us), on_dp));
    } else if (record.event == "dp_state") {
      const std::string state = text_field(record, "state");
      add_mark(record, MarkKind::dp_state, package, state, fmt::format("DP {}: {}", dp, state));
    }
  }

  TimelineMark& add_mark(const TraceRecord& record, MarkKind kind, const std::string& package,
                         std::string label, std::string detail) {
    note_package(package);
    timeline_.marks.push_back(TimelineMark{kind, record.t_us, record.actor, record.event, package,
                                           std::move(label), std::move(detail), 0, 'I',
                                           record.fields});
    return timeline_.marks.back();
  }

  void add_world_event(const TraceRecord& record) {
    const bool crash = record.event == "crash" || record.event == "restart";
    const bool starting = record.event == "crash" || record.event == "fault_start";
    if (!crash && record.event != "fault_start" && record.event != "fault_end") return;
    const std::string fault = crash ? "crash" : text_field(record, "fault");
    const std::string target = crash ? text_field(record, "process") : text_field(record, "target");
    if (starting) {
      open_faults_[{fault, target}].push_back(timeline_.faults.size());
      timeline_.faults.push_back({fault, target, record.t_us, std::nullopt});
      return;
    }
    auto& open = open_faults_[{fault, target}];
    if (open.empty()) return;
    timeline_.faults[open.front()].end_us = record.t_us;
    open.erase(open.begin());
  }

  Timeline& timeline_;
  RunningPasses running_;
  std::map<std::pair<std::string, int64_t>, size_t> open_handles_;
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> open_faults_;
};

void collect_names(const Scenario& scenario, const RunResult& run, Timeline& timeline) {
  auto add_package = [&timeline](const std::string& id, const std::string& name,
                                 const std::string& source) {
    for (TimelinePackage& known : timeline.packages) {
      if (known.id != id) continue;
      if (known.name.empty()) known.name = name;
      if (known.source.empty()) known.source = source;
      return;
    }
    timeline.packages.push_back({id, name, source});
  };
  for (const PackageEvent& event : scenario.packages) {
    if (event.kind == PackageEvent::Kind::create) add_package(event.id, event.name, event.source);
  }
  for (const PassRecord& pass : run.passes) add_package(pass.package_id, "", "");
  for (const auto& package : run.packages) add_package(package.id, package.name, "");
  for (const HolderSpec& holder : scenario.holders) {
    timeline.holders.push_back(
        {holder.name, std::string(enum_name(kHolderKindNames, holder.kind))});
  }
}

// Walks the passes backwards so that each wait knows when its package's next pass began.
void collect_waits(const RunResult& run, Timeline& timeline) {
  std::map<std::string, TimeUs> next_start_us;
  for (auto pass = run.passes.rbegin(); pass != run.passes.rend(); ++pass) {
    const auto next = next_start_us.find(pass->package_id);
    if (pass->end_us && pass->next_retry_us) {
      RetryWait wait{pass->package_id, pass->attempt, *pass->end_us, *pass->next_retry_us,
                     *pass->next_retry_us};
      if (next != next_start_us.end()) wait.end_us = std::min(wait.end_us, next->second);
      wait.end_us = std::clamp(wait.end_us, wait.start_us, std::max(wait.start_us, run.until_us));
      timeline.waits.push_back(std::move(wait));
    }
    next_start_us[pass->package_id] = pass->start_us;
  }
  std::reverse(timeline.waits.begin(), timeline.waits.end());
}

TimeUs activity_end(const RunResult& run, const Timeline& timeline) {
  TimeUs end_us = run.trace.records().empty() ? 0 : run.trace.records().back().t_us;
  for (const PassRecord& pass : run.passes) end_us = std::max(end_us, pass.end_us.value_or(0));
  for (const RetryWait& wait : timeline.waits) end_us = std::max(end_us, wait.end_us);
  for (const FaultSpan& fault : timeline.faults)
    end_us = std::max(end_us, fault.end_us.value_or(0));
  return std::min(end_us, run.until_us);
}

}  // namespace

Timeline build_timeline(const Scenario& scenario, const RunResult& run) {
  Timeline timeline;
  timeline.until_us = run.until_us;
  collect_names(scenario, run, timeline);
  collect_waits(run, timeline);
  TimelineBuilder builder(run.passes, timeline);
  for (const TraceRecord& record : run.trace.records()) builder.add(record);
  timeline.activity_end_us = activity_end(run, timeline);
  DISTSIM_ASSERT(timeline.activity_end_us <= std::max<TimeUs>(run.until_us, 0));
  return timeline;
}

std::vector<uint32_t> assign_lanes(const std::vector<LaneSpan>& spans, LaneRule rule) {
  // Per lane, the ends of its spans that are still open at the current start, innermost last.
  std::vector<std::vector<TimeUs>> open_ends;
  std::vector<uint32_t> lanes;
  lanes.reserve(spans.size());
  TimeUs previous_start_us = spans.empty() ? 0 : spans.front().start_us;
  for (const LaneSpan& span : spans) {
    DISTSIM_ASSERT(span.start_us <= span.end_us);
    DISTSIM_ASSERT(previous_start_us <= span.start_us);
    previous_start_us = span.start_us;
    uint32_t chosen = kTimelineLanesMax;
    for (uint32_t lane = 0; lane < open_ends.size() && chosen == kTimelineLanesMax; ++lane) {
      std::vector<TimeUs>& ends = open_ends[lane];
      while (!ends.empty() && ends.back() <= span.start_us) ends.pop_back();
      const bool fits = ends.empty() || (rule == LaneRule::nest && ends.back() >= span.end_us);
      if (fits) chosen = lane;
    }
    if (chosen == kTimelineLanesMax && open_ends.size() < kTimelineLanesMax) {
      chosen = static_cast<uint32_t>(open_ends.size());
      open_ends.emplace_back();
    }
    if (chosen == kTimelineLanesMax) {
      lanes.push_back(kTimelineLanesMax - 1);  // overflow: drawn over the last lane
      continue;
    }
    open_ends[chosen].push_back(span.end_us);
    lanes.push_back(chosen);
  }
  DISTSIM_ASSERT(lanes.size() == spans.size());
  return lanes;
}

}  // namespace distsim::sim
