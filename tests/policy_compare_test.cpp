// `distsim compare`: policy files, the comparison's numbers and its table.
#include "sim/check/policy_compare.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "model/assert.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "world_fixture.h"

namespace distsim::sim {
namespace {

constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;

PolicyFile policy(std::string name, uint32_t count, TimeUs delay_us) {
  PolicyFile file;
  file.file = name + ".yml";
  file.name = std::move(name);
  file.retry.count_given = true;
  file.retry.count = count;
  file.retry.delay_us = delay_us;
  return file;
}

TEST_CASE("nearest-rank percentiles pick an element of the list", "[compare]") {
  // Goal: p50/p95/max of a known list, and empty lists.
  const std::vector<TimeUs> sorted{10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  CHECK(percentile(sorted, 50) == 50);
  CHECK(percentile(sorted, 95) == 100);
  CHECK(percentile(sorted, 100) == 100);
  CHECK(percentile(sorted, 0) == 10);
  CHECK_FALSE(percentile({}, 50).has_value());
}

TEST_CASE("a shorter fixed delay installs sooner and opens the source more often", "[compare]") {
  // Goal: the comparison measures what the policies do. Method: 10-minute vs 60-minute retries
  // on the KB world (lock released at 95 minutes).
  const Scenario scenario = testing::kb_world({});
  const auto summaries = compare_policies(
      scenario, {policy("fast", 100, 10 * kMinute), policy("slow", 100, 60 * kMinute)}, {3, 0});
  REQUIRE(summaries.size() == 2);
  const auto fast_p50 = percentile(summaries[0].installed_after_us, 50);
  const auto slow_p50 = percentile(summaries[1].installed_after_us, 50);
  REQUIRE(fast_p50.has_value());
  REQUIRE(slow_p50.has_value());
  CHECK(*fast_p50 < *slow_p50);
  CHECK(summaries[0].attempts_total > summaries[1].attempts_total);
  CHECK(summaries[0].source_opens > summaries[1].source_opens);
  CHECK(summaries[0].not_installed == 0);
  CHECK(summaries[0].runs == 3);
}

TEST_CASE("source opens count the same for a source at a drive's root as below it", "[compare]") {
  // Goal: the load on the source is measured for every way a source may be written. Method: one
  // world twice, its source at "E:\\" and at "E:\\P" (written with and without the separator that
  // follows a folder); a TEMP user holds a file there for three hours.
  const auto world = [](std::string_view folder, std::string_view source) {
    const std::string text = fmt::format(
        "version: 1\nname: source\nuntil: 1d\nfilesystem:\n  - file: '{0}setup.exe'\n    size: "
        "4MB\ndistribution_points:\n  - name: DP01\npackages:\n  - id: S0100001\n    source: "
        "'{1}'\nholders:\n  - kind: temp_user\n    path: '{0}lock.tmp'\n    for: 3h\n",
        folder, source);
    const LoadResult loaded = load_scenario_text(text, "source.yaml");
    REQUIRE(loaded.scenario.has_value());
    return compare_policies(*loaded.scenario, {policy("hourly", 100, 60 * kMinute)}, {1, 0});
  };
  const auto at_root = world("E:\\", "E:\\");
  const auto below = world("E:\\P\\", "E:\\P");
  const auto below_with_separator = world("E:\\P\\", "E:\\P\\");
  REQUIRE(at_root.size() == 1);
  CHECK(at_root[0].source_opens > 0);
  CHECK(at_root[0].source_opens == below[0].source_opens);
  CHECK(below_with_separator[0].source_opens == below[0].source_opens);
}

TEST_CASE("the time to installed counts a package's first installation, not one after an update",
          "[compare]") {
  // Goal: an update ten hours later makes the package pending and installs it again; the policy
  // did not take ten hours. Method: a 1 MB package, updated at 10h.
  const LoadResult loaded = load_scenario_text(
      "version: 1\nname: updated\nuntil: 1d\nfilesystem:\n  - file: 'C:\\Src\\a.cab'\n    "
      "size: 1MB\ndistribution_points:\n  - name: DP01\npackages:\n  - id: S0100001\n    "
      "source: 'C:\\Src'\n  - update: S0100001\n    at: 10h\n",
      "updated.yaml");
  REQUIRE(loaded.scenario.has_value());
  const auto summaries =
      compare_policies(*loaded.scenario, {policy("hourly", 100, 60 * kMinute)}, {1, 0});
  REQUIRE(summaries.size() == 1);
  REQUIRE(summaries[0].installed_after_us.size() == 1);
  CHECK(summaries[0].installed_after_us[0] < kMinute);
  CHECK(summaries[0].not_installed == 0);
}

TEST_CASE("a policy that gives up too early leaves the package not installed", "[compare]") {
  // Goal: failures are counted. Method: one retry 10 minutes later cannot outlast a 95-minute lock.
  const auto summaries =
      compare_policies(testing::kb_world({}), {policy("impatient", 1, 10 * kMinute)}, {2, 0});
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].not_installed == 2);
  CHECK(compare_table(summaries).find("2 of 2") != std::string::npos);
}

TEST_CASE("a policy keeps the scenario's crash_uses_retry unless it sets its own", "[compare]") {
  // Goal: how the manager treats a crash stays the scenario's. Method: the scenario whose last
  // retry survives a crash only with crash_uses_retry false; the same policy without the key,
  // and with it true.
  const LoadResult loaded = load_scenario_file(std::string(DISTSIM_SOURCE_DIR) +
                                               "/scenarios/crash-redone-without-a-retry.yaml");
  REQUIRE(loaded.scenario.has_value());
  PolicyFile counted = policy("counted", 1, 60 * kMinute);
  counted.retry.crash_uses_retry = true;
  const auto summaries =
      compare_policies(*loaded.scenario, {policy("kept", 1, 60 * kMinute), counted}, {1, 0});
  REQUIRE(summaries.size() == 2);
  CHECK(summaries[0].not_installed == 0);
  CHECK(summaries[1].not_installed == 1);
}

TEST_CASE("a policy keeps the scenario's dp_retry_decided unless it sets its own", "[compare]") {
  // Goal: when the manager decides a failed DP copy's retry stays the site's. Method: the
  // scenario that installs by 1h15m only when each copy's retry is decided as it fails; a
  // 30-minute policy without the key, and with work_end.
  const LoadResult loaded =
      load_scenario_file(std::string(DISTSIM_SOURCE_DIR) +
                         "/scenarios/cm2007-dp-retry-decided-as-the-copy-fails.yaml");
  REQUIRE(loaded.scenario.has_value());
  PolicyFile at_work_end = policy("work_end", 100, 30 * kMinute);
  at_work_end.retry.dp_retry_decided = model::DpRetryDecided::work_end;
  const Scenario kept = with_policy(*loaded.scenario, policy("kept", 100, 30 * kMinute));
  const Scenario replaced = with_policy(*loaded.scenario, at_work_end);
  const auto installed_at = [](const Scenario& scenario) {
    const RunResult run = run_world(scenario, RunOptions{});
    REQUIRE(run.packages.size() == 1);
    REQUIRE(run.packages[0].installed_at_us.has_value());
    return *run.packages[0].installed_at_us;
  };
  CHECK(installed_at(kept) < 75 * kMinute);
  CHECK(installed_at(replaced) > 90 * kMinute);
}

TEST_CASE("a policy name longer than its column keeps every row's columns aligned", "[compare]") {
  // Goal: the policy column widens to the longest name, so each row's "runs" lines up with the
  // header's.
  PolicySummary short_name;
  short_name.name = "hourly";
  PolicySummary long_name;
  long_name.name = "sms2 hourly from the pass start, unlimited";
  const size_t width = long_name.name.size();
  std::istringstream lines(compare_table({short_name, long_name}));
  std::string header;
  std::string first;
  std::string second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  CHECK(header.find("runs") == width + 2);
  CHECK(first.substr(width, 6) == "     0");
  CHECK(second.substr(0, width + 6) == long_name.name + "     0");
}

TEST_CASE("a cell longer than its column keeps every row's columns aligned", "[compare]") {
  // Goal: a count of attempts such as "102.0 (max 102)" widens its column instead of pushing the
  // rest of its row to the right. Method: every line's columns end where the header's do.
  PolicySummary few;
  few.name = "hourly";
  few.packages = 1;
  few.attempts_total = 3;
  few.attempts_max = 3;
  PolicySummary many = few;
  many.name = "every second";
  many.attempts_total = 259141;
  many.attempts_max = 259141;
  std::istringstream lines(compare_table({few, many}));
  std::string header;
  std::getline(lines, header);
  const size_t attempts_end = header.find("attempts mean") + std::string("attempts mean").size();
  const size_t opens_end = header.size();
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() == opens_end);
    CHECK(line[attempts_end - 1] == ')');
  }
  CHECK(header.find("attempts mean") > header.find("runs") + std::string("runs").size() + 1);
}

