// Era-dependent Distmgr.log wording (facts: KB Q244405 and BLOG-2003 for SMS, CM-ACTIONS for
// ConfigMgr 2012 and later).
#include "model/manager_log_text.h"

#include <fmt/compile.h>
#include <fmt/format.h>

namespace distsim::model {

std::string notification_text(Profile profile, std::string_view package_id) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format(
        FMT_COMPILE("Found package properties updated notification for package '{}'"), package_id);
  }
  return fmt::format(FMT_COMPILE("~Found package notification for package {}."), package_id);
}

std::string threads_in_use_text(Profile profile, uint32_t used, uint32_t allowed) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format(
        FMT_COMPILE("~Currently using {} out of {} allowed package processing threads."), used,
        allowed);
  }
  return fmt::format(FMT_COMPILE("~Used {} out of {} allowed processing threads."), used, allowed);
}

std::string thread_started_text(Profile profile, std::string_view package_id, uint32_t thread_id) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format(
        FMT_COMPILE("~Started package processing thread for package '{}', thread ID = 0x{:X} ({})"),
        package_id, thread_id, thread_id);
  }
  return fmt::format(FMT_COMPILE("~Starting package processing thread,thread ID = {:X}"),
                     thread_id);
}

std::string start_text(Profile profile, std::string_view package_id, bool update) {
  if (uses_cm2012_texts(profile) && update) {
    return fmt::format(FMT_COMPILE("Start updating the package {}..."), package_id);
  }
  return fmt::format(FMT_COMPILE("Start adding package {}..."), package_id);
}

std::string size_text(Profile profile, std::string_view package_id, uint32_t version,
                      uint64_t kbytes) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format(FMT_COMPILE("The size of package {}, version {} is {} KBytes"), package_id,
                       version, kbytes);
  }
  return fmt::format(FMT_COMPILE("The size of package {} is {} KBytes"), package_id, kbytes);
}

std::string dp_attempt_text(Profile profile, std::string_view package_id,
                            std::string_view dp_share) {
  if (uses_cm2012_texts(profile)) {
    return fmt::format(
        FMT_COMPILE("DP Thread: Attempting to add or update package {} on distribution point {}"),
        package_id, dp_share);
  }
  return fmt::format(
      FMT_COMPILE("~Attempting to add or update package {} on distribution point {}"), package_id,
      dp_share);
}

}  // namespace distsim::model
