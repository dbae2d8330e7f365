// The distsim binary as a user runs it: exit statuses 0/1/2, FILE:LINE:COL errors, the summary
// of a failed expectation with a repro line, and output files.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace distsim::testing {
namespace {

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

// `shell_prefix` runs first in the same shell (a `ulimit`, for example).
CommandResult run_cli(const std::string& arguments, const std::string& shell_prefix = "") {
  const CliResult result =
      run_shell(shell_prefix + "'" + std::string(DISTSIM_CLI_PATH) + "' " + arguments + " 2>&1");
  REQUIRE(result.status != -1);
  return {result.status, result.out};
}

// run_cli() with the process's address space limited to `kilobytes` (`ulimit -v`).
CommandResult run_cli_limited(uint64_t kilobytes, const std::string& arguments) {
  return run_cli(arguments, "ulimit -v " + std::to_string(kilobytes) + " && ");
}

std::string scenario_path(const std::string& name) {
  return std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" + name;
}

std::string temporary_file(const std::string& name, const std::string& content) {
  const std::string path = std::string(DISTSIM_BINARY_DIR) + "/" + name;
  write_text_file(path, content);
  return path;
}

std::string read_file(const std::string& path) { return read_text_file(path); }

TEST_CASE("running the KB scenario exits 0 and shows two error-32 passes and the installation",
          "[cli]") {
  // Goal: the README's main job, as a user sees it.
  const CommandResult result = run_cli("run " + scenario_path("q207416-temp-source.yaml"));
  CHECK(result.status == 0);
  CHECK(result.output.find("failed with error 32 (ERROR_SHARING_VIOLATION) opening "
                           "C:\\WINNT\\TEMP\\~setup1.tmp, retry at 01:00:00.240") !=
        std::string::npos);
  CHECK(result.output.find("succeeded at 02:00:02.921") != std::string::npos);
  CHECK(result.output.find("PASS:") != std::string::npos);
}

TEST_CASE("the README's excerpt of the KB run is what distsim prints, run as the README runs it",
          "[cli]") {
  // Goal: a newcomer's first page does not drift from the binary. Method: the excerpt must be a
  // piece of the real output of the README's command, from the source directory.
  const std::string excerpt =
      readme_block_after("What `distsim run scenarios/q207416-temp-source.yaml` prints");
  const CommandResult result = run_cli("run scenarios/q207416-temp-source.yaml",
                                       "cd '" + std::string(DISTSIM_SOURCE_DIR) + "' && ");
  CHECK(result.status == 0);
  CHECK_THAT(result.output, Catch::Contains(excerpt));
}

TEST_CASE("the docs' failed expectation is what distsim prints after the README's edit", "[cli]") {
  // Goal: the tour's step 3 and the CLI reference show the real lines (the scenario's line
  // numbers and times drift as it is edited). Method: the README's `cp` and `sed` in a scratch
  // directory, then every line of each excerpt but the elision must be a line of the output; the
  // repro line as printed for the binary's path.
  const std::string directory = std::string(DISTSIM_BINARY_DIR) + "/readme_tour";
  std::filesystem::create_directories(directory);
  const std::string in_directory = "cd '" + directory + "' && cp '" +
                                   scenario_path("q207416-temp-source.yaml") +
                                   "' my-kb.yaml && sed -i 's/      attempts: 3/      attempts: "
                                   "2/' my-kb.yaml && ";
  const CommandResult result = run_cli("run my-kb.yaml", in_directory);
  CHECK(result.status == 1);
  INFO(result.output);
  const std::array<std::array<std::string, 3>, 2> excerpts{
      {{"README.md", "**3. Read the failure.**", "reproduce with: build/ci/tools/distsim"},
       {"tools/cli/README.md", "else `distsim`:", "reproduce with: distsim"}}};
  for (const auto& [markdown, marker, repro] : excerpts) {
    std::istringstream lines(readme_block_after(marker, markdown));
    size_t compared = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.empty() || line == "  ...") continue;
      if (line.rfind(repro, 0) == 0) {
        line = "reproduce with: " + std::string(DISTSIM_CLI_PATH) + line.substr(repro.size());
      }
      INFO(markdown);
      CHECK_THAT(result.output, Catch::Contains(line + "\n"));
      ++compared;
    }
    CHECK(compared >= 4);
  }
}