TEST_CASE("a bug met during a comparison names the policy and the seed to replay", "[compare]") {
  // Goal: exit 3's report says which run to replay. Method: a world built in code that breaks a
  // precondition of run_world (a file on a share no DP has), which the loader would refuse.
  Scenario scenario = testing::kb_world({});
  FilesystemEntry stray;
  stray.kind = FilesystemEntry::Kind::file;
  stray.path = "\\\\NOWHERE\\SHARE\\a.cab";
  scenario.filesystem.push_back(stray);
  scenario.file = "kb.yaml";
  PolicyFile hourly = policy("hourly", 3, 60 * kMinute);
  hourly.file = "hourly.yml";
  CompareOptions options{1, 7};
  try {
    (void)compare_policies(scenario, {hourly}, options);
    FAIL("the broken precondition went unnoticed");
  } catch (const AssertionFailure& error) {
    CHECK_THAT(error.what(), Catch::Contains("(policy 'hourly', seed 7; replay with distsim run "
                                             "'kb.yaml' --seed 7 --policy 'hourly.yml')"));
  }
}

TEST_CASE("a comparison holds only when no policy's runs failed, broke or were cut short",
          "[compare]") {
  // Goal: compare's exit status follows each of the three counts alone.
  PolicySummary clean;
  clean.runs = 3;
  CHECK(all_held({clean, clean}));
  PolicySummary expectation = clean;
  expectation.runs_failing_expectations = 1;
  CHECK_FALSE(all_held({clean, expectation}));
  PolicySummary invariant = clean;
  invariant.invariant_violations = 2;
  CHECK_FALSE(all_held({invariant, clean}));
  PolicySummary cut_short = clean;
  cut_short.runs_cut_short = 1;
  CHECK_FALSE(all_held({cut_short}));
}

