// Formats Distmgr.log lines and STATMSG lines; converts virtual time to civil dates with the
// days-from-civil algorithm (proleptic Gregorian calendar, no time library involved).
#include "model/distmgr_log.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "model/assert.h"
#include "model/copy_bytes.h"

namespace distsim::model {
namespace {

constexpr std::array<std::string_view, 7> kWeekdayNames{"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonthNames{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t days_from_civil(int64_t year, uint32_t month, uint32_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<uint32_t>(year - era * 400);
  const uint32_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const uint32_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

CivilTime civil_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<uint32_t>(days - era * 146097);
  const uint32_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const uint32_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const uint32_t month_index = (5 * day_of_year + 2) / 153;
  CivilTime civil;
  civil.day = day_of_year - (153 * month_index + 2) / 5 + 1;
  civil.month = month_index < 10 ? month_index + 3 : month_index - 9;
  civil.year = static_cast<int32_t>(static_cast<int64_t>(year_of_era) + era * 400 +
                                    (civil.month <= 2 ? 1 : 0));
  return civil;
}

CivilTime civil_at(const SiteClock& clock, TimeUs offset_us) {
  DISTSIM_ASSERT(clock.start_month >= 1 && clock.start_month <= 12);
  const int64_t start_days = days_from_civil(clock.start_year, clock.start_month, clock.start_day);
  const TimeUs start_us = start_days * kMicrosecondsPerDay +
                          static_cast<TimeUs>(clock.start_hour) * kMicrosecondsPerHour;
  const TimeUs absolute_us = start_us + offset_us;
  const int64_t days = absolute_us >= 0
                           ? absolute_us / kMicrosecondsPerDay
                           : (absolute_us - kMicrosecondsPerDay + 1) / kMicrosecondsPerDay;
  const TimeUs within_day_us = absolute_us - days * kMicrosecondsPerDay;
  DISTSIM_ASSERT(within_day_us >= 0 && within_day_us < kMicrosecondsPerDay);
  CivilTime civil = civil_from_days(days);
  civil.hour = static_cast<uint32_t>(within_day_us / kMicrosecondsPerHour);
  civil.minute = static_cast<uint32_t>(within_day_us / kMicrosecondsPerMinute % 60);
  civil.second = static_cast<uint32_t>(within_day_us / kMicrosecondsPerSecond % 60);
  civil.millisecond = static_cast<uint32_t>(within_day_us / kMicrosecondsPerMillisecond % 1000);
  civil.weekday = static_cast<uint32_t>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  return civil;
}

std::string_view weekday_name(const CivilTime& civil) { return kWeekdayNames.at(civil.weekday); }
std::string_view month_name(const CivilTime& civil) { return kMonthNames.at(civil.month - 1); }

// "+000" / "-060": CMTrace writes the bias in minutes with an explicit sign.
std::string bias_text(int32_t bias_minutes) {
  return fmt::format(FMT_COMPILE("{}{:03}"), bias_minutes < 0 ? '-' : '+',
                     bias_minutes < 0 ? -bias_minutes : bias_minutes);
}

int cmtrace_type(LogSeverity severity) {
  switch (severity) {
    case LogSeverity::info:
      return 1;
    case LogSeverity::warning:
      return 2;
    case LogSeverity::error:
      return 3;
  }
  DISTSIM_ASSERT(false);
}

// Text written into storage sized up front for its longest form: every status message of a run
// becomes a STATMSG line, and a growing string's check per appended character cost more than
// the text itself. It offers the two std::string members the append_ functions below use. The
// storage is on the stack when the longest form fits (every line but those naming very long
// paths), so that the finished text is the line's one allocation, of its own size: a run keeps
// every line.
class FixedLine {
 public:
  explicit FixedLine(size_t capacity) {
    if (capacity > inline_.size()) {
      heap_.resize(capacity);
      begin_ = heap_.data();
    }
    at_ = begin_;
    end_ = begin_ + capacity;
  }
  FixedLine(const FixedLine&) = delete;
  FixedLine& operator=(const FixedLine&) = delete;
  void push_back(char c) {
    DISTSIM_ASSERT(at_ < end_);
    *at_++ = c;
  }
  void append(std::string_view piece) {
    DISTSIM_ASSERT(piece.size() <= static_cast<size_t>(end_ - at_));
    copy_bytes(at_, piece.data(), piece.size());
    at_ += piece.size();
  }
  [[nodiscard]] std::string finish() && { return std::string(begin_, at_); }

