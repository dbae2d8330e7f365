// The explorer: generated worlds are reproducible and loadable, the oracles catch a stuck
// package, shrinking keeps the failure while dropping what does not matter, and shards and
// threads do not change what is found.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>

#include "sim/check/swarm_explorer.h"
#include "sim/check/world_classes.h"
#include "sim/core/prng.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/world/world.h"
#include "world_fixture.h"

namespace distsim::sim {
namespace {

TEST_CASE("a seed always draws the same world and that world loads back from YAML", "[explore]") {
  // Goal: the seed is a complete description of its world. Method: 300 seeds, twice each.
  for (uint64_t seed = 0; seed < 300; ++seed) {
    const GeneratedWorld first = generate_world(seed, {});
    const GeneratedWorld second = generate_world(seed, {});
    const std::string yaml = write_scenario_yaml(first.scenario);
    REQUIRE(yaml == write_scenario_yaml(second.scenario));
    const LoadResult loaded = load_scenario_text(yaml, "generated.yaml");
    INFO("seed " << seed << ": " << (loaded.errors.empty() ? "" : loaded.errors[0].to_string()));
    REQUIRE(loaded.errors.empty());
  }
}

TEST_CASE("the liveness oracle reports a package that never installs", "[explore]") {
  // Goal: must_install_all turns a stuck package into a finding. Method: a lock held all run.
  testing::KbWorldOptions options;
  options.lock_for_us = options.until_us;
  const Scenario stuck = testing::kb_world(options);
  const auto failure = check_world(stuck, true);
  REQUIRE(failure.has_value());
  CHECK(failure->kind == "liveness:32");
  CHECK_FALSE(check_world(stuck, false).has_value());
  CHECK_FALSE(check_world(testing::kb_world({}), true).has_value());
}

TEST_CASE("shrinking drops what the failure does not need and keeps its kind", "[explore]") {
  // Goal: a minimal reproducer. Method: the stuck KB world plus an unrelated package and DP,
  // and an alternate data stream on every file.
  testing::KbWorldOptions options;
  options.lock_for_us = options.until_us;
  Scenario world = testing::kb_world(options);
  world.filesystem.push_back({FilesystemEntry::Kind::file, "D:\\Other\\x.msi", 1024, 0, {}});
  for (FilesystemEntry& entry : world.filesystem) {
    if (entry.kind == FilesystemEntry::Kind::file) entry.alternate_streams = 1;  // not the cause
  }
  PackageEvent other;
  other.id = "S0100002";
  other.name = "Other";
  other.source = "D:\\Other";
  world.packages.push_back(other);
  DistributionPointSpec dp;
  dp.name = "DP02";
  world.distribution_points.push_back(dp);
  const auto failure = check_world(world, true);
  REQUIRE(failure.has_value());
  const ShrinkResult shrunk = shrink_world(world, true, *failure);
  CHECK(shrunk.runs > 0);
  CHECK(shrunk.scenario.packages.size() == 1);
  CHECK(shrunk.scenario.holders.size() == 1);
  CHECK(shrunk.scenario.distribution_points.size() <= 1);
  for (const FilesystemEntry& entry : shrunk.scenario.filesystem) {
    CHECK(entry.alternate_streams == 0);
  }
  const auto again = check_world(shrunk.scenario, true);
  REQUIRE(again.has_value());
  CHECK(again->kind == "liveness:32");
}

TEST_CASE("a stop request ends a shrink between worlds and keeps a world that fails the same way",
          "[explore]") {
  // Goal: a wall-clock limit or a signal cannot be held up by a shrink (up to kShrinkRunsMax
  // worlds). Method: the stuck KB world with two unrelated packages; the stop comes before the
  // third candidate would run.
  testing::KbWorldOptions options;
  options.lock_for_us = options.until_us;
  Scenario world = testing::kb_world(options);
  for (const char* id : {"S0100002", "S0100003"}) {
    PackageEvent other;
    other.id = id;
    other.name = id;
    other.source = "D:\\Other";
    world.packages.push_back(other);
  }
  world.filesystem.push_back({FilesystemEntry::Kind::file, "D:\\Other\\x.msi", 1024, 0, {}});
  const auto failure = check_world(world, true);
  REQUIRE(failure.has_value());
  const ShrinkResult whole = shrink_world(world, true, *failure);
  REQUIRE_FALSE(whole.stopped);
  REQUIRE(whole.runs > 2);
  int asked = 0;
  std::vector<uint32_t> told;
  const ShrinkResult stopped = shrink_world(
      world, true, *failure,
      {[&asked] { return ++asked > 2; }, [&told](uint32_t runs) { told.push_back(runs); }});
  CHECK(stopped.stopped);
  CHECK(told.size() == stopped.runs);
  CHECK((told.empty() || told.back() == stopped.runs));
  CHECK(stopped.runs <= 2);
  CHECK(stopped.runs < whole.runs);
  const auto again = check_world(stopped.scenario, true);
  REQUIRE(again.has_value());
  CHECK(again->kind == failure->kind);
}

TEST_CASE("the determinism check tells a repeated run from one with a planted difference",
          "[explore]") {
  // Goal: same_trace, the explorer's nondeterminism oracle, can fail. Method: the same world run
  // twice, and once more with entropy planted in the manager's random stream.
  testing::KbWorldOptions options;
  options.lock_for_us = 3 * model::kMicrosecondsPerHour;
  Scenario world = testing::kb_world(options);
  world.site.retry.jitter = model::Jitter::full;
  const RunResult first = run_world(world, {});
  REQUIRE(first.trace.records().size() > 10);
  CHECK(same_trace(first.trace, run_world(world, {}).trace));
  RunOptions planted;
  planted.planted_entropy = [] { return uint64_t{12345}; };
  CHECK_FALSE(same_trace(first.trace, run_world(world, planted).trace));
}

TEST_CASE("shards split the seeds and threads do not change the result", "[explore]") {
  // Goal: --shard and --jobs are pure partitions of the same work.
  ExploreOptions options;
  options.seed_count = 60;
  const auto ignore = [](const ExploreProgress&) {};
  const ExploreSummary whole = explore(options, ignore);
  options.jobs = 2;
  const ExploreSummary threaded = explore(options, ignore);
  CHECK(whole.worlds == 60);
  CHECK(threaded.worlds == 60);
  CHECK(whole.findings.size() == threaded.findings.size());
  options.jobs = 1;
  options.shard_count = 3;
  uint64_t shard_worlds = 0;
  for (uint32_t shard = 0; shard < 3; ++shard) {
    options.shard_index = shard;
    shard_worlds += explore(options, ignore).worlds;
  }
  CHECK(shard_worlds == 60);
}

TEST_CASE("a stop request ends the campaign between seeds and the summary covers the seeds before",
          "[explore]") {
  // Goal: --time-limit's mechanism. Method: a predicate that says stop when asked the 6th time;
  // with one thread the first five seeds ran, and the progress reports only those.
  ExploreOptions options;
  options.seed_count = 40;
  options.shard_index = 1;
  options.shard_count = 2;
  uint64_t asked = 0;
  uint64_t last_progress = 0;
  const ExploreSummary summary = explore(
      options, [&](const ExploreProgress& progress) { last_progress = progress.done; },
      [&] { return ++asked > 5; });
  CHECK(summary.worlds_planned == 20);
  CHECK(summary.worlds == 5);
  CHECK_FALSE(summary.complete());
  CHECK(last_progress == 5);
  CHECK(shard_seed(options, summary.worlds) == 11);  // the first seed not explored
  // With two threads the seeds run is still a prefix: at most the 7 seeds started.
  options.jobs = 2;
  std::atomic<uint64_t> asked_threaded{0};
  const ExploreSummary threaded = explore(
      options, [](const ExploreProgress&) {}, [&] { return ++asked_threaded > 7; });
  CHECK(threaded.worlds <= 7);
  CHECK_FALSE(threaded.complete());
}

TEST_CASE("a stop request ends a long world at once and leaves its seed unexplored", "[explore]") {
  // Goal: a --time-limit or SIGTERM does not wait for a world of years of hourly retries (seed
  // 50923 at a 3650-day budget ran 150 s). Method: a predicate that says stop from its second
  // asking, the first being before the seed; the world is abandoned 4,096 events in, unjudged.
  ExploreOptions options;
  options.seed_start = 50923;
  options.seed_count = 1;
  options.generator.horizon_us = 3650 * model::kMicrosecondsPerDay;
  uint64_t asked = 0;
  const ExploreSummary summary = explore(
      options, [](const ExploreProgress&) {}, [&asked] { return ++asked > 1; });
  CHECK(asked == 2);
  CHECK(summary.worlds == 0);
  CHECK(summary.findings.empty());
  CHECK(summary.class_counts.empty());
}

TEST_CASE("a shard's seeds are every N-th seed from the start plus its index", "[explore]") {
  ExploreOptions options;
  options.seed_start = 100;
  options.seed_count = 10;
  options.shard_count = 4;
  options.shard_index = 3;
  CHECK(shard_seed_count(options) == 2);  // 103, 107
  CHECK(shard_seed(options, 1) == 107);
  options.seed_count = 3;
  CHECK(shard_seed_count(options) == 0);
}

TEST_CASE("a fixed-seed campaign produces every important class of world", "[explore][classes]") {
  // Goal: the generator reaches the situations the oracles are for (a holder during the last
  // failed attempt, a crash during a copy, an update during a read, exhausted retries, ...).
  // Method: 500 seeds; every class of kImportantWorldClasses must be counted at least once.
  ExploreOptions options;
  options.seed_count = 500;
  options.jobs = 2;
  const ExploreSummary summary = explore(options, [](const ExploreProgress&) {});
  for (const std::string_view name : kImportantWorldClasses) {
    INFO(name);
    const auto found = summary.class_counts.find(std::string(name));
    CHECK((found != summary.class_counts.end() && found->second > 0));
  }
}

TEST_CASE("worlds are classified from their trace", "[explore][classes]") {
  // The KB world with a lock of 200 minutes: four hourly retries, the fifth pass installs.
  const RunResult run =
      run_world(testing::kb_world(testing::lock_for(200 * model::kMicrosecondsPerMinute)), {});
  const std::vector<std::string> classes = classify_run(run);
  const auto has = [&classes](std::string_view name) {
    return std::find(classes.begin(), classes.end(), name) != classes.end();
  };
  CHECK(has(kClassInstalledAfterFailure));
  CHECK(has(kClassRetriedThreeTimes));
  CHECK_FALSE(has(kClassCrashDuringCopy));
  CHECK(has(kClassHeldAtLastFailure));  // the setup program's file lies in the source folder
  RunOptions untraced;
  untraced.trace = false;
  CHECK(classify_run(run_world(testing::kb_world({}), untraced)).empty());
}

TEST_CASE("a world whose pass opens a held file on its own retry is classified so",
          "[explore][classes]") {
  // The KB world with a lock of 25 minutes and three in-pass retries 10 minutes apart: refused at
  // 0, 10 and 20 minutes, opened at 30 by the same pass. Without them, the package's hourly retry
  // opens it, which is not that class.
  Scenario scenario = testing::kb_world(testing::lock_for(25 * model::kMicrosecondsPerMinute));
  const auto classes_of = [](const Scenario& world) { return classify_run(run_world(world, {})); };
  const auto has = [](const std::vector<std::string>& classes, std::string_view name) {
    return std::find(classes.begin(), classes.end(), name) != classes.end();
  };
  CHECK_FALSE(has(classes_of(scenario), kClassOpenedOnRetryInPass));
  scenario.site.source_open_retries = 3;
  scenario.site.source_open_retry_interval_us = 10 * model::kMicrosecondsPerMinute;
  const std::vector<std::string> classes = classes_of(scenario);
  CHECK(has(classes, kClassOpenedOnRetryInPass));
  CHECK_FALSE(has(classes, kClassInstalledAfterFailure));
}

TEST_CASE("a world where a mapped view refused the manager is classified so, and only then",
          "[explore][classes]") {
  // Goal: the class needs a refusal the trace blames on a data section, not merely a view of the
  // file. Method: the repository's read-write view scenario has the class; with the view made
  // read-only (which refuses no read) it does not, although the file is still mapped.
  const std::string path =
      std::string(DISTSIM_SOURCE_DIR) + "/scenarios/q207416-source-mapped-read-write.yaml";
  const LoadResult loaded = load_scenario_file(path);
  REQUIRE(loaded.scenario.has_value());
  Scenario scenario = *loaded.scenario;
  const auto has_class = [](const Scenario& world) {
    const std::vector<std::string> classes = classify_run(run_world(world, {}));
    return std::find(classes.begin(), classes.end(), kClassMappedViewRefused) != classes.end();
  };
  CHECK(has_class(scenario));
  bool changed = false;
  for (HolderSpec& holder : scenario.holders) {
    for (ScriptStep& step : holder.steps) {
      if (step.action != ScriptStep::Action::map) continue;
      step.protection = PageProtection::readonly;
      changed = true;
    }
  }
  REQUIRE(changed);
  CHECK_FALSE(has_class(scenario));
}

TEST_CASE("the generator draws every behaviour-changing key of the format", "[explore]") {
  // Goal: swarm coverage of the format. Method: 300 seeds; each key appears in some world.
  bool deadline = false, retry_on = false, script = false, every = false, drawn = false;
  bool source_open = false, dp_update = false, nested = false;
  bool delay_from = false, open_retries = false, crash_uses_no_retry = false;
  bool dp_copy_open = false, pck_read_open = false, pck_create_open = false;
  bool retry_copies_installed = false, update_keeps_counts = false, wait_again = false;
  bool retry_message = false, keeps_section = false, shared_source = false, shared_inside = false;
  bool decided_at_copy_end = false;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    const Scenario scenario = generate_world(seed, {}).scenario;
    deadline = deadline || scenario.site.retry.deadline_us.has_value();
    retry_on = retry_on || scenario.site.retry.retry_on.has_value();
    source_open = source_open || scenario.site.source_open_share.has_value();
    dp_update = dp_update || scenario.site.update_deletes_dp_folder.has_value();
    delay_from = delay_from || scenario.site.retry.delay_from.has_value();
    open_retries = open_retries || scenario.site.source_open_retries.has_value();
    crash_uses_no_retry =
        crash_uses_no_retry || scenario.site.retry.crash_uses_retry == std::optional(false);
    dp_copy_open = dp_copy_open || scenario.site.dp_copy_open_share.has_value();
    pck_read_open = pck_read_open || scenario.site.pck_read_open_share.has_value();
    pck_create_open = pck_create_open || scenario.site.pck_create_open_share.has_value();
    retry_copies_installed =
        retry_copies_installed || scenario.site.retry_copies_installed.has_value();
    update_keeps_counts =
        update_keeps_counts || scenario.site.retry.update_resets_retries == std::optional(false);
    wait_again = wait_again || scenario.site.retry.due_while_down ==
                                   std::optional(model::DueWhileDown::wait_again);
    retry_message = retry_message || scenario.site.retry_count_shown_in ==
                                         std::optional(model::RetryCountShownIn::retry_message);
    decided_at_copy_end = decided_at_copy_end || scenario.site.retry.dp_retry_decided ==
                                                     std::optional(model::DpRetryDecided::copy_end);
    for (const HolderSpec& holder : scenario.holders) {
      keeps_section = keeps_section || holder.keeps_section.has_value();
      script = script || holder.kind == HolderKind::script;
      every = every || (holder.every.has_value() && holder.count > 1);
      drawn = drawn || holder.at.kind != DurationSpec::Kind::constant ||
              (holder.hold_for && holder.hold_for->kind != DurationSpec::Kind::constant);
    }
    for (const FilesystemEntry& entry : scenario.filesystem) {
      nested = nested || entry.kind == FilesystemEntry::Kind::tree ||
               entry.path.find("\\sub") != std::string::npos;
    }
    const std::string& first = scenario.packages.front().source;
    for (const PackageEvent& package : scenario.packages) {
      if (&package == &scenario.packages.front() || package.kind != PackageEvent::Kind::create) {
        continue;
      }
      shared_source = shared_source || package.source == first;
      shared_inside = shared_inside || package.source.rfind(first + "\\", 0) == 0;
    }
  }
  CHECK(deadline);
  CHECK(retry_on);
  CHECK(script);
  CHECK(every);
  CHECK(drawn);
  CHECK(source_open);
  CHECK(dp_update);
  CHECK(nested);
  CHECK(delay_from);
  CHECK(open_retries);
  CHECK(crash_uses_no_retry);
  CHECK(dp_copy_open);
  CHECK(pck_read_open);
  CHECK(pck_create_open);
  CHECK(retry_copies_installed);
  CHECK(update_keeps_counts);
  CHECK(wait_again);
  CHECK(retry_message);
  CHECK(keeps_section);
  CHECK(shared_source);
  CHECK(shared_inside);
  CHECK(decided_at_copy_end);
}

TEST_CASE("an antivirus drawn to keep sections maps the files it scans", "[explore]") {
  // Goal: the keeps_section stream reaches the scanner's view, not only the scenario. Method:
  // the first 300 seeds; some world with the feature has the antivirus map a data section.
  bool mapped = false;
  for (uint64_t seed = 0; seed < 300 && !mapped; ++seed) {
    const GeneratedWorld world = generate_world(seed, {});
    if (!world.features.antivirus_keeps_section) continue;
    const RunResult run = run_world(world.scenario, {});
    for (const TraceRecord& record : run.trace.records()) {
      mapped = mapped || (record.actor == "antivirus" && record.event == "map_data");
    }
  }
  CHECK(mapped);
}

// The longest a holder, fault or script of the world holds: an exponential hold up to its cap,
// a script from its first step to its last, the administrator's attribute script only for the
// source file it keeps read-only from the start (its DP copy's mark waits for a DP fault to end).
TimeUs longest_hold_us(const Scenario& scenario) {
  TimeUs longest_us = 0;
  for (const HolderSpec& holder : scenario.holders) {
    if (holder.hold_for) {
      const DurationSpec& hold = *holder.hold_for;
      longest_us = std::max(longest_us, hold.kind == DurationSpec::Kind::uniform ? hold.high_us
                                        : hold.kind == DurationSpec::Kind::exponential
                                            ? hold.value_us * Prng::kExponentialMeansMax
                                            : hold.value_us);
    }
    if (holder.kind != HolderKind::script || holder.steps.empty()) continue;
    if (holder.name != "attrib") {
      longest_us = std::max(longest_us, holder.steps.back().at_us - holder.steps.front().at_us);
      continue;
    }
    for (const ScriptStep& step : holder.steps) {
      const bool clears_source = step.action == ScriptStep::Action::set_attributes &&
                                 !step.read_only && !step.path.starts_with("\\\\");
      if (clears_source) longest_us = std::max(longest_us, step.at_us);
    }
  }
  for (const FaultSpec& fault : scenario.faults) {
    longest_us = std::max(longest_us, fault.for_us.value_or(0));
  }
  return longest_us;
}

TEST_CASE(
    "a world that retries without a count holds for at most 48 retry delays unless drawn "
    "with long holds",
    "[explore]") {
  // Goal: the explorer's time goes to many worlds, not to one world repeating a refusal hundreds
  // of times, and long holds are still explored. Method: the first 400 seeds; every world with
  // no retry count and without long holds holds nothing longer than kHoldRetryDelaysMax retry
  // delays (scripts may add two minutes of locks and writes before their close); some world
  // with long holds holds longer than that.
  bool longer_with_long_holds = false;
  size_t bounded = 0;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    const GeneratedWorld world = generate_world(seed, {});
    const RetrySpec& retry = world.scenario.site.retry;
    if (retry.count) continue;
    const TimeUs bound_us = *retry.delay_us * kHoldRetryDelaysMax;
    const TimeUs longest_us = longest_hold_us(world.scenario);
    if (world.features.long_holds) {
      longer_with_long_holds = longer_with_long_holds || longest_us > bound_us;
      continue;
    }
    ++bounded;
    INFO("seed " << seed);
    CHECK(longest_us <= bound_us + 2 * model::kMicrosecondsPerMinute);
  }
  CHECK(bounded > 100);
  CHECK(longer_with_long_holds);
}

