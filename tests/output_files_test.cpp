// Output files never clobber: an output that names an input, another output, a device or a
// directory is refused before any work; temporary files are created exclusively; all outputs of a
// run land together or not at all; "-" is standard output. Through the CLI and OutputSet itself.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <new>
#include <optional>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "sim/report/output_file.h"

namespace distsim::testing {
namespace {

namespace fs = std::filesystem;

// A scratch directory holding the KB scenario as s.yaml.
std::string directory_with_scenario(const std::string& name) {
  const std::string directory = scratch_directory(name);
  write_text_file(directory + "/s.yaml", read_text_file(std::string(DISTSIM_SOURCE_DIR) +
                                                        "/scenarios/q207416-temp-source.yaml"));
  return directory;
}

// Names in `directory` that contain ".distsim-" (temporary or backup files left behind).
size_t leftovers_in(const std::string& directory) {
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().filename().string().find(".distsim-") != std::string::npos) ++count;
  }
  return count;
}

// Commits `outputs` while no file this process writes may grow past `bytes` (a write past it
// fails with EFBIG instead of raising SIGXFSZ), then lifts the limit.
std::optional<std::string> commit_with_files_limited_to(sim::OutputSet& outputs, rlim_t bytes) {
  struct rlimit saved {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limited = saved;
  limited.rlim_cur = bytes;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
  std::ostringstream out;
  auto problem = outputs.commit(out);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, old_handler);
  return problem;
}

TEST_CASE(
    "run refuses a --trace that names the scenario, exits 2 and leaves the scenario as it was",
    "[output]") {
  const std::string directory = directory_with_scenario("output-trace-is-scenario");
  const std::string before = read_text_file(directory + "/s.yaml");
  const CliResult result = run_distsim("run s.yaml --trace s.yaml", directory);
  CHECK(result.status == 2);
  CHECK(result.err.find("--trace 's.yaml' is the scenario") != std::string::npos);
  CHECK(result.out.empty());
  CHECK(read_text_file(directory + "/s.yaml") == before);
}

TEST_CASE("run refuses an output that reaches the scenario through another name", "[output]") {
  // Identity is the file, not the spelling: a hard link, a symbolic link and ./ all count.
  const std::string directory = directory_with_scenario("output-alias-of-scenario");
  const std::string before = read_text_file(directory + "/s.yaml");
  fs::create_hard_link(directory + "/s.yaml", directory + "/hard.yaml");
  fs::create_symlink("s.yaml", directory + "/soft.yaml");
  CHECK(run_distsim("run s.yaml --log hard.yaml", directory).status == 2);
  CHECK(run_distsim("run s.yaml --status soft.yaml", directory).status == 2);
  CHECK(run_distsim("run ./s.yaml --report \"$PWD/s.yaml\"", directory).status == 2);
  CHECK(read_text_file(directory + "/s.yaml") == before);
  CHECK(fs::is_symlink(directory + "/soft.yaml"));
}

TEST_CASE("check refuses a --junit that names a checked scenario and leaves it as it was",
          "[output]") {
  const std::string directory = directory_with_scenario("output-junit-is-scenario");
  const std::string before = read_text_file(directory + "/s.yaml");
  const CliResult result = run_distsim("check . --junit s.yaml", directory);
  CHECK(result.status == 2);
  CHECK(result.err.find("--junit 's.yaml' is a checked scenario") != std::string::npos);
  CHECK(result.out == "0 passed, 1 failed\n");  // the closing line: its one scenario never ran
  CHECK(read_text_file(directory + "/s.yaml") == before);
}

TEST_CASE("run refuses an output in /dev, whose names such as /dev/stdout it would replace",
          "[output]") {
  // Goal: with standard output redirected to a file, /dev/stdout is a link to a regular file,
  // and replacing it as root breaks the machine. Method: /dev/shm, a directory in /dev where
  // files can be created, so that a regression leaves a stray file, not a broken system.
  if (!fs::is_directory("/dev/shm")) {
    WARN("no /dev/shm here: the refusal of /dev paths is not exercised");
    return;
  }
  const std::string directory = directory_with_scenario("output-dev");
  const std::string target = "/dev/shm/distsim-output-test.jsonl";
  fs::remove(target);
  const CliResult result = run_distsim("run s.yaml --trace " + target, directory);
  CHECK(result.status == 2);
  CHECK(result.err.find("is in /dev, /proc or /sys") != std::string::npos);
  CHECK_FALSE(fs::exists(target));
  fs::remove(target);
}