TEST_CASE("source opens per hour count the whole simulated time, whole hours or not", "[compare]") {
  // Goal: the load on the source does not depend on whether the runs add up to whole hours.
  // Method: 6 opens in 1.5 h, 12 opens in 3 h, 6 opens in 59 minutes, 1 in 0.36 s.
  const auto opens_per_hour = [](uint64_t opens, TimeUs simulated_us) {
    PolicySummary summary;
    summary.name = "p";
    summary.source_opens = opens;
    summary.opens_counted_us = simulated_us;
    std::istringstream lines(compare_table({summary}));
    std::string header;
    std::string row;
    std::getline(lines, header);
    std::getline(lines, row);
    return row.substr(row.find_last_not_of(' ', row.size() - 1) - 3);
  };
  CHECK(opens_per_hour(6, 90 * kMinute) == " 4.0");
  CHECK(opens_per_hour(12, 180 * kMinute) == " 4.0");
  CHECK(opens_per_hour(6, 59 * kMinute) == " 6.1");
  CHECK(opens_per_hour(6, 0) == "   -");
  // A trace cut short within its first second (its limit reached) still gives its rate.
  PolicySummary short_trace;
  short_trace.name = "p";
  short_trace.source_opens = 1;
  short_trace.opens_counted_us = 360 * model::kMicrosecondsPerSecond / 1000;
  CHECK_THAT(compare_table({short_trace}), Catch::Contains(" 10000.0\n"));
}

TEST_CASE("a policy file needs a retry mapping and takes only site.retry keys", "[compare]") {
  // Goal: policy files are validated like scenarios, with positions.
  const auto good = load_policy_text("name: quick\nretry:\n  count: 3\n  delay: 5m\n", "p.yml");
  REQUIRE(good.errors.empty());
  CHECK(good.policy->name == "quick");
  CHECK(good.policy->retry.count == 3u);
  const auto missing = load_policy_text("name: nothing\n", "p.yml");
  REQUIRE(missing.errors.size() == 1);
  const auto unknown = load_policy_text("retry:\n  delya: 5m\n", "p.yml");
  REQUIRE(unknown.errors.size() == 1);
  CHECK(unknown.errors[0].line == 2);
  CHECK(unknown.errors[0].message.find("did you mean 'delay'") != std::string::npos);
}

}  // namespace
}  // namespace distsim::sim