TEST_CASE("a world drawn with a crash after a change crashes within two seconds of one",
          "[explore]") {
  // Goal: the crash_after_change stream puts the crash where an update or refresh has just
  // marked work under way for saving. Method: the first 300 seeds; every world with the feature
  // has its crash 0-2 s after one of its updates or refreshes, and some world has the feature.
  size_t drawn = 0;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    const GeneratedWorld world = generate_world(seed, {});
    if (!world.features.crash_after_change) continue;
    ++drawn;
    const auto crash =
        std::find_if(world.scenario.faults.begin(), world.scenario.faults.end(),
                     [](const FaultSpec& fault) { return fault.kind == FaultSpec::Kind::crash; });
    REQUIRE(crash != world.scenario.faults.end());
    const bool after_a_change =
        std::any_of(world.scenario.packages.begin(), world.scenario.packages.end(),
                    [&crash](const PackageEvent& event) {
                      return (event.kind == PackageEvent::Kind::update ||
                              event.kind == PackageEvent::Kind::refresh) &&
                             crash->at_us >= event.at_us &&
                             crash->at_us <= event.at_us + 2 * model::kMicrosecondsPerSecond;
                    });
    INFO("seed " << seed);
    CHECK(after_a_change);
  }
  CHECK(drawn > 0);
}

TEST_CASE("a world where the manager's own handle refused it is classified so, and only then",
          "[explore][classes]") {
  // Goal: the class needs a refusal the world blames on the manager itself. Method: the
  // repository's compressed package copied to two DPs: with a .PCK read that shares nothing the
  // second DP copy meets the first's handle; with the default share read, no refusal.
  const LoadResult loaded =
      load_scenario_file(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/compressed-copy.yaml");
  REQUIRE(loaded.scenario.has_value());
  Scenario scenario = *loaded.scenario;
  DistributionPointSpec second = scenario.distribution_points.front();
  second.name = "DP02";
  second.share.reset();
  scenario.distribution_points.push_back(second);
  scenario.expect = {};
  const auto has_class = [](const Scenario& world) {
    const std::vector<std::string> classes = classify_run(run_world(world, {}));
    return std::find(classes.begin(), classes.end(), kClassRefusedByItself) != classes.end();
  };
  CHECK_FALSE(has_class(scenario));
  scenario.site.pck_read_open_share = model::ShareMode{0};
  CHECK(has_class(scenario));
}

}  // namespace
}  // namespace distsim::sim
