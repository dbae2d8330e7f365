// `distsim compare` and `distsim run --policy` as a user runs them: the exit status of a
// comparison whose policy fails the scenario's expectations or whose runs stop at a limit, the
// replay line that reproduces the run it names, the policy in every output of a run, policy and
// scenario files mistaken for each other, and the CLI reference's example.
#include <catch2/catch.hpp>
#include <string>

#include "cli_runner.h"

namespace distsim::testing {
namespace {

struct CommandResult {
  int status = -1;
  std::string output;  // standard output, then standard error
};

// `distsim ARGUMENTS` (shell words) from the source directory.
CommandResult run_cli(const std::string& arguments) {
  const CliResult result = run_distsim(arguments, DISTSIM_SOURCE_DIR);
  return {result.status, result.out + result.err};
}

std::string scenario_path(const std::string& name) {
  return std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" + name;
}

// A file of this test process's scratch directory, written with `content`.
std::string temporary_file(const std::string& name, const std::string& content) {
  static const std::string directory = scratch_directory("compare_cli");
  const std::string path = directory + "/" + name;
  write_text_file(path, content);
  return path;
}

TEST_CASE("compare exits 1 naming a policy that fails the scenario's expectations, with a replay",
          "[cli][compare]") {
  // Goal: compare judges every run as `distsim run` would, exits 1 as the contract says for a
  // failed expectation, and its replay line reproduces the run it names. Method: the KB scenario
  // expects 3 attempts; its own hourly policy keeps them, exponential backoff makes about nine.
  const std::string kb = scenario_path("q207416-temp-source.yaml");
  const std::string hourly = scenario_path("policies/sms2-hourly.yml");
  const std::string backoff = scenario_path("policies/exponential-full-jitter.yml");
  const CommandResult held =
      run_cli("compare '" + kb + "' --policy '" + hourly + "' --seeds 3 --seed-start 0");
  CHECK(held.status == 0);
  CHECK_THAT(held.output, !Catch::Contains("failed an expectation"));
  const CommandResult failed = run_cli("compare '" + kb + "' --policy '" + hourly + "' --policy '" +
                                       backoff + "' --seeds 3 --seed-start 0");
  CHECK(failed.status == 1);
  CHECK_THAT(failed.output,
             Catch::Contains("exponential 2m..1h, full jitter: 3 of 3 runs failed an expectation "
                             "of the scenario; first, seed 0: S0100001 attempts: expected 3, got "
                             "10 (at 00:01:19.848) [line 39]; reproduce with: "));
  CHECK_THAT(failed.output, !Catch::Contains("sms2 hourly, unlimited: "));
  const std::string marker = "reproduce with: ";
  const size_t at = failed.output.find(marker);
  REQUIRE(at != std::string::npos);
  std::string replay = failed.output.substr(at + marker.size());
  replay = replay.substr(0, replay.find('\n'));
  CHECK_THAT(replay, Catch::EndsWith("--seed 0 --policy '" + backoff + "'"));
  // The program as run starts the line; run_cli puts it back.
  const CommandResult replayed = run_cli(replay.substr(replay.find(" run ") + 1));
  CHECK(replayed.status == 1);
  CHECK_THAT(replayed.output,
             Catch::Contains("retry policy: exponential 2m..1h, full jitter (" + backoff +
                             "), in place of the scenario's site.retry"));
  CHECK_THAT(replayed.output, Catch::Contains("expected 3, got 10 (at 00:01:19.848)"));
  CHECK_THAT(replayed.output, Catch::Contains("reproduce with: "));
  CHECK_THAT(replayed.output, Catch::EndsWith("--seed 0 --policy '" + backoff + "'\n"));
}

TEST_CASE(
    "run --policy names its policy in the JSON summary, the trace header, the HTML report "
    "and the repro line",
    "[cli][compare]") {
  // Goal: every output of a run under a policy says so, and the repro line keeps --until too.
  const std::string kb = scenario_path("q207416-temp-source.yaml");
  const std::string backoff = scenario_path("policies/exponential-full-jitter.yml");
  const std::string traces = scratch_directory("compare_cli_traces");
  const std::string trace = traces + "/cli_policy_trace.jsonl";
  const CommandResult json =
      run_cli("run '" + kb + "' --policy '" + backoff + "' --until 6h --json --trace '" + trace +
              "' --report '" + traces + "/report.html'");
  CHECK(json.status == 1);
  CHECK_THAT(json.output,
             Catch::Contains(",\"policy\":\"" + backoff +
                             "\",\"policy_name\":\"exponential 2m..1h, full jitter\""));
  CHECK_THAT(json.output, Catch::Contains("--seed 0 --until 6h --policy '" + backoff + "'\"}"));
  const std::string header = read_text_file(trace).substr(0, read_text_file(trace).find('\n'));
  CHECK_THAT(header, Catch::EndsWith(",\"policy_name\":\"exponential 2m..1h, full jitter\"}"));
  CHECK_THAT(read_text_file(traces + "/report.html"),
             Catch::Contains("retry policy: exponential 2m..1h, full jitter (" + backoff +
                             "), in place of the scenario&#39;s site.retry"));
  // A policy without a name goes by its file name: the summary names the file once.
  const std::string nameless = temporary_file("nameless.yml", "retry:\n  delay: 1h\n");
  CHECK_THAT(run_cli("run '" + kb + "' --policy '" + nameless + "'").output,
             Catch::Contains("\nretry policy: " + nameless +
                             ", in place of the scenario's "
                             "site.retry\n"));
  const CommandResult plain = run_cli("run '" + kb + "' --json");
  CHECK_THAT(plain.output, !Catch::Contains("\"policy"));
  // The run's fingerprint does not depend on how the policy's path is typed.
  const std::string retyped =
      std::string(DISTSIM_SOURCE_DIR) + "/scenarios/./policies/exponential-full-jitter.yml";
  const std::string second = traces + "/cli_policy_trace_2.jsonl";
  CHECK(run_cli("run '" + kb + "' --policy '" + retyped + "' --until 6h --quiet --trace '" +
                second + "'")
            .status == 1);
  CHECK(read_text_file(second) == read_text_file(trace));
}

TEST_CASE("a policy and a scenario given in each other's place are named for what they are",
          "[cli][compare]") {
  // Goal: one line saying which file is which, not a line per unknown key. Method: the scenario
  // as its own policy, a policy as the scenario, retry keys written without 'retry:', and a
  // --policy written before the scenario, which must not take the scenario as a second policy.
  const std::string kb = scenario_path("q207416-temp-source.yaml");
  const std::string hourly = scenario_path("policies/sms2-hourly.yml");
  const CommandResult scenario_as_policy = run_cli("run '" + kb + "' --policy '" + kb + "'");
  CHECK(scenario_as_policy.status == 2);
  CHECK(scenario_as_policy.output ==
        kb + ":2:1: this is a scenario (it has 'version'), not a retry policy file: a policy file "
             "holds a 'retry' mapping and an optional 'name', like "
             "scenarios/policies/sms2-hourly.yml\n");
  const CommandResult policy_as_scenario = run_cli("run '" + hourly + "'");
  CHECK(policy_as_scenario.status == 2);
  CHECK_THAT(policy_as_scenario.output,
             Catch::EndsWith("this is a retry policy file (it has 'retry' and no 'version'), not "
                             "a scenario: give it to distsim run or distsim compare with "
                             "--policy\n"));
  const std::string flat = temporary_file("cli_flat_policy.yml", "delay: 1h\ncount: 3\n");
  const CommandResult flat_keys = run_cli("run '" + kb + "' --policy '" + flat + "'");
  CHECK(flat_keys.status == 2);
  CHECK(flat_keys.output == flat +
                                ":1:1: 'delay', 'count' belong under a 'retry' mapping: write "
                                "'retry:' and indent the retry keys below it\n");
  const CommandResult policy_first =
      run_cli("compare --policy '" + hourly + "' '" + kb + "' --seeds 1");
  CHECK(policy_first.status == 0);
  CHECK_THAT(policy_first.output, Catch::Contains("1 seed from 0"));
}

TEST_CASE("run --policy refuses a policy file it cannot use, as compare does", "[cli][compare]") {
  // Goal: exit 2 with the policy's own FILE:LINE:COL, and no output over the policy. Method: a
  // missing file, a bad delay, and a --log naming the policy.
  const std::string kb = scenario_path("q207416-temp-source.yaml");
  const CommandResult twice = run_cli("run '" + kb + "' --policy a.yml --policy b.yml");
  CHECK(twice.status == 2);
  CHECK(twice.output ==
        "distsim run: --policy is given 2 times; a run takes one retry policy "
        "(distsim compare runs a scenario under several)\n");
  const CommandResult missing = run_cli("run '" + kb + "' --policy /nonexistent/policy.yml");
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Catch::Contains("/nonexistent/policy.yml"));
  const std::string wrong = temporary_file("cli_wrong_policy.yml", "retry:\n  delay: soon\n");
  const CommandResult unusable = run_cli("run '" + kb + "' --policy '" + wrong + "'");
  CHECK(unusable.status == 2);
  CHECK_THAT(unusable.output, Catch::StartsWith(wrong + ":2:"));
  // An output may not overwrite the policy it reads.
  const std::string policy = temporary_file("cli_hourly_policy.yml", "retry:\n  delay: 1h\n");
  const CommandResult clobbered =
      run_cli("run '" + kb + "' --policy '" + policy + "' --log '" + policy + "'");
  CHECK(clobbered.status == 2);
  CHECK_THAT(clobbered.output,
             Catch::Contains("is the policy '" + policy + "'; distsim never writes over an input"));
  CHECK(read_text_file(policy) == "retry:\n  delay: 1h\n");
}

TEST_CASE("compare refuses a policy file given twice and tells two policies of one name apart",
          "[cli][compare]") {
  // Goal: no table of identical rows, and no two rows a reader cannot tell apart. Method: one
  // file twice (written two ways), then a changed copy of a policy that kept its name.
  const std::string kb = scenario_path("q207416-temp-source.yaml");
  const std::string hourly = scenario_path("policies/sms2-hourly.yml");
  const std::string retyped =
      std::string(DISTSIM_SOURCE_DIR) + "/scenarios/./policies/sms2-hourly.yml";
  const CommandResult twice =
      run_cli("compare '" + kb + "' --policy '" + hourly + "' --policy '" + retyped + "'");
  CHECK(twice.status == 2);
  CHECK(twice.output == "distsim compare: --policy '" + hourly + "' and --policy '" + retyped +
                            "' are the same file; give each policy once\n");
  const std::string copy =
      temporary_file("hourly-three.yml", "name: sms2 hourly, unlimited\nretry:\n  count: 3\n");
  const CommandResult same_name =
      run_cli("compare '" + kb + "' --policy '" + hourly + "' --policy '" + copy + "' --seeds 1");
  CHECK(same_name.status == 0);
  CHECK_THAT(same_name.output, Catch::Contains("\nsms2 hourly, unlimited (" + hourly + ") "));
  CHECK_THAT(same_name.output, Catch::Contains("\nsms2 hourly, unlimited (" + copy + ") "));
}

// `compare` of the one-second-retry limits scenario, with its horizon set to `until`, under a
// policy of `delay: 1s`, over one seed.
CommandResult compare_one_second_retry(const std::string& until) {
  std::string text = read_text_file(std::string(DISTSIM_SOURCE_DIR) +
                                    "/tests/data/limits/one-second-retry-held-30-days.yaml");
  const auto at = text.find("until: 30d");
  REQUIRE(at != std::string::npos);
  text.replace(at, 10, "until: " + until);
  const std::string scenario = temporary_file("one_second_" + until + ".yaml", text);
  const std::string policy = temporary_file("one_second.yml", "retry:\n  delay: 1s\n");
  return run_cli("compare '" + scenario + "' --policy '" + policy + "' --seeds 1");
}

TEST_CASE("compare names a policy whose runs stopped at a limit and exits 1", "[cli][limits]") {
  // Goal: a table averaged over runs cut short does not pass as a comparison over the horizon.
  const CommandResult result = compare_one_second_retry("30d");
  CHECK(result.status == 1);
  CHECK_THAT(result.output,
             Catch::Contains("one_second.yml: 1 of 1 runs stopped before the horizon or "
                             "outgrew their trace, so its figures cover only part of them; first, "
                             "seed 0: run stopped early: record_limit_hit at 3d 11:20:59"));
  // It also outgrew its trace, two days before: both are said, and the opens per hour are
  // counted over the traced time (one open a second), not diluted by the untraced rest.
  CHECK_THAT(result.output, Catch::Contains("the horizon 30d 00:00:00 was not reached; the trace "
                                            "reached its limit of 4000000 records"));
  CHECK_THAT(result.output, Catch::Contains(" 3599.1\n"));
}

TEST_CASE("compare names a policy whose runs outgrew their trace and exits 1", "[cli][limits]") {
  // Goal: a run that reached its horizon with a truncated trace has its source opens counted only
  // up to the trace's end; the table must say so. Method: three days (the trace fills at
  // 2d 17:22:33, the log line limit would come at 3d 11:20:59).
  const CommandResult result = compare_one_second_retry("3d");
  CHECK(result.status == 1);
  CHECK_THAT(result.output,
             Catch::Contains("first, seed 0: the trace reached its limit of 4000000 records "
                             "(kTraceRecordsMax) at 2d 17:22:33: source opens count only up to "
                             "there, and the invariants could not be judged; reproduce with: "));
  // Noted once, as a run that outgrew its trace, not also as one that broke an invariant.
  CHECK_THAT(result.output, !Catch::Contains("invariant violations"));
  CHECK_THAT(result.output, Catch::Contains(" 3599.1\n"));
}

TEST_CASE("the CLI reference's compare example is what distsim prints, run as it says",
          "[cli][compare]") {
  // Goal: the documented table and note do not drift from the binary. Method: the command the
  // reference names, from the source directory, with the binary's path read as `distsim`.
  const std::string marker = "What `distsim compare ";
  const std::string reference =
      read_text_file(std::string(DISTSIM_SOURCE_DIR) + "/tools/cli/README.md");
  const size_t at = reference.find(marker);
  REQUIRE(at != std::string::npos);
  const size_t start = at + std::string("What `distsim ").size();
  const std::string arguments = reference.substr(start, reference.find('`', start) - start);
  // From the source directory, as the reference runs it; stdout and stderr in the order written.
  const CliResult result = run_shell("cd '" + std::string(DISTSIM_SOURCE_DIR) + "' && '" +
                                     std::string(DISTSIM_CLI_PATH) + "' " + arguments + " 2>&1");
  CHECK(result.status == 1);
  std::string output = result.out;
  const std::string program = DISTSIM_CLI_PATH;
  for (size_t found = output.find(program); found != std::string::npos;
       found = output.find(program)) {
    output.replace(found, program.size(), "distsim");
  }
  CHECK(output == readme_block_after(marker, "tools/cli/README.md"));
}

TEST_CASE("compare refuses seeds that would pass the largest seed instead of wrapping", "[cli]") {
  const std::string command = "compare " + scenario_path("q207416-temp-source.yaml") + " " +
                              "--policy " + scenario_path("policies/sms2-hourly.yml") +
                              " --seeds 3";
  const CommandResult wrapped = run_cli(command + " --seed-start 18446744073709551615");
  CHECK(wrapped.status == 2);
  CHECK(wrapped.output.find("pass the largest seed") != std::string::npos);
  CHECK(run_cli(command + " --seed-start 18446744073709551613").status != 2);
}

}  // namespace
}  // namespace distsim::testing
