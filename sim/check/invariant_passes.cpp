// pass_messages: every pass the trace shows starts with exactly one 2300 and, unless a crash cut
// it short or the run ended first, ends with exactly one 2301 or 2302 of its package; no 2300,
// 2301 or 2302 is raised outside a pass; a span of DP retries raises none, and comes only where
// the site retries DPs on their own. And 2306 (source directory not accessible, model/README.md):
// never under the sms2 profile; under the others exactly one in a pass where the file system
// refused the pass's listing of its source folder or a subfolder, its %3 that refusal's code,
// before the pass's 2302, and in any other pass none, unless the pass ended with 206 or 8
// (distsim's listing bounds, which no refusal shows).
#include <fmt/format.h>

#include "model/status_message.h"
#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

// The ID of a 2300, 2301 or 2302 record of the manager; nullopt for any other record.
std::optional<int64_t> pass_message_id(const TraceRecord& record) {
  if (!is_event(record, kManagerActorName, "status_message")) return std::nullopt;
  const std::optional<int64_t> id = number_field(record, "id");
  if (id == model::status_id::kPackageProcessingStarted ||
      id == model::status_id::kPackageProcessed || id == model::status_id::kPackageFailed) {
    return id;
  }
  return std::nullopt;
}

// The first listing of the pass's source folder (or a subfolder) that the file system refused,
// by the pass's thread where the trace names it; nullopt when none was.
std::optional<size_t> refused_listing(const History& history, const PassSpan& span) {
  const auto source = history.sources.find(span.package);
  if (source == history.sources.end()) return std::nullopt;
  const auto& records = history.records();
  const size_t end = span.end_record ? *span.end_record : records.size();
  for (size_t index = span.start_record; index < end; ++index) {
    if (!history.kinds[index].is(RecordActor::manager, RecordEvent::list_directory)) continue;
    const TraceRecord& record = records[index];
    if (text_field(record, "result") == "ok") continue;
    if (span.thread != 0 && number_field(record, "thread") != static_cast<int64_t>(span.thread)) {
      continue;
    }
    const std::string_view path = text_field(record, "path");
    if (same_path(path, source->second) || path_below(path, source->second)) return index;
  }
  return std::nullopt;
}

// The 2306 messages of one pass, judged against its listings (the file header's rule).
void judge_source_not_accessible(const History& history, const PassSpan& span,
                                 const std::vector<size_t>& messages,
                                 std::optional<size_t> first_end, Violations& violations) {
  const auto& records = history.records();
  const auto violation = [&](std::string what, TimeUs t_us) {
    violations.push_back({"pass_messages",
                          fmt::format("the pass of {} that began at {} {}", span.package,
                                      clock_text(span.start_us), what),
                          t_us});
  };
  if (history.run->site.profile == model::Profile::sms2) {
    if (!messages.empty()) {
      violation("raised 2306, which SMS 2.0 does not raise", records[messages.front()].t_us);
    }
    return;
  }
  const std::optional<size_t> refusal = refused_listing(history, span);
  if (!refusal) {
    const bool ended_by_bounds = span.end_record && !span.interrupted &&
                                 (number_field(records[*span.end_record], "win32") == 206 ||
                                  number_field(records[*span.end_record], "win32") == 8);
    if (messages.size() > (ended_by_bounds ? 1u : 0u)) {
      violation(fmt::format("raised {} 2306 messages, but no listing of its source was refused",
                            messages.size()),
                records[messages.front()].t_us);
    }
    return;
  }
  const TraceRecord& listing = records[*refusal];
  if (messages.size() != 1) {
    violation(fmt::format("had its listing of {} refused with {} at {} and raised {} 2306 "
                          "messages instead of one",
                          text_field(listing, "path"), number_field(listing, "win32").value_or(0),
                          clock_text(listing.t_us), messages.size()),
              listing.t_us);
    return;
  }
  const TraceList insertions = list_field(records[messages.front()], "insertions");
  const std::string expected_code = fmt::format("{}", number_field(listing, "win32").value_or(0));
  if (insertions.size() < 3 || insertions[2] != expected_code) {
    violation(fmt::format("raised 2306 with Win32 error {} for a listing refused with {}",
                          insertions.size() < 3 ? std::string_view("(none)") : insertions[2],
                          expected_code),
              records[messages.front()].t_us);
  }
  // 2306 comes first, then the 2302 that ends the pass (model/README.md).
  if (first_end && *first_end < messages.front()) {
    violation("raised 2306 after its 2302", records[messages.front()].t_us);
  }
}

}  // namespace

