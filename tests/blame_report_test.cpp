// Blame and evidence as users meet them: the run summary names the handles behind each failed
// attempt, --json and the trace carry them, `check --junit` explains each failed expectation
// (decided when, on what evidence, with the attempt table), repro commands name the binary that
// ran, and every subcommand's --help gives examples and exit statuses.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "cli_runner.h"
#include "sim/scenario/scenario.h"
#include "sim/world/blame.h"

namespace distsim::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWindowBlame =
    "held by admin-window (explorer_window, RmExplorer) since 00:00:00, "
    "GENERIC_READ|GENERIC_WRITE, share READ";

std::string scenario_text(const std::string& name) {
  return read_text_file(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" + name);
}

// A scratch directory `name` holding the repository's scenario `file` as scenario.yaml.
std::string scenario_copy(const std::string& name, const std::string& file) {
  const std::string directory = scratch_directory(name);
  write_text_file(directory + "/scenario.yaml", scenario_text(file));
  return directory;
}

// The Explorer scenario in a scratch directory, with `from` replaced by `to` (when given).
std::string explorer_copy(const std::string& name, const std::string& from = "",
                          const std::string& to = "") {
  const std::string directory = scratch_directory(name);
  std::string text = scenario_text("q207416-explorer-window.yaml");
  if (!from.empty()) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  write_text_file(directory + "/explorer.yaml", text);
  return directory;
}

TEST_CASE("the run summary names the Explorer window's handle under each failed attempt",
          "[cli][blame]") {
  const std::string directory = explorer_copy("blame-summary");
  const CliResult result = run_distsim("run explorer.yaml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.out.find("failed with error 32 (ERROR_SHARING_VIOLATION) opening "
                        "D:\\Packages\\Office2000\\Thumbs.db, retry at ") != std::string::npos);
  const size_t first = result.out.find(kWindowBlame);
  REQUIRE(first != std::string::npos);
  CHECK(result.out.find(kWindowBlame, first + 1) != std::string::npos);  // both failed attempts
}

TEST_CASE("the run summary and --json name a memory-mapped view behind a refusal", "[cli][blame]") {
  // Goal: a refusal no handle explains (the program closed its handle and kept a read-write view)
  // is still blamed, on the view, in the text summary and in --json. Method: the repository's
  // scenario of a source file mapped read-write.
  const std::string directory =
      scenario_copy("blame-mapped-view", "q207416-source-mapped-read-write.yaml");
  const CliResult text = run_distsim("run scenario.yaml", directory);
  INFO(text.out << text.err);
  CHECK(text.status == 0);
  CHECK(text.out.find("held by database-engine (script, RmConsole) since 00:05:00, "
                      "GENERIC_READ|GENERIC_WRITE, share READ|WRITE, mapping it into memory "
                      "(PAGE_READWRITE section: opens must share write; truncating and deleting "
                      "are refused)") != std::string::npos);
  const CliResult json = run_distsim("run scenario.yaml --json", directory);
  CHECK(json.out.find("\"mapped\":\"PAGE_READWRITE\"") != std::string::npos);
}

TEST_CASE("the run summary says which retry a deleted retry history stopped", "[cli][blame]") {
  const std::string directory =
      scenario_copy("retry-history-summary", "q319207-delete-retry-history.yaml");
  const CliResult result = run_distsim("run scenario.yaml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.out.find("retry at 02:00:00.080 (not run: its retry history was deleted at "
                        "01:30:00)") != std::string::npos);
  CHECK(result.out.find("retry at 01:00:00.040 (not run") == std::string::npos);
  const CliResult json = run_distsim("run scenario.yaml --json", directory);
  CHECK(json.out.find("\"attempt\":2,\"start_us\":3600040000,") != std::string::npos);
  CHECK(json.out.find("\"retry_history_deleted_us\":5400000000") != std::string::npos);
  CHECK(json.out.find("\"retry_history_deleted_us\"") ==
        json.out.rfind("\"retry_history_deleted_us\""));  // on attempt 2 only
}

