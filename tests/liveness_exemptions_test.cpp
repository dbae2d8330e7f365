// The liveness oracle's exemptions for worlds nothing can install, judged from the world's
// ground truth at the end: a DP whose free space cannot take the package, and a read-only source
// file that the manager's source opens ask to write. Each is narrow: the same world with room to
// spare, or with read-only opens, is judged, and a manager bug that keeps it from installing is
// reported.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "model/manager_fault_injection.h"
#include "sim/check/invariants.h"
#include "sim/world/world.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

// How many liveness violations the run of `scenario` gets while every compression fails (a
// planted bug that keeps any compressed package from installing).
size_t liveness_reports_with_compression_broken(const Scenario& scenario) {
  model::ManagerFaultInjection faults;
  faults.fail_every_compression = true;
  const model::ScopedManagerFaultInjection planted(faults);
  size_t reports = 0;
  for (const InvariantViolation& violation : check_invariants(run_world(scenario, {}))) {
    if (violation.invariant == "liveness") ++reports;
  }
  return reports;
}

// The repository's scenario with its package compressed and `from` replaced by `to`.
Scenario compressed(const std::string& name, const std::string& from = "",
                    const std::string& to = "") {
  std::ifstream stream(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << stream.rdbuf();
  std::string text = buffer.str();
  const std::string source = "    source: 'C:\\Src'\n";
  for (const auto& [old_text, new_text] : std::vector<std::pair<std::string, std::string>>{
           {source, source + "    compressed: true\n"}, {from, to}}) {
    if (old_text.empty()) continue;
    const size_t at = text.find(old_text);
    REQUIRE(at != std::string::npos);
    text.replace(at, old_text.size(), new_text);
  }
  return loader_test::load_valid(text);
}

TEST_CASE("liveness excuses a DP too small for the package and judges one with room for it",
          "[invariants][liveness]") {
  const std::string name = "regressions/dp-too-small-is-not-a-liveness-failure.yaml";
  CHECK(check_invariants(run_world(loader_test::repository_scenario(name), {})).empty());
  CHECK(liveness_reports_with_compression_broken(compressed(name)) == 0);
  // 20 MB free takes the 20 MB file: the package could install, so the planted bug is caught.
  CHECK(liveness_reports_with_compression_broken(
            compressed(name, "    free: 10MB", "    free: 20MB")) == 1);
}

TEST_CASE("liveness excuses a read-only source opened for writing and judges one opened to read",
          "[invariants][liveness]") {
  const std::string name =
      "regressions/read-only-source-opened-for-write-is-not-a-liveness-failure.yaml";
  CHECK(check_invariants(run_world(loader_test::repository_scenario(name), {})).empty());
  CHECK(liveness_reports_with_compression_broken(compressed(name)) == 0);
  CHECK(liveness_reports_with_compression_broken(compressed(
            name, "access: [GENERIC_READ, GENERIC_WRITE]", "access: [GENERIC_READ]")) == 1);
}

}  // namespace
}  // namespace distsim::sim
