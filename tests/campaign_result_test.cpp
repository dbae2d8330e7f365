// Campaign result files and their merge: the JSON reads back to the record it came from, the
// reader refuses a record whose parts disagree, shards merge into what one process over the same
// seeds reports, and a merge refuses missing, duplicate or foreign shards and reports a shard that
// stopped early as a gap.
#include "sim/report/campaign_result.h"

#include <catch2/catch.hpp>

#include "sim/check/world_classes.h"
#include "sim/report/campaign_merge.h"
#include "sim/report/explore_report.h"
#include "sim/report/json_value.h"

namespace distsim::sim {
namespace {

constexpr uint64_t kSeeds = 12;

CampaignFailure failure_at(uint64_t seed) {
  return CampaignFailure{seed,
                         "liveness:32",
                         "S0100001 is \"retrying\" at C:\\Src\\é's end",
                         7,
                         seed == 7,  // its shrink was cut short by the shard's stop
                         "explore-" + std::to_string(seed) + "-liveness-32.yaml",
                         "version: 1\nname: \"seed " + std::to_string(seed) +
                             "\"\nuntil: 1h\nfilesystem:\n  - dir: 'D:\\Src'\n"};
}

// Shard I/N of a campaign over seeds 0..11 in which seeds 2, 5 and 7 fail.
CampaignResult shard_result(uint32_t index, uint32_t count) {
  CampaignResult result;
  result.distsim_version = "0.9.0";
  result.commit = "0123456789ab";
  result.generator_version = kWorldGeneratorVersion;
  result.seed_count = kSeeds;
  result.shard_index = index;
  result.shard_count = count;
  result.budget_us = 3 * model::kMicrosecondsPerDay;
  for (uint64_t seed = index; seed < kSeeds; seed += count) ++result.worlds_planned;
  result.worlds_run = result.worlds_planned;
  for (const uint64_t seed : {uint64_t{2}, uint64_t{5}, uint64_t{7}}) {
    if (seed % count == index) result.failures.push_back(failure_at(seed));
  }
  result.wall_seconds = 1.5;
  return result;
}

std::vector<MergeInput> shard_files(uint32_t count) {
  std::vector<MergeInput> inputs;
  for (uint32_t index = 0; index < count; ++index) {
    inputs.push_back({"shard-" + std::to_string(index) + ".json", shard_result(index, count)});
  }
  return inputs;
}

TEST_CASE("a campaign result file reads back to the record it was written from", "[campaign]") {
  // Goal: --merge sees exactly what the shard wrote, awkward text included (quotes, newlines,
  // tabs, control characters, UTF-8). Method: write, read, write again: the same bytes.
  const CampaignResult written = shard_result(1, 3);
  const std::string json = campaign_result_json(written);
  const CampaignResultRead read = read_campaign_result(json);
  INFO(read.error);
  REQUIRE(read.result.has_value());
  CHECK(campaign_result_json(*read.result) == json);
  REQUIRE(read.result->failures.size() == 1);
  CHECK(read.result->failures[0].detail == written.failures[0].detail);
  CHECK(read.result->failures[0].reproducer_yaml == written.failures[0].reproducer_yaml);
  CHECK(read.result->failures[0].shrink_stopped);
  CHECK(read.result->budget_us == written.budget_us);
  CHECK(json.find("\"wall_seconds\": 1.500\n}") != std::string::npos);
}

TEST_CASE("an empty shard's first seed reads as the range's start or where the stride puts it",
          "[campaign]") {
  // Goal: shard 15/20 of 12 seeds explores nothing; its result names the range's start as its
  // first seed, and a result naming seed 15 (past the range) is the same empty shard.
  const std::string written = campaign_result_json(shard_result(15, 20));
  REQUIRE(written.find("\"first\": 0,") != std::string::npos);
  CHECK(read_campaign_result(written).error.empty());
  const auto first_seed = [&written](const std::string& seed) {
    const std::string zero = "\"first\": 0,";
    std::string text = written;
    text.replace(text.find(zero), zero.size(), "\"first\": " + seed + ",");
    return read_campaign_result(text).error;
  };
  CHECK(first_seed("15").empty());
  CHECK(first_seed("14").find("seeds_done") != std::string::npos);
}

TEST_CASE("the result reader refuses a record whose parts disagree", "[campaign]") {
  // Goal: a hand-edited or truncated file cannot pass as a shard. Each case breaks one part.
  const std::string good = campaign_result_json(shard_result(1, 3));
  const auto broken = [&good](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    return read_campaign_result(text).error;
  };
  CHECK(broken("\"worlds_planned\": 4", "\"worlds_planned\": 5").find("worlds_planned") !=
        std::string::npos);
  CHECK(broken("\"seed\": 7", "\"seed\": 8").find("not among the seeds") != std::string::npos);
  CHECK(broken("\"explore-7-liveness-32.yaml\"", "\"../x.yaml\"").find("plain") !=
        std::string::npos);
  CHECK(broken("\"shrink_stopped\": true", "\"shrink_stopped\": 1").find("true or false") !=
        std::string::npos);
  CHECK(broken("\"format_version\": 2", "\"format_version\": 9").find("format_version") !=
        std::string::npos);
  CHECK(broken("\"budget\": \"3d\"", "\"budget\": 3").find("'budget' must be a string") !=
        std::string::npos);
  CHECK(broken("\"worlds_run\": 4", "\"worlds_run\": 2").find("stopped_by") != std::string::npos);
  // What would print lines of its own in a summary, or name another world's reproducer.
  CHECK(broken("at C:", "at\\nexplored 12 worlds C:").find("one line") != std::string::npos);
  CHECK(broken("\"stopped_by\": null", "\"stopped_by\": \"time_limit\"").find("complete shard") !=
        std::string::npos);
  CHECK(broken("\"worlds_run\": 4,\n  \"seeds_done\": {\"first\": 1, \"step\": 3, \"count\": 4},\n"
               "  \"stopped_by\": null",
               "\"worlds_run\": 3,\n  \"seeds_done\": {\"first\": 1, \"step\": 3, \"count\": 3},\n"
               "  \"stopped_by\": \"banana\"")
            .find("stopped_by must be null or one of time_limit, SIGTERM, SIGINT") !=
        std::string::npos);
  CHECK(broken("\"class_counts\": {}", "\"class_counts\": {\"x\": 5}")
            .find("'x' must be an integer 0..4") != std::string::npos);
  CHECK(broken("\"seed_count\": 12", "\"seed_count\": 0").find("at least 1") != std::string::npos);
  CHECK(broken("\"explore-7-liveness-32.yaml\"", "\"explore-4-liveness-32.yaml\"")
            .find("the name its seed and kind give") != std::string::npos);
  CHECK(read_campaign_result(good.substr(0, good.size() / 2)).error.rfind("not JSON", 0) == 0);
  // What no distsim writes: a kind or class it does not know, a negative wall time, a reproducer
  // that would not replay.
  CHECK(broken("\"kind\": \"liveness:32\"", "\"kind\": \"crash\"")
            .find("kind \"crash\" is not a failure this distsim reports") != std::string::npos);
  CHECK(broken("\"kind\": \"liveness:32\"", "\"kind\": \"invariant:no_such_rule\"")
            .find("is not a failure this distsim reports") != std::string::npos);
  CHECK(broken("\"class_counts\": {}", "\"class_counts\": {\"made up\": 1}")
            .find("\"made up\" is not a class this distsim counts") != std::string::npos);
  CHECK(broken("\"wall_seconds\": 1.500", "\"wall_seconds\": -1.5")
            .find("'wall_seconds' must be a non-negative number") != std::string::npos);
  CHECK(broken("until: 1h", "until: 1 fortnight").find("reproducer_yaml does not load") !=
        std::string::npos);
}

TEST_CASE("a generator failure's reproducer is the world that did not load back", "[campaign]") {
  // Goal: the one failure whose reproducer cannot load by its nature still merges.
  CampaignResult result = shard_result(1, 3);
  REQUIRE(result.failures.size() == 1);
  CampaignFailure& failure = result.failures[0];
  failure.kind = "generator";
  failure.reproducer_file = reproducer_file_name(failure.seed, failure.kind);
  failure.reproducer_yaml = "version: 1\nname: [unclosed\n";
  const CampaignResultRead read = read_campaign_result(campaign_result_json(result));
  CHECK(read.error.empty());
  failure.kind = "liveness:32";
  failure.reproducer_file = reproducer_file_name(failure.seed, failure.kind);
  CHECK(read_campaign_result(campaign_result_json(result)).error.find("does not load") !=
        std::string::npos);
}

TEST_CASE("the result reader takes what other JSON writers make of a record", "[campaign]") {
  // Goal: a result passed through a tool that rewrites numbers or adds a byte order mark (jq,
  // PowerShell's Out-File) still merges; the record is the same.
  const std::string good = campaign_result_json(shard_result(1, 3));
  std::string rewritten = good;
  const std::string count = "\"seed_count\": 12";
  rewritten.replace(rewritten.find(count), count.size(), "\"seed_count\": 1.2e1");
  const CampaignResultRead read = read_campaign_result("\xEF\xBB\xBF" + rewritten);
  INFO(read.error);
  REQUIRE(read.result.has_value());
  CHECK(campaign_result_json(*read.result) == good);
  // UTF-16 (little-endian with its mark, as Windows PowerShell writes it) is named.
  std::string utf16 = "\xFF\xFE";
  for (const char c : good) utf16 += std::string{c, '\0'};
  CHECK(read_campaign_result(utf16).error.find("the file is UTF-16") == 0);
}

TEST_CASE("a JSON number is an unsigned integer in any form that names one", "[campaign]") {
  const auto integer = [](const std::string& text) {
    JsonReader reader(text);
    const std::optional<JsonValue> value = reader.read();
    REQUIRE(value.has_value());
    return value->unsigned_integer();
  };
  CHECK(integer("5000") == 5000u);
  CHECK(integer("5e3") == 5000u);
  CHECK(integer("5E+3") == 5000u);
  CHECK(integer("5000.000") == 5000u);
  CHECK(integer("0.5e4") == 5000u);
  CHECK(integer("500000e-2") == 5000u);
  CHECK(integer("0e999999") == 0u);
  CHECK(integer("-0") == 0u);
  CHECK(integer("0e-1000001") == 0u);
  CHECK(integer("0e99999999999999999999") == 0u);
  CHECK(integer("1e-0") == 1u);
  CHECK_FALSE(integer("1e99999999999999999999").has_value());
  CHECK_FALSE(integer("1e-99999999999999999999").has_value());
  CHECK_FALSE(integer("-0.5").has_value());
  CHECK(integer("0.000") == 0u);
  CHECK(integer("18446744073709551615") == UINT64_MAX);
  CHECK(integer("1.8446744073709551615e19") == UINT64_MAX);
  CHECK_FALSE(integer("18446744073709551616").has_value());
  CHECK_FALSE(integer("2e19").has_value());
  CHECK_FALSE(integer("1e9999999").has_value());
  CHECK_FALSE(integer("5.5").has_value());
  CHECK_FALSE(integer("5001e-1").has_value());
  CHECK_FALSE(integer("-1").has_value());
  CHECK_FALSE(integer("\"5\"").has_value());
}

TEST_CASE("a result may name every failure kind and class the explorer makes", "[campaign]") {
  // Goal: the reader's lists follow the explorer's: a kind or class added there must be added
  // to them, or a campaign that finds it could not be merged.
  for (const std::string_view name : kInvariantNames) {
    CHECK(known_failure_kind("invariant:" + std::string(name)));
  }
  for (const std::string_view kind :
       {"liveness:32", "liveness:0", "budget_exhausted", "pending_limit_hit", "record_limit_hit",
        "trace_truncated", "internal_error", "generator", "nondeterminism"}) {
    CHECK(known_failure_kind(kind));
  }
  for (const std::string_view kind : {"liveness:", "liveness:032", "liveness:x", "abandoned",
                                      "horizon_reached", "invariant:", "Liveness:32"}) {
    CHECK_FALSE(known_failure_kind(kind));
  }
  for (const std::string_view name : kWorldClasses) CHECK(known_world_class(name));
  CHECK_FALSE(known_world_class("retried at least 4 times"));
}

TEST_CASE("merged shards report exactly what one process over the same seeds reports",
          "[campaign]") {
  // Goal: --merge's summary is the single run's summary. Method: a campaign over 12 seeds with
  // failures in two of three shards, merged from files given out of order.
  const CampaignResult single = shard_result(0, 1);
  std::vector<MergeInput> inputs = shard_files(3);
  std::swap(inputs[0], inputs[2]);
  const CampaignMerge merge = merge_campaign(inputs);
  REQUIRE(merge.errors.empty());
  CHECK(explore_summary_text(merge.total, merge.shards, "out", "distsim") ==
        explore_summary_text(single, {single}, "out", "distsim"));
  CHECK(explore_exit_status(merge.total) == 1);
  const std::string summary = explore_summary_text(merge.total, merge.shards, "out", "distsim");
  CHECK(summary.find("(shrunk in 7 runs; replay: distsim run 'out/explore-5-liveness-32.yaml')") !=
        std::string::npos);
  CHECK(summary.find("(shrinking stopped after 7 runs, not minimal; replay: distsim run "
                     "'out/explore-7-liveness-32.yaml')") != std::string::npos);
  const std::string junit = explore_junit_xml(merge.total, merge.shards, "out", "distsim");
  CHECK(junit.find("name=\"shard 2/3: 4 worlds\"") != std::string::npos);
  CHECK(junit.find("name=\"seed 5: liveness:32\" file=\"out/explore-5-liveness-32.yaml\"") !=
        std::string::npos);
  CHECK(junit.find("tests=\"6\"") != std::string::npos);
  CHECK(junit.find("failures=\"3\"") != std::string::npos);
}

TEST_CASE("a replay command stays one shell word whatever the --out directory is called",
          "[campaign]") {
  // Goal: the printed command can be pasted. Method: a directory with a quote that starts with
  // '-', which `distsim run` would otherwise read as a flag.
  const CampaignResult single = shard_result(0, 1);
  const std::string summary = explore_summary_text(single, {single}, "-it's", "distsim");
  CHECK(summary.find("replay: distsim run './-it'\\''s/explore-2-liveness-32.yaml')") !=
        std::string::npos);
  const std::string junit = explore_junit_xml(single, {single}, "-it's", "distsim");
  CHECK(junit.find("replay: distsim run './-it'\\''s/explore-2-liveness-32.yaml'") !=
        std::string::npos);
}

TEST_CASE("a campaign of one world says world, and one seed left says seed", "[campaign]") {
  CampaignResult one = shard_result(0, 1);
  one.seed_start = 5;
  one.seed_count = 1;
  one.worlds_planned = one.worlds_run = 1;
  one.failures.clear();
  CHECK(explore_summary_text(one, {one}, "out", "distsim") ==
        "explored 1 world (seed 5): 0 failed\n");
  one.worlds_run = 0;
  one.stopped_by = "SIGTERM";
  const std::string stopped = explore_summary_text(one, {one}, "out", "distsim");
  CHECK(stopped.find("GAP: explored 0 of 1 world (stopped by SIGTERM)") != std::string::npos);
  CHECK(stopped.find("explored 0 of 1 world (seed 5): 0 failed; 1 seed not explored") !=
        std::string::npos);
  CHECK(explore_junit_xml(one, {one}, "out", "distsim").find("name=\"shard 0/1: 1 world\"") !=
        std::string::npos);
  CHECK(stopped.find("not explored: seed 5\n") != std::string::npos);
  // One shrink run, and an output folder written with its trailing slash.
  CampaignFailure failure = failure_at(7);
  failure.shrink_runs = 1;
  failure.shrink_stopped = false;
  CHECK(explore_reproducer_path("out/", failure) == "out/explore-7-liveness-32.yaml");
  // The replay names the binary as it was run, quoted where a shell needs it.
  CHECK(explore_summary_text(shard_result(0, 1), {shard_result(0, 1)}, "out", "./my build/distsim")
            .find("replay: './my build/distsim' run 'out/") != std::string::npos);
  CampaignResult found = shard_result(0, 1);
  found.failures = {failure};
  CHECK(explore_summary_text(found, {found}, "out/", "distsim")
            .find("(shrunk in 1 run; replay: distsim run "
                  "'out/explore-7-liveness-32.yaml')") != std::string::npos);
}

TEST_CASE("the progress line waits a second before it estimates, and counts the time limit",
          "[campaign]") {
  const ExploreProgress progress{200, 1000, 1, false, 0, 0, 200, 0};
  CHECK(explore_progress_line(progress, 0.3) ==
        "explored 200/1000 worlds, ? worlds/s, ? left, 1 failed");
  CHECK(explore_progress_line(progress, 2.0) ==
        "explored 200/1000 worlds, 100 worlds/s, 8s left, 1 failed");
  CHECK(explore_progress_line(progress, 2.0, 5.0) ==
        "explored 200/1000 worlds, 100 worlds/s, 3s left (time limit), 1 failed");
  CHECK(explore_progress_line(progress, 2.0, 600.0) ==
        "explored 200/1000 worlds, 100 worlds/s, 8s left, 1 failed");
  // A first world that runs long: no rate yet, but the time limit bounds what is left.
  const ExploreProgress first{0, 1000, 0, false, 0, 0, 0, 0};
  CHECK(explore_progress_line(first, 30.0) ==
        "explored 0/1000 worlds, ? worlds/s, ? left, 0 failed");
  CHECK(explore_progress_line(first, 30.0, 600.0) ==
        "explored 0/1000 worlds, ? worlds/s, at most 9m30s left (time limit), 0 failed");
  CHECK(explore_progress_line(first, 700.0, 600.0) ==
        "explored 0/1000 worlds, ? worlds/s, at most 0s left (time limit), 0 failed");
  // Worlds being shrunk (or shrunk, waiting for the seeds before them) count as failed before
  // their outcomes are counted.
  const ExploreProgress shrinking{200, 1000, 1, true, 961211, 40, 200, 1};
  CHECK(explore_progress_line(shrinking, 2.0) ==
        "explored 200/1000 worlds, 100 worlds/s, 8s left, 2 failed, shrinking seed 961211 (40 "
        "of at most 500 runs)");
}

TEST_CASE("a merge names every missing and duplicate shard", "[campaign]") {
  std::vector<MergeInput> inputs = shard_files(4);
  inputs[2] = inputs[1];
  inputs[2].name = "copy.json";
  const CampaignMerge merge = merge_campaign(inputs);
  REQUIRE(merge.errors.size() == 2);
  CHECK(merge.errors[0] == "shard 1/4 appears 2 times: shard-1.json, copy.json");
  CHECK(merge.errors[1] == "shard 2/4 is missing: no result file for it");
}

TEST_CASE("a merge refuses shards of different campaigns", "[campaign]") {
  // Goal: one campaign is one build, generator, budget, seed range and shard count.
  const auto refused = [](auto change) {
    std::vector<MergeInput> inputs = shard_files(2);
    change(inputs[1].result);
    const CampaignMerge merge = merge_campaign(inputs);
    return merge.errors.empty() ? std::string() : merge.errors.front();
  };
  CHECK(refused([](CampaignResult& r) { r.commit = "fedcba987654"; }).find("commit") !=
        std::string::npos);
  CHECK(refused([](CampaignResult& r) { r.budget_us *= 2; }).find("budget 6d differs from 3d") !=
        std::string::npos);
  CHECK(refused([](CampaignResult& r) { r.seed_start = 1; }).find("seed range") !=
        std::string::npos);
  CHECK(refused([](CampaignResult& r) { r.generator_version += 1; }).find("generator") !=
        std::string::npos);
  CHECK(refused([](CampaignResult& r) { r.distsim_version = "1.0.0"; }).find("version") !=
        std::string::npos);
  CHECK(refused([](CampaignResult&) {}).empty());
}

TEST_CASE("a shard stopped by the time limit is a gap in the merge, never a pass", "[campaign]") {
  // Goal: incomplete coverage is reported with the seeds not explored. Method: shard 1/3 ran 2
  // of its 4 seeds (1, 4) and no world failed anywhere.
  std::vector<MergeInput> inputs = shard_files(3);
  for (MergeInput& input : inputs) input.result.failures.clear();
  inputs[1].result.worlds_run = 2;
  inputs[1].result.stopped_by = "time_limit";
  const CampaignMerge merge = merge_campaign(inputs);
  REQUIRE(merge.errors.empty());
  CHECK(explore_exit_status(merge.total) == 1);
  const std::string summary = explore_summary_text(merge.total, merge.shards, "out", "distsim");
  CHECK(summary ==
        "GAP shard 1/3: explored 2 of 4 worlds (stopped at --time-limit); not explored: seeds "
        "7..10 in steps of 3\n"
        "explored 10 of 12 worlds (seeds 0..11): 0 failed; 2 seeds not explored\n");
  const std::string junit = explore_junit_xml(merge.total, merge.shards, "out", "distsim");
  CHECK(junit.find("type=\"coverage_gap\"") != std::string::npos);
  // The shard's own file says so too, and reads back.
  const CampaignResultRead read = read_campaign_result(campaign_result_json(inputs[1].result));
  REQUIRE(read.result.has_value());
  CHECK(read.result->stopped_by == "time_limit");
  CHECK(read.result->next_seed() == 7);
}

TEST_CASE("the JSON reader decodes escapes and refuses what is not JSON without throwing",
          "[campaign]") {
  const auto read = [](const std::string& text) { return JsonReader(text).read(); };
  const auto decoded = read(R"({"a": "\u00e9\ud83d\ude00\n"})");
  REQUIRE(decoded.has_value());
  CHECK(decoded->at("a").text == "\xC3\xA9\xF0\x9F\x98\x80\n");
  for (const char* bad : {R"({"a": "\u12"})", R"({"a": "\ud83d"})", R"({"a": 1, "a": 2})",
                          R"([1,])", "{} x", R"({"a": 01})", "nul"}) {
    INFO(bad);
    CHECK_FALSE(read(bad).has_value());
  }
  CHECK(read("18446744073709551615")->unsigned_integer() == UINT64_MAX);
  CHECK_FALSE(read("18446744073709551616")->unsigned_integer().has_value());
  CHECK_FALSE(read("-1")->unsigned_integer().has_value());
}

}  // namespace
}  // namespace distsim::sim
