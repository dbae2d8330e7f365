// Golden Distmgr.log files: q207416-temp-source.yaml's log in each of the three formats (SMS 2.0,
// numeric $$, CMTrace), compared byte for byte. After an intended change, regenerate them with
// `DISTSIM_REGEN_GOLDEN=1 build/ci/tests/distsim_tests "[golden]"` and review the diff.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/report/run_report.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::stringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

TEST_CASE("Distmgr.log of the KB scenario matches its golden file in every log format",
          "[golden][log]") {
  // Goal: byte-for-byte stability of the log formats. Method: run the scenario once per format.
  const std::string source_dir = DISTSIM_SOURCE_DIR;
  LoadResult loaded = load_scenario_file(source_dir + "/scenarios/q207416-temp-source.yaml");
  REQUIRE(loaded.errors.empty());
  const bool regenerate = std::getenv("DISTSIM_REGEN_GOLDEN") != nullptr;
  for (const auto& [format, name] : kLogFormatNames) {
    Scenario scenario = *loaded.scenario;
    scenario.site.log_format = format;
    const std::string log = distmgr_log_text(run_world(scenario, RunOptions{}));
    const std::string path =
        source_dir + "/tests/golden/distmgr-log/q207416-temp-source." + std::string(name) + ".log";
    if (regenerate) std::ofstream(path, std::ios::binary) << log;
    INFO("golden file " << path << " (regenerate with DISTSIM_REGEN_GOLDEN=1)");
    CHECK(log == read_text(path));
  }
}

}  // namespace
}  // namespace distsim::sim