TEST_CASE("a package of a scenario without distribution points says nothing was copied", "[cli]") {
  // Goal: a forgotten distribution_points section does not pass for a distribution. Method: one
  // package, no DP: it is installed by its read alone, and the summary says so under it.
  const std::string path =
      temporary_file("cli_no_dp.yaml",
                     "version: 1\nname: no dp\nuntil: 1h\nfilesystem:\n  - file: 'C:\\Src\\a.txt'\n"
                     "packages:\n  - id: S0100001\n    source: 'C:\\Src'\n");
  const CommandResult result = run_cli("run '" + path + "'");
  CHECK(result.status == 0);
  CHECK_THAT(result.output, Catch::Contains("  S0100001 \"S0100001\": installed since 00:00:00, 1 "
                                            "attempt, 0 retries\n"
                                            "    attempt   1  at 00:00:00      succeeded at "
                                            "00:00:00\n"
                                            "    no distribution point: the scenario declares "
                                            "none, so nothing was copied\n"));
}

TEST_CASE("the scenario format's first scenario is the scenario file it names, whole", "[cli]") {
  // Goal: a newcomer copying the first example gets the file that runs in the tour.
  const std::string format = read_file(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/FORMAT.md");
  const size_t section = format.find("## A first scenario");
  REQUIRE(section != std::string::npos);
  const std::string fence = "```yaml\n";
  const size_t open = format.find(fence, section);
  REQUIRE(open != std::string::npos);
  const size_t close = format.find("```\n", open + fence.size());
  REQUIRE(close != std::string::npos);
  CHECK(format.substr(open + fence.size(), close - open - fence.size()) ==
        read_file(scenario_path("q207416-temp-source.yaml")));
}

TEST_CASE("the CLI reference's first and last trace lines are what distsim writes", "[cli]") {
  // Goal: the example of the trace's header and end record (its trace_hash above all) does not
  // drift from the binary. Method: the scenario the reference names, traced; the example's
  // first and last lines must be the trace's.
  const std::string excerpt = readme_block_after(
      "The first line is the header and the last the end record", "tools/cli/README.md");
  const std::string trace = std::string(DISTSIM_BINARY_DIR) + "/cli_reference_trace.jsonl";
  const CommandResult result =
      run_cli("run scenarios/setup-temp-delete-on-close.yaml --quiet --trace '" + trace + "'",
              "cd '" + std::string(DISTSIM_SOURCE_DIR) + "' && ");
  REQUIRE(result.status == 0);
  const std::string written = read_file(trace);
  const std::string header = excerpt.substr(0, excerpt.find('\n') + 1);
  const std::string end = excerpt.substr(excerpt.rfind('\n', excerpt.size() - 2) + 1);
  CHECK(written.rfind(header, 0) == 0);
  CHECK_THAT(written, Catch::EndsWith(end));
}

TEST_CASE("per-DP retries are listed as DP retries, not as attempts of the package", "[cli]") {
  // Goal: a ConfigMgr DP retry is DP-thread work, so the summary and --json must not present it
  // as another processing pass. Method: DP02 is back after two failed copies.
  const std::string scenario = scenario_path("cm2012-dp-back-after-maintenance.yaml");
  const CommandResult text = run_cli("run " + scenario);
  CHECK(text.status == 0);
  CHECK(text.output.find("attempt   1  at 00:00:00      failed with error 53") !=
        std::string::npos);
  CHECK(text.output.find("DP retries   at 00:30:00.751  failed with error 53") !=
        std::string::npos);
  CHECK(
      text.output.find("DP retries   at 01:00:00.751  succeeded at 01:00:01.422; 1 copy to a DP") !=
      std::string::npos);
  CHECK(text.output.find("attempt   1  at 00:30") == std::string::npos);
  const CommandResult json = run_cli("run " + scenario + " --json");
  CHECK(json.status == 0);
  size_t marked = 0;
  for (size_t at = json.output.find("\"dp_retries\":true"); at != std::string::npos;
       at = json.output.find("\"dp_retries\":true", at + 1)) {
    ++marked;
  }
  CHECK(marked == 2);
}

TEST_CASE("status messages of one ID are counted per severity, as the component status counts them",
          "[cli]") {
  // Goal: 2328 is a Warning while a DP's retries last and an Error once they ran out; a summary
  // that showed one severity for all of them contradicted its own component status. Method: the
  // scenario whose DP runs out of 100 retries, in text and --json.
  const std::string scenario = scenario_path("cm2012-dp-retries-exhausted.yaml");
  const CommandResult text = run_cli("run " + scenario);
  CHECK_THAT(text.output, Catch::Contains("  2328 W  x100\n  2328 E  x1\n"));
  const CommandResult json = run_cli("run " + scenario + " --json");
  CHECK_THAT(json.output, Catch::Contains("\"2328\":101"));
  CHECK_THAT(json.output, Catch::Contains("\"2328\":{\"W\":100,\"E\":1}"));
}

TEST_CASE(
    "a wrong expectation exits 1 and says what was expected, what happened and how to "
    "reproduce it",
    "[cli]") {
  // Goal: exit status 1 and a readable finding. Method: the KB scenario expecting 2 attempts.
  std::string text = read_file(scenario_path("q207416-temp-source.yaml"));
  const auto at = text.find("attempts: 3");
  REQUIRE(at != std::string::npos);
  text.replace(at, 11, "attempts: 2");
  const std::string path = temporary_file("cli_wrong_expectation.yaml", text);
  const CommandResult result = run_cli("run '" + path + "' --seed 5");
  CHECK(result.status == 1);
  // Decided when the third pass began, not when the package last changed state.
  CHECK(result.output.find("FAIL  S0100001 attempts: expected 2, got 3 (at 02:00:00.480)") !=
        std::string::npos);
  CHECK(result.output.find("reproduce with: " + std::string(DISTSIM_CLI_PATH) + " run '" + path +
                           "' --seed 5") != std::string::npos);
}

TEST_CASE(
    "a count that stayed below its expectation is decided at the end of the run, not at its last "
    "event",
    "[cli]") {
  // Goal: "(at T)" is when the finding was settled. Method: the KB scenario expecting 4 attempts
  // and 3 retries (it makes 3 and 2) and 3 messages 2302 (it raises 2), each named at the end of
  // the run; the same run expecting at most 1 message 2302 is caught by the second one.
  std::string text = read_file(scenario_path("q207416-temp-source.yaml"));
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"attempts: 3", "attempts: 4"},
                                 {"retries: 2", "retries: 3"}}) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  const std::string list = "  status_messages:\n";
  const auto messages = text.find(list);
  REQUIRE(messages != std::string::npos);
  std::string below = text;
  below.insert(messages + list.size(), "    - id: 2302\n      count: 3\n");
  const CommandResult under =
      run_cli("run '" + temporary_file("cli_count_below.yaml", below) + "'");
  CHECK(under.status == 1);
  INFO(under.output);
  CHECK_THAT(under.output, Catch::Contains("S0100001 attempts: expected 4, got 3 (at 1d 00:00:00, "
                                           "the end of the run)"));
  CHECK_THAT(under.output, Catch::Contains("S0100001 retries: expected 3, got 2 (at 1d 00:00:00, "
                                           "the end of the run)"));
  CHECK_THAT(under.output, Catch::Contains("status message 2302 count: expected 3, got 2 (at 1d "
                                           "00:00:00, the end of the run)"));
  std::string above = text;
  above.insert(messages + list.size(), "    - id: 2302\n      count: {max: 1}\n");
  const CommandResult over = run_cli("run '" + temporary_file("cli_count_above.yaml", above) + "'");
  INFO(over.output);
  CHECK_THAT(over.output,
             Catch::Contains("status message 2302 count: expected <= 1, got 2 (at 01:00:00."));
}