 private:
  // Left uninitialised: only what is appended is ever read.
  std::array<char, 1024> inline_;
  std::string heap_;  // the storage when the longest form does not fit inline_
  char* begin_ = inline_.data();
  char* at_ = nullptr;
  char* end_ = nullptr;
};

// Appends `value` in decimal, zero-padded to at least `width` digits (fmt's "{:0N}").
// Written from the last digit back, zeros included, and appended once: a STATMSG line has ten
// numbers, mostly of one to four digits, where a general conversion costs more than the digits.
template <typename Out>
void append_decimal(Out& out, uint64_t value, size_t width = 0) {
  constexpr size_t kDigitsMax = 20;  // the digits of the largest uint64_t
  DISTSIM_ASSERT(width <= kDigitsMax);
  std::array<char, kDigitsMax> digits;
  char* const end = digits.data() + digits.size();
  char* first = end;
  do {
    *--first = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (static_cast<size_t>(end - first) < width) *--first = '0';
  out.append(std::string_view(first, static_cast<size_t>(end - first)));
}

// "08:00:00".
template <typename Out>
void append_hours_minutes_seconds(Out& out, const CivilTime& time) {
  append_decimal(out, time.hour, 2);
  out.push_back(':');
  append_decimal(out, time.minute, 2);
  out.push_back(':');
  append_decimal(out, time.second, 2);
}

// "Thu Nov 16 08:00:00.000 2000", the GMTDATE of a STATMSG line.
template <typename Out>
void append_civil_time(Out& out, const CivilTime& time) {
  out.append(weekday_name(time));
  out.push_back(' ');
  out.append(month_name(time));
  out.push_back(' ');
  append_decimal(out, time.day, 2);
  out.push_back(' ');
  append_hours_minutes_seconds(out, time);
  out.push_back('.');
  append_decimal(out, time.millisecond, 3);
  out.push_back(' ');
  if (time.year < 0) out.push_back('-');
  append_decimal(out, static_cast<uint64_t>(time.year < 0 ? -static_cast<int64_t>(time.year)
                                                          : static_cast<int64_t>(time.year)));
}

}  // namespace

std::string month_day_year_text(const CivilTime& time) {
  if (time.year < 0) {
    return fmt::format(FMT_COMPILE("{:02}/{:02}/{:04} {:02}:{:02}:{:02}"), time.month, time.day,
                       time.year, time.hour, time.minute, time.second);
  }
  std::string out;
  out.reserve(19);
  append_decimal(out, time.month, 2);
  out.push_back('/');
  append_decimal(out, time.day, 2);
  out.push_back('/');
  append_decimal(out, static_cast<uint64_t>(time.year), 4);
  out.push_back(' ');
  append_hours_minutes_seconds(out, time);
  return out;
}

CivilTime local_time(const SiteClock& clock, TimeUs t_us) { return civil_at(clock, t_us); }

CivilTime utc_time(const SiteClock& clock, TimeUs t_us) {
  return civil_at(clock, t_us + static_cast<TimeUs>(clock.bias_minutes) * kMicrosecondsPerMinute);
}

std::string format_log_line(LogFormat format, const SiteClock& clock, const LogEntry& entry) {
  const CivilTime local = local_time(clock, entry.t_us);
  switch (format) {
    case LogFormat::sms2:
      // KB244405 / KB303279: day and hour without leading zeros in the trailer.
      return fmt::format(
          FMT_COMPILE("{}  $$<{}><{} {} {} {}:{:02}:{:02}.{:03} {} {}><thread={} (0x{:X})>"),
          entry.text, kDistributionManagerComponent, weekday_name(local), month_name(local),
          local.day, local.hour, local.minute, local.second, local.millisecond, local.year,
          clock.time_zone_name, entry.thread_id, entry.thread_id);
    case LogFormat::numeric:
      return fmt::format(
          FMT_COMPILE(
              "{}  $$<{}><{:02}-{:02}-{:04} {:02}:{:02}:{:02}.{:03}{}><thread={} (0x{:X})>"),
          entry.text, kDistributionManagerComponent, local.month, local.day, local.year, local.hour,
          local.minute, local.second, local.millisecond, bias_text(clock.bias_minutes),
          entry.thread_id, entry.thread_id);
    case LogFormat::cmtrace:
      return fmt::format(
          FMT_COMPILE(
              "<![LOG[{}]LOG]!><time=\"{:02}:{:02}:{:02}.{:03}{}\" date=\"{:02}-{:02}-{:04}\" "
              "component=\"{}\" context=\"\" type=\"{}\" thread=\"{}\" file=\"\">"),
          entry.text, local.hour, local.minute, local.second, local.millisecond,
          bias_text(clock.bias_minutes), local.month, local.day, local.year,
          kDistributionManagerComponent, cmtrace_type(entry.severity), entry.thread_id);
  }
  DISTSIM_ASSERT(false);
}

std::string statmsg_text(const StatusMessage& message, const SiteClock& clock,
                         const StatmsgContext& context) {
  const CivilTime gmt = utc_time(clock, message.t_us);
  // Appended piece by piece into one buffer: every status message of a run is formatted here,
  // and a format string parsed at run time cost more than the rest of raising the message. The
  // fixed text, the numbers and the date take under 400 characters.
  constexpr size_t kFixedPartsMax = 400;
  size_t capacity = kFixedPartsMax + message.component.size() + context.server_name.size() +
                    context.site_code.size() + message.package_id.size() + message.dp_name.size();
  for (const std::string& insertion : message.insertion_strings) capacity += insertion.size();
  FixedLine text(capacity);
  text.append("STATMSG: ID=");
  append_decimal(text, message.id);
  text.append(" SEV=");
  text.push_back(severity_letter(message.severity));
  text.append(" LEV=M SOURCE=\"SMS Server\" COMP=\"");
  text.append(message.component);
  text.append("\" SYS=");
  text.append(context.server_name);
  text.append(" SITE=");
  text.append(context.site_code);
  text.append(" PID=");
  append_decimal(text, context.process_id);
  text.append(" TID=");
  append_decimal(text, context.thread_id);
  text.append(" GMTDATE=");
  append_civil_time(text, gmt);
  // Every message has all ten insertion strings, empty beyond those given; the empty ones are
  // appended at once, as the end of a line where all ten are empty.
  static constexpr std::string_view kEmptyInsertions =
      R"( ISTR0="" ISTR1="" ISTR2="" ISTR3="" ISTR4="")"
      R"( ISTR5="" ISTR6="" ISTR7="" ISTR8="" ISTR9="")";
  constexpr size_t kEmptyInsertionSize = kEmptyInsertions.size() / 10;  // ` ISTRn=""`
  static_assert(kEmptyInsertions.size() == 10 * kEmptyInsertionSize);
  const size_t given = message.insertion_strings.size();
  DISTSIM_ASSERT(given <= 10);
  for (size_t index = 0; index < given; ++index) {
    const std::string_view empty =
        kEmptyInsertions.substr(index * kEmptyInsertionSize, kEmptyInsertionSize);
    text.append(empty.substr(0, kEmptyInsertionSize - 1));  // ` ISTRn="`
    text.append(message.insertion_strings[index]);
    text.push_back('"');
  }
  text.append(kEmptyInsertions.substr(given * kEmptyInsertionSize));
  const int attribute_count =
      (message.package_id.empty() ? 0 : 1) + (message.dp_name.empty() ? 0 : 1);
  text.append(" NUMATTRS=");
  append_decimal(text, static_cast<uint64_t>(attribute_count));
  uint64_t attribute_index = 0;
  const auto append_attribute = [&](std::string_view id, std::string_view value) {
    text.append(" AID");
    append_decimal(text, attribute_index);
    text.push_back('=');
    text.append(id);
    text.append(" AVAL");
    append_decimal(text, attribute_index);
    text.append("=\"");
    text.append(value);
    text.push_back('"');
    ++attribute_index;
  };
  if (!message.package_id.empty()) append_attribute("400", message.package_id);
  if (!message.dp_name.empty()) append_attribute("404", message.dp_name);
  return std::move(text).finish();
}

}  // namespace distsim::model
