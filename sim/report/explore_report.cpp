// The explore summary, progress line and JUnit document, all from campaign results so that one
// process and a merge of shards share every line.
#include "sim/report/explore_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/core/shell_quote.h"
#include "sim/report/junit_report.h"

namespace distsim::sim {
namespace {

// "world" or "worlds" after `count`.
std::string_view worlds_word(uint64_t count) { return count == 1 ? "world" : "worlds"; }

std::string stop_reason(const CampaignResult& shard) {
  if (shard.stopped_by == "time_limit") return "stopped at --time-limit";
  if (shard.stopped_by.rfind("SIG", 0) == 0) return "stopped by " + shard.stopped_by;
  return shard.stopped_by.empty() ? "stopped early" : "stopped: " + shard.stopped_by;
}

uint64_t last_seed(const CampaignResult& shard) {
  return shard.seed_start + shard.shard_index + (shard.worlds_planned - 1) * shard.shard_count;
}

// "seeds 5..9", or "seed 5" when the range holds one.
std::string seed_range(uint64_t first, uint64_t last) {
  return first == last ? fmt::format("seed {}", first) : fmt::format("seeds {}..{}", first, last);
}

std::string runs_text(uint32_t runs) { return fmt::format("{} run{}", runs, runs == 1 ? "" : "s"); }

std::string gap_line(const CampaignResult& shard) {
  const bool one_left = shard.next_seed() == last_seed(shard);
  const std::string every =
      shard.shard_count == 1 || one_left ? "" : fmt::format(" in steps of {}", shard.shard_count);
  return fmt::format("GAP{}: explored {} of {} {} ({}); not explored: {}{}",
                     shard.shard_count == 1 ? "" : " shard " + shard.shard_text(), shard.worlds_run,
                     shard.worlds_planned, worlds_word(shard.worlds_planned), stop_reason(shard),
                     seed_range(shard.next_seed(), last_seed(shard)), every);
}

// How far the shrink got: a stopped one's reproducer fails the same way but may not be minimal.
std::string shrink_text(const CampaignFailure& failure) {
  if (failure.shrink_stopped) {
    return fmt::format("shrinking stopped after {}, not minimal", runs_text(failure.shrink_runs));
  }
  return fmt::format("shrunk in {}", runs_text(failure.shrink_runs));
}

std::string failure_line(const CampaignFailure& failure, const std::string& path,
                         std::string_view program) {
  return fmt::format("FAIL seed {}: {}: {} -> {} ({}; replay: {} run {})", failure.seed,
                     failure.kind, failure.detail, path, shrink_text(failure), shell_word(program),
                     shell_path(path));
}

std::string closing_line(const CampaignResult& total, const std::string& out_dir) {
  const std::string worlds = total.complete()
                                 ? std::to_string(total.worlds_run)
                                 : fmt::format("{} of {}", total.worlds_run, total.worlds_planned);
  const std::string shard = total.shard_count == 1 ? "" : ", shard " + total.shard_text();
  const std::string reproducers =
      total.failures.empty() ? "" : fmt::format("; reproducers in {}", out_dir);
  const uint64_t left = total.worlds_planned - total.worlds_run;
  const std::string gap =
      total.complete() ? "" : fmt::format("; {} seed{} not explored", left, left == 1 ? "" : "s");
  const uint64_t last =
      total.seed_count == 0 ? total.seed_start : total.seed_start + total.seed_count - 1;
  return fmt::format("explored {} {} ({}{}): {} failed{}{}", worlds,
                     worlds_word(total.complete() ? total.worlds_run : total.worlds_planned),
                     seed_range(total.seed_start, last), shard, total.failures.size(), reproducers,
                     gap);
}

std::string duration_text(double seconds) {
  const auto whole = static_cast<uint64_t>(std::llround(std::max(seconds, 0.0)));
  if (whole >= 3600) return fmt::format("{}h{:02}m", whole / 3600, whole % 3600 / 60);
  if (whole >= 60) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  return fmt::format("{}s", whole);
}

}  // namespace

std::string explore_reproducer_path(const std::string& out_dir, const CampaignFailure& failure) {
  // "out/" and "out" name one directory: the path is written once, as a user would.
  return out_dir + (out_dir.ends_with('/') ? "" : "/") + failure.reproducer_file;
}

std::string explore_summary_text(const CampaignResult& total,
                                 const std::vector<CampaignResult>& shards,
                                 const std::string& out_dir, std::string_view program) {
  std::string out;
  for (const CampaignFailure& failure : total.failures) {
    out += failure_line(failure, explore_reproducer_path(out_dir, failure), program) + '\n';
  }
  if (!total.class_counts.empty()) {
    std::string classes;
    for (const auto& [name, count] : total.class_counts) {
      classes += fmt::format("{}{} {}", classes.empty() ? "" : ", ", name, count);
    }
    out += "classes: " + classes + '\n';
  }
  for (const CampaignResult& shard : shards) {
    if (!shard.complete()) out += gap_line(shard) + '\n';
  }
  return out + closing_line(total, out_dir) + '\n';
}

int explore_exit_status(const CampaignResult& total) {
  return total.complete() && total.failures.empty() ? 0 : 1;
}

std::string explore_progress_line(const ExploreProgress& progress, double elapsed_seconds,
                                  double time_limit_seconds) {
  constexpr double kRateSettleSeconds = 1.0;
  const double limit_left = std::max(0.0, time_limit_seconds - elapsed_seconds);
  std::string rate_text = "?";
  // Before any rate, the time limit still bounds what is left: a long first world shows it.
  std::string left = time_limit_seconds > 0
                         ? fmt::format("at most {} left (time limit)", duration_text(limit_left))
                         : "? left";
  if (elapsed_seconds >= kRateSettleSeconds && progress.done > 0) {
    const double rate = static_cast<double>(progress.done) / elapsed_seconds;
    rate_text = fmt::format("{:.0f}", rate);
    const double remaining = static_cast<double>(progress.total - progress.done) / rate;
    left = time_limit_seconds > 0 && limit_left < remaining
               ? duration_text(limit_left) + " left (time limit)"
               : duration_text(remaining) + " left";
  }
  // Worlds being shrunk, or shrunk and waiting for the seeds before them, have failed too.
  const uint64_t failed = progress.failures + progress.failures_pending;
  const std::string shrinking =
      progress.shrinking
          ? fmt::format(", shrinking seed {} ({} of at most {} runs)", progress.shrinking_seed,
                        progress.shrink_runs, kShrinkRunsMax)
          : "";
  return fmt::format("explored {}/{} worlds, {} worlds/s, {}, {} failed{}", progress.done,
                     progress.total, rate_text, left, failed, shrinking);
}

std::string explore_junit_xml(const CampaignResult& total,
                              const std::vector<CampaignResult>& shards, const std::string& out_dir,
                              std::string_view program) {
  JUnitSuite suite{"distsim explore", {}};
  for (const CampaignResult& shard : shards) {
    JUnitCase test;
    test.classname = "explore.shards";
    // The same name whether the shard ran whole or stopped early: CI servers follow a test by
    // its name, and a gap fixed by a rerun must read as that test passing again.
    test.name = fmt::format("shard {}: {} {}", shard.shard_text(), shard.worlds_planned,
                            worlds_word(shard.worlds_planned));
    if (!shard.complete()) {
      test.result = JUnitCase::Result::failure;
      test.type = "coverage_gap";
      test.message = gap_line(shard);
      test.text = gap_line(shard) + "\nA gap is not a pass: rerun the shard with more time.";
    }
    suite.cases.push_back(std::move(test));
  }
  for (const CampaignFailure& failure : total.failures) {
    const std::string path = explore_reproducer_path(out_dir, failure);
    JUnitCase test;
    test.classname = "explore.failures";
    test.name = fmt::format("seed {}: {}", failure.seed, failure.kind);
    test.file = path;
    test.result = JUnitCase::Result::failure;
    test.type = failure.kind;
    test.message = failure.detail;
    test.text = fmt::format("{}\nreplay: {} run {} ({})\n\n{}", failure.detail, shell_word(program),
                            shell_path(path), shrink_text(failure), failure.reproducer_yaml);
    suite.cases.push_back(std::move(test));
  }
  return junit_xml("distsim explore", {suite});
}

}  // namespace distsim::sim