TEST_CASE("a per-DP attempt count is decided by the copy attempt that went past it", "[cli]") {
  // Goal: under ConfigMgr an attempt is a DP copy, and a span of DP retries holds copies long
  // after it began. Method: the scenario whose DP02 copies again at 00:40:00, during DP01's DP
  // retries (from 00:30:03), expecting at most 4 attempts: the fifth is that copy.
  std::string text = read_file(scenario_path("cm2012-dp-retry-due-during-another-dps-copy.yaml"));
  const std::string state = "      state: installed\n";
  const auto at = text.find(state);
  REQUIRE(at != std::string::npos);
  text.insert(at + state.size(), "      attempts: {max: 4}\n");
  const CommandResult result =
      run_cli("run '" + temporary_file("cli_dp_attempts.yaml", text) + "' --quiet");
  CHECK(result.status == 1);
  CHECK_THAT(result.output,
             Catch::Contains("S0100012 attempts: expected <= 4, got 5 (at 00:40:00)"));
}

TEST_CASE("the repro line of a scenario named like a flag runs it again", "[cli]") {
  // Goal: "reproduce with" is a command that reproduces the run, whatever the file's name.
  // Method: the failing KB scenario as "-kb.yaml", run with `--`; its repro line, run by the
  // shell in the same directory, fails the same way.
  std::string text = read_file(scenario_path("q207416-temp-source.yaml"));
  const auto at = text.find("attempts: 3");
  REQUIRE(at != std::string::npos);
  text.replace(at, 11, "attempts: 2");
  temporary_file("-kb.yaml", text);
  const std::string in_build = "cd '" + std::string(DISTSIM_BINARY_DIR) + "' && ";
  const CommandResult result = run_cli("run -- -kb.yaml", in_build);
  CHECK(result.status == 1);
  const std::string marker = "reproduce with: ";
  const size_t line = result.output.find(marker);
  REQUIRE(line != std::string::npos);
  const std::string repro = result.output.substr(
      line + marker.size(), result.output.find('\n', line) - line - marker.size());
  CHECK_THAT(repro, Catch::EndsWith(" run './-kb.yaml' --seed 0"));
  const std::string program = DISTSIM_CLI_PATH;
  REQUIRE(repro.rfind(program, 0) == 0);
  const CommandResult again = run_cli(repro.substr(program.size() + 1), in_build);
  CHECK(again.status == 1);
  CHECK_THAT(again.output, Catch::Contains("FAIL  S0100001 attempts: expected 2, got 3"));
  CHECK_THAT(again.output, Catch::Contains(marker + repro + "\n"));
}