TEST_CASE("the run summary does not say a deleted retry history stopped a pass that then ran",
          "[cli][blame]") {
  // A refresh during the interrupted retry makes the redo a new cycle's first pass: the manager
  // never reads the deleted key, and the summary must not claim the deletion stopped it.
  const std::string directory =
      scenario_copy("retry-history-not-read",
                    "regressions/refresh-during-a-crash-cut-retry-is-redone-after-deletion.yaml");
  const CliResult result = run_distsim("run scenario.yaml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.out.find("interrupted at 01:01:02 by a crash of the manager\n") !=
        std::string::npos);
  CHECK(result.out.find("its retry history was deleted") == std::string::npos);
  const CliResult json = run_distsim("run scenario.yaml --json", directory);
  CHECK(json.out.find("\"retry_history_deleted_us\"") == std::string::npos);
}

TEST_CASE("the run summary does not say a deletion stopped a retry an update replaced",
          "[cli][blame]") {
  // An update while the retry waits starts a new cycle at once: under the default
  // update_resets_retries nothing reads the deleted key, so no retry was stopped by it.
  const std::string directory = scenario_copy(
      "retry-history-update", "regressions/update-after-a-deletion-finds-no-stopped-retry.yaml");
  const CliResult result = run_distsim("run scenario.yaml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.out.find("retry at 02:00:00.080\n") != std::string::npos);
  CHECK(result.out.find("its retry history was deleted") == std::string::npos);
  const CliResult json = run_distsim("run scenario.yaml --json", directory);
  CHECK(json.out.find("\"retry_history_deleted_us\"") == std::string::npos);
}

TEST_CASE("the run summary and --json say when a retry fell due while the manager was down",
          "[cli][blame]") {
  // Goal: a user sees why attempt 3 began 80 minutes after its retry was due. Method: the
  // scenario whose retry falls due during a crash and waits again after the restart, and the
  // default, where it is due at once at the restart.
  const std::string directory =
      scenario_copy("retry-due-while-down", "retry-due-while-down-waits-again.yaml");
  const CliResult result = run_distsim("run scenario.yaml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.out.find("retry at 02:00:00.080 (it fell due while the manager was down, 01:50:00 "
                        "to 02:20:00; due_while_down: wait_again)\n") != std::string::npos);
  CHECK(result.out.find("retry at 01:00:00.040\n") != std::string::npos);
  const CliResult json = run_distsim("run scenario.yaml --json", directory);
  CHECK(json.out.find("\"next_retry_us\":7200080000,\"retry_due_while_down\":{\"stopped_us\":"
                      "6600000000,\"restarted_us\":8400000000}") != std::string::npos);
  CHECK(json.out.find("\"next_retry_us\":3600040000,\"retry_due_while_down\"") ==
        std::string::npos);

  const std::string at_restart = scenario_copy(
      "retry-due-while-down-default", "regressions/retry-due-while-down-runs-at-restart.yaml");
  const CliResult defaults = run_distsim("run scenario.yaml", at_restart);
  INFO(defaults.out << defaults.err);
  CHECK(defaults.out.find("retry at 02:00:00.080 (it fell due while the manager was down, "
                          "01:50:00 to 02:20:00; due_while_down: at_restart)\n") !=
        std::string::npos);
}

TEST_CASE("a compression that cannot write alternate data streams names the file", "[cli][blame]") {
  // Goal: error 998 refuses no file operation, so nothing else would explain it. Method: the
  // KB Q316316 scenario, in the text summary and in --json.
  const std::string directory =
      scenario_copy("streams-blame", "q316316-compression-alternate-streams.yaml");
  const CliResult result = run_distsim("run scenario.yaml", directory);
  INFO(result.out << result.err);
  CHECK(result.out.find("attempt   1  at 00:00:00      failed with error 998 (ERROR_NOACCESS) "
                        "compressing it: D:\\Src\\Tools\\readme.txt has alternate data "
                        "streams, which this site's compression cannot write (KB Q316316; "
                        "streams_fail_compression), retry at") != std::string::npos);
  const CliResult json = run_distsim("run scenario.yaml --json", directory);
  CHECK(json.out.find("\"streams_file\":\"D:\\\\Src\\\\Tools\\\\readme.txt\"") !=
        std::string::npos);
}

TEST_CASE("a pass whose DP copies failed shows its earliest DP retry", "[cli][blame]") {
  // Goal: the attempt table agrees with the pass's 2302. Method: two DPs whose jittered retries
  // are decided earliest first; the pass must show DP01's, not DP02's decided after it.
  const std::string directory = scenario_copy(
      "two-dp-retries", "regressions/two-dp-retries-the-pass-shows-the-earliest.yaml");
  const CliResult result = run_distsim("run scenario.yaml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.out.find("attempt   2  at 02:00:00      failed with error 53 (ERROR_BAD_NETPATH) "
                        "creating the folder \\\\DP01\\SMSPKGC$\\S0100093, retry at "
                        "02:14:17.356 (its delay counts from 02:00:20.210, when the last copy of "
                        "the pass ended);") != std::string::npos);
}

