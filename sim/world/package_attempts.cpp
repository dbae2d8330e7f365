// Attempts and retries per package from the run's pass records (package_attempts.h defines them).
#include "sim/world/package_attempts.h"

namespace distsim::sim {

std::map<std::string, PackageAttempts, std::less<>> attempts_by_package(const RunResult& run) {
  std::map<std::string, PackageAttempts, std::less<>> by_package;
  for (const model::PackageStatus& package : run.packages) by_package[package.id];
  const bool per_dp = run.site.retry_unit == model::RetryUnit::distribution_point;
  std::map<std::string, uint64_t, std::less<>> processing_passes;
  for (const PassRecord& pass : run.passes) {
    PackageAttempts& counted = by_package[pass.package_id];
    if (!per_dp) {
      if (pass.dp_retries) continue;  // not produced under sms2; never an attempt there
      ++counted.attempts;
      counted.retries = counted.attempts - 1;
      continue;
    }
    if (pass.dp_retries) {
      counted.attempts += pass.dp_copies;
      counted.retries += pass.dp_copies;
      continue;
    }
    counted.attempts += pass.dp_copies == 0 ? 1 : pass.dp_copies;
    if (processing_passes[pass.package_id]++ > 0) ++counted.retries;
  }
  return by_package;
}

}  // namespace distsim::sim
