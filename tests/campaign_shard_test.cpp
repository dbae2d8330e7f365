// `explore --shard`: I/N as written, and `auto` from each batch engine's variables (passed as a
// map, so no test touches the real environment), with the inconsistent cases refused by name.
#include "sim/check/campaign_shard.h"

#include <catch2/catch.hpp>

namespace distsim::sim {
namespace {

std::string shard_of(const EnvironmentValues& environment,
                     std::optional<uint32_t> flag = std::nullopt) {
  const ShardParse parsed = shard_from_environment(environment, flag);
  return parsed.shard ? parsed.shard->text() : "error: " + parsed.error;
}

TEST_CASE("a shard written as I/N accepts 0 <= I < N and refuses anything else", "[campaign]") {
  CHECK(parse_shard_text("3/8").shard->text() == "3/8");
  CHECK(parse_shard_text("0/1").shard->text() == "0/1");
  for (const char* bad : {"8/8", "1/0", "3", "-1/4", "a/b", "1/1000001", "01/4", "1/4/2", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_shard_text(bad).shard.has_value());
  }
}

TEST_CASE("shard auto reads a Slurm job array's task id and count", "[campaign]") {
  // Goal: sbatch --array=0-3 gives tasks 0..3 of 4. Method: the variables Slurm 22.05 sets.
  CHECK(shard_of({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}) == "2/4");
  CHECK(shard_of({{"SLURM_ARRAY_TASK_ID", "0"},
                  {"SLURM_ARRAY_TASK_COUNT", "4"},
                  {"SLURM_ARRAY_TASK_MIN", "0"},
                  {"SLURM_ARRAY_TASK_MAX", "3"},
                  {"SLURM_ARRAY_TASK_STEP", "1"}}) == "0/4");
  // An array numbered from 1 (--array=1-4) counts from its first id.
  CHECK(shard_of({{"SLURM_ARRAY_TASK_ID", "4"},
                  {"SLURM_ARRAY_TASK_COUNT", "4"},
                  {"SLURM_ARRAY_TASK_MIN", "1"},
                  {"SLURM_ARRAY_TASK_MAX", "4"}}) == "3/4");
}

TEST_CASE(
    "shard auto reads a Kubernetes Indexed Job's index with the count from the flag or "
    "DISTSIM_SHARD_COUNT",
    "[campaign]") {
  CHECK(shard_of({{"JOB_COMPLETION_INDEX", "5"}}, 8) == "5/8");
  CHECK(shard_of({{"JOB_COMPLETION_INDEX", "0"}, {"DISTSIM_SHARD_COUNT", "3"}}) == "0/3");
  CHECK(shard_of({{"JOB_COMPLETION_INDEX", "1"}, {"DISTSIM_SHARD_COUNT", "3"}}, 3) == "1/3");
}

TEST_CASE("shard auto reads GitLab's CI_NODE_INDEX, which counts from 1", "[campaign]") {
  CHECK(shard_of({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "5"}}) == "0/5");
  CHECK(shard_of({{"CI_NODE_INDEX", "5"}, {"CI_NODE_TOTAL", "5"}}) == "4/5");
  // A job without `parallel:` has CI_NODE_TOTAL=1 and no index: the whole range.
  CHECK(shard_of({{"CI_NODE_TOTAL", "1"}}) == "0/1");
  // ... and that default gives way to a real engine, such as a Slurm job started from GitLab.
  CHECK(shard_of({{"CI_NODE_TOTAL", "1"},
                  {"SLURM_ARRAY_TASK_ID", "1"},
                  {"SLURM_ARRAY_TASK_COUNT", "2"}}) == "1/2");
}

TEST_CASE("shard auto refuses an environment without a task index, naming what it reads",
          "[campaign]") {
  const std::string error = shard_of({{"HOME", "/root"}});
  CHECK(error.rfind("error: --shard auto found no task index", 0) == 0);
  for (const char* name : {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "CI_NODE_INDEX"}) {
    CHECK(error.find(name) != std::string::npos);
  }
}

TEST_CASE("shard auto refuses incomplete, out-of-range or contradictory engine variables",
          "[campaign]") {
  // Goal: a misconfigured job fails at once instead of exploring the wrong seeds. Each case names
  // the variable at fault.
  const std::vector<std::pair<EnvironmentValues, std::string>> cases = {
      {{{"SLURM_ARRAY_TASK_ID", "1"}}, "SLURM_ARRAY_TASK_COUNT is not"},
      {{{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}, "outside the array"},
      {{{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}, "SLURM_ARRAY_TASK_ID='x'"},
      // The number's own fault is named: a leading zero, a number too large.
      {{{"SLURM_ARRAY_TASK_ID", "01"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}, "leading zero"},
      {{{"SLURM_ARRAY_TASK_ID", "99999999999999999999999"}, {"SLURM_ARRAY_TASK_COUNT", "4"}},
       "too large"},
      {{{"SLURM_ARRAY_TASK_ID", "6"},
        {"SLURM_ARRAY_TASK_COUNT", "3"},
        {"SLURM_ARRAY_TASK_MAX", "7"}},
       "SLURM_ARRAY_TASK_MIN=unset, so 0"},
      {{{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "1"}, {"DISTSIM_SHARD_COUNT", "3"}},
       "GitLab parallel job (CI_NODE_INDEX, CI_NODE_TOTAL): 1 shard"},
      {{{"SLURM_ARRAY_TASK_ID", "2"},
        {"SLURM_ARRAY_TASK_COUNT", "4"},
        {"SLURM_ARRAY_TASK_MIN", "0"},
        {"SLURM_ARRAY_TASK_MAX", "6"},
        {"SLURM_ARRAY_TASK_STEP", "2"}},
       "--array=0-3"},
      {{{"SLURM_ARRAY_TASK_COUNT", "4"}}, "SLURM_ARRAY_TASK_ID is not"},
      {{{"JOB_COMPLETION_INDEX", "1"}}, "--shard-count"},
      {{{"DISTSIM_SHARD_COUNT", "4"}}, "JOB_COMPLETION_INDEX is not"},
      {{{"JOB_COMPLETION_INDEX", "3"}, {"DISTSIM_SHARD_COUNT", "3"}}, "not below the shard count"},
      {{{"CI_NODE_INDEX", "0"}, {"CI_NODE_TOTAL", "3"}}, "counts from 1"},
      {{{"CI_NODE_INDEX", "2"}}, "CI_NODE_TOTAL is not"},
      {{{"CI_NODE_TOTAL", "3"}}, "CI_NODE_INDEX is not"},
      {{{"SLURM_ARRAY_TASK_ID", "1"},
        {"SLURM_ARRAY_TASK_COUNT", "4"},
        {"CI_NODE_INDEX", "1"},
        {"CI_NODE_TOTAL", "4"}},
       "different shards"},
      {{{"SLURM_ARRAY_TASK_ID", "1"},
        {"SLURM_ARRAY_TASK_COUNT", "4"},
        {"DISTSIM_SHARD_COUNT", "8"}},
       "disagrees with Slurm"},
  };
  for (const auto& [environment, expected] : cases) {
    const std::string result = shard_of(environment);
    INFO(result);
    CHECK(result.find(expected) != std::string::npos);
    CHECK(result.rfind("error: ", 0) == 0);
  }
  // The flag and the variable must agree with each other too.
  const std::string both =
      shard_of({{"JOB_COMPLETION_INDEX", "1"}, {"DISTSIM_SHARD_COUNT", "4"}}, 3);
  CHECK(both.find("--shard-count 3 and DISTSIM_SHARD_COUNT=4 disagree") != std::string::npos);
}

TEST_CASE("two engines naming the same shard are accepted", "[campaign]") {
  CHECK(shard_of({{"SLURM_ARRAY_TASK_ID", "1"},
                  {"SLURM_ARRAY_TASK_COUNT", "4"},
                  {"CI_NODE_INDEX", "2"},
                  {"CI_NODE_TOTAL", "4"}}) == "1/4");
}

}  // namespace
}  // namespace distsim::sim