TEST_CASE("the run summary and --json name the users a forced disconnect ended", "[cli][blame]") {
  // Goal: a copy that succeeded because users were forced off says whom it cost. Method: the
  // forced-disconnect scenario: attempt 4 ends the client's handle and program on DP01.
  const std::string directory =
      scenario_copy("forced-disconnect-summary", "q202063-forced-disconnect.yaml");
  const CliResult result = run_distsim("run scenario.yaml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.out.find("forced client-on-dp01 (dp_client) off the DP at 04:00:03.835: its "
                        "program \\\\DP01\\SMSPKGC$\\S0100017\\setup.exe") != std::string::npos);
  const CliResult json = run_distsim("run scenario.yaml --json", directory);
  CHECK(json.out.find(
            "\"disconnected\":[{\"holder\":\"client-on-dp01\",\"kind\":\"dp_client\","
            "\"path\":\"\\\\\\\\DP01\\\\SMSPKGC$\\\\S0100017\\\\setup.exe\",\"program\":true,") !=
        std::string::npos);
}

TEST_CASE("script steps lost to a failed open are listed in the summary and in --json",
          "[cli][blame]") {
  // Goal: a step that did not run is never silent, even when nothing was expected of it.
  // Method: a TEMP user holds the file exclusively; the script's open fails, so its write and
  // close (no expect) are skipped.
  const std::string directory = scratch_directory("skipped-steps");
  write_text_file(directory + "/skip.yaml",
                  "version: 1\nname: skipped steps\nuntil: 1h\n"
                  "holders:\n"
                  "  - kind: temp_user\n    name: setup\n    path: 'C:\\Temp\\a.tmp'\n"
                  "  - kind: script\n    name: writer\n    steps:\n"
                  "      - at: 1m\n        open: 'C:\\Temp\\a.tmp'\n        as: h\n"
                  "        access: [GENERIC_WRITE]\n        share: []\n"
                  "      - at: 2m\n        write: h\n"
                  "      - at: 3m\n        close: h\n");
  const CliResult text = run_distsim("run skip.yaml", directory);
  INFO(text.out << text.err);
  CHECK(text.status == 0);
  // Each names the step whose failure left the handle unopened, and the error.
  CHECK(text.out.find("script steps that did not run\n"
                      "  writer step 2 (write 'h') at 00:02:00: skipped: handle 'h' is not open: "
                      "step 1 (open 'C:\\Temp\\a.tmp') failed with ERROR_SHARING_VIOLATION "
                      "[line 16]\n"
                      "  writer step 3 (close 'h') at 00:03:00: skipped: handle 'h' is not open: "
                      "step 1 (open 'C:\\Temp\\a.tmp') failed with ERROR_SHARING_VIOLATION "
                      "[line 18]\n") != std::string::npos);
  const CliResult json = run_distsim("run skip.yaml --json", directory);
  CHECK(json.out.find("\"skipped_steps\":[{\"holder\":\"writer\",\"step\":\"step 2 (write "
                      "'h')\",\"t_us\":120000000,") != std::string::npos);
  CHECK(json.out.find("failed with ERROR_SHARING_VIOLATION") != std::string::npos);
}

