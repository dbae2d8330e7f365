// source_open_retries: within one pass, the manager opens a source file that another process
// holds (32) at most `site.source_open.retries` more times, each exactly
// `retry_interval` after the refusal before, and fails the pass on such a refusal only once those
// retries are spent. Judged from the manager's opens in the trace and the site's settings, not
// from the model's log lines or counters.
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

// A pass being read: its source folder and the refusals of the file it is opening.
struct PassWatch {
  const PassSpan* pass = nullptr;
  std::string_view source;
  // Another running pass reads below the same folder, so the trace cannot tell whose opens are
  // whose: such a pass is not judged.
  bool shared = false;
  std::string_view refused_path;  // the file of the current run of refusals
  uint32_t refusals = 0;          // consecutive refusals of refused_path (32)
  TimeUs last_refused_us = 0;
  bool judged_count = false;  // the run's "too many" finding is made once
};

bool holder_refusal(int64_t win32) {
  return win32 == model::win32_code(model::Win32Error::sharing_violation);
}

bool folders_overlap(std::string_view left, std::string_view right) {
  return same_path(left, right) || path_below(left, right) || path_below(right, left);
}

class SourceOpenJudge {
 public:
  SourceOpenJudge(const History& history, Violations& violations)
      : history_(history),
        violations_(violations),
        package_store_(history.run->site.package_store),
        retries_(history.run->site.source_open_retries),
        interval_us_(history.run->site.source_open_retry_interval_us) {}

  void start(const PassSpan& pass) {
    const auto source = history_.sources.find(pass.package);
    if (source == history_.sources.end()) return;
    PassWatch watch;
    watch.pass = &pass;
    watch.source = source->second;
    for (PassWatch& other : watches_) {
      if (!folders_overlap(other.source, watch.source)) continue;
      other.shared = true;
      watch.shared = true;
    }
    watches_.push_back(watch);
  }

  void open(const TraceRecord& record) {
    const int64_t win32 = number_field(record, "win32").value_or(0);
    // Most opens succeed while no pass is between refusals, and change nothing: asked first, so
    // that the checker reads a path only for the few that can matter.
    const bool any_refused = std::any_of(watches_.begin(), watches_.end(),
                                         [](const PassWatch& watch) { return watch.refusals > 0; });
    if (win32 == 0 && !any_refused) return;
    const std::string_view path = text_field(record, "path");
    for (PassWatch& watch : watches_) {
      if (watch.shared || !path_below(path, watch.source)) continue;
      // The folder of compressed copies (.PCK), which a source of C:\ holds too: the manager's
      // opens there are compressions and copies, never reads of a source.
      if (path_below(path, package_store_)) continue;
      // Once refused, the pass opens nothing else until that file opens or the pass fails: an
      // open of another file under the folder is another package's, which shares none of it.
      if (watch.refusals > 0 && !same_path(path, watch.refused_path)) continue;
      opened(watch, record.t_us, path, win32);
    }
  }

  // A pass_end or crash record: the passes it ends are no longer watched.
  void end(size_t record_index, const TraceRecord& record) {
    for (size_t at = 0; at < watches_.size();) {
      PassWatch& watch = watches_[at];
      if (watch.pass->end_record != record_index) {
        ++at;
        continue;
      }
      const bool failed = !watch.pass->interrupted && text_field(record, "result") != "success";
      if (failed && !watch.shared && watch.refusals > 0 && watch.refusals <= retries_) {
        violations_.push_back({"source_open_retries",
                               fmt::format("the pass of {} failed after {} refused opens of {}; "
                                           "site.source_open.retries allows {} more",
                                           watch.pass->package, watch.refusals, watch.refused_path,
                                           retries_ + 1 - watch.refusals),
                               record.t_us});
      }
      watches_.erase(watches_.begin() + static_cast<std::ptrdiff_t>(at));
    }
  }

 private:
  // An open of `path`, which is the refused file whenever the watch is between refusals.
  void opened(PassWatch& watch, TimeUs t_us, std::string_view path, int64_t win32) {
    const bool again = watch.refusals > 0;
    if (again && t_us - watch.last_refused_us != interval_us_) {
      violations_.push_back(
          {"source_open_retries",
           fmt::format("the pass of {} opened {} again {} after it was refused; "
                       "site.source_open.retry_interval is {}",
                       watch.pass->package, path, duration_text(t_us - watch.last_refused_us),
                       duration_text(interval_us_)),
           t_us});
    }
    if (!holder_refusal(win32)) {
      watch.refusals = 0;  // opened, or refused for a reason no retry in the pass is meant for
      return;
    }
    if (!again) {
      watch.refused_path = path;
      watch.judged_count = false;
    }
    ++watch.refusals;
    watch.last_refused_us = t_us;
    if (watch.refusals > retries_ + 1 && !watch.judged_count) {
      watch.judged_count = true;
      violations_.push_back({"source_open_retries",
                             fmt::format("the pass of {} was refused {} {} times in a row; "
                                         "site.source_open.retries is {}",
                                         watch.pass->package, path, watch.refusals, retries_),
                             t_us});
    }
  }

  const History& history_;
  Violations& violations_;
  const std::string_view package_store_;
  const uint32_t retries_;
  const TimeUs interval_us_;
  std::vector<PassWatch> watches_;  // the passes running, in the order they began
};

}  // namespace

void check_source_open_retries(const History& history, Violations& violations) {
  SourceOpenJudge judge(history, violations);
  const auto& records = history.records();
  auto next_pass = history.passes.begin();
  for (size_t index = 0; index < records.size(); ++index) {
    for (; next_pass != history.passes.end() && next_pass->start_record == index; ++next_pass) {
      if (!next_pass->dp_retries) judge.start(*next_pass);
    }
    const RecordKind kind = history.kinds[index];
    if (kind.is(RecordActor::manager, RecordEvent::open)) judge.open(records[index]);
    if (kind.event == RecordEvent::pass_end || kind.event == RecordEvent::crash) {
      judge.end(index, records[index]);
    }
  }
}

}  // namespace distsim::sim::invariant_detail
