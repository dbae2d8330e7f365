// The checkers' piecewise path tests (History::is_package_copy, History::below_dp_folder) agree
// with the paths History builds (package_copy_path, dp_folder) and compares whole: the checkers
// that ask per handle or record use the first, the others the second.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

using sim::invariant_detail::History;
using sim::invariant_detail::path_below;
using sim::invariant_detail::same_path;

// Paths near the package's files: the right ones in other cases, one character short or long,
// another package that begins the same, a separator missing or doubled, another DP.
std::vector<std::string> paths_near(const std::string& store, const std::string& share) {
  return {store + "\\S0100001.PCK",
          store + "\\s0100001.pck",
          store + "\\S0100001.PCKX",
          store + "\\S0100001.PC",
          store + "\\S01000012.PCK",
          store + "S0100001.PCK",
          store + "\\\\S0100001.PCK",
          store,
          share + "\\S0100001",
          share + "\\S0100001\\",
          share + "\\S0100001\\A.TXT",
          share + "\\s0100001\\sub\\b.txt",
          share + "\\S01000012\\A.TXT",
          share + "\\S0100001A.TXT",
          share + "S0100001\\A.TXT",
          "\\\\DP02\\SMSPKGC$\\S0100001\\A.TXT",
          "",
          "\\"};
}

TEST_CASE("The piecewise tests of a package's .PCK and DP folder agree with the built paths") {
  sim::RunResult run;
  const std::string store =
      GENERATE(std::string("C:\\SMSPKG"), std::string("C:"), std::string("C:\\SMSPKG\\"));
  const std::string share = GENERATE(std::string("\\\\DP01\\SMSPKGC$"), std::string("D:\\Pkgs"));
  run.site.package_store = store;
  run.distribution_points.push_back({"DP01", share, 12'500'000});
  History history;
  history.run = &run;
  for (const std::string& package : {std::string("S0100001"), std::string("s0100001")}) {
    for (const std::string& path : paths_near(store, share)) {
      CAPTURE(store, share, package, path);
      CHECK(history.is_package_copy(path, package) ==
            same_path(path, history.package_copy_path(package)));
      CHECK(History::below_dp_folder(path, package, run.distribution_points[0]) ==
            path_below(path, history.dp_folder(package, "DP01")));
    }
  }
}

TEST_CASE("A package's .PCK and files in its DP folder are recognised piecewise") {
  // Goal: the tests say yes where they should, not only agree with the built paths. Method: a
  // .PCK in other case, another package's, a file in the DP folder and the folder itself.
  sim::RunResult run;
  run.site.package_store = "C:\\SMSPKG";
  run.distribution_points.push_back({"DP01", "\\\\DP01\\SMSPKGC$", 12'500'000});
  History history;
  history.run = &run;
  CHECK(history.is_package_copy("c:\\smspkg\\S0100001.pck", "S0100001"));
  CHECK_FALSE(history.is_package_copy("C:\\SMSPKG\\S0100002.PCK", "S0100001"));
  CHECK(History::below_dp_folder("\\\\DP01\\SMSPKGC$\\S0100001\\A.TXT", "S0100001",
                                 run.distribution_points[0]));
  CHECK_FALSE(History::below_dp_folder("\\\\DP01\\SMSPKGC$\\S0100001", "S0100001",
                                       run.distribution_points[0]));
}

}  // namespace
}  // namespace distsim::testing
