// The wording of Distmgr.log lines in each profile: the ConfigMgr 2012 walkthrough's lines beside
// SMS 2.0's, and the lines of a pass after an update.
#include <catch2/catch.hpp>
#include <string>

#include "sim/world/world.h"
#include "tests/manager_profiles_fixture.h"

namespace distsim::sim {
namespace {

TEST_CASE("configmgr2012 words its Distmgr.log lines as the ConfigMgr walkthrough shows",
          "[distmgr][log]") {
  // Goal: the CM-ACTIONS wording for 2012; the SMS wording stays with sms2.
  const RunResult cm = run_world(small_site(model::Profile::configmgr2012, 1, {"DP01"}), {});
  CHECK(has_line(cm, "Found package properties updated notification for package 'S0100010'"));
  CHECK(has_line(cm, "Adding package 'S0100010' to package processing queue."));
  CHECK(has_line(cm, "~Currently using 0 out of 3 allowed package processing threads."));
  CHECK(has_line(cm,
                 "~Started package processing thread for package 'S0100010', thread ID = 0x129 "
                 "(297)"));
  CHECK(has_line(cm, "~Processing package S0100010 (SourceVersion:1;StoredVersion:0)"));
  CHECK(has_line(cm, "Taking package snapshot for package S0100010 from source D:\\Src\\A"));
  CHECK(has_line(cm, "The size of package S0100010, version 1 is 1024 KBytes"));
  CHECK(has_line_starting(cm, "DP Thread: Attempting to add or update package S0100010"));
  CHECK(has_line(cm, "~All DP threads have completed for package S0100010 processing thread."));
  CHECK(has_line(cm, "~Exiting package processing thread for package S0100010."));
  CHECK_FALSE(has_line_starting(cm, "~Used "));
  CHECK_FALSE(has_line_starting(cm, "~Starting package processing thread"));
  const RunResult sms = run_world(small_site(model::Profile::sms2, 1, {"DP01"}), {});
  CHECK(has_line(sms, "~Used 0 out of 3 allowed processing threads."));
  CHECK(has_line(sms, "~Starting package processing thread,thread ID = 129"));
  CHECK_FALSE(has_line_starting(sms, "~Currently using"));
  CHECK_FALSE(has_line_starting(sms, "DP Thread:"));
}

TEST_CASE("configmgr2012 says it updates a package from its first update on", "[distmgr][log]") {
  // Goal: the CM-ACTIONS lines of a pass after an update: "Start updating the package", the
  // source version the pass reads and the one last read in full, which an update does not
  // forget. Method: one package, updated once, then once more.
  Scenario scenario = small_site(model::Profile::configmgr2012, 1, {"DP01"});
  for (const TimeUs at_us : {model::kMicrosecondsPerHour, 2 * model::kMicrosecondsPerHour}) {
    PackageEvent update;
    update.kind = PackageEvent::Kind::update;
    update.id = "S0100010";
    update.at_us = at_us;
    scenario.packages.push_back(update);
  }
  const RunResult run = run_world(scenario, {});
  CHECK(has_line(run, "Start adding package S0100010..."));
  CHECK(has_line(run, "~Processing package S0100010 (SourceVersion:2;StoredVersion:1)"));
  CHECK(has_line(run, "~Processing package S0100010 (SourceVersion:3;StoredVersion:2)"));
  size_t updating = 0;
  for (const auto& line : run.log_lines) {
    if (line.text == "Start updating the package S0100010...") ++updating;
  }
  CHECK(updating == 2);
}

}  // namespace
}  // namespace distsim::sim