TEST_CASE("a script step whose expectation never ran fails instead of passing unjudged",
          "[cli][blame]") {
  // Goal: an `expect` the run never reached must not read as one that held. Method: a step cut
  // off by a shorter --until (the loader refuses a constant time past the scenario's own), and
  // one drawn from a range that mostly falls after `until`; a step without an expectation past
  // the end stays silent.
  const std::string directory = scratch_directory("steps-past-the-end");
  write_text_file(directory + "/late.yaml",
                  "version: 1\nname: late steps\nuntil: 4h\n"
                  "filesystem:\n  - file: 'C:\\Src\\a.txt'\n"
                  "holders:\n"
                  "  - kind: script\n    name: sc\n    steps:\n"
                  "      - at: 30m\n        open: 'C:\\Src\\a.txt'\n        as: h\n"
                  "        expect: ok\n"
                  "      - at: 2h\n        close: h\n        expect: ok\n"
                  "      - at: 3h\n        delete: 'C:\\Src\\a.txt'\n");
  const CliResult text = run_distsim("run late.yaml --until 1h", directory);
  INFO(text.out << text.err);
  CHECK(text.status == 1);
  CHECK(text.out.find("  PASS  holder sc step 1 (open 'C:\\Src\\a.txt')") != std::string::npos);
  CHECK(text.out.find("  FAIL  holder sc step 2 (close 'h'): expected ok, but the step did not "
                      "run: it falls after the end of the run (at 02:00:00) [line 14]\n") !=
        std::string::npos);
  // --json gives the result the step expected, and instead of its own result why it had none.
  const CliResult json = run_distsim("run late.yaml --until 1h --json", directory);
  CHECK(json.out.find("{\"what\":\"holder sc step 2 (close 'h')\",\"ok\":false,"
                      "\"expected\":\"ok\",\"actual\":\"not run: it falls after the end of "
                      "the run\"") != std::string::npos);
  CHECK(text.out.find("step 3") == std::string::npos);
  // A drawn time: whichever seed, the step is judged (it ran) or fails (it did not), never
  // skipped in silence.
  write_text_file(directory + "/drawn.yaml",
                  "version: 1\nname: drawn step\nuntil: 1h\n"
                  "filesystem:\n  - file: 'C:\\Src\\a.txt'\n"
                  "holders:\n"
                  "  - kind: script\n    name: sc\n    steps:\n"
                  "      - at: {uniform: [30m, 5h]}\n        open: 'C:\\Src\\a.txt'\n"
                  "        as: h\n        expect: ok\n");
  int judged = 0;
  int never_ran = 0;
  for (int seed = 0; seed < 8; ++seed) {
    const CliResult drawn = run_distsim("run drawn.yaml --seed " + std::to_string(seed), directory);
    INFO(drawn.out);
    const bool ran = drawn.out.find("PASS  holder sc step 1") != std::string::npos;
    const bool failed = drawn.out.find(
                            "FAIL  holder sc step 1 (open 'C:\\Src\\a.txt'): expected "
                            "ok, but the step did not run") != std::string::npos;
    CHECK(ran != failed);
    CHECK(drawn.status == (ran ? 0 : 1));
    judged += ran ? 1 : 0;
    never_ran += failed ? 1 : 0;
  }
  CHECK(judged + never_ran == 8);
  CHECK(never_ran > 0);
}

