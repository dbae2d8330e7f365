// `distsim explore` campaigns through the binary, as a batch engine runs them: result files that
// are reproducible, --merge that reproduces a single run's summary and refuses incomplete sets,
// --time-limit gaps, --shard auto from the environment, and progress only on a terminal.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>

#include "cli_runner.h"
#include "sim/check/campaign_shard.h"
#include "sim/core/shell_quote.h"
#include "sim/report/campaign_result.h"
#include "sim/scenario/scenario_writer.h"
#include "tests/json_value.h"
#include "world_fixture.h"

namespace distsim::testing {
namespace {

std::string without_wall_seconds(const std::string& json) {
  return std::regex_replace(json, std::regex("\"wall_seconds\": [0-9.]+"), "");
}

// Sets environment variables for the binaries this test starts; clears every variable `--shard
// auto` reads first (CI may run the tests inside a GitLab job) and restores them all afterwards.
class ShardEnvironment {
 public:
  explicit ShardEnvironment(const std::map<std::string, std::string>& values) {
    for (const std::string_view name : sim::kShardEnvironmentNames) {
      const std::string key(name);
      if (const char* value = std::getenv(key.c_str())) saved_[key] = value;
      unsetenv(key.c_str());
    }
    for (const auto& [key, value] : values) setenv(key.c_str(), value.c_str(), 1);
  }
  ~ShardEnvironment() {
    for (const std::string_view name : sim::kShardEnvironmentNames) {
      unsetenv(std::string(name).c_str());
    }
    for (const auto& [key, value] : saved_) setenv(key.c_str(), value.c_str(), 1);
  }
  ShardEnvironment(const ShardEnvironment&) = delete;
  ShardEnvironment& operator=(const ShardEnvironment&) = delete;

