// Derives a run's timeline in one pass over its trace: handles are matched open-to-close by
// (actor, handle id), faults start-to-end by (fault, target), the manager's handles and refusals
// are given to the package whose pass was running and to the DP whose share they touch, and each
// refusal is tied to the handles that refused it (named by its `blame` field, or else the handles
// open on its path at that moment).
#include "sim/report/timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "model/assert.h"
#include "model/file_access.h"
#include "sim/check/expectations.h"
#include "sim/fs/sharing_rule.h"
#include "sim/world/world.h"

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
  if (const auto* text = std::get_if<std::string_view>(value)) return std::string(*text);
  if (const auto* number = std::get_if<int64_t>(value)) return std::to_string(*number);
  if (const auto* flag = std::get_if<bool>(value)) return *flag ? "true" : "false";
  std::string joined;
  for (const std::string_view item : std::get<TraceList>(*value)) {
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
  const auto* list = std::get_if<TraceList>(value);
  return list == nullptr ? std::vector<std::string>{} : list->strings();
}

model::AccessMask access_of(const std::vector<std::string>& names) {
  model::AccessMask mask;
  for (const std::string& name : names)
    mask.bits |= model::access_right_from_name(name).value_or(0);
  return mask;
}

model::ShareMode share_of(const std::vector<std::string>& names) {
  model::ShareMode mode;
  for (const std::string& name : names) mode.bits |= model::share_flag_from_name(name).value_or(0);
  return mode;
}

bool takes_part_in_sharing(const std::vector<std::string>& access) {
  return sharing_class_bits(access_of(access)) != 0;
}

std::optional<int64_t> parse_handle_id(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  int64_t handle = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9' || handle > (INT64_MAX - 9) / 10) return std::nullopt;
    handle = handle * 10 + (c - '0');
  }
  return handle;
}