TEST_CASE("a step skipped because an earlier step was skipped names that step and its cause",
          "[cli][blame]") {
  // Goal: the chain of skips leads back to the failed open. Method: the open fails, so its map is
  // skipped, and the unmap of the map's view names the skipped map and, through it, the open.
  const std::string directory = scratch_directory("skipped-chain");
  write_text_file(directory + "/chain.yaml",
                  "version: 1\nname: skipped chain\nuntil: 1h\n"
                  "holders:\n"
                  "  - kind: script\n    name: mapper\n    steps:\n"
                  "      - at: 1m\n        open: 'C:\\Temp\\missing.dat'\n        as: h\n"
                  "      - map: h\n        as: view\n"
                  "      - close: h\n"
                  "      - at: 2m\n        unmap: view\n");
  const CliResult text = run_distsim("run chain.yaml", directory);
  INFO(text.out << text.err);
  CHECK(text.out.find("  mapper step 4 (unmap 'view') at 00:02:00: skipped: handle 'view' is not "
                      "open: step 2 (map 'h') was skipped: handle 'h' is not open: step 1 (open "
                      "'C:\\Temp\\missing.dat') failed with ERROR_") != std::string::npos);
}

TEST_CASE("a skipped step with an expectation fails naming what it expected and why it did not run",
          "[cli][blame]") {
  // Goal: the text and --json both say which result the skipped step was to have. Method: the
  // open fails (no such folder), so the close that expects ok is skipped.
  const std::string directory = scratch_directory("skipped-expectation");
  write_text_file(directory + "/skip.yaml",
                  "version: 1\nname: skipped expectation\nuntil: 1h\n"
                  "holders:\n"
                  "  - kind: script\n    name: sc\n    steps:\n"
                  "      - at: 1m\n        open: 'C:\\Temp\\missing.dat'\n        as: h\n"
                  "      - at: 2m\n        close: h\n        expect: ok\n");
  const CliResult text = run_distsim("run skip.yaml", directory);
  INFO(text.out << text.err);
  CHECK(text.status == 1);
  CHECK(text.out.find("  FAIL  holder sc step 2 (close 'h'): expected ok, but the step was "
                      "skipped: handle 'h' is not open: step 1 (open 'C:\\Temp\\missing.dat') "
                      "failed with ERROR_PATH_NOT_FOUND (at 00:02:00)") != std::string::npos);
  const CliResult json = run_distsim("run skip.yaml --json", directory);
  CHECK(json.out.find("\"expected\":\"ok\",\"actual\":\"skipped: handle 'h' is not open: step 1 "
                      "(open 'C:\\\\Temp\\\\missing.dat') failed with ERROR_PATH_NOT_FOUND\"") !=
        std::string::npos);
}

TEST_CASE("a program's image to blame is named as one, not only by its share modes",
          "[cli][blame]") {
  // Goal: share READ|DELETE alone does not explain a refused write; the running program does.
  const std::string directory =
      scenario_copy("image-blame", "q202063-client-runs-setup-image.yaml");
  const CliResult text = run_distsim("run scenario.yaml", directory);
  INFO(text.out << text.err);
  CHECK(text.out.find("share READ|DELETE, running it as a program (its image refuses writes and "
                      "deletes)") != std::string::npos);
  const CliResult json = run_distsim("run scenario.yaml --json", directory);
  CHECK(json.out.find("\"share\":[\"FILE_SHARE_READ\",\"FILE_SHARE_DELETE\"],\"since_us\":"
                      "3600000000,\"image\":true") != std::string::npos);
}

TEST_CASE("every failed attempt of a blocked DP copy names the DP client that blocked it",
          "[cli][blame]") {
  // Goal: a copy that fails before its pass ends still explains the pass. Method: the DP client
  // scenario, whose passes end when the slower DP's copy finishes.
  const CliResult result =
      run_distsim("run scenarios/dp-client-holds-file.yaml", DISTSIM_SOURCE_DIR);
  INFO(result.out << result.err);
  CHECK(result.out.find("failed with error 32 (ERROR_SHARING_VIOLATION), ") == std::string::npos);
  CHECK(result.out.find("failed with error 32 (ERROR_SHARING_VIOLATION) opening "
                        "\\\\DP02\\SMSPKGC$\\S0100017\\setup.exe") != std::string::npos);
  CHECK(result.out.find("held by client-on-dp02 (dp_client, RmUnknownApp) since 01:00:00") !=
        std::string::npos);
}

