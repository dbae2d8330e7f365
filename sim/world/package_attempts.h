// What an attempt is, per profile, counted from the passes a run recorded: the `attempts` and
// `retries` that expectations, the summary, the HTML report and `compare` show.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sim/world/world.h"

namespace distsim::sim {

struct PackageAttempts {
  uint64_t attempts = 0;
  uint64_t retries = 0;
};

// sms2, where the whole package is the unit of retry: an attempt is one processing pass.
//
// The per-DP profiles: an attempt is one copy attempt to one DP. A processing pass that copied to
// no DP (its source could not be read) is one attempt of its own, since the whole package is
// retried then.
//
// Under every profile retries = attempts - 1, as the scenario format defines them (a package
// copied to three DPs by its first pass made 3 attempts and 2 retries). Passes cut short by a
// crash count as they began. Every package the run knows has an entry.
[[nodiscard]] std::map<std::string, PackageAttempts, std::less<>> attempts_by_package(
    const RunResult& run);
// The same for one package, in one walk over the passes.
[[nodiscard]] PackageAttempts package_attempts(const RunResult& run, std::string_view package_id);

// When the package's attempts first went above `count`: the start of the pass (or span of DP
// retries) whose attempts took the total past it; empty if they never did. An expectation of at
// most `count` attempts was broken then, not at the end of the run.
[[nodiscard]] std::optional<TimeUs> attempts_passed_at(const RunResult& run,
                                                       std::string_view package_id, uint64_t count);

}  // namespace distsim::sim
