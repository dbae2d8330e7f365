// Attempts and retries per package from the run's pass records (package_attempts.h defines them).
#include "sim/world/package_attempts.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace distsim::sim {

namespace {

// The attempts one pass record adds to its package.
uint64_t attempts_in(const RunResult& run, const PassRecord& pass) {
  if (run.site.retry_unit == model::RetryUnit::package) {
    return pass.dp_retries ? 0 : 1;  // sms2 has no DP retries; never an attempt there
  }
  return pass.dp_retries ? pass.dp_copies.size() : std::max<uint64_t>(pass.dp_copies.size(), 1);
}

PackageAttempts with_retries(uint64_t attempts) {
  return {attempts, attempts == 0 ? 0 : attempts - 1};
}

}  // namespace

std::map<std::string, PackageAttempts, std::less<>> attempts_by_package(const RunResult& run) {
  std::map<std::string, uint64_t, std::less<>> attempts;
  for (const model::PackageStatus& package : run.packages) attempts[package.id];
  for (const PassRecord& pass : run.passes) attempts[pass.package_id] += attempts_in(run, pass);
  std::map<std::string, PackageAttempts, std::less<>> by_package;
  for (const auto& [package, count] : attempts) by_package.emplace(package, with_retries(count));
  return by_package;
}

PackageAttempts package_attempts(const RunResult& run, std::string_view package_id) {
  uint64_t attempts = 0;
  for (const PassRecord& pass : run.passes) {
    if (pass.package_id == package_id) attempts += attempts_in(run, pass);
  }
  return with_retries(attempts);
}

std::optional<TimeUs> attempts_passed_at(const RunResult& run, std::string_view package_id,
                                         uint64_t count) {
  // When each attempt began: a pass's start (sms2, or a per-DP pass that copied to no DP), else
  // each DP copy's own start, which in a span of DP retries may come long after the span's.
  std::vector<TimeUs> starts;
  for (const PassRecord& pass : run.passes) {
    if (pass.package_id != package_id) continue;
    const uint64_t added = attempts_in(run, pass);
    if (run.site.retry_unit == model::RetryUnit::package || pass.dp_copies.empty()) {
      starts.insert(starts.end(), added, pass.start_us);
    } else {
      for (const PassRecord::DpCopy& copy : pass.dp_copies) starts.push_back(copy.start_us);
    }
  }
  if (starts.size() <= count) return std::nullopt;
  std::nth_element(starts.begin(), starts.begin() + static_cast<std::ptrdiff_t>(count),
                   starts.end());
  return starts[count];
}

}  // namespace distsim::sim