// One entry of a `blame` field: "actor=NAME kind=... handle=N ... path=P" (the world's culprit
// text) or "NAME#N"; {"NAME", N}, or nullopt for anything else.
std::optional<std::pair<std::string, int64_t>> parse_blame(std::string_view text) {
  if (text.rfind("actor=", 0) == 0) {
    const size_t kind = text.find(" kind=");
    const size_t actor_end = kind != std::string_view::npos ? kind : text.find(' ');
    const size_t handle_at = text.find(" handle=");
    if (actor_end == std::string_view::npos || handle_at == std::string_view::npos) {
      return std::nullopt;
    }
    const size_t digits_at = handle_at + 8;
    const size_t digits_end = std::min(text.find(' ', digits_at), text.size());
    const auto handle = parse_handle_id(text.substr(digits_at, digits_end - digits_at));
    if (!handle) return std::nullopt;
    return std::pair{std::string(text.substr(6, actor_end - 6)), *handle};
  }
  const size_t hash = text.rfind('#');
  if (hash == std::string_view::npos || hash == 0) return std::nullopt;
  const auto handle = parse_handle_id(text.substr(hash + 1));
  if (!handle) return std::nullopt;
  return std::pair{std::string(text.substr(0, hash)), *handle};
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
    if (record.actor == kWorldActorName ||
        record.actor.starts_with(kDistributionPointActorPrefix)) {
      add_world_event(record);
      return;
    }
    const bool manager = record.actor == kManagerActorName;
    if (!manager) note_holder(std::string(record.actor));
    // A running program's image section and a memory-mapped data section are drawn as handles:
    // they refuse deletes and truncation, an image also writers, a read-write view opens that do
    // not share write.
    const bool map = record.event == "map_image" || record.event == "map_data";
    const bool unmap = record.event == "unmap_image" || record.event == "unmap_data";
    if ((record.event == "open" || map) && text_field(record, "result") == "ok") {
      open_handle(record, manager, map);
    } else if (record.event == "close" || unmap) {
      close_handle(record, unmap);
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

  TimelinePackage* note_package(const std::string& id) {
    if (id.empty()) return nullptr;
    for (TimelinePackage& package : timeline_.packages) {
      if (package.id == id) return &package;
    }
    timeline_.packages.push_back({id, "", "", {}});
    return &timeline_.packages.back();
  }

  void note_package_dp(const std::string& package_id, const std::string& dp) {
    TimelinePackage* package = note_package(package_id);
    if (package == nullptr || dp.empty()) return;
    if (std::find(package->dps.begin(), package->dps.end(), dp) == package->dps.end()) {
      package->dps.push_back(dp);
    }
  }

  std::string dp_name_of_path(std::string_view path) const {
    const TimelineDp* dp = dp_of_path(timeline_.dps, path);
    return dp == nullptr ? std::string() : dp->name;
  }

  // A status message names its DP by share, dp_state and retry_scheduled by name.
  std::string dp_name_of(const std::string& share_or_name) const {
    if (share_or_name.empty()) return {};
    const std::string lowered = lower_ascii(share_or_name);
    for (const TimelineDp& dp : timeline_.dps) {
      if (lower_ascii(dp.share) == lowered || lower_ascii(dp.name) == lowered) return dp.name;
    }
    return share_or_name;
  }

  std::string manager_package(const TraceRecord& record, bool manager) {
    if (!manager) return {};
    return running_.package_at(record.t_us, text_field(record, "path"), timeline_.packages);
  }

  void open_handle(const TraceRecord& record, bool manager, bool section) {
    HandleSpan span;
    span.actor = record.actor;
    span.handle = number_field(record, section ? "section" : "handle");
    span.path = text_field(record, "path");
    if (!section) {
      span.access = list_field(record, "access");
    } else if (record.event == "map_image") {
      span.access = {"SEC_IMAGE"};
    } else {
      span.access = {std::string(text_field(record, "protection"))};
    }
    span.share = list_field(record, "share");
    span.data = section || takes_part_in_sharing(span.access);
    span.package_id = manager_package(record, manager);
    span.dp = dp_name_of_path(span.path);
    span.open_us = record.t_us;
    note_package_dp(span.package_id, span.dp);
    const size_t index = timeline_.handles.size();
    open_handles_[{std::string(record.actor), span.handle}] = index;
    open_by_path_[lower_ascii(span.path)].push_back(index);
    timeline_.handles.push_back(std::move(span));
  }

  void close_handle(const TraceRecord& record, bool section) {
    const auto open = open_handles_.find(
        {std::string(record.actor), number_field(record, section ? "section" : "handle")});
    if (open == open_handles_.end()) return;  // opened before the trace was complete
    HandleSpan& span = timeline_.handles[open->second];
    span.close_us = record.t_us;
    const auto by_path = open_by_path_.find(lower_ascii(span.path));
    DISTSIM_ASSERT(by_path != open_by_path_.end());
    std::erase(by_path->second, open->second);
    if (by_path->second.empty()) open_by_path_.erase(by_path);
    open_handles_.erase(open);
  }

  void add_refusal(const TraceRecord& record, bool manager) {
    const std::string result = text_field(record, "result");
    const std::string path = text_field(record, "path");
    const std::string detail =
        fmt::format("{} {}: {} ({})", record.event, path, result, number_field(record, "win32"));
    const std::string package = manager_package(record, manager);
    const std::string dp = dp_name_of_path(path);
    if (manager) note_package_dp(package, dp);
    TimelineMark& mark = add_mark(record, MarkKind::refusal, package, result, detail);
    mark.path = path;
    mark.dp = dp;
    mark.blame_from_trace = has_blame(record);
    mark.blockers = mark.blame_from_trace ? blamed_handles(record) : open_handles_on(record, path);
  }

  static bool has_blame(const TraceRecord& record) {
    return find_field(record, kBlameField) != nullptr ||
           find_field(record, "blame_handle") != nullptr;
  }

  // The handles a refusal record's blame names, in the order they were opened.
  std::vector<size_t> blamed_handles(const TraceRecord& record) const {
    std::vector<std::pair<std::string, int64_t>> named;
    if (const TraceValue* blame = find_field(record, kBlameField)) {
      std::vector<std::string> items;
      if (const auto* one = std::get_if<std::string_view>(blame)) items.emplace_back(*one);
      if (const auto* many = std::get_if<TraceList>(blame)) items = many->strings();
      for (const std::string& item : items) {
        if (auto parsed = parse_blame(item)) named.push_back(std::move(*parsed));
      }
    }
    if (find_field(record, "blame_handle") != nullptr) {
      named.emplace_back(text_field(record, "blame_actor"), number_field(record, "blame_handle"));
    }
    std::vector<size_t> found;
    for (const auto& key : named) {
      const auto open = open_handles_.find(key);
      if (open != open_handles_.end()) found.push_back(open->second);
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return found;
  }

  // The handles open on `path` or below it; for a refused open, those whose sharing conflicts
  // with it when there are any (a watcher's folder handle that shares everything is no culprit).
  std::vector<size_t> open_handles_on(const TraceRecord& record, const std::string& path) const {
    const std::string lowered = lower_ascii(path);
    std::vector<size_t> found;
    for (auto it = open_by_path_.lower_bound(lowered); it != open_by_path_.end(); ++it) {
      const bool same = it->first == lowered;
      if (!same && it->first.rfind(lowered + "\\", 0) != 0) break;
      found.insert(found.end(), it->second.begin(), it->second.end());
    }
    std::sort(found.begin(), found.end());
    if (record.event != "open" || find_field(record, "access") == nullptr) return found;
    const model::AccessMask access = access_of(list_field(record, "access"));
    const model::ShareMode share = share_of(list_field(record, "share"));
    std::vector<size_t> conflicting;
    for (const size_t index : found) {
      const HandleSpan& held = timeline_.handles[index];
      if (sharing_conflicts(access_of(held.access), share_of(held.share), access, share)) {
        conflicting.push_back(index);
      }
    }
    return conflicting.empty() ? found : conflicting;
  }

  void add_manager_mark(const TraceRecord& record) {
    const std::string package = text_field(record, "package");
    const std::string dp = dp_name_of(text_field(record, "dp"));
    const std::string on_dp = dp.empty() ? "" : fmt::format(" (DP {})", dp);
    note_package_dp(package, dp);
    if (record.event == "status_message") {
      const std::string severity = text_field(record, "severity");
      TimelineMark& mark = add_mark(
          record, MarkKind::status_message, package, text_field(record, "id"),
          fmt::format("{} {}: {}", text_field(record, "id"), severity, text_field(record, "text")));
      mark.status_id = static_cast<uint32_t>(number_field(record, "id"));
      mark.severity = severity.empty() ? 'I' : severity.front();
      mark.dp = dp;
    } else if (record.event == "retry_scheduled") {
      const TimeUs at_us = number_field(record, "at_us");
      const bool pulled = text_field(record, "pulled_forward") == "true";
      TimelineMark& mark =
          add_mark(record, MarkKind::retry_scheduled, package,
                   fmt::format("attempt {}", number_field(record, "attempt")),
                   fmt::format("attempt {} {} {}{}", number_field(record, "attempt"),
                               pulled ? "pulled forward to" : "due at", clock_text(at_us), on_dp));
      mark.dp = dp;
    } else if (record.event == "dp_state") {
      const std::string state = text_field(record, "state");
      add_mark(record, MarkKind::dp_state, package, state, fmt::format("DP {}: {}", dp, state)).dp =
          dp;
    }
  }

  TimelineMark& add_mark(const TraceRecord& record, MarkKind kind, const std::string& package,
                         std::string label, std::string detail) {
    note_package(package);
    TimelineMark mark;
    mark.kind = kind;
    mark.t_us = record.t_us;
    mark.actor = record.actor;
    mark.event = record.event;
    mark.package_id = package;
    mark.label = std::move(label);
    mark.detail = std::move(detail);
    mark.fields.assign(record.fields.begin(), record.fields.end());
    timeline_.marks.push_back(std::move(mark));
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
  // The open handles by lowered path, so that a refusal finds what is open on and below its path.
  std::map<std::string, std::vector<size_t>> open_by_path_;
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> open_faults_;
};

void collect_names(const Scenario& scenario, const RunResult& run, Timeline& timeline) {
  auto add_package = [&timeline](const std::string& id, const std::string& name,
                                 const std::string& source) -> TimelinePackage& {
    for (TimelinePackage& known : timeline.packages) {
      if (known.id != id) continue;
      if (known.name.empty()) known.name = name;
      if (known.source.empty()) known.source = source;
      return known;
    }
    timeline.packages.push_back({id, name, source, {}});
    return timeline.packages.back();
  };
  for (const PackageEvent& event : scenario.packages) {
    if (event.kind == PackageEvent::Kind::create) add_package(event.id, event.name, event.source);
  }
  for (const PassRecord& pass : run.passes) add_package(pass.package_id, "", "");
  for (const auto& package : run.packages) {
    TimelinePackage& known = add_package(package.id, package.name, "");
    for (const auto& dp : package.distribution_points) known.dps.push_back(dp.dp_name);
  }
  for (const HolderSpec& holder : scenario.holders) {
    timeline.holders.push_back(
        {holder.name, std::string(enum_name(kHolderKindNames, holder.kind))});
  }
  for (const DistributionPointSpec& dp : scenario.distribution_points) {
    timeline.dps.push_back({dp.name, dp_share_for(dp)});
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

// The first and last moments of activity (see Timeline::activity_start_us).
void collect_activity(const RunResult& run, Timeline& timeline) {
  TimeUs first_us = INT64_MAX;
  TimeUs last_us = INT64_MIN;
  auto seen = [&](TimeUs t_us) {
    first_us = std::min(first_us, t_us);
    last_us = std::max(last_us, t_us);
  };
  for (const PassRecord& pass : run.passes) {
    seen(pass.start_us);
    if (pass.end_us) seen(*pass.end_us);
  }
  for (const RetryWait& wait : timeline.waits) seen(wait.end_us);
  for (const HandleSpan& handle : timeline.handles) {
    seen(handle.open_us);
    if (handle.close_us) seen(*handle.close_us);
  }
  for (const TimelineMark& mark : timeline.marks) seen(mark.t_us);
  for (const FaultSpan& fault : timeline.faults) {
    seen(fault.start_us);
    if (fault.end_us) seen(*fault.end_us);
  }
  if (first_us > last_us) return;  // nothing happened
  const TimeUs horizon_us = std::max<TimeUs>(run.until_us, 0);
  timeline.activity_start_us = std::clamp<TimeUs>(first_us, 0, horizon_us);
  timeline.activity_end_us = std::clamp<TimeUs>(last_us, timeline.activity_start_us, horizon_us);
}

}  // namespace

Timeline build_timeline(const Scenario& scenario, const RunResult& run) {
  Timeline timeline;
  timeline.until_us = run.until_us;
  collect_names(scenario, run, timeline);
  collect_waits(run, timeline);
  TimelineBuilder builder(run.passes, timeline);
  for (const TraceRecord& record : run.trace.records()) builder.add(record);
  collect_activity(run, timeline);
  DISTSIM_ASSERT(timeline.activity_start_us <= timeline.activity_end_us);
  DISTSIM_ASSERT(timeline.activity_end_us <= std::max<TimeUs>(run.until_us, 0));
  return timeline;
}

const TimelineDp* dp_of_path(const std::vector<TimelineDp>& dps, std::string_view path) {
  const std::string lowered = lower_ascii(path);
  for (const TimelineDp& dp : dps) {
    const std::string share = lower_ascii(dp.share);
    if (share.empty()) continue;
    if (lowered == share || lowered.rfind(share + "\\", 0) == 0) return &dp;
  }
  return nullptr;
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
