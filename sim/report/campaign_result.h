// The machine-readable record of one exploration shard (`distsim explore --result FILE.json`):
// which build and generator ran which seeds under which budget, how far it got, and every failure
// with its reproducer inline, so that `explore --merge` can check and combine the shards of a
// campaign without their output directories. Same flags and seeds give the same bytes except the
// `wall_seconds` line.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"
#include "sim/check/swarm_explorer.h"

namespace distsim::sim {

inline constexpr uint32_t kCampaignResultFormatVersion = 2;

// What may stop a shard before its last seed, as its result's `stopped_by` names it.
inline constexpr std::array<std::string_view, 3> kCampaignStopReasons{"time_limit", "SIGTERM",
                                                                      "SIGINT"};

struct CampaignFailure {
  uint64_t seed = 0;
  std::string kind;
  std::string detail;
  uint32_t shrink_runs = 0;
  bool shrink_stopped = false;  // the shard's stop cut the shrink short (ExploreFinding)
  std::string reproducer_file;  // a plain file name, "explore-<seed>-<kind>.yaml"
  std::string reproducer_yaml;
};

struct CampaignResult {
  std::string distsim_version;
  std::string commit;
  uint32_t generator_version = 0;
  uint64_t seed_start = 0;
  uint64_t seed_count = 0;
  uint32_t shard_index = 0;
  uint32_t shard_count = 1;
  model::TimeUs budget_us = 0;
  uint64_t worlds_planned = 0;  // the shard's seeds
  uint64_t worlds_run = 0;      // its first worlds_run seeds were explored
  std::string stopped_by;       // empty when complete; "time_limit", "SIGTERM" or "SIGINT"
  std::map<std::string, uint64_t> class_counts;
  std::vector<CampaignFailure> failures;  // in seed order
  double wall_seconds = 0;

  [[nodiscard]] bool complete() const { return worlds_run == worlds_planned; }
  // The first seed not explored (meaningful only when incomplete).
  [[nodiscard]] uint64_t next_seed() const {
    return seed_start + shard_index + worlds_run * shard_count;
  }
  [[nodiscard]] std::string shard_text() const;  // "I/N"
};

// The record of a finished explore() call. `stopped_by` names why an incomplete one stopped.
[[nodiscard]] CampaignResult campaign_result(const ExploreOptions& options,
                                             const ExploreSummary& summary,
                                             std::string distsim_version, std::string commit,
                                             std::string stopped_by);

// The JSON document: fixed key order, one key per line at the top level, `wall_seconds` last.
[[nodiscard]] std::string campaign_result_json(const CampaignResult& result);

struct CampaignResultRead {
  std::optional<CampaignResult> result;
  std::string error;  // when there is no result: the first problem, naming the key
};

// Reads a document written by campaign_result_json, checking types, ranges and that the parts
// agree (the shard's seed count, failures among the seeds done, plain reproducer file names).
[[nodiscard]] CampaignResultRead read_campaign_result(std::string_view text);

}  // namespace distsim::sim
