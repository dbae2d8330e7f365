// Merging shards: identity first (every file against the first), then coverage (each shard index
// once), then the sums. Failures keep seed order because every shard's list is sorted and the
// merged list is sorted again.
#include "sim/report/campaign_merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sim/scenario/value_parse.h"

namespace distsim::sim {
namespace {

constexpr size_t kShardsNamedMax = 20;  // missing shards listed by name; more are counted

// The first field in which `other` belongs to a different campaign than `first`, as a sentence.
std::string identity_difference(const MergeInput& first, const MergeInput& other) {
  const CampaignResult& a = first.result;
  const CampaignResult& b = other.result;
  const auto differs = [&](const char* what, const std::string& mine, const std::string& theirs) {
    return fmt::format("{}: {} {} differs from {} in {}: not one campaign", other.name, what,
                       theirs, mine, first.name);
  };
  if (a.distsim_version != b.distsim_version)
    return differs("distsim version", a.distsim_version, b.distsim_version);
  if (a.commit != b.commit) return differs("commit", a.commit, b.commit);
  if (a.generator_version != b.generator_version) {
    return differs("generator version", std::to_string(a.generator_version),
                   std::to_string(b.generator_version));
  }
  if (a.budget_us != b.budget_us) {
    return differs("budget", format_duration(a.budget_us), format_duration(b.budget_us));
  }
  if (a.seed_start != b.seed_start || a.seed_count != b.seed_count) {
    return differs("seed range", fmt::format("{}+{}", a.seed_start, a.seed_count),
                   fmt::format("{}+{}", b.seed_start, b.seed_count));
  }
  if (a.shard_count != b.shard_count) {
    return differs("shard count", std::to_string(a.shard_count), std::to_string(b.shard_count));
  }
  return {};
}

std::vector<std::string> coverage_errors(const std::vector<MergeInput>& inputs,
                                         uint32_t shard_count) {
  std::map<uint32_t, std::vector<std::string>> files_by_shard;
  for (const MergeInput& input : inputs) {
    files_by_shard[input.result.shard_index].push_back(input.name);
  }
  std::vector<std::string> errors;
  for (const auto& [index, files] : files_by_shard) {
    if (files.size() < 2) continue;
    std::string names;
    for (const std::string& file : files) names += (names.empty() ? "" : ", ") + file;
    errors.push_back(
        fmt::format("shard {}/{} appears {} times: {}", index, shard_count, files.size(), names));
  }
  uint32_t missing = 0;
  for (uint32_t index = 0; index < shard_count; ++index) {
    if (files_by_shard.count(index) != 0) continue;
    if (++missing <= kShardsNamedMax) {
      errors.push_back(
          fmt::format("shard {}/{} is missing: no result file for it", index, shard_count));
    }
  }
  if (missing > kShardsNamedMax) {
    const uint64_t more = missing - kShardsNamedMax;
    errors.push_back(fmt::format("{} more shard{} missing ({} of {} in all)", more,
                                 more == 1 ? " is" : "s are", missing, shard_count));
  }
  return errors;
}

}  // namespace

CampaignMerge merge_campaign(const std::vector<MergeInput>& inputs) {
  CampaignMerge merge;
  if (inputs.empty()) {
    merge.errors.push_back("no result files to merge");
    return merge;
  }
  for (const MergeInput& input : inputs) {
    std::string difference = identity_difference(inputs.front(), input);
    if (!difference.empty()) merge.errors.push_back(std::move(difference));
  }
  if (!merge.errors.empty()) return merge;
  merge.errors = coverage_errors(inputs, inputs.front().result.shard_count);
  if (!merge.errors.empty()) return merge;

  for (const MergeInput& input : inputs) merge.shards.push_back(input.result);
  std::sort(merge.shards.begin(), merge.shards.end(),
            [](const CampaignResult& a, const CampaignResult& b) {
              return a.shard_index < b.shard_index;
            });
  CampaignResult& total = merge.total;
  total = merge.shards.front();
  total.shard_index = 0;
  total.shard_count = 1;
  total.worlds_planned = 0;
  total.worlds_run = 0;
  total.class_counts.clear();
  total.failures.clear();
  total.wall_seconds = 0;
  for (const CampaignResult& shard : merge.shards) {
    total.worlds_planned += shard.worlds_planned;
    total.worlds_run += shard.worlds_run;
    for (const auto& [name, count] : shard.class_counts) total.class_counts[name] += count;
    total.failures.insert(total.failures.end(), shard.failures.begin(), shard.failures.end());
    total.wall_seconds = std::max(total.wall_seconds, shard.wall_seconds);
    if (total.stopped_by.empty()) total.stopped_by = shard.stopped_by;
  }
  std::sort(total.failures.begin(), total.failures.end(),
            [](const CampaignFailure& a, const CampaignFailure& b) { return a.seed < b.seed; });
  return merge;
}

}  // namespace distsim::sim
