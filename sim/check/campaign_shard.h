// Which shard of an exploration campaign this process runs: `--shard I/N` as written, or `--shard
// auto` from the task index and count a batch engine gives each of its tasks (Slurm job arrays,
// Kubernetes Indexed Jobs, GitLab `parallel:`). The engine's variables arrive as values: the
// command line reads the environment, sim/ never does.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace distsim::sim {

inline constexpr uint32_t kShardCountMax = 1'000'000;

struct CampaignShard {
  uint32_t index = 0;  // 0-based
  uint32_t count = 1;
  std::string source;                      // where it came from: "--shard", "Slurm job array", ...
  [[nodiscard]] std::string text() const;  // "I/N"
};

// The variables shard_from_environment looks at; the command line passes those that are set.
inline constexpr std::array<std::string_view, 9> kShardEnvironmentNames = {
    "SLURM_ARRAY_TASK_ID",  "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP",  "JOB_COMPLETION_INDEX",
    "DISTSIM_SHARD_COUNT",  "CI_NODE_INDEX",          "CI_NODE_TOTAL"};

using EnvironmentValues = std::map<std::string, std::string>;

struct ShardParse {
  std::optional<CampaignShard> shard;
  std::string error;  // when there is no shard: one sentence, naming the variables involved
};

// "I/N" with 0 <= I < N <= kShardCountMax.
[[nodiscard]] ShardParse parse_shard_text(std::string_view text);

// The shard from an engine's variables: SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (an array
// --array=0-(N-1); with SLURM_ARRAY_TASK_MIN/MAX the index counts from MIN and the array must have
// no gaps), JOB_COMPLETION_INDEX with the count from `shard_count_flag` or DISTSIM_SHARD_COUNT,
// CI_NODE_INDEX / CI_NODE_TOTAL (1-based; CI_NODE_TOTAL=1 alone is a job without `parallel:`).
// Errors when no engine's variables are set, when a pair is incomplete or out of range, when the
// flag and DISTSIM_SHARD_COUNT disagree, or when two engines name different shards.
[[nodiscard]] ShardParse shard_from_environment(const EnvironmentValues& environment,
                                                std::optional<uint32_t> shard_count_flag);

}  // namespace distsim::sim
