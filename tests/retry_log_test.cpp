// Distmgr.log as an administrator reads it after a failed copy: the retry counters of its lines
// agree with each other (a DP retry announced as retry K is retried as retry K; a package retried
// on attempt A is on retry A - 1), and a failed DP copy names the file in the way.
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "cli_runner.h"

namespace distsim::testing {
namespace {

// The scenario's Distmgr.log, as `distsim run --log` writes it.
std::string log_of(const std::string& scenario, const std::string& name) {
  const std::string directory = scratch_directory(name);
  const CliResult result = run_distsim("run '" + std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" +
                                           scenario + "' --log out.log --quiet",
                                       directory);
  INFO(result.out << result.err);
  REQUIRE(result.status == 0);
  return read_text_file(directory + "/out.log");
}

// Counts the lines checked; fails on a retry counter that contradicts an earlier line.
size_t check_retry_counters(const std::string& log) {
  static const std::regex announced(
      R"(Will retry package (\S+) on distribution point (\S+) in \d+ seconds \(retry (\d+) of)");
  static const std::regex dp_retry(
      R"(Retrying package (\S+) on distribution point (\S+): retry (\d+) of)");
  static const std::regex package_retry(R"(Retrying package (\S+): attempt (\d+), retry (\d+) of)");
  std::map<std::string, std::string> last_announced;  // "package dp" -> retry number
  std::istringstream lines(log);
  std::string line;
  size_t checked = 0;
  std::smatch match;
  while (std::getline(lines, line)) {
    INFO(line);
    if (std::regex_search(line, match, announced)) {
      last_announced[match[1].str() + " " + match[2].str()] = match[3].str();
    } else if (std::regex_search(line, match, dp_retry)) {
      CHECK(last_announced[match[1].str() + " " + match[2].str()] == match[3].str());
      ++checked;
    } else if (std::regex_search(line, match, package_retry)) {
      CHECK(std::stoul(match[3].str()) + 1 == std::stoul(match[2].str()));
      ++checked;
    }
  }
  return checked;
}

TEST_CASE("ConfigMgr 2007 and 2012 retry lines count retries with one counter", "[retry_log]") {
  CHECK(check_retry_counters(log_of("antivirus-exclusive-two-dps.yaml", "retry-log-av")) > 0);
  CHECK(check_retry_counters(log_of("cm2012-dp-retries-exhausted.yaml", "retry-log-cm12")) > 0);
  CHECK(check_retry_counters(log_of("q207416-temp-source.yaml", "retry-log-kb")) > 0);
}

TEST_CASE("a failed DP copy's log line names the file in the way", "[retry_log]") {
  const std::string log = log_of("dp-client-holds-file.yaml", "retry-log-dp-client");
  CHECK(log.find("Cannot copy package S0100017 to distribution point \\\\DP01\\SMSPKGC$. Failed "
                 "on \\\\DP01\\SMSPKGC$\\S0100017\\") != std::string::npos);
}

}  // namespace
}  // namespace distsim::testing
