// pass_messages: every pass the trace shows starts with exactly one 2300 and, unless a crash cut
// it short or the run ended first, ends with exactly one 2301 or 2302 of its package; no 2300,
// 2301 or 2302 is raised outside a pass; a span of DP retries raises none, and comes only where
// the site retries DPs on their own.
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

}  // namespace

void check_pass_messages(const History& history, Violations& violations) {
  const auto& records = history.records();
  // package (a view of the pass's name) -> its latest pass begun so far
  std::map<std::string_view, size_t> latest;
  std::vector<uint32_t> starts(history.passes.size(), 0);
  std::vector<uint32_t> ends(history.passes.size(), 0);
  size_t next_pass = 0;
  for (size_t index = 0; index < records.size(); ++index) {
    const TraceRecord& record = records[index];
    while (next_pass < history.passes.size() && history.passes[next_pass].start_record <= index) {
      latest[history.passes[next_pass].package] = next_pass;
      ++next_pass;
    }
    if (!history.kinds[index].is(RecordActor::manager, RecordEvent::status_message)) continue;
    const std::optional<int64_t> pass_message = pass_message_id(record);
    if (!pass_message) continue;
    const int64_t id = *pass_message;
    const std::string_view package = text_field(record, "package");
    const auto found = latest.find(package);
    const bool in_pass =
        found != latest.end() && (!history.passes[found->second].end_record ||
                                  *history.passes[found->second].end_record > index);
    if (!in_pass) {
      violations.push_back(
          {"pass_messages", fmt::format("{}: {} raised outside a pass", package, id), record.t_us});
      continue;
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
