// Distmgr.log formats: the SMS 2.0 trailer, the numeric $$ form, CMTrace, and STATMSG lines.
#include "model/distmgr_log.h"

#include <array>
#include <catch2/catch.hpp>

namespace distsim::model {
namespace {

TEST_CASE("virtual time zero is Thursday 16 November 2000, 08:00 local time by default", "[log]") {
  // Goal: the site clock's documented default and the civil-date arithmetic across a year end.
  const SiteClock clock;
  const CivilTime start = local_time(clock, 0);
  CHECK(start.year == 2000);
  CHECK(start.month == 11);
  CHECK(start.day == 16);
  CHECK(start.weekday == 4);
  CHECK(start.hour == 8);
  const CivilTime later = local_time(clock, 46 * kMicrosecondsPerDay);  // 1 Jan 2001, a Monday
  CHECK(later.year == 2001);
  CHECK(later.month == 1);
  CHECK(later.day == 1);
  CHECK(later.weekday == 1);
}

TEST_CASE("a date is month/day/year with the year in four digits, zeros included", "[log]") {
  // Goal: "MM/DD/YYYY HH:MM:SS" whatever the year a model's clock starts in. Method: the fast
  // path (years from 0) for years of four, three and one digit, and the negative-year path.
  CivilTime time;
  time.month = 3;
  time.day = 7;
  time.hour = 9;
  time.minute = 5;
  time.second = 1;
  time.year = 2000;
  CHECK(month_day_year_text(time) == "03/07/2000 09:05:01");
  time.year = 999;
  CHECK(month_day_year_text(time) == "03/07/0999 09:05:01");
  time.year = 7;
  CHECK(month_day_year_text(time) == "03/07/0007 09:05:01");
  time.year = -7;
  CHECK(month_day_year_text(time) == "03/07/-007 09:05:01");
}

TEST_CASE(
    "every day from the year -400 to 2400 has the date and weekday a day-by-day calendar gives",
    "[log]") {
  // Goal: the log's civil dates (leap days, February, year ends, the 100- and 400-year rules),
  // both as a time after the clock's start and as the start itself. Method: an independent
  // count, one day at a time, with the month lengths of the Gregorian calendar; 1 Jan 2000 was
  // a Saturday.
  // From 1 Jan -400 (astronomical numbering: year 0 is 1 BC), the same weekday as 1 Jan 2000,
  // since 400 Gregorian years are a whole number of weeks: the dates before year 0 are computed
  // by branches of their own.
  SiteClock from_new_year;
  from_new_year.start_year = -400;
  from_new_year.start_month = 1;
  from_new_year.start_day = 1;
  from_new_year.start_hour = 0;
  CivilTime expected;
  expected.year = -400;
  expected.month = 1;
  expected.day = 1;
  expected.weekday = 6;
  const auto days_in = [](int32_t year, uint32_t month) -> uint32_t {
    constexpr std::array<uint32_t, 12> kLengths{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kLengths.at(month - 1);
  };
  const auto same_day = [](const CivilTime& a, const CivilTime& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day && a.weekday == b.weekday;
  };
  uint32_t mismatches = 0;
  for (int64_t offset = 0; expected.year < 2400; ++offset) {
    SiteClock from_that_day = from_new_year;
    from_that_day.start_year = expected.year;
    from_that_day.start_month = expected.month;
    from_that_day.start_day = expected.day;
    if (!same_day(local_time(from_new_year, offset * kMicrosecondsPerDay), expected) ||
        !same_day(local_time(from_that_day, 0), expected)) {
      if (++mismatches <= 3) {
        FAIL_CHECK("day " << offset << ": expected " << expected.year << "-" << expected.month
                          << "-" << expected.day);
      }
    }
    expected.weekday = (expected.weekday + 1) % 7;
    if (++expected.day > days_in(expected.year, expected.month)) {
      expected.day = 1;
      if (++expected.month > 12) {
        expected.month = 1;
        ++expected.year;
      }
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("an SMS 2.0 line ends with the component, the long local date and the thread", "[log]") {
  // Goal: the KB244405 layout: two spaces, $$<COMP><Ddd Mon D H:MM:SS.mmm YYYY Zone><thread=N
  // (0xN)>.
  const SiteClock clock;
  const std::string line =
      format_log_line(LogFormat::sms2, clock,
                      {"Start adding package S0100001...", 3'723'004'000, 297, LogSeverity::info});
  CHECK(line ==
        "Start adding package S0100001...  $$<SMS_DISTRIBUTION_MANAGER><Thu Nov 16 9:02:03.004 "
        "2000 Coordinated Universal Time><thread=297 (0x129)>");
}

TEST_CASE("the numeric and CMTrace formats carry the bias in minutes", "[log]") {
  // Goal: the two later formats, with a non-zero time-zone bias.
  SiteClock clock;
  clock.bias_minutes = 300;
  const LogEntry entry{"text", 0, 225, LogSeverity::error};
  CHECK(format_log_line(LogFormat::numeric, clock, entry) ==
        "text  $$<SMS_DISTRIBUTION_MANAGER><11-16-2000 08:00:00.000+300><thread=225 (0xE1)>");
  CHECK(format_log_line(LogFormat::cmtrace, clock, entry) ==
        "<![LOG[text]LOG]!><time=\"08:00:00.000+300\" date=\"11-16-2000\" "
        "component=\"SMS_DISTRIBUTION_MANAGER\" context=\"\" type=\"3\" thread=\"225\" file=\"\">");
}

TEST_CASE("a STATMSG line lists ten insertion strings and the package attribute 400", "[log]") {
  // Goal: the SMS 2.0 STATMSG layout (KB303279) with GMTDATE in UTC.
  SiteClock clock;
  clock.bias_minutes = 60;
  const StatusMessage message =
      make_status_message(2300, {"Office", "S0100001"}, "S0100001", "", 0);
  const std::string text = statmsg_text(message, clock, {"SMSSRV01", "S01", 1234, 297});
  CHECK(text.rfind("STATMSG: ID=2300 SEV=I LEV=M SOURCE=\"SMS Server\" "
                   "COMP=\"SMS_DISTRIBUTION_MANAGER\" SYS=SMSSRV01 SITE=S01 PID=1234 TID=297 "
                   "GMTDATE=Thu Nov 16 09:00:00.000 2000 ISTR0=\"Office\" ISTR1=\"S0100001\" "
                   "ISTR2=\"\"",
                   0) == 0);
  CHECK(text.find("ISTR9=\"\" NUMATTRS=1 AID0=400 AVAL0=\"S0100001\"") != std::string::npos);
}

TEST_CASE("GMTDATE pads a day below ten to two digits while the SMS 2.0 trailer does not",
          "[log]") {
  // Goal: the two date forms of one logged STATMSG from an SMS 2.0 site in Central Standard
  // Time: "GMTDATE=Wed Jul 04 14:46:43.146 2001" beside the trailer's "<Wed Jul 4 9:46:43.146
  // 2001 Central Standard Time>".
  SiteClock clock;
  clock.start_year = 2001;
  clock.start_month = 7;
  clock.start_day = 4;
  clock.start_hour = 9;
  clock.bias_minutes = 300;
  clock.time_zone_name = "Central Standard Time";
  const TimeUs at_us = 46 * kMicrosecondsPerMinute + 43'146'000;
  StatusMessage message = make_status_message(2300, {"Office", "S0100001"}, "S0100001", "", 0);
  message.t_us = at_us;
  const std::string text = statmsg_text(message, clock, {"XSERVER01", "OFF", 2120, 1028});
  CHECK(text.find(" TID=1028 GMTDATE=Wed Jul 04 14:46:43.146 2001 ISTR0=") != std::string::npos);
  const std::string line =
      format_log_line(LogFormat::sms2, clock, {text, at_us, 1028, LogSeverity::info});
  CHECK(
      line.ends_with("$$<SMS_DISTRIBUTION_MANAGER><Wed Jul 4 9:46:43.146 2001 Central Standard "
                     "Time><thread=1028 (0x404)>"));
}

TEST_CASE("the last microsecond of a day before 1970 is still that day", "[log]") {
  // Goal: times before the epoch round down to their day, not up to the next one. Method: a
  // clock that starts on 31 December 1969, read one microsecond before its midnight, and two
  // days earlier still.
  SiteClock clock;
  clock.start_year = 1969;
  clock.start_month = 12;
  clock.start_day = 31;
  clock.start_hour = 0;
  const CivilTime last = utc_time(clock, kMicrosecondsPerDay - 1);
  CHECK(last.year == 1969);
  CHECK(last.month == 12);
  CHECK(last.day == 31);
  CHECK(last.hour == 23);
  CHECK(last.minute == 59);
  CHECK(last.second == 59);
  CHECK(last.millisecond == 999);
  const CivilTime earlier = utc_time(clock, -kMicrosecondsPerDay - 1);
  CHECK(earlier.day == 29);
  CHECK(earlier.hour == 23);
}

TEST_CASE("a STATMSG line naming paths longer than its stack buffer is written whole", "[log]") {
  // Goal: a line whose longest form does not fit the inline buffer (scenario paths may be
  // thousands of characters long) keeps every byte, in order.
  const std::string from = "C:\\" + std::string(1500, 's');
  const std::string to = "\\\\DP01\\SMSPKGD$\\" + std::string(1500, 'd');
  const StatusMessage message = make_status_message(2328, {"Office", from, to}, "S0100001", "", 0);
  const std::string text = statmsg_text(message, SiteClock{}, {"SMSSRV01", "S01", 1234, 297});
  CHECK(text.rfind("STATMSG: ID=2328 SEV=W ", 0) == 0);
  CHECK(text.find(" ISTR1=\"" + from + "\" ISTR2=\"" + to + "\" ISTR3=\"\"") != std::string::npos);
  CHECK(text.ends_with("ISTR9=\"\" NUMATTRS=1 AID0=400 AVAL0=\"S0100001\""));
}

TEST_CASE("status message 2302 names the package, the error and the retry count", "[status]") {
  // Goal: the KB319207 sentence plus the project-defined retry information.
  const StatusMessage message = make_status_message(
      2302, {"Office", "S0100001", "32", "1", "11/16/2000 10:00:00"}, "S0100001", "", 0);
  CHECK(message.severity == Severity::error);
  CHECK(message.text ==
        "SMS Distribution Manager failed to process package \"Office\" (package ID = S0100001). "
        "Win32 error 32; retries so far: 1; next retry: 11/16/2000 10:00:00.");
}

}  // namespace
}  // namespace distsim::model
