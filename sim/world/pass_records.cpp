// Pass records from the manager's reports and the VFS's refusals (pass_records.h).
#include "sim/world/pass_records.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "model/assert.h"
#include "sim/core/limits.h"

namespace distsim::sim {

PassRecord& PassRecorder::running(std::string_view package_id) {
  for (auto pass = passes_.rbegin(); pass != passes_.rend(); ++pass) {
    if (pass->package_id == package_id && !pass->end_us) return *pass;
  }
  // Copies, their ends, disconnects and pass ends all happen within a pass the manager began.
  DISTSIM_ASSERT(false);
  return passes_.back();
}

void PassRecorder::started(const model::PassStartReport& report, model::TimeUs now_us) {
  PassRecord& pass = passes_.emplace_back();
  pass.package_id = report.package_id;
  pass.attempt = report.attempt;
  pass.dp_retries = report.dp_retries;
  pass.start_us = now_us;
}

void PassRecorder::copy_started(const model::DpCopyStartReport& report, model::TimeUs now_us) {
  PassRecord::DpCopy& copy = running(report.package_id).dp_copies.emplace_back();
  copy.dp = report.dp_name;
  copy.start_us = now_us;
}

void PassRecorder::copy_ended(const model::DpCopyEndReport& report, model::TimeUs now_us) {
  std::vector<PassRecord::DpCopy>& copies = running(report.package_id).dp_copies;
  const auto copy = std::find_if(copies.rbegin(), copies.rend(), [&](const auto& started) {
    return started.dp == report.dp_name && !started.end_us;
  });
  DISTSIM_ASSERT(copy != copies.rend());  // it was reported as started
  copy->end_us = now_us;
  copy->error = report.error;
  copy->failed_path = report.failed_path;
  copy->superseded = report.superseded;
  if (report.error == Win32Error::ok) return;
  const Refusal* refusal = refusals_.on(report.failed_path, report.error, copy->start_us);
  if (refusal == nullptr) return;
  // A run may fail millions of copies: each keeps a few of its culprits and counts the rest.
  const size_t kept = std::min<size_t>(refusal->culprits.size(), kCopyCulpritsKeptMax);
  copy->refusal = Refusal{
      refusal->t_us,
      refusal->operation,
      refusal->path,
      refusal->error,
      {refusal->culprits.begin(), refusal->culprits.begin() + static_cast<std::ptrdiff_t>(kept)},
      static_cast<uint32_t>(refusal->culprits.size() - kept)};
}

void PassRecorder::copy_superseded(const model::DpCopySupersededReport& report) {
  std::vector<PassRecord::DpCopy>& copies = running(report.package_id).dp_copies;
  const auto copy = std::find_if(copies.rbegin(), copies.rend(),
                                 [&](const auto& started) { return started.dp == report.dp_name; });
  // Only a copy of this pass that ended with an error is superseded after its end.
  DISTSIM_ASSERT(copy != copies.rend() && copy->end_us && copy->error != Win32Error::ok);
  copy->superseded = true;
}

PassRecord& PassRecorder::ended(const model::PassEndReport& report, model::TimeUs now_us) {
  PassRecord& pass = running(report.package_id);
  pass.end_us = now_us;
  pass.result = report.result;
  pass.error = report.error;
  if (report.names_next_retry) pass.next_retry_us = report.next_retry_us;
  if (report.error == Win32Error::ok) return pass;
  // A pass a copy's failure ended names that copy's refusal (none rather than another DP's),
  // with every culprit while the log still has it. A failure no copy made (reading the source,
  // the package store) is the package's latest refusal with that error.
  if (!report.failed_dp.empty()) {
    const auto copy =
        std::find_if(pass.dp_copies.begin(), pass.dp_copies.end(), [&](const auto& c) {
          return c.dp == report.failed_dp && c.error == report.error && c.refusal;
        });
    if (copy == pass.dp_copies.end()) return pass;
    const Refusal* whole = refusals_.same_as(*copy->refusal);
    pass.refusal = whole != nullptr ? *whole : *copy->refusal;
    return pass;
  }
  const Refusal* refusal = refusals_.behind(report.package_id, report.error, pass.start_us, now_us);
  if (refusal != nullptr) pass.refusal = *refusal;
  return pass;
}

void PassRecorder::interrupt_running(model::TimeUs now_us) {
  for (PassRecord& pass : passes_) {
    if (pass.end_us) continue;
    pass.end_us = now_us;
    pass.result = model::PassResult::interrupted;
  }
}

void PassRecorder::retry_scheduled(const model::RetryScheduledReport& report) {
  // The attempt table shows the retry as decided; the next attempt's line shows when it ran.
  // Several DPs failing in one pass each get a retry: the pass shows the earliest, as its 2302
  // does. A retry pulled forward was decided before.
  if (report.pulled_forward) return;
  for (auto pass = passes_.rbegin(); pass != passes_.rend(); ++pass) {
    if (pass->package_id != report.package_id) continue;
    const bool earlier_dp_retry =
        !report.dp_name.empty() && pass->next_retry_us && *pass->next_retry_us < report.at_us;
    if (!earlier_dp_retry) pass->next_retry_us = report.at_us;
    return;
  }
}

void PassRecorder::user_disconnected(std::string_view package_id,
                                     PassRecord::DisconnectedUser user) {
  running(package_id).disconnected.push_back(std::move(user));
}

}  // namespace distsim::sim
