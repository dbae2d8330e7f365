// Era-dependent Distmgr.log wording (facts: KB Q244405 and BLOG-2003 for SMS, CM-ACTIONS for
// ConfigMgr 2012 and later).
#include "model/manager_log_text.h"

#include <fmt/format.h>

namespace distsim::model {

std::string notification_text(Profile profile, std::string_view package_id) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format("Found package properties updated notification for package '{}'",
                       package_id);
  }
  return fmt::format("~Found package notification for package {}.", package_id);
}

std::string threads_in_use_text(Profile profile, uint32_t used, uint32_t allowed) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format("~Currently using {} out of {} allowed package processing threads.", used,
                       allowed);
  }
  return fmt::format("~Used {} out of {} allowed processing threads.", used, allowed);
}

std::string thread_started_text(Profile profile, std::string_view package_id, uint32_t thread_id) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format(
        "~Started package processing thread for package '{}', thread ID = 0x{:X} ({})", package_id,
        thread_id, thread_id);
  }
  return fmt::format("~Starting package processing thread,thread ID = {:X}", thread_id);
}

std::string start_text(Profile profile, std::string_view package_id, bool update) {
  if (uses_cm2012_texts(profile) && update) {
    return fmt::format("Start updating the package {}...", package_id);
  }
  return fmt::format("Start adding package {}...", package_id);
}

std::string size_text(Profile profile, std::string_view package_id, uint32_t version,
                      uint64_t kbytes) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format("The size of package {}, version {} is {} KBytes", package_id, version,
                       kbytes);
  }
  return fmt::format("The size of package {} is {} KBytes", package_id, kbytes);
}

std::string dp_attempt_text(Profile profile, std::string_view package_id,
                            std::string_view dp_share) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format("DP Thread: Attempting to add or update package {} on distribution point {}",
                       package_id, dp_share);
  }
  return fmt::format("~Attempting to add or update package {} on distribution point {}", package_id,
                     dp_share);
}

}  // namespace distsim::model
