// Lays the timeline out as Chrome trace threads: each package, holder and the world gets a base
// thread; spans are assigned nesting lanes, and a lane past the first becomes an extra thread.
#include "sim/report/chrome_trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "model/assert.h"
#include "sim/check/expectations.h"
#include "sim/core/text_sink.h"
#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/report/timeline.h"

namespace distsim::sim {
namespace {

// The members of one JSON object, written in the order they are added.
class JsonMembers {
 public:
  JsonMembers& text(std::string_view key, std::string_view value) {
    start(key);
    out_ += json_quote(value);
    return *this;
  }
  JsonMembers& number(std::string_view key, int64_t value) {
    start(key);
    out_ += std::to_string(value);
    return *this;
  }
  JsonMembers& flag(std::string_view key, bool value) {
    start(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  JsonMembers& raw(std::string_view key, std::string_view json) {
    start(key);
    out_ += json;
    return *this;
  }
  [[nodiscard]] std::string object() const { return "{" + out_ + "}"; }

 private:
  void start(std::string_view key) {
    if (!out_.empty()) out_ += ',';
    out_ += json_quote(key);
    out_ += ':';
  }
  std::string out_;
};

std::string trace_value_json(const TraceValue& value) {
  if (const auto* number = std::get_if<int64_t>(&value)) return std::to_string(*number);
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  if (const auto* text = std::get_if<std::string_view>(&value)) return json_quote(*text);
  std::string out = "[";
  for (const std::string_view item : std::get<TraceList>(value)) {
    if (out.size() > 1) out += ',';
    out += json_quote(item);
  }
  return out + "]";
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : "|") + name;
  return text.empty() ? "0" : text;
}

std::string file_name(const std::string& path) {
  const size_t slash = path.find_last_of('\\');
  if (slash == std::string::npos || slash + 1 == path.size()) return path;
  return path.substr(slash + 1);
}

struct Span {
  TimeUs start_us = 0;
  TimeUs end_us = 0;
  std::string name;
  std::string_view category;  // a literal
  std::string_view color;     // a literal: a catapult reserved color name, or empty
  std::string args;           // a JSON object
};

struct Instant {
  TimeUs t_us = 0;
  std::string name;
  std::string_view category;  // a literal
  std::string args;
};

struct Track {
  int pid = 0;
  uint32_t tid = 0;
  std::string name;
  bool always_shown = true;  // false: only when it has events
  std::vector<Span> spans;
  std::vector<Instant> instants;
};

// One event of the output, by where its span or instant is kept: the events are formatted only
// as they are written, so that a long run's events are never held as JSON.
struct EventRef {
  TimeUs ts_us = 0;
  uint32_t track = 0;  // index into the writer's tracks
  uint32_t tid = 0;    // the thread of the span's lane
  uint32_t item = 0;   // index into the track's spans or instants
  bool span = false;
};

class ChromeTraceWriter {
 public:
  ChromeTraceWriter(const RunResult& run, const Timeline& timeline)
      : run_(run), timeline_(timeline) {
    add_tracks();
    add_passes();
    add_waits();
    add_handles();
    add_faults();
    for (const TimelineMark& mark : timeline.marks) add_mark(mark);
  }

