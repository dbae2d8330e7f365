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

// Reads a line from left to right in the fixed layout of a STATMSG line: each step expects a
// literal where it stands, or takes a field's value up to a delimiter. Once a step fails, every
// later one does nothing, and `problem` says what the first one did not find.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  void expect(std::string_view literal) {
    if (!problem_.empty()) return;
    if (text_.substr(at_).starts_with(literal)) {
      at_ += literal.size();
    } else {
      problem_ = fmt::format("'{}' is not where the layout has it", literal);
    }
  }
  // The value of `field` up to `delimiter` (not taken), or up to the end when `to_end` and there
  // is no delimiter.
  std::string_view until(std::string_view delimiter, std::string_view field, bool to_end = false) {
    if (!problem_.empty()) return {};
    size_t end = text_.find(delimiter, at_);
    if (end == std::string_view::npos) {
      if (!to_end) {
        problem_ = fmt::format("the line ends inside {}", field);
        return {};
      }
      end = text_.size();
    }
    const std::string_view value = text_.substr(at_, end - at_);
    at_ = end;
    return value;
  }
  [[nodiscard]] const std::string& problem() const { return problem_; }
  [[nodiscard]] bool at_end() const { return at_ == text_.size(); }

 private:
  std::string_view text_;
  size_t at_ = 0;
  std::string problem_;
};

// The literals a line repeats, by index: every explored world logs dozens of lines, so none is
// formatted at run time.
constexpr std::array<std::string_view, kInsertionsPerLine> kInsertionStarts{
    " ISTR0=\"", " ISTR1=\"", " ISTR2=\"", " ISTR3=\"", " ISTR4=\"",
    " ISTR5=\"", " ISTR6=\"", " ISTR7=\"", " ISTR8=\"", " ISTR9=\""};
// What ends insertion string k: its quote and the key after it, so a quote inside it is kept.
constexpr std::array<std::string_view, kInsertionsPerLine> kInsertionEnds{
    "\" ISTR1=\"", "\" ISTR2=\"", "\" ISTR3=\"", "\" ISTR4=\"", "\" ISTR5=\"",
    "\" ISTR6=\"", "\" ISTR7=\"", "\" ISTR8=\"", "\" ISTR9=\"", "\" NUMATTRS="};
constexpr size_t kAttributesMax = 4;
constexpr std::array<std::string_view, kAttributesMax> kAttributeIds{
    " AID0=", " AID1=", " AID2=", " AID3="};
constexpr std::array<std::string_view, kAttributesMax> kAttributeValues{" AVAL0=\"", " AVAL1=\"",
                                                                        " AVAL2=\"", " AVAL3=\""};

// Reads a STATMSG line; nullopt when it does not have the layout (the reason in `why`).
std::optional<StatmsgLine> parse_statmsg(std::string_view text, std::string& why) {
  StatmsgLine line;
  LineReader reader(text);
  reader.expect(kStatmsgStart);
  line.id = leading_number(reader.until(" ", "ID"));
  reader.expect(" SEV=");
  line.severity = reader.until(" ", "SEV");
  reader.expect(" LEV=");
  reader.until(" ", "LEV");
  reader.expect(" SOURCE=\"");
  reader.until("\"", "SOURCE");
  reader.expect("\" COMP=\"");
  line.component = reader.until("\"", "COMP");
  reader.expect("\" SYS=");
  reader.until(" ", "SYS");
  reader.expect(" SITE=");
  reader.until(" ", "SITE");
  reader.expect(" PID=");
  reader.until(" ", "PID");
  reader.expect(" TID=");
  line.thread = leading_number(reader.until(" ", "TID"));
  reader.expect(" GMTDATE=");
  reader.until(kInsertionStarts[0], "GMTDATE");  // a date with spaces in it
  for (size_t index = 0; index < kInsertionsPerLine; ++index) {
    reader.expect(kInsertionStarts[index]);
    line.insertions[index] = reader.until(kInsertionEnds[index], kInsertionStarts[index]);
    reader.expect("\"");
  }
  reader.expect(" NUMATTRS=");
  const int64_t attributes = leading_number(reader.until(" ", "NUMATTRS", true));
  if (reader.problem().empty() &&
      (attributes < 0 || attributes > static_cast<int64_t>(kAttributesMax))) {
    why = "its NUMATTRS is no count of attributes";
    return std::nullopt;
  }
  for (int64_t index = 0; index < attributes; ++index) {
    const auto slot = static_cast<size_t>(index);
    reader.expect(kAttributeIds[slot]);
    const std::string_view id = reader.until(" ", kAttributeIds[slot]);
    reader.expect(kAttributeValues[slot]);
    const std::string_view value =
        reader.until(index + 1 == attributes ? "\"" : "\" AID", kAttributeValues[slot]);
    reader.expect("\"");
    line.attributes.emplace_back(id, value);
  }
  if (reader.problem().empty() && !reader.at_end()) {
    why = "it goes on after its attributes";
    return std::nullopt;
  }
  if (!reader.problem().empty() || line.id < 0 || line.thread < 0) {
    why = reader.problem().empty() ? std::string("its ID or TID is no number") : reader.problem();
    return std::nullopt;
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

// Appends `value` in decimal.
void append_number(std::string& out, int64_t value) {
  std::array<char, 24> digits{};
  const auto [end, error] = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), end);
}

