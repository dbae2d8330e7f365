// Profile names and the defaults each era's Distribution Manager starts from.
#include "model/site_config.h"

#include <array>
#include <utility>

#include "model/assert.h"

namespace distsim::model {
namespace {

constexpr std::array<std::pair<Profile, std::string_view>, 3> kProfileNames{{
    {Profile::sms2, "sms2"},
    {Profile::configmgr2007, "configmgr2007"},
    {Profile::configmgr2012, "configmgr2012"},
}};

}  // namespace

std::string_view profile_name(Profile profile) {
  for (const auto& [value, name] : kProfileNames) {
    if (value == profile) return name;
  }
  DISTSIM_ASSERT(false);
}

SiteConfig profile_defaults(Profile profile) {
  SiteConfig config;
  config.profile = profile;
  config.max_packages = 3;  // SMS 2003 "3 allowed processing threads" (BLOG-2003); CM-THREADS
  config.threads_per_package = 5;  // CM-THREADS; for sms2 an assumption (no SMS 2.0 source)
  if (profile == Profile::sms2) {
    // KB319207: retried at least hourly; no cap is documented (KB202063 "endless retry").
    config.retry_unit = RetryUnit::package;
    config.retry.retry_count_max = std::nullopt;
    config.retry.delay_us = 60 * kMicrosecondsPerMinute;
    config.log_format = LogFormat::sms2;
    config.retry_on_wake = true;
    config.update_deletes_dp_folder = true;
    config.streams_fail_compression = true;
    return config;
  }
  // CM07-DP: Number of retries 100, Delay before retrying 30 minutes, per distribution attempt.
  config.retry_unit = RetryUnit::distribution_point;
  config.retry.retry_count_max = 100;
  config.retry.delay_us = 30 * kMicrosecondsPerMinute;
  config.log_format = profile == Profile::configmgr2007 ? LogFormat::numeric : LogFormat::cmtrace;
  return config;
}

}  // namespace distsim::model