// Address Sanitizer reserves terabytes of address space, which a `ulimit -v` refuses.
#if !defined(__SANITIZE_ADDRESS__)
// The lines of a file, read a megabyte at a time (a long run's log is hundreds of megabytes).
uint64_t count_lines(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  uint64_t lines = 0;
  while (stream) {
    stream.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    lines +=
        static_cast<uint64_t>(std::count(buffer.begin(), buffer.begin() + stream.gcount(), '\n'));
  }
  return lines;
}

TEST_CASE("a one-second retry held for 30 days stops at the log line limit within 3 GB and exits 1",
          "[cli][limits]") {
  // Goal: what a run keeps bounds its memory whatever the scenario asks (2.6 million passes
  // here), the stop is a reported outcome, and the log and status files it writes cost nothing
  // on top (they are streamed). Method: the real binary under a 3 GB address-space limit; without
  // the stop it runs out of memory and exits 3, and so it does when the 680 MB Distmgr.log is
  // built in memory before it is written.
  const std::string path =
      std::string(DISTSIM_SOURCE_DIR) + "/tests/data/limits/one-second-retry-held-30-days.yaml";
  const std::string log = std::string(DISTSIM_BINARY_DIR) + "/cli_30_days.log";
  const std::string csv = std::string(DISTSIM_BINARY_DIR) + "/cli_30_days.csv";
  const CommandResult result = run_cli_limited(
      3'000'000, "run --quiet '" + path + "' --log '" + log + "' --status '" + csv + "'");
  CHECK(result.status == 1);
  CHECK(count_lines(log) >= 3'000'000);  // every line kept, up to the limit and its last event
  CHECK(count_lines(csv) > 500'000);
  std::filesystem::remove(log);
  std::filesystem::remove(csv);
  CHECK_THAT(
      result.output,
      Catch::Contains("run stopped early: record_limit_hit at 3d 11:20:59 after 300001 "
                      "kernel events: it kept 3000000 Distmgr.log lines (kLogLinesKeptMax)"));
  // Its trace filled first: the invariants it expects could not be judged.
  CHECK_THAT(result.output, Catch::Contains("FAIL  invariant checkers: expected a whole trace to "
                                            "judge, got the trace reached its limit of 4000000 "
                                            "records (kTraceRecordsMax) at 2d 17:22:33"));
  CHECK_THAT(result.output, Catch::Contains("reproduce with: "));
}

TEST_CASE("flag mistakes are told in distsim's words, naming the command and its help", "[cli]") {
  // Goal: the parser's own phrases ("At Most 1 required but received 2", "Value 0 not in range
  // 1 to 256") read like the rest of distsim's messages, one line per problem as exit status 2
  // promises. Method: one of each, and a flag value refused by distsim's own check.
  const std::string kb = scenario_path("q207416-temp-source.yaml");
  const CommandResult twice = run_cli("run '" + kb + "' --trace a.jsonl --trace b.jsonl");
  CHECK(twice.status == 2);
  CHECK(twice.output ==
        "distsim run: --trace is given 2 times; it takes one value (see distsim run --help)\n");
  // A flag given twice is the same mistake: a script that adds --json to a command holding one
  // means something it did not write.
  for (const std::string flag : {"--json", "--quiet"}) {
    const CommandResult flag_twice = run_cli("run '" + kb + "' " + flag + " " + flag);
    CHECK(flag_twice.status == 2);
    CHECK(flag_twice.output ==
          "distsim run: " + flag + " is given 2 times; give it once (see distsim run --help)\n");
  }
  const CommandResult range = run_cli("check -j 0 '" + kb + "'");
  CHECK(range.status == 2);
  CHECK(range.output == "distsim check: --jobs 0 is not in 1..256 (see distsim check --help)\n");
  const CommandResult negative = run_cli("compare --seeds -3 '" + kb + "' --policy '" +
                                         scenario_path("policies/sms2-hourly.yml") + "'");
  CHECK(negative.status == 2);
  CHECK(negative.output ==
        "distsim compare: --seeds: negative number '-3' is not allowed (see distsim compare "
        "--help)\n");
  CHECK_THAT(run_cli("check --help").output, Catch::Contains("-j,--jobs N "));
  // A count too large for any number is told against its own range.
  CHECK(run_cli("explore --seeds 99999999999999999999999").output ==
        "distsim explore: --seeds: 99999999999999999999999 is not in 1..100000000 (see distsim "
        "explore --help)\n");
  // A flag that lacks its path is not given the next flag as one (CLI11 would hand it over).
  const CommandResult flag_as_path = run_cli("run '" + kb + "' --trace --quiet");
  CHECK(flag_as_path.status == 2);
  CHECK(flag_as_path.output ==
        "distsim run: --trace: '--quiet' is a flag, not a path: give the path right after the flag "
        "(write ./--quiet for a file of that name) (see distsim run --help)\n");
  // --quiet would cut the JSON summary a script reads.
  const CommandResult quiet_json = run_cli("run '" + kb + "' --quiet --json");
  CHECK(quiet_json.status == 2);
  CHECK(quiet_json.output == "distsim run: --json excludes --quiet (see distsim run --help)\n");
  const CommandResult merge_first = run_cli("explore --merge --out found a.json b.json");
  CHECK(merge_first.status == 2);
  CHECK_THAT(merge_first.output,
             Catch::StartsWith("distsim explore: --merge: '--out' is a flag, not a path"));
}

TEST_CASE("a flag value refused after parsing is told as the parser's refusals are", "[cli]") {
  // Goal: the ranges a subcommand checks itself end the same way, naming the help, and name no
  // constant of the code.
  const std::string kb = scenario_path("q207416-temp-source.yaml");
  const std::string policy = scenario_path("policies/sms2-hourly.yml");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"compare '" + kb + "' --seeds 0 --policy '" + policy + "'",
       "distsim compare: --seeds 0 is not in 1..100000 (see distsim compare --help)\n"},
      {"run '" + kb + "' --until 3651d",
       "distsim run: --until: '3651d' must be above 0s and at most 3650d, the longest run (see "
       "distsim run --help)\n"},
      {"run '" + kb + "' --seed -1",
       "distsim run: --seed: negative number '-1' is not allowed (see distsim run --help)\n"},
      {"explore --seeds 0",
       "distsim explore: --seeds 0 is not in 1..100000000 (see distsim "
       "explore --help)\n"},
      {"explore --jobs 0",
       "distsim explore: --jobs 0 is not in 1..256 (see distsim explore "
       "--help)\n"},
      {"explore --budget 30m",
       "distsim explore: --budget '30m' must be a duration from 1h to "
       "3650d, the longest run (see distsim explore --help)\n"},
  };
  for (const auto& [arguments, message] : cases) {
    const CommandResult result = run_cli(arguments);
    INFO(arguments);
    CHECK(result.status == 2);
    CHECK(result.output == message);
  }
}