// Whether `text` holds `expected` at `at` (false when `at` is npos).
bool holds_at(std::string_view text, size_t at, std::string_view expected) {
  return at != std::string_view::npos && text.substr(at).starts_with(expected);
}

// Whether the line says what `message` says, by comparing it with the parts the checker writes
// itself from the message: the start up to SEV, COMP, TID, and everything from ISTR0 to the end.
// The quick path for the lines that agree, with no format string parsed and each field looked
// for from where the one before it was found; `scratch` is reused from line to line. A line that
// does not agree is read field by field (parse_statmsg) to say where it differs.
bool agrees_at_a_glance(const TraceRecord& message, std::string_view text, int64_t thread,
                        std::string& scratch) {
  scratch.assign(kStatmsgStart);
  append_number(scratch, number_field(message, "id").value_or(-1));
  scratch += " SEV=";
  scratch += text_field(message, "severity");
  scratch += ' ';
  if (!text.starts_with(scratch)) return false;
  constexpr std::string_view kComponent = "COMP=\"";
  const size_t component = text.find(kComponent, scratch.size());
  scratch.assign(text_field(message, "component"));
  scratch += "\" SYS=";
  if (!holds_at(text, component + kComponent.size(), scratch)) return false;
  constexpr std::string_view kThread = "TID=";
  const size_t thread_at = text.find(kThread, component);
  scratch.clear();
  append_number(scratch, thread);
  scratch += " GMTDATE=";
  if (!holds_at(text, thread_at + kThread.size(), scratch)) return false;
  const TraceList insertions = list_field(message, "insertions");
  if (insertions.size() > kInsertionsPerLine) return false;
  scratch.clear();
  for (size_t index = 0; index < kInsertionsPerLine; ++index) {
    scratch += kInsertionStarts[index];
    if (index < insertions.size()) scratch += insertions[index];
    scratch += '"';
  }
  const std::string_view package = text_field(message, "package");
  const std::string_view dp = text_field(message, "dp");
  scratch += " NUMATTRS=";
  scratch += static_cast<char>('0' + (package.empty() ? 0 : 1) + (dp.empty() ? 0 : 1));
  size_t attribute = 0;
  for (const auto& [id, value] : {std::pair<std::string_view, std::string_view>{"400", package},
                                  std::pair<std::string_view, std::string_view>{"404", dp}}) {
    if (value.empty()) continue;
    scratch += kAttributeIds[attribute];
    scratch += id;
    scratch += kAttributeValues[attribute];
    scratch += value;
    scratch += '"';
    ++attribute;
  }
  return text.ends_with(scratch);
}

}  // namespace

void check_statmsg_lines(const History& history, Violations& violations) {
  const auto& records = history.records();
  std::optional<size_t> pending;  // a status message whose line has not come yet
  std::string scratch;
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
    const int64_t thread = number_field(record, "thread").value_or(-1);
    if (agrees_at_a_glance(message, text, thread, scratch)) continue;
    std::string why;
    const std::optional<StatmsgLine> line = parse_statmsg(text, why);
    const std::string problem =
        line ? difference(message, *line, thread) : fmt::format("it cannot be read: {}", why);
    if (problem.empty()) continue;
    report(record.t_us,
           fmt::format("the STATMSG line of status message {} of {} at {} says {}",
                       number_field(message, "id").value_or(0), text_field(message, "package"),
                       clock_text(record.t_us), problem));
  }
  if (pending) unlogged(*pending);
}

}  // namespace distsim::sim::invariant_detail
