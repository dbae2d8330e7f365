// The Distmgr.log texts whose wording depends on the era: ConfigMgr 2012 and later words them as
// the CM-ACTIONS walkthrough shows; sms2 and configmgr2007 keep the SMS 2.0 / SMS 2003 texts of
// KB Q244405 and BLOG-2003. Texts the sources do not give are distsim's own (model/README.md
// marks them). Internal to model/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/site_config.h"

namespace distsim::model {

// True for the profiles whose Distmgr.log follows CM-ACTIONS.
[[nodiscard]] inline bool uses_cm2012_texts(Profile profile) {
  return profile == Profile::configmgr2012;
}

// Main thread, when a notification arrives. cm2012: "Found package properties updated
// notification for package 'X'"; otherwise distsim's own "~Found package notification ...".
[[nodiscard]] std::string notification_text(Profile profile, std::string_view package_id);
// Main thread, before a processing thread starts. cm2012: "~Currently using N out of M allowed
// package processing threads."; otherwise "~Used N out of M allowed processing threads.".
[[nodiscard]] std::string threads_in_use_text(Profile profile, uint32_t used, uint32_t allowed);
// Main thread. cm2012: "~Started package processing thread for package 'X', thread ID = 0x129
// (297)"; otherwise "~Starting package processing thread,thread ID = 129" (hex without 0x).
[[nodiscard]] std::string thread_started_text(Profile profile, std::string_view package_id,
                                              uint32_t thread_id);
// Processing thread. "Start adding package X..."; cm2012 after an update "Start updating the
// package X...".
[[nodiscard]] std::string start_text(Profile profile, std::string_view package_id, bool update);
// Processing thread, after listing the source. cm2012: "The size of package X, version N is K
// KBytes"; otherwise "The size of package X is K KBytes".
[[nodiscard]] std::string size_text(Profile profile, std::string_view package_id, uint32_t version,
                                    uint64_t kbytes);
// The DP attempt line: cm2012 "DP Thread: Attempting to add or update package X on distribution
// point S" (CM-ACTIONS names the DP by its NAL path, distsim by its share); otherwise distsim's
// own "~Attempting to add or update package X on distribution point S".
[[nodiscard]] std::string dp_attempt_text(Profile profile, std::string_view package_id,
                                          std::string_view dp_share);

}  // namespace distsim::model
