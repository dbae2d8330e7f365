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
#include "tests/history_builder.h"
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

// A package whose source file is read-only at the end, on a site whose source opens ask to write;
// its one pass read the file and failed later. `last_open_refused` adds a later pass whose open of
// the file was refused with access denied.
size_t liveness_reports_for_read_only_source(bool last_open_refused) {
  testing::HistoryBuilder world;
  world.run.site.source_open_access =
      model::AccessMask{model::access_bits::kGenericRead | model::access_bits::kGenericWrite};
  world.notify(0, "create", "S0100001", "C:\\Src");
  world.pass_start(0, "S0100001", 1);
  world.open(0, "distmgr", "C:\\Src\\a.cab", 1, {"GENERIC_READ", "GENERIC_WRITE"});
  world.close(testing::kSecond, "distmgr", "C:\\Src\\a.cab", 1);
  world.pass_end(2 * testing::kSecond, "S0100001", 1, "failed", 32);
  if (last_open_refused) {
    world.pass_start(testing::kHour, "S0100001", 2);
    world.add_record(testing::kHour, "distmgr", "open",
                     {{"path", std::string("C:\\Src\\a.cab")},
                      {"access", std::vector<std::string>{"GENERIC_READ", "GENERIC_WRITE"}},
                      {"share", std::vector<std::string>{"FILE_SHARE_READ"}},
                      {"win32", int64_t{5}},
                      {"result", std::string("ERROR_ACCESS_DENIED")}});
    world.pass_end(testing::kHour + testing::kSecond, "S0100001", 2, "failed", 5);
  }
  world.run.final_files.push_back({"C:\\Src\\a.cab", model::FileContent{1024, 1}});
  world.run.read_only_files.push_back("C:\\Src\\a.cab");
  model::PackageStatus status;
  status.id = "S0100001";
  status.state = model::PackageState::retrying;
  world.run.packages.push_back(status);
  size_t reports = 0;
  for (const InvariantViolation& violation : check_invariants(world.run)) {
    if (violation.invariant == "liveness") ++reports;
  }
  return reports;
}

TEST_CASE("liveness excuses a read-only source only when the manager's last open of it was refused",
          "[invariants][liveness]") {
  // Goal: content read while the file was writable can still be copied (DP retries, a refresh, a
  // restarted pass), so a file made read-only later excuses nothing until an open meets it.
  CHECK(liveness_reports_for_read_only_source(false) == 1);
  CHECK(liveness_reports_for_read_only_source(true) == 0);
}

}  // namespace
}  // namespace distsim::sim