  void write(const Scenario& scenario, const RunVerdict& verdict, const TextSink& sink) {
    std::vector<std::string> metadata = process_metadata();
    std::vector<EventRef> events;
    for (size_t track = 0; track < tracks_.size(); ++track) lay_out(track, metadata, events);
    std::stable_sort(events.begin(), events.end(),
                     [](const EventRef& a, const EventRef& b) { return a.ts_us < b.ts_us; });
    BufferedSink out(sink);
    out.append("{\"traceEvents\":[\n");
    bool first = true;
    for (const std::string& line : metadata) append_line(out, line, first);
    for (const EventRef& event : events) append_line(out, event_json(event), first);
    out.append("\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":");
    out.append(JsonMembers()
                   .text("scenario", scenario.name)
                   .text("file", scenario.file)
                   .number("seed", static_cast<int64_t>(run_.seed))
                   .number("until_us", run_.until_us)
                   .text("outcome", run_outcome_name(run_.outcome))
                   .flag("passed", verdict.passed())
                   .flag("trace_truncated", run_.trace.truncated())
                   .object());
    out.append("}\n");
    out.flush();
  }

 private:
  static void append_line(BufferedSink& out, std::string_view line, bool& first) {
    if (!first) out.append(",\n");
    out.append(line);
    first = false;
  }

  [[nodiscard]] std::string event_json(const EventRef& event) const {
    const Track& track = tracks_[event.track];
    JsonMembers json;
    if (event.span) {
      const Span& span = track.spans[event.item];
      json.text("name", span.name).text("cat", span.category).text("ph", "X");
      json.number("ts", span.start_us).number("dur", span.end_us - span.start_us);
      json.number("pid", track.pid).number("tid", event.tid);
      if (!span.color.empty()) json.text("cname", span.color);
      return json.raw("args", span.args).object();
    }
    const Instant& instant = track.instants[event.item];
    json.text("name", instant.name).text("cat", instant.category).text("ph", "i");
    json.text("s", "t").number("ts", instant.t_us).number("pid", track.pid);
    return json.number("tid", event.tid).raw("args", instant.args).object();
  }

  void add_tracks() {
    uint32_t tid = 1;
    for (const TimelinePackage& package : timeline_.packages) {
      package_tracks_[package.id] = tracks_.size();
      const std::string name = package.name.empty() ? package.id : package.id + " " + package.name;
      tracks_.push_back({kChromeManagerPid, tid++, name, true, {}, {}});
    }
    manager_track_ = tracks_.size();
    tracks_.push_back({kChromeManagerPid, tid, "manager (no package)", false, {}, {}});
    tid = 1;
    for (const TimelineHolder& holder : timeline_.holders) {
      holder_tracks_[holder.name] = tracks_.size();
      const std::string name =
          holder.kind.empty() ? holder.name : fmt::format("{} ({})", holder.name, holder.kind);
      tracks_.push_back({kChromeHoldersPid, tid++, name, true, {}, {}});
    }
    world_track_ = tracks_.size();
    tracks_.push_back({kChromeWorldPid, 1, "faults and crashes", false, {}, {}});
  }

  Track& package_track(const std::string& package_id) {
    const auto found = package_tracks_.find(package_id);
    return tracks_[found == package_tracks_.end() ? manager_track_ : found->second];
  }

  Track& actor_track(const std::string& actor, const std::string& package_id) {
    if (actor == kManagerActorName) return package_track(package_id);
    const auto found = holder_tracks_.find(actor);
    DISTSIM_ASSERT(found != holder_tracks_.end());  // build_timeline lists every actor
    return tracks_[found->second];
  }

  TimeUs end_or_horizon(const std::optional<TimeUs>& end_us, TimeUs start_us) const {
    return std::max(start_us, end_us.value_or(timeline_.until_us));
  }

  void add_passes() {
    for (const PassRecord& pass : run_.passes) {
      std::string result =
          pass.end_us ? std::string(model::pass_result_name(pass.result)) : "running";
      JsonMembers args;
      args.text("package", pass.package_id)
          .number("attempt", pass.attempt)
          .text("result", result)
          .text("start", clock_text(pass.start_us));
      if (pass.end_us) args.text("end", clock_text(*pass.end_us));
      if (pass.error != model::Win32Error::ok) {
        args.number("win32", model::win32_code(pass.error))
            .text("error", model::win32_error_name(pass.error));
        result += fmt::format(", error {}", model::win32_code(pass.error));
      }
      if (pass.next_retry_us) args.text("next_retry", clock_text(*pass.next_retry_us));
      if (!pass.end_us) args.flag("running_at_end", true);
      if (pass.dp_retries) args.flag("dp_retries", true);
      package_track(pass.package_id)
          .spans.push_back({pass.start_us, end_or_horizon(pass.end_us, pass.start_us),
                            pass.dp_retries ? fmt::format("DP retries: {}", result)
                                            : fmt::format("attempt {}: {}", pass.attempt, result),
                            "pass", pass_color(pass), args.object()});
    }
  }

  static std::string_view pass_color(const PassRecord& pass) {
    if (!pass.end_us) return "generic_work";
    switch (pass.result) {
      case model::PassResult::success:
        return "good";
      case model::PassResult::retry:
        return "yellow";
      case model::PassResult::failed:
        return "terrible";
      case model::PassResult::interrupted:
        return "black";
    }
    return {};
  }

  void add_waits() {
    for (const RetryWait& wait : timeline_.waits) {
      JsonMembers args;
      args.text("package", wait.package_id)
          .number("after_attempt", wait.attempt)
          .text("retry_due", clock_text(wait.retry_us))
          .number("retry_due_us", wait.retry_us);
      if (wait.end_us < wait.retry_us) args.flag("cut_short", true);
      package_track(wait.package_id)
          .spans.push_back(
              {wait.start_us, wait.end_us, "retry wait", "retry_wait", "grey", args.object()});
    }
  }

  void add_handles() {
    for (const HandleSpan& handle : timeline_.handles) {
      JsonMembers args;
      args.text("path", handle.path)
          .number("handle", handle.handle)
          .text("access", joined(handle.access))
          .text("share", joined(handle.share))
          .flag("data", handle.data);
      if (!handle.close_us) args.flag("open_at_end", true);
      actor_track(handle.actor, handle.package_id)
          .spans.push_back({handle.open_us, end_or_horizon(handle.close_us, handle.open_us),
                            file_name(handle.path), handle.data ? "handle" : "handle,metadata",
                            handle.data ? "" : "grey", args.object()});
    }
  }

  void add_faults() {
    for (const FaultSpan& fault : timeline_.faults) {
      JsonMembers args;
      args.text("fault", fault.fault).text("target", fault.target);
      if (!fault.end_us) args.flag("on_at_end", true);
      const std::string name =
          fault.fault == "crash" ? "manager down (crash)" : fault.fault + " " + fault.target;
      tracks_[world_track_].spans.push_back({fault.start_us,
                                             end_or_horizon(fault.end_us, fault.start_us), name,
                                             "fault", "terrible", args.object()});
    }
  }

  void add_mark(const TimelineMark& mark) {
    JsonMembers args;
    for (const TraceField& field : mark.fields) args.raw(field.key, trace_value_json(field.value));
    std::string name;
    switch (mark.kind) {
      case MarkKind::status_message:
        name = fmt::format("{} {}", mark.label, mark.severity);
        break;
      case MarkKind::refusal:
        name = fmt::format("{} refused: {}", mark.event, mark.label);
        break;
      case MarkKind::retry_scheduled:
        name = "retry scheduled";
        args.text("detail", mark.detail);
        break;
      case MarkKind::dp_state:
        name = mark.detail;
        break;
      case MarkKind::holder_event:
        name = mark.label;
        break;
    }
    Track& track = mark.kind == MarkKind::refusal || mark.kind == MarkKind::holder_event
                       ? actor_track(mark.actor, mark.package_id)
                       : package_track(mark.package_id);
    track.instants.push_back({mark.t_us, name, category_of(mark.kind), args.object()});
  }

  static std::string_view category_of(MarkKind kind) {
    switch (kind) {
      case MarkKind::status_message:
        return "status_message";
      case MarkKind::refusal:
        return "refusal";
      case MarkKind::retry_scheduled:
        return "retry";
      case MarkKind::dp_state:
        return "dp_state";
      case MarkKind::holder_event:
        return "holder";
    }
    return {};
  }

  std::vector<std::string> process_metadata() const {
    std::vector<std::string> lines;
    const std::pair<int, std::string_view> processes[] = {
        {kChromeManagerPid, "distmgr"}, {kChromeHoldersPid, "holders"}, {kChromeWorldPid, "world"}};
    for (const auto& [pid, name] : processes) {
      lines.push_back(metadata_json("process_name", pid, 0, JsonMembers().text("name", name)));
      lines.push_back(
          metadata_json("process_sort_index", pid, 0, JsonMembers().number("sort_index", pid)));
    }
    return lines;
  }

  static std::string metadata_json(std::string_view what, int pid, uint32_t tid,
                                   const JsonMembers& args) {
    return JsonMembers()
        .text("name", what)
        .text("ph", "M")
        .number("pid", pid)
        .number("tid", tid)
        .raw("args", args.object())
        .object();
  }

  // The thread of a lane: the track's own for lane 0, else an extra thread made on first use.
  uint32_t lane_thread(const Track& track, uint32_t lane, std::vector<std::string>& metadata) {
    if (lane == 0) return track.tid;
    const auto key = std::make_pair(track.pid, std::make_pair(track.tid, lane));
    if (const auto found = lane_threads_.find(key); found != lane_threads_.end())
      return found->second;
    const uint32_t tid = ++last_tid_[track.pid];
    lane_threads_[key] = tid;
    add_thread_metadata(track.pid, tid, fmt::format("{} ({})", track.name, lane + 1),
                        track.tid * kTimelineLanesMax + lane, metadata);
    return tid;
  }

  void add_thread_metadata(int pid, uint32_t tid, const std::string& name, uint32_t sort_index,
                           std::vector<std::string>& metadata) {
    metadata.push_back(metadata_json("thread_name", pid, tid, JsonMembers().text("name", name)));
    metadata.push_back(metadata_json("thread_sort_index", pid, tid,
                                     JsonMembers().number("sort_index", sort_index)));
  }

  // The track's thread names and its events, its spans sorted in place by start (the longest
  // first) so that an EventRef names a span by its final index.
  void lay_out(size_t track_index, std::vector<std::string>& metadata,
               std::vector<EventRef>& events) {
    Track& track = tracks_[track_index];
    if (!track.always_shown && track.spans.empty() && track.instants.empty()) return;
    last_tid_[track.pid] = std::max(last_tid_[track.pid], max_base_tid(track.pid));
    add_thread_metadata(track.pid, track.tid, track.name, track.tid * kTimelineLanesMax, metadata);
    std::stable_sort(track.spans.begin(), track.spans.end(), [](const Span& a, const Span& b) {
      return a.start_us != b.start_us ? a.start_us < b.start_us : a.end_us > b.end_us;
    });
    std::vector<LaneSpan> intervals;
    intervals.reserve(track.spans.size());
    for (const Span& span : track.spans) intervals.push_back({span.start_us, span.end_us});
    const std::vector<uint32_t> lanes = assign_lanes(intervals, LaneRule::nest);
    const auto track_id = static_cast<uint32_t>(track_index);
    for (size_t index = 0; index < track.spans.size(); ++index) {
      events.push_back({track.spans[index].start_us, track_id,
                        lane_thread(track, lanes[index], metadata), static_cast<uint32_t>(index),
                        true});
    }
    for (size_t index = 0; index < track.instants.size(); ++index) {
      events.push_back(
          {track.instants[index].t_us, track_id, track.tid, static_cast<uint32_t>(index), false});
    }
  }

  uint32_t max_base_tid(int pid) const {
    uint32_t tid = 0;
    for (const Track& track : tracks_) {
      if (track.pid == pid) tid = std::max(tid, track.tid);
    }
    return tid;
  }

  const RunResult& run_;
  const Timeline& timeline_;
  std::vector<Track> tracks_;
  std::map<std::string, size_t> package_tracks_;
  std::map<std::string, size_t> holder_tracks_;
  size_t manager_track_ = 0;
  size_t world_track_ = 0;
  std::map<int, uint32_t> last_tid_;
  std::map<std::pair<int, std::pair<uint32_t, uint32_t>>, uint32_t> lane_threads_;
};

}  // namespace

void write_chrome_trace(const Scenario& scenario, const RunResult& run, const RunVerdict& verdict,
                        const TextSink& sink) {
  const Timeline timeline = build_timeline(scenario, run);
  ChromeTraceWriter writer(run, timeline);
  writer.write(scenario, verdict, sink);
}

std::string chrome_trace_json(const Scenario& scenario, const RunResult& run,
                              const RunVerdict& verdict) {
  return collected_text(
      [&](const TextSink& sink) { write_chrome_trace(scenario, run, verdict, sink); });
}

}  // namespace distsim::sim