TEST_CASE("the JSON summary lists every attempt with the handles to blame", "[cli][blame]") {
  const std::string directory = explorer_copy("blame-json");
  const CliResult result = run_distsim("run explorer.yaml --json", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  CHECK(result.out.find("\"attempts\":[{\"package\":\"S0100002\",\"attempt\":1,") !=
        std::string::npos);
  // The final state and when it was reached, as the text summary's "installed since".
  CHECK(result.out.find("{\"id\":\"S0100002\",\"state\":\"installed\",\"state_since_us\":"
                        "7261367002,") != std::string::npos);
  CHECK(result.out.find("\"refused\":{\"operation\":\"open\",\"path\":\"D:\\\\Packages\\\\"
                        "Office2000\\\\Thumbs.db\"") != std::string::npos);
  CHECK(result.out.find("\"blame\":[{\"actor\":\"admin-window\",\"holder_kind\":"
                        "\"explorer_window\",\"app_type\":\"RmExplorer\",") != std::string::npos);
  CHECK(result.out.find("\"access\":[\"GENERIC_READ\",\"GENERIC_WRITE\"],\"share\":["
                        "\"FILE_SHARE_READ\"],\"since_us\":0") != std::string::npos);
}

TEST_CASE("a refused open in the trace carries a blame field naming the holder", "[cli][blame]") {
  const std::string directory = explorer_copy("blame-trace");
  const CliResult result = run_distsim("run explorer.yaml --trace out.jsonl --quiet", directory);
  INFO(result.out << result.err);
  REQUIRE(result.status == 0);
  const std::string trace = read_text_file(directory + "/out.jsonl");
  CHECK(trace.find("\"result\":\"ERROR_SHARING_VIOLATION\",\"blame\":[\"actor=admin-window "
                   "kind=explorer_window app=RmExplorer handle=") != std::string::npos);
  CHECK(trace.find("since_us=0 access=GENERIC_READ|GENERIC_WRITE share=FILE_SHARE_READ "
                   "path=D:\\\\Packages\\\\Office2000\\\\Thumbs.db\"]") != std::string::npos);
}

TEST_CASE("a JUnit failure explains a wrong attempt count with the attempts and their blame",
          "[cli][blame][junit]") {
  const std::string directory = explorer_copy("blame-junit", "attempts: 3", "attempts: 2");
  const CliResult result = run_distsim("check explorer.yaml --junit out.xml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 1);
  const std::string xml = read_text_file(directory + "/out.xml");
  INFO(xml);
  const size_t failure = xml.find("<failure ");
  const size_t system_out = xml.find("<system-out>");
  REQUIRE(failure != std::string::npos);
  REQUIRE(system_out != std::string::npos);
  const std::string failure_text = xml.substr(failure, system_out - failure);
  CHECK(failure_text.find("S0100002 attempts: expected 2, got 3") != std::string::npos);
  CHECK(failure_text.find("decided at 02:01:00.240") != std::string::npos);
  CHECK(failure_text.find("(site clock Thu Nov 16 2000 10:01:00.240") != std::string::npos);
  CHECK(failure_text.find("attempts counted:") != std::string::npos);
  CHECK(failure_text.find(kWindowBlame) != std::string::npos);
  const std::string out = xml.substr(system_out);
  CHECK(out.find("package S0100002 (installed):") != std::string::npos);
  CHECK(out.find("opening D:\\Packages\\Office2000\\Thumbs.db") != std::string::npos);
  CHECK(out.find(kWindowBlame) != std::string::npos);
}

TEST_CASE("a JUnit failure of the component status gives the severity counts and thresholds",
          "[cli][blame][junit]") {
  const std::string directory =
      explorer_copy("blame-component", "expect:\n", "expect:\n  component_status: critical\n");
  const CliResult result = run_distsim("check explorer.yaml --junit out.xml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 1);
  const std::string xml = read_text_file(directory + "/out.xml");
  INFO(xml);
  CHECK(xml.find("component status: expected critical, got ") != std::string::npos);
  CHECK(xml.find("decided at 1d 00:00:00, the end of the run (site clock Fri Nov 17 2000 "
                 "08:00:00.000") != std::string::npos);
  CHECK(xml.find("errors: 2 (Warning at 1, Critical at 5)") != std::string::npos);
  CHECK(xml.find("warnings: ") != std::string::npos);
}

TEST_CASE("a JUnit failure of a status message count lists the messages it counted",
          "[cli][blame][junit]") {
  const std::string directory =
      explorer_copy("blame-status-count", "  status_messages:\n",
                    "  status_messages:\n    - id: 2302\n      count: 5\n");
  const CliResult result = run_distsim("check explorer.yaml --junit out.xml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 1);
  const std::string xml = read_text_file(directory + "/out.xml");
  INFO(xml);
  CHECK(xml.find("status message 2302 count: expected 5, got 2") != std::string::npos);
  CHECK(xml.find("messages counted (2):\n    00:01:00.120 2302 E S0100002\n    01:01:00.240 2302 E "
                 "S0100002\n") != std::string::npos);
}

TEST_CASE("repro commands name the binary by the path it was run by", "[cli][blame]") {
  const std::string directory = explorer_copy("blame-repro", "attempts: 3", "attempts: 2");
  const CliResult by_path = run_distsim("run explorer.yaml --report report.html", directory);
  CHECK(by_path.status == 1);
  CHECK(by_path.out.find("reproduce with: " + std::string(DISTSIM_CLI_PATH) +
                         " run 'explorer.yaml' --seed 0") != std::string::npos);
  // The HTML report's reproduce line too: it is read where the binary's path is not in sight.
  CHECK(read_text_file(directory + "/report.html")
            .find("Reproduce with: <code>" + std::string(DISTSIM_CLI_PATH) +
                  " run &#39;explorer.yaml&#39; --seed 0</code>") != std::string::npos);
  // Found on PATH, the bare name is what a user typed and can type again.
  const std::string bin = fs::path(DISTSIM_CLI_PATH).parent_path().string();
  const std::string out = run_shell("cd '" + directory + "' && PATH='" + bin +
                                    "':\"$PATH\" distsim check explorer.yaml 2>/dev/null")
                              .out;
  INFO(out);
  CHECK(out.find("reproduce with: distsim run 'explorer.yaml' --seed 0") != std::string::npos);
}

TEST_CASE("every subcommand's help gives examples and exit statuses", "[cli]") {
  for (const char* command : {"run", "check", "validate", "compare", "explore", "version"}) {
    const CliResult result = run_distsim(std::string(command) + " --help", DISTSIM_SOURCE_DIR);
    INFO(command << ":\n" << result.out);
    CHECK(result.status == 0);
    CHECK(result.out.find("Exit status") != std::string::npos);
    CHECK(result.out.find("Example") != std::string::npos);
  }
}

TEST_CASE("each holder kind maps to the documented Restart Manager application type", "[blame]") {
  using sim::HolderKind;
  using sim::RmAppType;
  CHECK(sim::rm_app_type_of(HolderKind::explorer_window) == RmAppType::explorer);
  CHECK(sim::rm_app_type_of(HolderKind::antivirus) == RmAppType::service);
  CHECK(sim::rm_app_type_of(HolderKind::indexer) == RmAppType::service);
  CHECK(sim::rm_app_type_of(HolderKind::backup) == RmAppType::service);
  CHECK(sim::rm_app_type_of(HolderKind::script) == RmAppType::console);
  CHECK(sim::rm_app_type_of(HolderKind::temp_user) == RmAppType::main_window);
  CHECK(sim::rm_app_type_of(HolderKind::dp_client) == RmAppType::unknown_app);
  CHECK(sim::rm_app_type_name(RmAppType::explorer) == "RmExplorer");
  CHECK(sim::rm_app_type_name(RmAppType::unknown_app) == "RmUnknownApp");
}

}  // namespace
}  // namespace distsim::testing
