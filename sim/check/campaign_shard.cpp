// Shards from text and from batch engines' variables: each engine is read on its own, then the
// engines that are present must agree with each other and with a count given by the user.
#include "sim/check/campaign_shard.h"

#include <fmt/format.h>

#include <vector>

#include "sim/scenario/value_parse.h"

namespace distsim::sim {
namespace {

constexpr const char* kNoEngine =
    "--shard auto found no task index: it reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT "
    "(Slurm job array), JOB_COMPLETION_INDEX with --shard-count or DISTSIM_SHARD_COUNT "
    "(Kubernetes Indexed Job), or CI_NODE_INDEX and CI_NODE_TOTAL (GitLab parallel job)";

// One engine's reading: absent (neither shard nor error), a shard, or an error.
struct EngineReading {
  std::optional<CampaignShard> shard;
  std::string error;
  [[nodiscard]] bool present() const { return shard.has_value() || !error.empty(); }
};

EngineReading reading_error(std::string error) { return EngineReading{std::nullopt, error}; }

const std::string* find(const EnvironmentValues& environment, const char* name) {
  const auto found = environment.find(name);
  return found == environment.end() ? nullptr : &found->second;
}

// The variable's value as an integer, or an error naming it.
std::optional<uint64_t> number(const EnvironmentValues& environment, const char* name,
                               std::string& error) {
  const std::string* text = find(environment, name);
  if (text == nullptr) return std::nullopt;
  const auto parsed = parse_unsigned(*text);
  if (!parsed.ok()) {
    // parse_unsigned's own reason (a leading zero, too large a number) is the useful part.
    if (error.empty()) error = fmt::format("{}='{}': {}", name, *text, parsed.error);
    return std::nullopt;
  }
  return parsed.value;
}

EngineReading slurm(const EnvironmentValues& environment) {
  if (find(environment, "SLURM_ARRAY_TASK_ID") == nullptr) return {};
  std::string error;
  const auto id = number(environment, "SLURM_ARRAY_TASK_ID", error);
  const auto count = number(environment, "SLURM_ARRAY_TASK_COUNT", error);
  const auto min = number(environment, "SLURM_ARRAY_TASK_MIN", error);
  const auto max = number(environment, "SLURM_ARRAY_TASK_MAX", error);
  const auto step = number(environment, "SLURM_ARRAY_TASK_STEP", error);
  if (!error.empty()) return reading_error(error);
  if (!count) return reading_error("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
  if (*count == 0 || *count > kShardCountMax) {
    return reading_error(
        fmt::format("SLURM_ARRAY_TASK_COUNT={} must be 1..{}", *count, kShardCountMax));
  }
  const uint64_t first = min.value_or(0);
  if ((step && *step != 1) || (max && (*max < first || *max - first + 1 != *count))) {
    return reading_error(fmt::format(
        "the Slurm job array is not {} consecutive task ids (SLURM_ARRAY_TASK_MIN={}, "
        "SLURM_ARRAY_TASK_MAX={}, SLURM_ARRAY_TASK_STEP={}); submit it with --array=0-{}",
        *count, min ? std::to_string(*min) : "unset, so 0", max ? std::to_string(*max) : "unset",
        step ? std::to_string(*step) : "unset, so 1", *count - 1));
  }
  if (*id < first || *id - first >= *count) {
    return reading_error(fmt::format(
        "SLURM_ARRAY_TASK_ID={} is outside the array's {} tasks from {}", *id, *count, first));
  }
  return EngineReading{
      CampaignShard{static_cast<uint32_t>(*id - first), static_cast<uint32_t>(*count),
                    "Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT)"},
      {}};
}

EngineReading kubernetes(const EnvironmentValues& environment, std::optional<uint64_t> count) {
  if (find(environment, "JOB_COMPLETION_INDEX") == nullptr) return {};
  std::string error;
  const auto index = number(environment, "JOB_COMPLETION_INDEX", error);
  if (!error.empty()) return reading_error(error);
  if (!count) {
    return reading_error(
        "JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but the shard count is not: pass "
        "--shard-count N or set DISTSIM_SHARD_COUNT to the Job's completions");
  }
  if (*index >= *count) {
    return reading_error(
        fmt::format("JOB_COMPLETION_INDEX={} is not below the shard count {}", *index, *count));
  }
  return EngineReading{CampaignShard{static_cast<uint32_t>(*index), static_cast<uint32_t>(*count),
                                     "Kubernetes Indexed Job (JOB_COMPLETION_INDEX)"},
                       {}};
}

EngineReading gitlab(const EnvironmentValues& environment) {
  if (find(environment, "CI_NODE_INDEX") == nullptr &&
      find(environment, "CI_NODE_TOTAL") == nullptr)
    return {};
  std::string error;
  const auto index = number(environment, "CI_NODE_INDEX", error);
  const auto total = number(environment, "CI_NODE_TOTAL", error);
  if (!error.empty()) return reading_error(error);
  if (!total) return reading_error("CI_NODE_INDEX is set but CI_NODE_TOTAL is not");
  if (*total == 0 || *total > kShardCountMax) {
    return reading_error(fmt::format("CI_NODE_TOTAL={} must be 1..{}", *total, kShardCountMax));
  }
  if (!index && *total != 1) {
    return reading_error(fmt::format("CI_NODE_TOTAL={} is set but CI_NODE_INDEX is not", *total));
  }
  if (index && (*index == 0 || *index > *total)) {
    return reading_error(fmt::format(
        "CI_NODE_INDEX={} must be 1..CI_NODE_TOTAL={} (it counts from 1)", *index, *total));
  }
  return EngineReading{
      CampaignShard{static_cast<uint32_t>(index.value_or(1) - 1), static_cast<uint32_t>(*total),
                    "GitLab parallel job (CI_NODE_INDEX, CI_NODE_TOTAL)"},
      {}};
}

// The count the user states (--shard-count, DISTSIM_SHARD_COUNT), which must agree when both
// are given; nullopt with an error when they conflict or are out of range.
std::optional<uint64_t> stated_count(const EnvironmentValues& environment,
                                     std::optional<uint32_t> flag, std::string& error) {
  const auto variable = number(environment, "DISTSIM_SHARD_COUNT", error);
  if (!error.empty()) return std::nullopt;
  if (flag && variable && *flag != *variable) {
    error = fmt::format("--shard-count {} and DISTSIM_SHARD_COUNT={} disagree", *flag, *variable);
    return std::nullopt;
  }
  const std::optional<uint64_t> count = flag ? std::optional<uint64_t>(*flag) : variable;
  if (count && (*count == 0 || *count > kShardCountMax)) {
    error = fmt::format("the shard count {} must be 1..{}", *count, kShardCountMax);
    return std::nullopt;
  }
  return count;
}

}  // namespace

std::string CampaignShard::text() const { return fmt::format("{}/{}", index, count); }

ShardParse parse_shard_text(std::string_view text) {
  const auto slash = text.find('/');
  const auto invalid = [text] {
    return ShardParse{std::nullopt,
                      fmt::format("--shard '{}' must be I/N with 0 <= I < N <= {}, or auto", text,
                                  kShardCountMax)};
  };
  if (slash == std::string_view::npos) return invalid();
  const auto index = parse_unsigned(text.substr(0, slash));
  const auto count = parse_unsigned(text.substr(slash + 1));
  if (!index.ok() || !count.ok() || *count.value == 0 || *index.value >= *count.value ||
      *count.value > kShardCountMax) {
    return invalid();
  }
  return ShardParse{CampaignShard{static_cast<uint32_t>(*index.value),
                                  static_cast<uint32_t>(*count.value), "--shard"},
                    {}};
}

ShardParse shard_from_environment(const EnvironmentValues& environment,
                                  std::optional<uint32_t> shard_count_flag) {
  std::string error;
  const auto count = stated_count(environment, shard_count_flag, error);
  if (!error.empty()) return ShardParse{std::nullopt, error};
  std::vector<EngineReading> readings;
  for (EngineReading reading : {slurm(environment), kubernetes(environment, count)}) {
    if (reading.present()) readings.push_back(std::move(reading));
  }
  // GitLab sets CI_NODE_TOTAL=1 in every job without `parallel:`, also where another engine
  // runs distsim (a GitLab job submitting to Slurm): that alone does not make it a shard source.
  const EngineReading gitlab_reading = gitlab(environment);
  const bool gitlab_default =
      find(environment, "CI_NODE_INDEX") == nullptr && gitlab_reading.shard.has_value();
  if (gitlab_reading.present() && (!gitlab_default || readings.empty())) {
    readings.push_back(gitlab_reading);
  }
  if (readings.empty()) {
    // Half of a pair names the engine meant, and what is missing from it.
    if (find(environment, "SLURM_ARRAY_TASK_COUNT") != nullptr) {
      return ShardParse{std::nullopt,
                        "SLURM_ARRAY_TASK_COUNT is set but SLURM_ARRAY_TASK_ID is not (a Slurm "
                        "job array sets both in each task)"};
    }
    if (count) {
      return ShardParse{std::nullopt,
                        fmt::format("the shard count {} (--shard-count or DISTSIM_SHARD_COUNT) is "
                                    "given but JOB_COMPLETION_INDEX is not (a Kubernetes Indexed "
                                    "Job sets it in each pod)",
                                    *count)};
    }
    return ShardParse{std::nullopt, kNoEngine};
  }
  for (const EngineReading& reading : readings) {
    if (!reading.error.empty()) return ShardParse{std::nullopt, reading.error};
  }
  const CampaignShard& shard = *readings.front().shard;
  for (const EngineReading& other : readings) {
    if (other.shard->index == shard.index && other.shard->count == shard.count) continue;
    return ShardParse{
        std::nullopt,
        fmt::format("two batch engines name different shards: {} says {}, {} says {}", shard.source,
                    shard.text(), other.shard->source, other.shard->text())};
  }
  if (count && *count != shard.count) {
    return ShardParse{std::nullopt,
                      fmt::format("the shard count {} (--shard-count or "
                                  "DISTSIM_SHARD_COUNT) disagrees with {}: {} "
                                  "shard{}",
                                  *count, shard.source, shard.count, shard.count == 1 ? "" : "s")};
  }
  return ShardParse{shard, {}};
}

}  // namespace distsim::sim
