// Formats the site clock with model::local_time, in the layouts of model/distmgr_log.cpp (the
// sms2 trailer has no leading zero on the hour; the numeric and CMTrace forms do, with the bias).
#include "sim/report/site_clock_text.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

#include "model/assert.h"
#include "model/distmgr_log.h"
#include "sim/check/expectations.h"

namespace distsim::sim {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays{"Sun", "Mon", "Tue", "Wed",
                                                    "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string bias_text(int32_t bias_minutes) {
  return fmt::format("{}{:03}", bias_minutes < 0 ? '-' : '+',
                     bias_minutes < 0 ? -bias_minutes : bias_minutes);
}

}  // namespace

std::string site_clock_text(const model::SiteConfig& site, model::TimeUs t_us) {
  const model::CivilTime local = model::local_time(site.clock, t_us);
  if (site.log_format == model::LogFormat::sms2) {
    return fmt::format("{} {} {} {}:{:02}:{:02}.{:03} {}", kWeekdays.at(local.weekday),
                       kMonths.at(local.month - 1), local.day, local.hour, local.minute,
                       local.second, local.millisecond, local.year);
  }
  return fmt::format("{:02}-{:02}-{:04} {:02}:{:02}:{:02}.{:03}{}", local.month, local.day,
                     local.year, local.hour, local.minute, local.second, local.millisecond,
                     bias_text(site.clock.bias_minutes));
}

std::string moment_text(const model::SiteConfig& site, model::TimeUs t_us) {
  return fmt::format("{} ({})", clock_text(t_us), site_clock_text(site, t_us));
}

std::string site_time_of_day(const model::SiteConfig& site, model::TimeUs t_us,
                             model::TimeUs step_us) {
  DISTSIM_ASSERT(step_us > 0);
  const model::CivilTime local = model::local_time(site.clock, t_us);
  std::string text = site.log_format == model::LogFormat::sms2
                         ? fmt::format("{}:{:02}", local.hour, local.minute)
                         : fmt::format("{:02}:{:02}", local.hour, local.minute);
  if (step_us % model::kMicrosecondsPerMinute == 0) return text;
  text += fmt::format(":{:02}", local.second);
  if (step_us % model::kMicrosecondsPerSecond == 0) return text;
  return text + fmt::format(".{:03}", local.millisecond);
}

std::string site_date_text(const model::SiteConfig& site, model::TimeUs t_us) {
  const model::CivilTime local = model::local_time(site.clock, t_us);
  if (site.log_format == model::LogFormat::sms2) {
    return fmt::format("{} {} {} {}", kWeekdays.at(local.weekday), kMonths.at(local.month - 1),
                       local.day, local.year);
  }
  return fmt::format("{:02}-{:02}-{:04}", local.month, local.day, local.year);
}

}  // namespace distsim::sim
