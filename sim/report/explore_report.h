// What `distsim explore` prints and writes for people and CI: the summary (one line per failure,
// the classes, one line per coverage gap, a closing line), the progress line on a terminal, and
// JUnit XML. A merged campaign and a single process over the same seeds give the same summary.
#pragma once

#include <string>
#include <vector>

#include "sim/check/swarm_explorer.h"
#include "sim/report/campaign_result.h"

namespace distsim::sim {

// Where a failure's reproducer is written: "DIR/explore-<seed>-<kind>.yaml".
[[nodiscard]] std::string explore_reproducer_path(const std::string& out_dir,
                                                  const CampaignFailure& failure);

// The summary of `total` (a shard's result, or a merged campaign's) whose parts are `shards` (the
// result itself for one process): "FAIL seed ..." lines in seed order, "classes: ..." when worlds
// were classified, a "GAP ..." line per incomplete shard, then the closing line
// "explored N worlds (seeds A..B[, shard I/N]): F failed[; reproducers in DIR]" ("explored K of N
// worlds ...; M seeds not explored" when incomplete). `program` names the binary in the replay
// commands, as the user ran it.
[[nodiscard]] std::string explore_summary_text(const CampaignResult& total,
                                               const std::vector<CampaignResult>& shards,
                                               const std::string& out_dir,
                                               std::string_view program);

// 0 when every seed was explored and none failed; 1 otherwise (a gap is never a pass).
[[nodiscard]] int explore_exit_status(const CampaignResult& total);

// "explored 1200/100000 worlds, 2950 worlds/s, 33s left, 0 failed" for a terminal. The rate and
// time left are "?" in the first second and until a world is done (a world or two say nothing
// about the rate); with a wall-clock limit (seconds, 0: none) the time left is at most what the
// limit leaves, and then says so ("12m00s left (time limit)"; before any rate "at most 9m30s left
// (time limit)"). Failed counts the worlds shrinking or shrunk and not yet counted too. A shrink
// under way adds ", shrinking seed 17 (40 of at most 500 runs)".
[[nodiscard]] std::string explore_progress_line(const ExploreProgress& progress,
                                                double elapsed_seconds,
                                                double time_limit_seconds = 0);

// JUnit XML: suite "distsim explore" with a testcase per shard (a failure of type coverage_gap
// when it stopped early) and one per failing world (type = the failure kind, text = detail,
// replay command, naming the binary as `program`, and the reproducer YAML). Deterministic: no
// times.
[[nodiscard]] std::string explore_junit_xml(const CampaignResult& total,
                                            const std::vector<CampaignResult>& shards,
                                            const std::string& out_dir, std::string_view program);

}  // namespace distsim::sim
