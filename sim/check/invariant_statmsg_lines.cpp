// status_log_consistency, line by line: each status message the trace shows is followed, in the
// same microsecond, by its STATMSG line in Distmgr.log, and every STATMSG line follows one. The
// line is read back by a parser of its own (not the manager's formatter), and must carry the
// message's ID, severity, component, the logging thread as TID, its insertion strings as ISTR0 to
// ISTR9 (empty past those given) and its package and DP as attributes 400 and 404.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

constexpr std::string_view kStatmsgStart = "STATMSG: ID=";
constexpr size_t kInsertionsPerLine = 10;

struct StatmsgLine {
  int64_t id = -1;
  std::string_view severity;
  std::string_view component;
  int64_t thread = -1;
  std::array<std::string_view, kInsertionsPerLine> insertions{};
  std::vector<std::pair<std::string_view, std::string_view>> attributes;  // (AID, AVAL)
};

// The decimal number at the start of `text`, or -1.
int64_t leading_number(std::string_view text) {
  int64_t value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end != text.data() ? value : -1;
}

// The text between `open` and the next `close` after it, from `from`; nullopt when either is
// missing. `from` moves past the close.
std::optional<std::string_view> between(std::string_view text, std::string_view open,
                                        std::string_view close, size_t& from) {
  const size_t start = text.find(open, from);
  if (start == std::string_view::npos) return std::nullopt;
  const size_t value = start + open.size();
  const size_t end = text.find(close, value);
  if (end == std::string_view::npos) return std::nullopt;
  from = end;
  return text.substr(value, end - value);
}

// Reads a STATMSG line; nullopt when it does not have the layout (the reason in `why`). An
// insertion string ends where the next ISTR (or NUMATTRS) begins, so a quote inside it is kept.
std::optional<StatmsgLine> parse_statmsg(std::string_view text, std::string& why) {
  StatmsgLine line;
  line.id = leading_number(text.substr(kStatmsgStart.size()));
  size_t at = 0;
  const auto severity = between(text, " SEV=", " ", at);
  const auto component = between(text, " COMP=\"", "\"", at);
  const auto thread = between(text, " TID=", " ", at);
  if (line.id < 0 || !severity || !component || !thread) {
    why = "it lacks ID, SEV, COMP or TID";
    return std::nullopt;
  }
  line.severity = *severity;
  line.component = *component;
  line.thread = leading_number(*thread);
  for (size_t index = 0; index < kInsertionsPerLine; ++index) {
    const std::string open = fmt::format(" ISTR{}=\"", index);
    const std::string close = index + 1 < kInsertionsPerLine
                                  ? fmt::format("\" ISTR{}=\"", index + 1)
                                  : std::string("\" NUMATTRS=");
    const auto insertion = between(text, open, close, at);
    if (!insertion) {
      why = fmt::format("it lacks ISTR{}", index);
      return std::nullopt;
    }
    line.insertions[index] = *insertion;
  }
  const int64_t attributes =
      leading_number(text.substr(at + std::string_view("\" NUMATTRS=").size()));
  for (int64_t index = 0; index < attributes; ++index) {
    const auto id = between(text, fmt::format(" AID{}=", index), " ", at);
    const std::string close =
        index + 1 < attributes ? fmt::format("\" AID{}=", index + 1) : std::string("\"");
    const auto value = between(text, fmt::format(" AVAL{}=\"", index), close, at);
    if (!id || !value) {
      why = fmt::format("it lacks attribute {} of the {} it counts", index, attributes);
      return std::nullopt;
    }
    line.attributes.emplace_back(*id, *value);
  }
  return line;
}

// How the line differs from the status message `message`; empty when it agrees.
std::string difference(const TraceRecord& message, const StatmsgLine& line, int64_t thread) {
  if (line.id != number_field(message, "id")) return fmt::format("ID={}", line.id);
  if (line.severity != text_field(message, "severity")) {
    return fmt::format("SEV={}, the message's severity is {}", line.severity,
                       text_field(message, "severity"));
  }
  if (line.component != text_field(message, "component")) {
    return fmt::format("COMP=\"{}\"", line.component);
  }
  if (line.thread != thread) {
    return fmt::format("TID={}, but the line is logged by thread {}", line.thread, thread);
  }
  const TraceList insertions = list_field(message, "insertions");
  if (insertions.size() > kInsertionsPerLine) return "too many insertion strings to log";
  for (size_t index = 0; index < kInsertionsPerLine; ++index) {
    const std::string_view expected = index < insertions.size() ? insertions[index] : "";
    if (line.insertions[index] != expected) {
      return fmt::format("ISTR{}=\"{}\", the message's insertion string is \"{}\"", index,
                         line.insertions[index], expected);
    }
  }
  std::vector<std::pair<std::string_view, std::string_view>> expected;
  if (const std::string_view package = text_field(message, "package"); !package.empty()) {
    expected.emplace_back("400", package);
  }
  if (const std::string_view dp = text_field(message, "dp"); !dp.empty()) {
    expected.emplace_back("404", dp);
  }
  if (line.attributes != expected) {
    return fmt::format("{} attributes, not the message's package and DP", line.attributes.size());
  }
  return {};
}

}  // namespace

void check_statmsg_lines(const History& history, Violations& violations) {
  const auto& records = history.records();
  std::optional<size_t> pending;  // a status message whose line has not come yet
  const auto report = [&](TimeUs t_us, std::string detail) {
    violations.push_back({"status_log_consistency", std::move(detail), t_us});
  };
  const auto unlogged = [&](size_t message) {
    const TraceRecord& record = records[message];
    report(record.t_us,
           fmt::format("status message {} of {} at {} has no STATMSG line in Distmgr.log after it",
                       number_field(record, "id").value_or(0), text_field(record, "package"),
                       clock_text(record.t_us)));
  };
  for (size_t index = 0; index < records.size(); ++index) {
    const RecordKind kind = history.kinds[index];
    if (kind.is(RecordActor::manager, RecordEvent::status_message)) {
      if (pending) unlogged(*pending);
      pending = index;
      continue;
    }
    if (!kind.is(RecordActor::manager, RecordEvent::log_line)) continue;
    const TraceRecord& record = records[index];
    const std::string_view text = text_field(record, "text");
    if (!text.starts_with(kStatmsgStart)) continue;
    if (!pending || records[*pending].t_us != record.t_us) {
      if (pending) unlogged(*pending);
      pending.reset();
      report(record.t_us, fmt::format("a STATMSG line with ID={} at {} follows no status message",
                                      leading_number(text.substr(kStatmsgStart.size())),
                                      clock_text(record.t_us)));
      continue;
    }
    const TraceRecord& message = records[*pending];
    pending.reset();
    std::string why;
    const std::optional<StatmsgLine> line = parse_statmsg(text, why);
    const std::string problem =
        line ? difference(message, *line, number_field(record, "thread").value_or(-1))
             : fmt::format("it cannot be read: {}", why);
    if (problem.empty()) continue;
    report(record.t_us,
           fmt::format("the STATMSG line of status message {} of {} at {} says {}",
                       number_field(message, "id").value_or(0), text_field(message, "package"),
                       clock_text(record.t_us), problem));
  }
  if (pending) unlogged(*pending);
}

}  // namespace distsim::sim::invariant_detail