TEST_CASE("run refuses a device as an output and leaves the device alone", "[output]") {
  // As root, a device node of our own (the major and minor of /dev/null) stands in for /dev/null,
  // so that a regression replaces a scratch node, not the machine's; others may use /dev/null
  // itself, which they cannot replace.
  const std::string directory = directory_with_scenario("output-device");
  const std::string device = ::geteuid() == 0 ? directory + "/null" : "/dev/null";
  if (::geteuid() == 0) {
    REQUIRE(::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  }
  const CliResult result = run_distsim("run s.yaml --trace '" + device + "'", directory);
  CHECK(result.status == 2);
  CHECK(result.err.find("not a regular file") != std::string::npos);
  CHECK(result.out.empty());
  struct stat info {};
  REQUIRE(::stat(device.c_str(), &info) == 0);
  CHECK(S_ISCHR(info.st_mode));
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("run refuses a FIFO as an output without opening it", "[output]") {
  // Opening a FIFO for writing would block until a reader comes; the check must not open it.
  const std::string directory = directory_with_scenario("output-fifo");
  REQUIRE(::mkfifo((directory + "/pipe").c_str(), 0666) == 0);
  const CliResult result = run_distsim("run s.yaml --status pipe", directory);
  CHECK(result.status == 2);
  CHECK(fs::is_fifo(directory + "/pipe"));
}

TEST_CASE("run refuses a directory as an output", "[output]") {
  const std::string directory = directory_with_scenario("output-directory");
  fs::create_directories(directory + "/sub");
  CHECK(run_distsim("run s.yaml --trace sub", directory).status == 2);
  CHECK(run_distsim("run s.yaml --trace sub/", directory).status == 2);
  CHECK(run_distsim("run s.yaml --trace new/", directory).status == 2);
  CHECK(fs::is_directory(directory + "/sub"));
  CHECK(!fs::exists(directory + "/new"));
}

TEST_CASE("an output below a regular file is refused as not in a directory", "[output]") {
  // Goal: the message names the real problem (a file where a directory should be), not a
  // permission the user has.
  const std::string directory = directory_with_scenario("output-below-a-file");
  write_text_file(directory + "/afile", "x");
  const CliResult result = run_distsim("run s.yaml --trace afile/t.jsonl", directory);
  CHECK(result.status == 2);
  CHECK(result.err ==
        "distsim run: cannot write --trace 'afile/t.jsonl': 'afile' is not a "
        "directory\n");
  CHECK(read_text_file(directory + "/afile") == "x");
}

TEST_CASE("run refuses the same file given for two outputs and writes neither", "[output]") {
  const std::string directory = directory_with_scenario("output-same-twice");
  const CliResult fresh = run_distsim("run s.yaml --trace out.txt --log ./out.txt", directory);
  CHECK(fresh.status == 2);
  CHECK(fresh.err.find("name the same file") != std::string::npos);
  CHECK(!fs::exists(directory + "/out.txt"));
  // An existing file reached under two names: its old content stays.
  write_text_file(directory + "/old.txt", "old");
  fs::create_hard_link(directory + "/old.txt", directory + "/alias.txt");
  CHECK(run_distsim("run s.yaml --status old.txt --report alias.txt", directory).status == 2);
  CHECK(read_text_file(directory + "/old.txt") == "old");
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("a leftover partial file that is a symbolic link is not followed", "[output]") {
  const std::string directory = directory_with_scenario("output-partial-symlink");
  write_text_file(directory + "/victim.txt", "victim");
  fs::create_symlink("victim.txt", directory + "/out.jsonl.distsim-partial");
  const CliResult result = run_distsim("run s.yaml --trace out.jsonl", directory);
  CHECK(result.status == 0);
  CHECK(read_text_file(directory + "/victim.txt") == "victim");
  CHECK(read_text_file(directory + "/out.jsonl").rfind("{\"t_us\":0", 0) == 0);
  CHECK(fs::is_symlink(directory + "/out.jsonl.distsim-partial"));
}

TEST_CASE("a symbolic link at an output path is replaced, never written through", "[output]") {
  const std::string directory = directory_with_scenario("output-link-replaced");
  write_text_file(directory + "/elsewhere.log", "elsewhere");
  fs::create_symlink("elsewhere.log", directory + "/Distmgr.log");
  CHECK(run_distsim("run s.yaml --log Distmgr.log", directory).status == 0);
  CHECK(read_text_file(directory + "/elsewhere.log") == "elsewhere");
  CHECK(!fs::is_symlink(directory + "/Distmgr.log"));
  CHECK(read_text_file(directory + "/Distmgr.log").find("SMS_DISTRIBUTION_MANAGER") !=
        std::string::npos);
}

TEST_CASE("an output whose directory is missing is refused before the run, other outputs kept",
          "[output]") {
  const std::string directory = directory_with_scenario("output-missing-directory");
  write_text_file(directory + "/old.jsonl", "old");
  const CliResult result =
      run_distsim("run s.yaml --trace old.jsonl --log missing/Distmgr.log", directory);
  CHECK(result.status == 2);
  CHECK(result.err.find("missing/Distmgr.log") != std::string::npos);
  CHECK(result.out.empty());
  CHECK(read_text_file(directory + "/old.jsonl") == "old");
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("a trace given as - goes to stdout and the summary on stderr", "[output]") {
  const std::string directory = directory_with_scenario("output-trace-stdout");
  const CliResult result = run_distsim("run s.yaml --trace - --log Distmgr.log", directory);
  CHECK(result.status == 0);
  CHECK(result.out.rfind("{\"t_us\":0", 0) == 0);
  CHECK(result.out.find("PASS") == std::string::npos);
  CHECK(result.err.find("PASS") != std::string::npos);
  CHECK(fs::exists(directory + "/Distmgr.log"));
  CHECK(!fs::exists(directory + "/-"));
}

TEST_CASE("a command whose standard output cannot be written exits 2 instead of its verdict",
          "[output]") {
  // Goal: a summary lost to a full disk is never reported as a run that held (0) or failed (1).
  // Method: /dev/full refuses every write with ENOSPC.
  REQUIRE(fs::exists("/dev/full"));
  const std::string directory = directory_with_scenario("output-stdout-full");
  write_text_file(directory + "/p.yml", "name: hourly\nretry:\n  delay: 1h\n");
  for (const std::string command :
       {"run s.yaml", "run s.yaml --json", "check s.yaml", "validate s.yaml",
        "compare s.yaml --seeds 2 --policy p.yml", "version"}) {
    const CliResult result = run_distsim(command + " >/dev/full", directory);
    INFO(command << ": " << result.err);
    CHECK(result.status == 2);
    CHECK(result.err.find("cannot write to standard output") != std::string::npos);
  }
}

TEST_CASE("an output on standard output that cannot be written leaves the output files unplaced",
          "[output]") {
  // Goal: outputs stay all or none when the one on "-" fails. Method: the trace goes to /dev/full
  // and Distmgr.log to a file, which must not appear; an old one would stay as it was.
  REQUIRE(fs::exists("/dev/full"));
  const std::string directory = directory_with_scenario("output-dash-full");
  write_text_file(directory + "/old.log", "old\n");
  const CliResult result =
      run_distsim("run s.yaml --trace - --log Distmgr.log --status old.log >/dev/full", directory);
  INFO(result.err);
  CHECK(result.status == 2);
  CHECK(result.err.find("distsim run: cannot write to standard output") != std::string::npos);
  CHECK(!fs::exists(directory + "/Distmgr.log"));
  CHECK(read_text_file(directory + "/old.log") == "old\n");
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("two outputs on stdout, or --json with an output on stdout, are refused", "[output]") {
  const std::string directory = directory_with_scenario("output-stdout-twice");
  const CliResult twice = run_distsim("run s.yaml --trace - --log -", directory);
  CHECK(twice.status == 2);
  CHECK(twice.err.find("both write to standard output") != std::string::npos);
  CHECK(twice.out.empty());
  const CliResult json = run_distsim("run s.yaml --json --status -", directory);
  CHECK(json.status == 2);
  CHECK(json.out.empty());
}

TEST_CASE("check --junit - writes the XML on stdout and the scenario lines on stderr", "[output]") {
  const std::string directory = directory_with_scenario("output-junit-stdout");
  const CliResult result = run_distsim("check s.yaml --junit -", directory);
  CHECK(result.status == 0);
  CHECK(result.out.rfind("<?xml", 0) == 0);
  CHECK(result.err.find("1 passed, 0 failed") != std::string::npos);
  CHECK(!fs::exists(directory + "/-"));
}

TEST_CASE("an OutputSet whose second file fails mid-way leaves the first file's old content",
          "[output]") {
  // Goal: all or nothing at the write phase. Method: a file size limit that the first (small)
  // output fits and the second (large) one does not, so its write fails with EFBIG after the
  // first temporary file is complete.
  const std::string directory = scratch_directory("output-set-midway");
  write_text_file(directory + "/first.txt", "old first");
  write_text_file(directory + "/second.txt", "old second");
  sim::OutputSet outputs;
  const size_t first = outputs.add_output("--first", directory + "/first.txt");
  const size_t second = outputs.add_output("--second", directory + "/second.txt");
  REQUIRE(outputs.check().empty());
  outputs.set_content(first, "new first");
  outputs.set_content(second, std::string(64 * 1024, 'x'));
  const auto problem = commit_with_files_limited_to(outputs, 4096);
  REQUIRE(problem.has_value());
  CHECK(problem->find("second.txt") != std::string::npos);
  CHECK(read_text_file(directory + "/first.txt") == "old first");
  CHECK(read_text_file(directory + "/second.txt") == "old second");
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("a run whose second output cannot be renamed into place puts the first one back",
          "[output]") {
  // Goal: all or nothing at the rename phase, through the CLI, and the run's verdict still
  // shown. Method: an LD_PRELOAD library fails the rename onto one output; the trace is renamed
  // before the log, so failing the log must undo the trace already in place, and failing the
  // trace must leave both untouched.
  for (const std::string failing : {"new.log", "new.jsonl"}) {
    DYNAMIC_SECTION("the rename onto " << failing << " fails") {
      const std::string directory = directory_with_scenario("rename-rollback");
      write_text_file(directory + "/new.jsonl", "old trace");
      write_text_file(directory + "/new.log", "old log");
      const std::string environment = "LD_PRELOAD='" + std::string(DISTSIM_FAIL_RENAME_LIBRARY) +
                                      "' ASAN_OPTIONS=verify_asan_link_order=0 "
                                      "DISTSIM_FAIL_RENAME_TO='" +
                                      failing + "'";
      const CliResult result =
          run_distsim("run s.yaml --trace new.jsonl --log new.log", directory, environment);
      CHECK(result.status == 2);
      const std::string option = failing == "new.log" ? "--log" : "--trace";
      CHECK(result.err.find("distsim run: cannot write " + option + " '" + failing + "': ") !=
            std::string::npos);
      CHECK(result.out.find("\nPASS: ") != std::string::npos);
      CHECK(result.out.find("status messages") != std::string::npos);
      CHECK(read_text_file(directory + "/new.jsonl") == "old trace");
      CHECK(read_text_file(directory + "/new.log") == "old log");
      CHECK(leftovers_in(directory) == 0);
    }
  }
  SECTION("without a failure the same run replaces both") {
    const std::string directory = directory_with_scenario("rename-rollback-control");
    write_text_file(directory + "/new.jsonl", "old trace");
    const std::string environment = "LD_PRELOAD='" + std::string(DISTSIM_FAIL_RENAME_LIBRARY) +
                                    "' ASAN_OPTIONS=verify_asan_link_order=0";
    const CliResult result =
        run_distsim("run s.yaml --trace new.jsonl --log new.log", directory, environment);
    CHECK(result.status == 0);
    CHECK(read_text_file(directory + "/new.jsonl") != "old trace");
    CHECK(read_text_file(directory + "/new.log").find("Error 32") != std::string::npos);
  }
}

TEST_CASE("an OutputSet whose output directory vanished during the work changes nothing",
          "[output]") {
  const std::string directory = scratch_directory("output-set-vanished");
  fs::create_directories(directory + "/later");
  write_text_file(directory + "/first.txt", "old first");
  sim::OutputSet outputs;
  outputs.set_content(outputs.add_output("--first", directory + "/first.txt"), "new first");
  outputs.set_content(outputs.add_output("--second", directory + "/later/second.txt"), "new");
  REQUIRE(outputs.check().empty());
  fs::remove(directory + "/later");
  std::ostringstream out;
  CHECK(outputs.commit(out).has_value());
  CHECK(read_text_file(directory + "/first.txt") == "old first");
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("an OutputSet replaces every file and leaves no temporary or backup behind", "[output]") {
  const std::string directory = scratch_directory("output-set-success");
  write_text_file(directory + "/first.txt", "old first");
  sim::OutputSet outputs;
  outputs.add_input("the input", directory + "/input.txt");
  outputs.set_content(outputs.add_output("--first", directory + "/first.txt"), "new first");
  outputs.set_content(outputs.add_output("--second", directory + "/second.txt"), "new second");
  outputs.set_content(outputs.add_output("--third", "-"), "to stdout");
  std::ostringstream out;
  CHECK(!outputs.commit(out).has_value());
  CHECK(read_text_file(directory + "/first.txt") == "new first");
  CHECK(read_text_file(directory + "/second.txt") == "new second");
  CHECK(out.str() == "to stdout");
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("an OutputSet streams a writer's pieces into its file and to stdout", "[output]") {
  // Goal: an output produced at commit (the trace) arrives whole and in order, as set_content's
  // text would.
  const std::string directory = scratch_directory("output-set-writer");
  write_text_file(directory + "/streamed.txt", "old");
  const auto three_pieces = [](const sim::TextSink& sink) {
    sink("one ");
    sink(std::string(100 * 1024, 'x'));
    sink(" three");
  };
  sim::OutputSet outputs;
  outputs.set_writer(outputs.add_output("--file", directory + "/streamed.txt"), three_pieces);
  outputs.set_writer(outputs.add_output("--out", "-"), three_pieces);
  std::ostringstream out;
  CHECK(!outputs.commit(out).has_value());
  const std::string expected = "one " + std::string(100 * 1024, 'x') + " three";
  CHECK(read_text_file(directory + "/streamed.txt") == expected);
  CHECK(out.str() == expected);
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("an OutputSet whose writer throws mid-way leaves every file as it was and no temporary",
          "[output]") {
  // Goal: a writer that runs out of memory while it streams (the Chrome trace lays its events
  // out first) is as all-or-nothing as a failed write. Method: two outputs, the second writer
  // throwing after its first piece; the exception goes on to the caller.
  const std::string directory = scratch_directory("output-set-writer-throws");
  write_text_file(directory + "/first.txt", "old first");
  write_text_file(directory + "/second.txt", "old second");
  sim::OutputSet outputs;
  outputs.set_content(outputs.add_output("--first", directory + "/first.txt"), "new first");
  outputs.set_writer(outputs.add_output("--second", directory + "/second.txt"),
                     [](const sim::TextSink& sink) {
                       sink(std::string(3000, 'x'));
                       throw std::bad_alloc();
                     });
  REQUIRE(outputs.check().empty());
  std::ostringstream out;
  CHECK_THROWS_AS(outputs.commit(out), std::bad_alloc);
  CHECK(read_text_file(directory + "/first.txt") == "old first");
  CHECK(read_text_file(directory + "/second.txt") == "old second");
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("an OutputSet whose streamed output fails mid-way keeps the old file", "[output]") {
  // Goal: a streamed output is as all-or-nothing as a whole one. Method: a file size limit that
  // the writer's first piece fits and its second does not.
  const std::string directory = scratch_directory("output-set-writer-fails");
  write_text_file(directory + "/streamed.txt", "old");
  size_t pieces_produced = 0;
  sim::OutputSet outputs;
  outputs.set_writer(outputs.add_output("--file", directory + "/streamed.txt"),
                     [&](const sim::TextSink& sink) {
                       for (int piece = 0; piece < 4; ++piece) {
                         sink(std::string(3000, 'x'));
                         ++pieces_produced;
                       }
                     });
  REQUIRE(outputs.check().empty());
  const auto problem = commit_with_files_limited_to(outputs, 4096);
  REQUIRE(problem.has_value());
  CHECK(problem->find("streamed.txt") != std::string::npos);
  CHECK(pieces_produced == 4);
  CHECK(read_text_file(directory + "/streamed.txt") == "old");
  CHECK(leftovers_in(directory) == 0);
}

TEST_CASE("an output directory must be a directory, or creatable below one", "[output]") {
  const std::string directory = scratch_directory("output-directory-check");
  write_text_file(directory + "/file", "x");
  CHECK(!sim::check_output_directory(directory).has_value());
  CHECK(!sim::check_output_directory(directory + "/new/deeper").has_value());
  CHECK(sim::check_output_directory(directory + "/file").has_value());
  CHECK(sim::check_output_directory(directory + "/file/below").has_value());
  CHECK(sim::check_output_directory("/dev/null").has_value());
  // A directory to be made in /dev (explore --out) is refused as a file there is.
  const auto in_dev = sim::check_output_directory("/dev/shm/distsim-out-test/found");
  REQUIRE(in_dev.has_value());
  CHECK(in_dev->find("is in /dev, /proc or /sys") != std::string::npos);
}

}  // namespace
}  // namespace distsim::testing
