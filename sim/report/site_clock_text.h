// Virtual time as the site clock shows it in Distmgr.log: the report prints it beside virtual
// time so that a moment on the timeline can be found in the log.
#pragma once

#include <string>

#include "model/site_config.h"
#include "model/time.h"

namespace distsim::sim {

// The moment as the log line trailer of the site's log format writes it, without the zone:
// "Thu Nov 16 8:01:00.120 2000" (sms2), "11-16-2000 08:01:00.120+000" (numeric and cmtrace).
[[nodiscard]] std::string site_clock_text(const model::SiteConfig& site, model::TimeUs t_us);

// The time of day alone, in the same style ("8:01", "8:01:30", "8:01:30.120" for sms2; with a
// leading zero otherwise), to the precision a tick step of `step_us` needs.
[[nodiscard]] std::string site_time_of_day(const model::SiteConfig& site, model::TimeUs t_us,
                                           model::TimeUs step_us);

// Virtual time with the site clock beside it, for tooltips and tables:
// "01:00:00.120 (Thu Nov 16 9:00:00.120 2000)".
[[nodiscard]] std::string moment_text(const model::SiteConfig& site, model::TimeUs t_us);

// The date alone: "Thu Nov 16 2000" (sms2), "11-16-2000" (numeric and cmtrace).
[[nodiscard]] std::string site_date_text(const model::SiteConfig& site, model::TimeUs t_us);

}  // namespace distsim::sim