 private:
  std::map<std::string, std::string> saved_;
};

TEST_CASE("explore writes the same result file for the same flags and seeds but for wall_seconds",
          "[campaign][cli]") {
  // Goal: a result file is a reproducible record. Method: the same shard twice, once with two
  // threads; also check the identity fields against `distsim version`.
  const std::string dir = scratch_directory("explore-result");
  const CliResult first = run_distsim("explore --seeds 64 --shard 1/2 --result a.json", dir);
  const CliResult second =
      run_distsim("explore --seeds 64 --shard 1/2 --jobs 2 --result b.json", dir);
  REQUIRE(first.status == 0);
  REQUIRE(second.status == 0);
  const std::string a = read_text_file(dir + "/a.json");
  CHECK(without_wall_seconds(a) == without_wall_seconds(read_text_file(dir + "/b.json")));
  const auto document = JsonReader(a).read();
  REQUIRE(document.has_value());
  CHECK(document->at("worlds_run").integer() == 32);
  CHECK(document->at("shard_index").integer() == 1);
  CHECK(document->at("stopped_by").kind == JsonValue::Kind::null);
  CHECK(document->at("wall_seconds").kind == JsonValue::Kind::number);
  const std::string version = run_distsim("version", dir).out;
  CHECK(version.find(document->at("distsim_version").text) != std::string::npos);
  CHECK(version.find("commit " + document->at("commit").text) != std::string::npos);
}

TEST_CASE("explore --merge of four shards prints what one process over the same seeds prints",
          "[campaign][cli]") {
  // Goal: a campaign split over a batch engine reports as one run. Method: 4 shards of 80 seeds,
  // merged from a glob, against one process; JUnit has a testcase per shard.
  const std::string dir = scratch_directory("explore-merge");
  const CliResult single = run_distsim("explore --seeds 80 --seed-start 1000 --out found", dir);
  for (int shard = 0; shard < 4; ++shard) {
    const CliResult part =
        run_distsim("explore --seeds 80 --seed-start 1000 --shard " + std::to_string(shard) +
                        "/4 --out parts --result r" + std::to_string(shard) + ".json",
                    dir);
    REQUIRE(part.status == single.status);
  }
  const CliResult merged = run_distsim("explore --merge r*.json --out found --junit j.xml", dir);
  INFO(merged.err);
  CHECK(merged.status == single.status);
  CHECK(merged.out == single.out);
  CHECK(merged.out.find("explored 80 worlds (seeds 1000..1079)") != std::string::npos);
  const std::string junit = read_text_file(dir + "/j.xml");
  CHECK(junit.find("name=\"shard 3/4: 20 worlds\"") != std::string::npos);
  CHECK(merged.err.empty());
}

TEST_CASE("explore --merge writes each failure's reproducer, lists it in JUnit and exits 1",
          "[campaign][cli]") {
  // Goal: the merge publishes what the shards found. Method: two shard files holding a failure
  // each (the reproducer a real scenario), merged; the reproducers must replay with distsim run.
  const std::string dir = scratch_directory("explore-merge-failures");
  const std::string yaml = sim::write_scenario_yaml(kb_world({}));
  for (uint32_t shard = 0; shard < 2; ++shard) {
    sim::CampaignResult result;
    result.distsim_version = "0.1.0";
    result.commit = "abc";
    result.generator_version = sim::kWorldGeneratorVersion;
    result.seed_count = 10;
    result.shard_index = shard;
    result.shard_count = 2;
    result.budget_us = model::kMicrosecondsPerDay;
    result.worlds_planned = result.worlds_run = 5;
    const uint64_t seed = 6 + shard;
    result.failures.push_back({seed, "invariant:retry_bound", "too many retries", 4, false,
                               "explore-" + std::to_string(seed) + "-invariant-retry-bound.yaml",
                               yaml});
    write_text_file(dir + "/r" + std::to_string(shard) + ".json",
                    sim::campaign_result_json(result));
  }
  const CliResult merged = run_distsim("explore --merge r1.json r0.json --junit j.xml", dir);
  INFO(merged.err);
  CHECK(merged.status == 1);
  // The replay names the binary as it was run (here by its path in the build tree).
  const std::string replay = "replay: " + sim::shell_word(DISTSIM_CLI_PATH) + " run ";
  CHECK(merged.out ==
        "FAIL seed 6: invariant:retry_bound: too many retries -> "
        "explore-out/explore-6-invariant-retry-bound.yaml (shrunk in 4 runs; " +
            replay +
            "'explore-out/explore-6-invariant-retry-bound.yaml')\n"
            "FAIL seed 7: invariant:retry_bound: too many retries -> "
            "explore-out/explore-7-invariant-retry-bound.yaml (shrunk in 4 runs; " +
            replay +
            "'explore-out/explore-7-invariant-retry-bound.yaml')\n"
            "explored 10 worlds (seeds 0..9): 2 failed; reproducers in explore-out\n");
  CHECK(read_text_file(dir + "/explore-out/explore-7-invariant-retry-bound.yaml") == yaml);
  CHECK(run_distsim("run explore-out/explore-6-invariant-retry-bound.yaml --quiet", dir).status ==
        0);
  const std::string junit = read_text_file(dir + "/j.xml");
  CHECK(junit.find("name=\"seed 7: invariant:retry_bound\"") != std::string::npos);
  CHECK(junit.find("failures=\"2\"") != std::string::npos);
  // All or none: a directory where seed 7's reproducer goes leaves seed 6's unwritten and no
  // JUnit file, and says so.
  std::filesystem::create_directories(dir + "/blocked/explore-7-invariant-retry-bound.yaml");
  const CliResult blocked =
      run_distsim("explore --merge r1.json r0.json --out blocked --junit blocked.xml", dir);
  CHECK(blocked.status == 2);
  CHECK(blocked.err.find("is a directory") != std::string::npos);
  CHECK(blocked.err.find("nothing was written") != std::string::npos);
  // A merge is run again; it explores nothing, so exploring again is not its remedy.
  CHECK(blocked.err.find("run the merge again once its outputs can be written") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/blocked/explore-6-invariant-retry-bound.yaml"));
  CHECK_FALSE(std::filesystem::exists(dir + "/blocked.xml"));
}

TEST_CASE("explore --merge with a missing and a duplicate shard exits 2 and names both",
          "[campaign][cli]") {
  const std::string dir = scratch_directory("explore-merge-incomplete");
  for (const char* shard : {"0", "1", "3"}) {
    REQUIRE(run_distsim(std::string("explore --seeds 40 --shard ") + shard + "/4 --result r" +
                            shard + ".json",
                        dir)
                .status == 0);
  }
  const CliResult merged = run_distsim("explore --merge r0.json r1.json r3.json r1.json", dir);
  CHECK(merged.status == 2);
  CHECK(merged.out.empty());
  CHECK(merged.err.find("shard 1/4 appears 2 times: r1.json, r1.json") != std::string::npos);
  CHECK(merged.err.find("shard 2/4 is missing") != std::string::npos);
  // A campaign flag next to --merge is refused as well.
  CHECK(run_distsim("explore --merge r0.json --seeds 40", dir).status == 2);
}

TEST_CASE("explore --merge says why a result file cannot be read", "[campaign][cli]") {
  const std::string dir = scratch_directory("explore-merge-unreadable");
  std::filesystem::create_directories(dir + "/results");
  const CliResult merged = run_distsim("explore --merge nosuch.json results", dir);
  CHECK(merged.status == 2);
  CHECK(merged.err.find("nosuch.json: cannot open the file: No such file or directory") !=
        std::string::npos);
  CHECK(merged.err.find("results: this is a directory; give a result file") != std::string::npos);
  // A FIFO would wait for a writer for ever and /dev/zero never end: neither is read.
  REQUIRE(mkfifo((dir + "/pipe.json").c_str(), 0600) == 0);
  const CliResult special = run_distsim("explore --merge pipe.json /dev/zero", dir);
  CHECK(special.status == 2);
  CHECK(special.err.find("pipe.json: not a regular file; give a result file") != std::string::npos);
  CHECK(special.err.find("/dev/zero: not a regular file") != std::string::npos);
}

TEST_CASE("explore refuses outputs that name each other, a merged result or standard output",
          "[campaign][cli]") {
  const std::string dir = scratch_directory("explore-output-overlap");
  const CliResult same = run_distsim("explore --seeds 5 --result r.json --junit r.json", dir);
  CHECK(same.status == 2);
  CHECK(same.err.find("name the same file") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/r.json"));
  CHECK(run_distsim("explore --seeds 5 --junit -", dir).status == 2);
  REQUIRE(run_distsim("explore --seeds 5 --result r.json", dir).status == 0);
  const std::string before = read_text_file(dir + "/r.json");
  const CliResult over_input = run_distsim("explore --merge r.json --junit r.json", dir);
  CHECK(over_input.status == 2);
  CHECK(over_input.err.find("never writes over an input") != std::string::npos);
  CHECK(read_text_file(dir + "/r.json") == before);
}

TEST_CASE(
    "explore refuses an --out that cannot be a directory and a budget past the longest run "
    "before exploring",
    "[campaign][cli]") {
  // Goal: a campaign's findings are never lost to an output checked only after hours of work,
  // and a flag out of range is not reported as a generator failure. Method: --out naming a
  // file (with and without --merge), and --budget one day past kRunHorizonMaxUs; none of them
  // may write a result file.
  const std::string dir = scratch_directory("explore-early-refusals");
  write_text_file(dir + "/file", "x\n");
  const CliResult out = run_distsim("explore --seeds 1 --out file --result r.json", dir);
  CHECK(out.status == 2);
  CHECK(out.err.find("--out: 'file' is not a directory") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/r.json"));
  const CliResult under_file = run_distsim("explore --seeds 1 --result file/r.json", dir);
  CHECK(under_file.status == 2);
  CHECK(under_file.err.find("--result 'file/r.json': 'file' is not a directory") !=
        std::string::npos);
  REQUIRE(run_distsim("explore --seeds 1 --result r.json", dir).status == 0);
  CHECK(run_distsim("explore --merge r.json --out file", dir).status == 2);
  const CliResult budget = run_distsim("explore --seeds 1 --budget 3651d --result b.json", dir);
  CHECK(budget.status == 2);
  CHECK(budget.err.find("--budget '3651d' must be a duration from 1h to 3650d") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/b.json"));
  CHECK(run_distsim("explore --seeds 1 --budget 3650d", dir).status == 0);
  // Each count out of range names its own flag and the value given.
  const CliResult seeds = run_distsim("explore --seeds 0 --jobs 2", dir);
  CHECK(seeds.status == 2);
  CHECK(seeds.err.find("--seeds 0 is not in 1..100000000") != std::string::npos);
  const CliResult jobs = run_distsim("explore --seeds 5 --jobs 999", dir);
  CHECK(jobs.status == 2);
  CHECK(jobs.err.find("--jobs 999 is not in 1..256") != std::string::npos);
}

TEST_CASE("explore refuses an output where the reproducers go, before exploring",
          "[campaign][cli]") {
  // Goal: a failing world's reproducer never replaces the JUnit file or the result, and a JUnit
  // path that is the --out directory is refused before the campaign, not after it.
  const std::string dir = scratch_directory("explore-outputs-in-out");
  const CliResult itself = run_distsim("explore --seeds 1 --out jx --junit jx", dir);
  CHECK(itself.status == 2);
  CHECK(itself.err.find("--junit 'jx' is the --out directory") != std::string::npos);
  CHECK(itself.out.empty());
  std::filesystem::create_directories(dir + "/found");
  const CliResult named =
      run_distsim("explore --seeds 1 --out found --result found/explore-5-liveness-32.yaml", dir);
  CHECK(named.status == 2);
  CHECK(named.err.find("has a reproducer's name (explore-*.yaml) inside --out 'found'") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/found/explore-5-liveness-32.yaml"));
  CHECK(run_distsim("explore --seeds 1 --out found --junit found/junit.xml", dir).status == 0);
  CHECK(std::filesystem::exists(dir + "/found/junit.xml"));
}

TEST_CASE("explore names what is wrong with a duration flag and never points --result at '-'",
          "[campaign][cli]") {
  // Goal: `--time-limit "$LIMIT"` with the variable unset does not silently run without a limit,
  // and each refusal says why. Method: an empty value, a fraction, an overflow, too short a limit,
  // and a result file in /dev.
  const std::string dir = scratch_directory("explore-duration-flags");
  const CliResult empty = run_distsim("explore --seeds 1 --time-limit ''", dir);
  CHECK(empty.status == 2);
  CHECK(empty.err.find("needs a duration (such as 2h or 3d), not an empty value") !=
        std::string::npos);
  CHECK(run_distsim("explore --seeds 1 --budget ''", dir).status == 2);
  const CliResult fraction = run_distsim("explore --seeds 1 --time-limit 1.5h", dir);
  CHECK(fraction.status == 2);
  CHECK(fraction.err.find("--time-limit '1.5h': ") != std::string::npos);
  CHECK(fraction.err.find("at least 1s") == std::string::npos);
  const CliResult overflow =
      run_distsim("explore --seeds 1 --time-limit 99999999999999999999s", dir);
  CHECK(overflow.status == 2);
  CHECK(overflow.err.find("at least 1s") == std::string::npos);
  const CliResult short_limit = run_distsim("explore --seeds 1 --time-limit 500ms", dir);
  CHECK(short_limit.status == 2);
  CHECK(short_limit.err.find("--time-limit '500ms' must be at least 1s") != std::string::npos);
  const CliResult device = run_distsim("explore --seeds 1 --result /dev/null", dir);
  CHECK(device.status == 2);
  CHECK(device.err.find("not a regular file") != std::string::npos);
  CHECK(device.err.find("use -") == std::string::npos);
  const CliResult kernel = run_distsim("explore --seeds 1 --result /sys/r.json", dir);
  CHECK(kernel.status == 2);
  CHECK(kernel.err.find("is in /dev, /proc or /sys") != std::string::npos);
  const CliResult no_name = run_distsim("explore --merge ''", dir);
  CHECK(no_name.status == 2);
  CHECK(no_name.err.find("needs a path, not an empty name") != std::string::npos);
}

TEST_CASE("explore --time-limit stops at a seed boundary and the gap is reported, not passed",
          "[campaign][cli]") {
  // Goal: a wall-clock limit leaves an honest record. Method: far more seeds than one second
  // explores; the shard and the merge both exit 1 and name the first seed not explored.
  const std::string dir = scratch_directory("explore-time-limit");
  const CliResult run =
      run_distsim("explore --seeds 100000000 --time-limit 1s --result r.json", dir);
  INFO(run.out << run.err);
  CHECK(run.status == 1);
  const auto document = JsonReader(read_text_file(dir + "/r.json")).read();
  REQUIRE(document.has_value());
  CHECK(document->at("stopped_by").text == "time_limit");
  const int64_t done = document->at("worlds_run").integer();
  CHECK(done > 0);
  CHECK(done < 100000000);
  const std::string gap = "GAP: explored " + std::to_string(done) + " of 100000000 worlds";
  CHECK(run.out.find(gap + " (stopped at --time-limit); not explored: seeds " +
                     std::to_string(done) + "..99999999") != std::string::npos);
  const CliResult merged = run_distsim("explore --merge r.json --junit j.xml", dir);
  CHECK(merged.status == 1);
  CHECK(merged.out == run.out);
  CHECK(read_text_file(dir + "/j.xml").find("coverage_gap") != std::string::npos);
}

TEST_CASE("explore stopped by SIGTERM still writes its summary and result file with the gap",
          "[campaign][cli]") {
  // Goal: a batch engine's cancellation (SIGTERM, then SIGKILL after a grace period) leaves an
  // honest record. Method: SIGTERM after a second into a campaign far too long to finish.
  const std::string dir = scratch_directory("explore-sigterm");
  const std::string command = "cd '" + dir + "' && { '" + std::string(DISTSIM_CLI_PATH) +
                              "' explore --seeds 100000000 --result r.json 2>/dev/null & pid=$!; "
                              "sleep 1; kill -TERM $pid; wait $pid; echo \"status $?\"; }";
  const std::string shown = run_shell(command).out;
  INFO(shown);
  CHECK(shown.find("(stopped by SIGTERM); not explored: seeds ") != std::string::npos);
  CHECK(shown.find("status 1\n") != std::string::npos);
  const auto document = JsonReader(read_text_file(dir + "/r.json")).read();
  REQUIRE(document.has_value());
  CHECK(document->at("stopped_by").text == "SIGTERM");
}

TEST_CASE("explore --shard auto explores the shard a Slurm array task is given",
          "[campaign][cli]") {
  const std::string dir = scratch_directory("explore-shard-auto");
  {
    const ShardEnvironment slurm({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "4"}});
    const CliResult run = run_distsim("explore --seeds 40 --shard auto", dir);
    CHECK(run.status == 0);
    CHECK(last_line(run.out) == "explored 10 worlds (seeds 0..39, shard 2/4): 0 failed");
    const ShardEnvironment contradictory({{"SLURM_ARRAY_TASK_ID", "2"},
                                          {"SLURM_ARRAY_TASK_COUNT", "4"},
                                          {"CI_NODE_INDEX", "1"},
                                          {"CI_NODE_TOTAL", "4"}});
    const CliResult refused = run_distsim("explore --seeds 40 --shard auto", dir);
    CHECK(refused.status == 2);
    CHECK(refused.err.find("different shards") != std::string::npos);
  }
  const ShardEnvironment none({});
  const CliResult refused = run_distsim("explore --seeds 40 --shard auto", dir);
  CHECK(refused.status == 2);
  CHECK(refused.err.find("found no task index") != std::string::npos);
  CHECK(run_distsim("explore --seeds 40 --shard 1/4 --shard-count 4", dir).status == 2);
}

TEST_CASE("explore prints only its summary on a pipe and shows progress on a terminal",
          "[campaign][cli]") {
  const std::string dir = scratch_directory("explore-progress");
  const CliResult piped = run_distsim("explore --seeds 300", dir);
  CHECK(piped.status == 0);
  CHECK(piped.err.empty());
  // The summary alone: at most a classes line before the closing line.
  CHECK(last_line(piped.out) == "explored 300 worlds (seeds 0..299): 0 failed");
  CHECK(std::count(piped.out.begin(), piped.out.end(), '\n') <= 2);
  CHECK(piped.out.find("worlds/s") == std::string::npos);
  // script(1) gives the binary a terminal and copies what it shows to its own stdout.
  REQUIRE(std::filesystem::exists("/usr/bin/script"));
  const std::string command = "cd '" + dir + "' && script -qec \"'" +
                              std::string(DISTSIM_CLI_PATH) + "' explore --seeds 300\" /dev/null";
  const CliResult terminal = run_shell(command);
  CHECK(terminal.status == 0);
  CHECK(terminal.out.find("explored 1/300 worlds, ") != std::string::npos);
  CHECK(terminal.out.find(" worlds/s, ") != std::string::npos);
  CHECK(terminal.out.find("explored 300 worlds (seeds 0..299): 0 failed") != std::string::npos);
}

}  // namespace
}  // namespace distsim::testing