void check_pass_messages(const History& history, Violations& violations) {
  const auto& records = history.records();
  // package (a view of the pass's name) -> its latest pass begun so far
  std::map<std::string_view, size_t> latest;
  std::vector<uint32_t> starts(history.passes.size(), 0);
  std::vector<uint32_t> ends(history.passes.size(), 0);
  std::vector<std::vector<size_t>> source_not_accessible(history.passes.size());
  std::vector<std::optional<size_t>> first_end(history.passes.size());  // its first 2301/2302
  size_t next_pass = 0;
  for (size_t index = 0; index < records.size(); ++index) {
    const TraceRecord& record = records[index];
    while (next_pass < history.passes.size() && history.passes[next_pass].start_record <= index) {
      latest[history.passes[next_pass].package] = next_pass;
      ++next_pass;
    }
    if (!history.kinds[index].is(RecordActor::manager, RecordEvent::status_message)) continue;
    const bool not_accessible =
        number_field(record, "id") == model::status_id::kSourceNotAccessible;
    const std::optional<int64_t> pass_message = pass_message_id(record);
    if (!pass_message && !not_accessible) continue;
    const int64_t id = not_accessible ? model::status_id::kSourceNotAccessible : *pass_message;
    const std::string_view package = text_field(record, "package");
    const auto found = latest.find(package);
    // A pass's 2302 and its pass_end come in one step: the 2302 is before the end record.
    const bool in_pass =
        found != latest.end() && (!history.passes[found->second].end_record ||
                                  *history.passes[found->second].end_record > index);
    if (!in_pass) {
      violations.push_back(
          {"pass_messages", fmt::format("{}: {} raised outside a pass", package, id), record.t_us});
      continue;
    }
    if (not_accessible) {
      source_not_accessible[found->second].push_back(index);
      continue;
    }
    if (id != model::status_id::kPackageProcessingStarted && !first_end[found->second]) {
      first_end[found->second] = index;
    }
    ++(id == model::status_id::kPackageProcessingStarted ? starts : ends)[found->second];
  }
  for (size_t pass = 0; pass < history.passes.size(); ++pass) {
    const PassSpan& span = history.passes[pass];
    if (span.dp_retries) {  // DP retries on their own threads raise no pass messages
      // The manager's label exempts the span from the pass rules here and from the thread and
      // attempt counts: it holds only where the scenario's site retries DPs on their own.
      if (history.run->site.retry_unit != model::RetryUnit::distribution_point) {
        violations.push_back(
            {"pass_messages",
             fmt::format("the pass of {} that began at {} is marked as DP retries, but the site "
                         "retries whole packages (retry_unit package)",
                         span.package, clock_text(span.start_us)),
             span.start_us});
        continue;
      }
      if (starts[pass] + ends[pass] == 0) continue;
      violations.push_back(
          {"pass_messages",
           fmt::format("the DP retries of {} that began at {} raised {} pass "
                       "messages",
                       span.package, clock_text(span.start_us), starts[pass] + ends[pass]),
           span.start_us});
      continue;
    }
    judge_source_not_accessible(history, span, source_not_accessible[pass], first_end[pass],
                                violations);
    if (starts[pass] != 1) {
      violations.push_back({"pass_messages",
                            fmt::format("the pass of {} that began at {} raised {} 2300 messages",
                                        span.package, clock_text(span.start_us), starts[pass]),
                            span.start_us});
    }
    const bool must_end = span.end_record && !span.interrupted;
    if (ends[pass] != (must_end ? 1u : 0u)) {
      violations.push_back({"pass_messages",
                            fmt::format("the pass of {} that began at {} raised {} 2301/2302 "
                                        "messages",
                                        span.package, clock_text(span.start_us), ends[pass]),
                            span.end_record ? span.end_us : span.start_us});
    }
  }
}

}  // namespace distsim::sim::invariant_detail
