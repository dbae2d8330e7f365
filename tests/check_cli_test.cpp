// `distsim check` and `distsim validate` as QA runs them in CI: the closing line, the exit
// statuses and their precedence, the JUnit XML (one testcase per scenario, readable failures,
// valid against the JUnit schema), and output that does not depend on -j.
#include <fmt/format.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <string>

#include "cli_runner.h"

namespace distsim::testing {
namespace {

namespace fs = std::filesystem;

std::string scenario_text(const std::string& name) {
  return read_text_file(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" + name);
}

// A folder `lib` in a scratch directory: two good scenarios and, in lib/sub, a copy of the KB
// scenario expecting 2 attempts where the run makes 3.
std::string library_with_broken_copy(const std::string& name) {
  const std::string directory = scratch_directory(name);
  fs::create_directories(directory + "/lib/sub");
  write_text_file(directory + "/lib/q207416-temp-source.yaml",
                  scenario_text("q207416-temp-source.yaml"));
  write_text_file(directory + "/lib/q207416-workaround.yaml",
                  scenario_text("q207416-workaround.yaml"));
  std::string broken = scenario_text("q207416-temp-source.yaml");
  const size_t at = broken.find("attempts: 3");
  REQUIRE(at != std::string::npos);
  broken.replace(at, 11, "attempts: 2");
  write_text_file(directory + "/lib/sub/broken.yaml", broken);
  return directory;
}

// The <testcase> element of `name` in a JUnit document, or "" when absent.
std::string testcase_of(const std::string& xml, const std::string& name) {
  const size_t start = xml.find("name=\"" + name + "\"");
  if (start == std::string::npos) return "";
  const size_t end = xml.find("<testcase", start);
  return xml.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST_CASE("check of the repository's scenarios passes every one and closes with the totals",
          "[cli][check]") {
  // Goal: the "done when" on the repository. Method: check scenarios/ and count the
  // PASS lines against the files.
  const CliResult result = run_distsim("check scenarios", DISTSIM_SOURCE_DIR);
  INFO(result.out << result.err);
  CHECK(result.status == 0);
  size_t files = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(DISTSIM_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() == ".yaml") ++files;
  }
  CHECK(occurrences("\n" + result.out, "\nPASS ") == files);
  CHECK(last_line(result.out) == std::to_string(files) + " passed, 0 failed");
}

TEST_CASE("a broken copy of a scenario fails exactly its testcase with a readable message",
          "[cli][check][junit]") {
  // Goal: what QA sees in CI when a scenario regresses. Method: a folder with two good scenarios
  // and a broken copy; check it with --junit and read the XML.
  const std::string directory = library_with_broken_copy("broken-copy");
  const CliResult result = run_distsim("check lib --junit out.xml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 1);
  CHECK(result.out.find("FAIL lib/sub/broken.yaml: S0100001 attempts: expected 2, got 3 (at "
                        "02:00:00.480) [line ") != std::string::npos);
  CHECK(result.out.find("reproduce with: " + std::string(DISTSIM_CLI_PATH) +
                        " run 'lib/sub/broken.yaml' --seed 0") != std::string::npos);
  CHECK(last_line(result.out) == "2 passed, 1 failed");
  const std::string xml = read_text_file(directory + "/out.xml");
  INFO(xml);
  CHECK(occurrences(xml, "<testcase ") == 3);
  CHECK(occurrences(xml, "<failure ") == 1);
  const std::string broken = testcase_of(xml, "broken.yaml");
  CHECK(xml.find("<testcase classname=\"lib.sub\" name=\"broken.yaml\"") != std::string::npos);
  // Reached from below: ".." is "up" and the current directory "distsim", so a file there and
  // one in a folder of the same name never share a classname.
  const CliResult up = run_distsim("check ../sub/broken.yaml --junit -", directory + "/lib/sub");
  CHECK(up.out.find("<testcase classname=\"up.sub\" name=\"broken.yaml\"") != std::string::npos);
  const CliResult here = run_distsim("check broken.yaml --junit -", directory + "/lib/sub");
  CHECK(here.out.find("<testcase classname=\"distsim\" name=\"broken.yaml\"") != std::string::npos);
  CHECK(broken.find("<failure type=\"expectation\" message=\"S0100001 attempts: expected 2, got "
                    "3 (at 02:00:00.480) [line ") != std::string::npos);
  CHECK(broken.find("reproduce with: " + std::string(DISTSIM_CLI_PATH) +
                    " run 'lib/sub/broken.yaml' --seed 0\n</failure>") != std::string::npos);
  CHECK(testcase_of(xml, "q207416-temp-source.yaml").find("<failure") == std::string::npos);
  CHECK(xml.find("<testsuites name=\"distsim\" tests=\"3\" failures=\"1\" errors=\"0\">") !=
        std::string::npos);
}

TEST_CASE("a directory's scenarios are found whatever the case of their .yaml extension",
          "[cli][check]") {
  // Goal: a failing scenario copied from Windows as BROKEN.YAML must not leave CI green. Method:
  // the broken copy under an upper-case name, and a policy file (.yml) beside it, not taken.
  const std::string directory = library_with_broken_copy("upper-case-extension");
  fs::rename(directory + "/lib/sub/broken.yaml", directory + "/lib/sub/BROKEN.YAML");
  write_text_file(directory + "/lib/sub/policy.yml", "name: hourly\nretry:\n  delay: 60m\n");
  const CliResult result = run_distsim("check lib", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 1);
  CHECK(result.out.find("FAIL lib/sub/BROKEN.YAML: S0100001 attempts: expected 2, got 3") !=
        std::string::npos);
  CHECK(last_line(result.out) == "2 passed, 1 failed");
}

TEST_CASE("a scenario that cannot load makes check exit 2 even when another one fails",
          "[cli][check]") {
  // Goal: the documented precedence, could-not-run (2) over finding (1). Method: the broken copy
  // plus a file with an unknown key; its FILE:LINE:COL goes to stderr and an <error> to JUnit.
  const std::string directory = library_with_broken_copy("precedence");
  write_text_file(directory + "/lib/sub/malformed.yaml", "version: 1\nname: t\nuntill: 3d\n");
  const CliResult result = run_distsim("check lib --junit out.xml", directory);
  INFO(result.out << result.err);
  CHECK(result.status == 2);
  CHECK(result.out.find("ERROR lib/sub/malformed.yaml:3:1: unknown key 'untill'") !=
        std::string::npos);
  CHECK(result.err.find("lib/sub/malformed.yaml:3:1: unknown key 'untill' in the scenario; did "
                        "you mean 'until'?\n") != std::string::npos);
  CHECK(last_line(result.out) == "2 passed, 2 failed");
  const std::string xml = read_text_file(directory + "/out.xml");
  CHECK(testcase_of(xml, "malformed.yaml").find("<error type=\"scenario_error\"") !=
        std::string::npos);
  CHECK(occurrences(xml, "<failure ") == 1);
}

TEST_CASE("check with -j 2 prints and writes the same bytes as with -j 1", "[cli][check]") {
  // Goal: parallel runs never change the report. Method: the repository's scenarios plus a
  // broken copy, checked with one and with two threads.
  const std::string directory = library_with_broken_copy("jobs");
  const std::string paths = "lib '" + std::string(DISTSIM_SOURCE_DIR) + "/scenarios'";
  const CliResult one = run_distsim("check " + paths + " -j 1 --junit one.xml", directory);
  const CliResult two = run_distsim("check " + paths + " -j 2 --junit two.xml", directory);
  CHECK(one.status == 1);
  CHECK(two.status == 1);
  CHECK(one.out == two.out);
  CHECK(one.err == two.err);
  CHECK(read_text_file(directory + "/one.xml") == read_text_file(directory + "/two.xml"));
}

TEST_CASE("check refuses a missing path a bad -j and an unwritable JUnit file with exit 2",
          "[cli][check]") {
  // Goal: usage errors are status 2 with a message, and no JUnit file is half written; bad paths
  // still end with the closing line, counted as scenarios that could not run.
  const std::string directory = library_with_broken_copy("usage");
  const CliResult missing = run_distsim("check lib no-such-dir", directory);
  CHECK(missing.status == 2);
  CHECK(missing.err == "no-such-dir: no such file or directory\n");
  CHECK(missing.out == "0 passed, 1 failed\n");
  CHECK(run_distsim("check lib -j 0", directory).status == 2);
  const CliResult unwritable = run_distsim("check lib --junit no-such-dir/out.xml", directory);
  CHECK(unwritable.status == 2);
  CHECK(unwritable.err.find("distsim check: cannot write 'no-such-dir/out.xml'") !=
        std::string::npos);
  CHECK(unwritable.out == "0 passed, 3 failed\n");  // the library's three scenarios never ran
  fs::create_directories(directory + "/empty");
  const CliResult empty = run_distsim("check empty", directory);
  CHECK(empty.status == 2);
  CHECK(empty.err == "empty: no scenario files (*.yaml) in this directory\n");
  const CliResult junit_out = run_distsim("check lib gone.yaml empty --junit -", directory);
  CHECK(junit_out.status == 2);
  CHECK(junit_out.out.empty());
  CHECK(junit_out.err ==
        "gone.yaml: no such file or directory\nempty: no scenario files (*.yaml) in this "
        "directory\n0 passed, 2 failed\n");
}

TEST_CASE("validate prints ok lines and every error of the invalid files and exits 2",
          "[cli][validate]") {
  // Goal: the validate contract. Method: a folder with valid files and one with two mistakes.
  const std::string directory = library_with_broken_copy("validate");
  write_text_file(directory + "/lib/sub/malformed.yaml",
                  "version: 1\nname: t\nuntill: 3d\nseed: yes\n");
  const CliResult result = run_distsim("validate lib", directory);
  CHECK(result.status == 2);
  CHECK(result.out ==
        "ok lib/q207416-temp-source.yaml\nok lib/q207416-workaround.yaml\nok "
        "lib/sub/broken.yaml\n3 valid, 1 invalid\n");
  CHECK(result.err ==
        "lib/sub/malformed.yaml:3:1: unknown key 'untill' in the scenario; did you mean "
        "'until'?\nlib/sub/malformed.yaml:4:7: bad value for 'seed': 'yes' is not a whole "
        "decimal number\n");
  const CliResult valid = run_distsim("validate scenarios", DISTSIM_SOURCE_DIR);
  CHECK(valid.status == 0);
  CHECK(std::regex_search(valid.out, std::regex("\n[0-9]+ valid, 0 invalid\n$")));
}

TEST_CASE("validate stops at a missing path as check does, counting it as invalid",
          "[cli][validate]") {
  // Goal: `validate` takes paths as `check` does: a mistyped path reads nothing else and the
  // closing line counts it, so a CI step cannot pass over a path it never found.
  const std::string directory = library_with_broken_copy("validate-paths");
  const CliResult missing = run_distsim("validate no-such-dir lib", directory);
  CHECK(missing.status == 2);
  CHECK(missing.err == "no-such-dir: no such file or directory\n");
  CHECK(missing.out == "0 valid, 1 invalid\n");
  fs::create_directories(directory + "/empty");
  const CliResult two = run_distsim("validate lib gone.yaml empty", directory);
  CHECK(two.status == 2);
  CHECK(two.out == "0 valid, 2 invalid\n");
}

TEST_CASE("check follows a linked directory once and refuses a scenario link to nothing",
          "[cli][check]") {
  // Goal: a scenario that went missing cannot pass CI unseen, and a directory of links to shared
  // scenarios is checked. Method: a link to the repository's scenarios, a link back up (a
  // cycle) and, once they pass, a dangling *.yaml link.
  const std::string directory = scratch_directory("check-links");
  fs::create_directories(directory + "/suite");
  fs::create_directory_symlink(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/regressions",
                               directory + "/suite/shared");
  fs::create_directory_symlink("..", directory + "/suite/up");
  const CliResult linked = run_distsim("validate suite", directory);
  CHECK(linked.status == 0);
  size_t regressions = 0;
  for (const auto& entry :
       fs::directory_iterator(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/regressions")) {
    regressions += entry.path().extension() == ".yaml";
  }
  CHECK(linked.out.find(fmt::format("{} valid, 0 invalid", regressions)) != std::string::npos);
  // A directory reached by its own name and by a link is named the same way on every machine:
  // by the first path in name order ("a", the link, before "b").
  fs::create_directories(directory + "/order/b");
  write_text_file(directory + "/order/b/x.yaml", scenario_text("q207416-temp-source.yaml"));
  fs::create_directory_symlink("b", directory + "/order/a");
  const CliResult order = run_distsim("validate order", directory);
  CHECK(order.out == "ok order/a/x.yaml\n1 valid, 0 invalid\n");
  fs::create_symlink("gone.yaml", directory + "/suite/missing.yaml");
  const CliResult dangling = run_distsim("check suite", directory);
  CHECK(dangling.status == 2);
  CHECK(dangling.err.find("missing.yaml: a symbolic link to nothing") != std::string::npos);
  // A FIFO named like a scenario, in a folder or given alone, is refused without being opened
  // (reading it would wait for a writer forever).
  fs::remove(directory + "/suite/missing.yaml");
  REQUIRE(::mkfifo((directory + "/pipe.yaml").c_str(), 0666) == 0);
  fs::create_symlink("../pipe.yaml", directory + "/suite/pipe.yaml");
  const CliResult fifo_in_folder = run_distsim("check suite", directory);
  CHECK(fifo_in_folder.status == 2);
  CHECK(fifo_in_folder.err.find("pipe.yaml: not a regular file (a FIFO, device or socket)") !=
        std::string::npos);
  const CliResult fifo_alone = run_distsim("validate pipe.yaml", directory);
  CHECK(fifo_alone.status == 2);
  CHECK(fifo_alone.err.find("pipe.yaml: this is not a regular file (a FIFO, device or socket); "
                            "give a file") != std::string::npos);
}

}  // namespace
}  // namespace distsim::testing