TEST_CASE("a run that runs out of memory says so and names its seed", "[cli][limits]") {
  // Goal: on a machine smaller than a run may keep, the failure names the seed to replay, not
  // "the scenario's". Method: the same run under a 600 MB limit, with --seed given and not.
  const std::string path =
      std::string(DISTSIM_SOURCE_DIR) + "/tests/data/limits/one-second-retry-held-30-days.yaml";
  for (const std::string seed : {"", " --seed 12"}) {
    const CommandResult result = run_cli_limited(600'000, "run --quiet '" + path + "'" + seed);
    const std::string number = seed.empty() ? "0" : "12";
    CHECK(result.status == 3);
    CHECK_THAT(result.output, Catch::StartsWith("distsim: out of memory: scenario "));
    CHECK_THAT(result.output, Catch::Contains(", seed " + number + ";"));
    CHECK_THAT(result.output, Catch::Contains("--seed " + number + "\n"));
  }
  const CommandResult checked = run_cli_limited(600'000, "check '" + path + "'");
  CHECK(checked.status == 3);
  CHECK_THAT(checked.output, Catch::Contains(": out of memory: a run may keep up to about 3 GB"));
  CHECK_THAT(checked.output, Catch::Contains("' --seed 0\n0 passed, 1 failed\n"));
}
#endif

TEST_CASE("a malformed scenario exits 2 with FILE:LINE:COL", "[cli]") {
  // Goal: exit status 2 and a positioned message. Method: an unknown key on line 3.
  const std::string path =
      temporary_file("cli_malformed.yaml", "version: 1\nname: broken\nuntill: 3d\n");
  const CommandResult result = run_cli("run '" + path + "'");
  CHECK(result.status == 2);
  CHECK(result.output.find(path + ":3:1: ") != std::string::npos);
}

TEST_CASE("a bad flag and a missing file exit 2", "[cli]") {
  // Goal: CLI11's own parse errors and unreadable files map to status 2.
  CHECK(run_cli("run --no-such-flag x.yaml").status == 2);
  // An unknown flag is named, with the closest flag, before the scenario it may have displaced
  // is missed; a value that looks like a flag stays the value of the flag before it.
  const std::string kb = scenario_path("q207416-temp-source.yaml");
  const CommandResult misspelt = run_cli("run --jsn");
  CHECK(misspelt.status == 2);
  CHECK(misspelt.output ==
        "distsim run: unknown flag '--jsn'; did you mean '--json'? (see distsim run --help)\n");
  CHECK(run_cli("run --seeds 5 '" + kb + "'").output ==
        "distsim run: unknown flag '--seeds'; did you mean '--seed'? (see distsim run --help)\n");
  CHECK(run_cli("explore --seed 5").output ==
        "distsim explore: unknown flag '--seed'; did you mean '--seeds'? (see distsim explore "
        "--help)\n");
  CHECK(run_cli("run -kb.yaml").output ==
        "distsim run: unknown flag '-kb.yaml'; a file whose name begins with - is written "
        "./-kb.yaml (see distsim run --help)\n");
  CHECK(run_cli("run '" + kb + "' --seed=3 --quiet").status == 0);
  CHECK(run_cli("check -j2 '" + kb + "'").status == 0);
  CHECK(run_cli("run /nonexistent/scenario.yaml").status == 2);
  // A directory where a file is meant says so, for a scenario and a policy file alike.
  const std::string directory = std::string(DISTSIM_SOURCE_DIR) + "/scenarios";
  const CommandResult scenario_directory = run_cli("run '" + directory + "'");
  CHECK(scenario_directory.status == 2);
  CHECK_THAT(scenario_directory.output,
             Catch::Contains(directory + ": this is a directory; give a file"));
  const CommandResult policy_directory = run_cli(
      "compare '" + scenario_path("q207416-temp-source.yaml") + "' --policy '" + directory + "'");
  CHECK(policy_directory.status == 2);
  CHECK_THAT(policy_directory.output,
             Catch::Contains(directory + ": this is a directory; give a file"));
  CHECK(run_cli("run " + scenario_path("q207416-temp-source.yaml") + " --until 3").status == 2);
  // "-" is not taken for standard input, and says so rather than "no such file", for a scenario
  // and for a policy alike.
  for (const std::string& command :
       {std::string("run -"), std::string("validate -"), std::string("check -"),
        "run '" + scenario_path("q207416-temp-source.yaml") + "' --policy -"}) {
    const CommandResult dash = run_cli(command);
    INFO(command);
    CHECK(dash.status == 2);
    CHECK_THAT(dash.output, Catch::Contains("-: standard input is not read: distsim names each "
                                            "input by its file in traces and reproduce lines; "
                                            "save it to a file and give that\n"));
  }
}

TEST_CASE("every whole-number flag reads decimal only, as --seed does", "[cli]") {
  // Goal: "0x10", "007" and "+5" are refused with exit 2 by every count flag, not read as 16, 7
  // and 5 by some and refused by others.
  const std::string kb = scenario_path("q207416-temp-source.yaml");
  for (const std::string& flag :
       {std::string("explore --seeds "), std::string("explore --seeds 1 --jobs "),
        std::string("explore --shard auto --shard-count "),
        "compare '" + kb + "' --policy '" + kb + "' --seeds ", "check '" + kb + "' -j ",
        "run '" + kb + "' --seed "}) {
    for (const std::string value : {"0x10", "007", "+5"}) {
      const CommandResult result = run_cli(flag + value);
      INFO(flag + value << ": " << result.output);
      CHECK(result.status == 2);
      CHECK_THAT(result.output, Catch::Contains("'" + value + "'"));
    }
  }
  // The reason a leading zero is refused holds for a flag as for a scenario value.
  CHECK_THAT(run_cli("explore --seeds 1 --jobs 02").output,
             Catch::Contains("has a leading zero, which YAML 1.1 and C read as octal"));
}

TEST_CASE("a mistyped subcommand, an empty output name and a malformed budget are named as such",
          "[cli]") {
  // Goal: each usage error names its own cause, and an empty output name is an error, never read
  // as "no output".
  const CommandResult typo = run_cli("rnu x.yaml");
  CHECK(typo.status == 2);
  CHECK(typo.output.find("'rnu' is not a subcommand; the subcommands are run, check") !=
        std::string::npos);
  const CommandResult empty_trace =
      run_cli("run " + scenario_path("q207416-temp-source.yaml") + " --trace ''");
  CHECK(empty_trace.status == 2);
  CHECK(empty_trace.output.find("--trace: needs a path, not an empty name") != std::string::npos);
  CHECK(run_cli("explore --seeds 1 --out ''").status == 2);
  const CommandResult budget = run_cli("explore --seeds 1 --budget 2h30");
  CHECK(budget.status == 2);
  CHECK(budget.output.find("--budget '2h30': missing unit") != std::string::npos);
  const CommandResult version_flag = run_cli("--version");
  CHECK(version_flag.status == 0);
  CHECK(version_flag.output == run_cli("version").output);
  CHECK(version_flag.output.rfind("distsim ", 0) == 0);
  // A flag before the subcommand is named as such, not reported as a missing subcommand.
  const CommandResult top_typo = run_cli("--verison");
  CHECK(top_typo.status == 2);
  CHECK(top_typo.output ==
        "distsim: unknown flag '--verison' (did you mean '--version'?); flags of a subcommand "
        "come after it, as in distsim run SCENARIO --seed 3 (see distsim --help)\n");
  const CommandResult misplaced = run_cli("--json run x.yaml");
  CHECK(misplaced.status == 2);
  CHECK(misplaced.output.rfind("distsim: unknown flag '--json'", 0) == 0);
  CHECK(run_cli("-h").status == 0);
}

TEST_CASE("the status CSV gives each message's virtual time as the summary writes it", "[cli]") {
  // Goal: one way of writing a point of virtual time across the outputs. Method: the KB run's
  // first failure (240 ms) and its hourly retry.
  const CommandResult result =
      run_cli("run --quiet '" + scenario_path("q207416-temp-source.yaml") + "' --status -");
  CHECK(result.status == 0);
  CHECK_THAT(result.output, Catch::StartsWith("time_us,time,id,severity,component,package,dp,"
                                              "text\n0,00:00:00,2300,I,"));
  CHECK_THAT(result.output, Catch::Contains("\n240000,00:00:00.240,2302,E,"));
  CHECK_THAT(result.output, Catch::Contains("\n3600240000,01:00:00.240,2300,I,"));
}

TEST_CASE("a first seed is read as a decimal whole number of at most 64 bits, as run --seed is",
          "[cli]") {
  // Goal: --seed-start never runs other seeds than the ones written: a number past the largest
  // seed is refused, not read as the largest, and a leading zero is refused as `run --seed` and
  // scenario files refuse it, not read as octal.
  const std::string command = "compare " + scenario_path("q207416-temp-source.yaml") + " " +
                              "--policy " + scenario_path("policies/sms2-hourly.yml") +
                              " --seeds 3";
  for (const std::string& subcommand : {command, std::string("explore --seeds 1")}) {
    const CommandResult too_large = run_cli(subcommand + " --seed-start 18446744073709551616");
    CHECK(too_large.status == 2);
    CHECK(too_large.output.find("number '18446744073709551616' is too large") != std::string::npos);
  }
  const CommandResult octal = run_cli("explore --seeds 2 --seed-start 010");
  CHECK(octal.status == 2);
  CHECK(octal.output.find("'010' has a leading zero") != std::string::npos);
  CHECK(run_cli("explore --seeds 2 --seed-start 10").output.find("seeds 10..11") !=
        std::string::npos);
  CHECK(run_cli("explore --seeds 1 --seed-start 1x").status == 2);
}

TEST_CASE("trace and log files are written and the trace starts with its header", "[cli]") {
  // Goal: --trace and --log produce the documented files.
  const std::string trace = std::string(DISTSIM_BINARY_DIR) + "/cli_trace.jsonl";
  const std::string log = std::string(DISTSIM_BINARY_DIR) + "/cli_distmgr.log";
  const CommandResult result = run_cli("run " + scenario_path("q207416-temp-source.yaml") +
                                       " --trace '" + trace + "' --log '" + log + "'");
  REQUIRE(result.status == 0);
  const std::string trace_text = read_file(trace);
  CHECK(trace_text.rfind("{\"t_us\":0,\"seq\":0,\"actor\":\"world\",\"event\":\"header\"", 0) == 0);
  CHECK(trace_text.find("\"event\":\"open\"") != std::string::npos);
  CHECK(trace_text.find("\"result\":\"ERROR_SHARING_VIOLATION\"") != std::string::npos);
  CHECK(trace_text.find("\"event\":\"end\"") != std::string::npos);
  const std::string log_text = read_file(log);
  CHECK(log_text.find("$$<SMS_DISTRIBUTION_MANAGER><Thu Nov 16 8:00:00.000 2000") !=
        std::string::npos);
  CHECK(log_text.find("STATMSG: ID=2302 SEV=E") != std::string::npos);
}

}  // namespace
}  // namespace distsim::testing
