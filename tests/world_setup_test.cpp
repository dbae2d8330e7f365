// The set-up check that `distsim validate` and `run` apply after loading (world_setup.h): each
// problem it finds is named with what the user wrote and how to mend it.
#include "sim/world/world_setup.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using namespace loader_test;

// The set-up problems of a scenario (which must load), as "LINE: message".
std::vector<std::string> problems_of(std::string_view body) {
  const Scenario scenario = load_valid(std::string("version: 1\nname: t\n") + std::string(body));
  std::vector<std::string> problems;
  for (const SetupProblem& problem : unsupported_features(scenario)) {
    problems.push_back(fmt::format("{}: {}", problem.position.line, problem.message));
  }
  return problems;
}

TEST_CASE("a file on a share that is no DP's names the shares that exist", "[world][setup]") {
  CHECK(problems_of("filesystem:\n  - {file: '\\\\DP02\\SMSPKGC$\\a.txt', size: 1KB}\n"
                    "distribution_points:\n  - {name: DP01}\n") ==
        std::vector<std::string>{"4: '\\\\DP02\\SMSPKGC$\\a.txt' is on a share that is not a "
                                 "distribution point's; only DP shares exist (the DP shares are "
                                 "'\\\\DP01\\SMSPKGC$')"});
  CHECK(problems_of("filesystem:\n  - {file: '\\\\DP02\\SMSPKGC$\\a.txt', size: 1KB}\n") ==
        std::vector<std::string>{"4: '\\\\DP02\\SMSPKGC$\\a.txt' is on a share that is not a "
                                 "distribution point's; only DP shares exist (the scenario has "
                                 "no distribution point)"});
}

TEST_CASE("a DP too small for its files says both sizes in the units the scenario uses",
          "[world][setup]") {
  CHECK(problems_of("filesystem:\n  - {file: '\\\\DP01\\SMSPKGC$\\a.bin', size: 2GB}\n"
                    "distribution_points:\n  - {name: DP01, free: 1GB}\n") ==
        std::vector<std::string>{"4: the filesystem entries on '\\\\DP01\\SMSPKGC$' need 2GB "
                                 "(2147483648 bytes) but DP DP01 has only 1GB (1073741824 "
                                 "bytes) free (this entry is the one that does not fit)"});
  // Said once, at the entry that takes the share past its free space, not at every entry on it.
  CHECK(problems_of("filesystem:\n  - {file: '\\\\DP01\\SMSPKGC$\\a.bin', size: 600MB}\n"
                    "  - {file: '\\\\DP01\\SMSPKGC$\\b.bin', size: 600MB}\n"
                    "  - {file: '\\\\DP01\\SMSPKGC$\\c.bin', size: 1MB}\n"
                    "distribution_points:\n  - {name: DP01, free: 1GB}\n") ==
        std::vector<std::string>{"5: the filesystem entries on '\\\\DP01\\SMSPKGC$' need "
                                 "1201MB (1259339776 bytes) but DP DP01 has only 1GB (1073741824 "
                                 "bytes) free (this entry is the one that does not fit)"});
}

TEST_CASE("a package whose source is a file is refused before it runs", "[world][setup]") {
  // Goal: a typo that names a file as the source fails at validate, not after a day of retries
  // of error 3. A source nothing declares stays allowed: a holder may create it, and a missing
  // source is a case worth running.
  CHECK(problems_of("filesystem:\n  - {file: 'D:\\Src\\App\\setup.exe', size: 1MB}\n"
                    "distribution_points:\n  - {name: DP01}\npackages:\n"
                    "  - {id: S0100001, source: 'D:\\Src\\App\\setup.exe', at: 0s}\n") ==
        std::vector<std::string>{"8: package S0100001's source 'D:\\Src\\App\\setup.exe' is a file "
                                 "(filesystem entry at line 4); a source is the folder that holds "
                                 "the package's files, such as 'D:\\Src\\App'"});
  CHECK(problems_of("distribution_points:\n  - {name: DP01}\npackages:\n"
                    "  - {id: S0100001, source: 'D:\\Nowhere', at: 0s}\n")
            .empty());
}

TEST_CASE("a file where the package store is refused when a package is compressed",
          "[world][setup]") {
  // Goal: no compressed package could install; the liveness checker would report the manager.
  const std::string world =
      "filesystem:\n  - {file: 'D:\\Src\\a.cab', size: 1MB}\n  - {file: 'C:\\SMSPKG', size: 1KB}\n"
      "distribution_points:\n  - {name: DP01}\npackages:\n"
      "  - {id: S0100060, source: 'D:\\Src', compressed: ";
  CHECK(problems_of(world + "true}\n") ==
        std::vector<std::string>{"5: 'C:\\SMSPKG' is a file, but the manager keeps compressed "
                                 "copies of packages in the folder 'C:\\SMSPKG', and package "
                                 "S0100060 (line 9) is compressed; make it a folder or compress "
                                 "no package"});
  CHECK(problems_of(world + "false}\n").empty());
}

}  // namespace
}  // namespace distsim::sim
