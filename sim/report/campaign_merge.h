// `distsim explore --merge`: checks that result files are the shards of one campaign (one build,
// one generator, one budget, one seed range, one shard count, every shard exactly once) and
// combines them into the record a single process over the same seeds would have written.
#pragma once

#include <string>
#include <vector>

#include "sim/report/campaign_result.h"

namespace distsim::sim {

struct MergeInput {
  std::string name;  // the file it was read from, for messages
  CampaignResult result;
};

struct CampaignMerge {
  // Why the inputs are not one campaign, one line each (missing and duplicate shards named);
  // when not empty, nothing else is set.
  std::vector<std::string> errors;
  CampaignResult total;                // shard 0/1 over the whole seed range
  std::vector<CampaignResult> shards;  // in shard order
};

[[nodiscard]] CampaignMerge merge_campaign(const std::vector<MergeInput>& inputs);

}  // namespace distsim::sim
