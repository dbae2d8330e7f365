// The scenario loader's refusals of a file as a whole: limits, paths, several errors at once, YAML
// syntax and shape, unreadable files; and the committed scenarios load.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/limits.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using namespace loader_test;

TEST_CASE("exceeding a limit is refused naming the limit", "[scenario_loader]") {
  // Goal: bounds from sim/limits.h and model/retry_policy.h are enforced at load time.
  // Method: a holder count, tree files, a retry count, nesting depth and the horizon.
  CHECK(errors_after_header("holders:\n  - kind: temp_user\n    path: 'C:\\a'\n"
                            "    every: 1s\n    count: 100001\n") ==
        Errors{"t.yaml:7:12: 'count' is 100001, more than kHolderRepeatsMax (100000)"});
  CHECK(errors_after_header("filesystem:\n  - tree: 'C:\\t'\n    files: 100001\n") ==
        Errors{"t.yaml:5:12: 'files' is 100001, more than kTreeFilesMax (100000)"});
  CHECK(errors_after_header("site:\n  retry:\n    count: 1000001\n") ==
        Errors{"t.yaml:5:12: 'count' is 1000001, more than kRetryCountMax (1000000)"});
  CHECK(errors_after_header("until: 3651d\n") ==
        Errors{"t.yaml:3:8: 'until' is 3651d, more than kRunHorizonMaxUs (3650d)"});
  // The top-level mapping is level 1, so 63 nested lists parse (and are then refused as the
  // wrong type) and the 64th stops the parse.
  const auto nested = [](uint32_t depth) {
    return "description: " + std::string(depth, '[') + std::string(depth, ']') + "\n";
  };
  CHECK(errors_after_header(nested(kYamlDepthMax - 1)) ==
        Errors{"t.yaml:3:14: expected a single value for 'description', got a list"});
  CHECK(errors_after_header(nested(kYamlDepthMax)) ==
        Errors{"t.yaml:3:77: values nested deeper than kYamlDepthMax (64)"});
}

TEST_CASE("paths must look like Windows paths", "[scenario_loader]") {
  // Goal: a light syntactic check of drive and UNC paths; '/' becomes '\'. Method: a relative
  // path, a forbidden character, a DP share with more than the share, a dp_client off any share.
  CHECK(errors_after_header("filesystem:\n  - dir: 'WINNT\\TEMP'\n") ==
        Errors{"t.yaml:4:10: 'WINNT\\TEMP' is not a valid Windows path for 'dir': write a drive "
               "path like 'C:\\Dir\\file' or a UNC path like '\\\\SERVER\\share\\dir'"});
  CHECK(errors_after_header("filesystem:\n  - file: 'C:\\a?.txt'\n") ==
        Errors{"t.yaml:4:11: 'C:\\a?.txt' is not a valid Windows path for 'file': '?' is a "
               "character Windows forbids in names"});
  CHECK(errors_after_header("distribution_points:\n  - {name: DP01, share: '\\\\DP01\\S$\\x'}\n") ==
        Errors{"t.yaml:4:25: '\\\\DP01\\S$\\x' is a Windows path, but not one 'share' takes "
               "here: a share is a share root like '\\\\SERVER\\share', with nothing after the "
               "share"});
  CHECK(errors_after_header("distribution_points:\n  - {name: DP03, share: '\\\\DP03'}\n") ==
        Errors{"t.yaml:4:25: '\\\\DP03' is not a valid Windows path for 'share': a share is a "
               "share root like '\\\\SERVER\\share', with nothing after the share"});
  CHECK(errors_after_header("distribution_points:\n  - name: DP01\nholders:\n"
                            "  - {kind: dp_client, path: 'C:\\Data\\a.exe'}\n") ==
        Errors{"t.yaml:6:29: 'C:\\Data\\a.exe' is a Windows path, but not one 'path' takes "
               "here: the file is on a distribution point's share: write a UNC path like "
               "'\\\\DP01\\SMSPKGC$\\S0100001\\setup.exe'"});
  CHECK(errors_after_header("distribution_points:\n  - name: DP01\nholders:\n"
                            "  - {kind: dp_client, path: '\\\\DP02\\SMSPKGC$\\a.exe'}\n") ==
        Errors{"t.yaml:6:29: path '\\\\DP02\\SMSPKGC$\\a.exe' is not on the share of a "
               "distribution point (the DP shares are '\\\\DP01\\SMSPKGC$')"});
  CHECK(load_valid("version: 1\nname: t\nfilesystem:\n  - dir: '//srv/share/a/b'\n")
            .filesystem[0]
            .path == "\\\\srv\\share\\a\\b");
}

TEST_CASE("a UNC path whose server or share name the VFS refuses is refused where it is written",
          "[scenario_loader]") {
  // Goal: the loader accepts exactly the paths the VFS parses, so none of these reaches the world,
  // whose setup would fail on it. Method: holder scopes, a DP share, a filesystem entry and a
  // script step with a forbidden character, a device prefix, a TAB and a 300-character share name.
  const auto scope = [](std::string_view kind, std::string_view path) {
    return errors_after_header("holders:\n  - kind: " + std::string(kind) +
                               "\n    scope: " + std::string(path) + "\n");
  };
  const std::string invalid = " is not a valid Windows path for ";
  CHECK(scope("antivirus", "'\\\\D\\:'") ==
        Errors{"t.yaml:5:12: '\\\\D\\:'" + invalid +
               "'scope': ':' is a character Windows forbids in names"});
  CHECK(scope("indexer", "'\\\\SRV\\A?B'") ==
        Errors{"t.yaml:5:12: '\\\\SRV\\A?B'" + invalid +
               "'scope': '?' is a character Windows forbids in names"});
  CHECK(scope("backup", "'\\\\.\\PIPE'") ==
        Errors{"t.yaml:5:12: '\\\\.\\PIPE'" + invalid +
               "'scope': it is a device path ('\\\\?\\...' or '\\\\.\\...'), not a file path"});
  CHECK(scope("antivirus", "\"\\\\\\\\SRV\\\\A\\tB\"") ==
        Errors{"t.yaml:5:12: '\\\\SRV\\A\\x09B'" + invalid +
               "'scope': '\\x09' is a character Windows forbids in names" +
               "; in double quotes YAML reads a backslash as the start of an escape (\\t is a "
               "tab): write Windows paths in single quotes, like 'C:\\WINNT\\TEMP'"});
  CHECK(
      errors_after_header("distribution_points:\n  - {name: DP01, share: '\\\\DP01\\SMS:PKG'}\n") ==
      Errors{"t.yaml:4:25: '\\\\DP01\\SMS:PKG'" + invalid +
             "'share': ':' is a character Windows forbids in names"});
  const std::string long_share = "\\\\DP01\\" + std::string(300, 'x');
  CHECK(errors_after_header("distribution_points:\n  - {name: DP01, share: '" + long_share +
                            "'}\n") ==
        Errors{"t.yaml:4:25: '" + long_share + "'" + invalid +
               "'share': the share name is longer than kPathComponentLengthMax (255)"});
  CHECK(errors_after_header("filesystem:\n  - dir: '\\\\?\\C:'\n") ==
        Errors{"t.yaml:4:10: '\\\\?\\C:'" + invalid +
               "'dir': it is a device path ('\\\\?\\...' or '\\\\.\\...'), not a file path"});
  CHECK(errors_after_header("holders:\n  - kind: script\n    steps:\n"
                            "      - open: '\\\\S<\\SH\\a'\n") ==
        Errors{"t.yaml:6:15: '\\\\S<\\SH\\a'" + invalid +
               "'open': '<' is a character Windows forbids in names"});
}

TEST_CASE("a DP name that cannot be the server of its default share needs an explicit share",
          "[scenario_loader]") {
  // Goal: a DP without 'share' serves \\NAME\SMSPKGC$, which the VFS must accept too. Method: the
  // name '.' without and with a share.
  CHECK(errors_after_header("distribution_points:\n  - name: '.'\n") ==
        Errors{"t.yaml:4:11: distribution point name '.' gives the default share "
               "'\\\\.\\SMSPKGC$', which is not a share a DP can have: it is a device path "
               "('\\\\?\\...' or '\\\\.\\...'), not a file path"});
  CHECK(load_valid("version: 1\nname: t\ndistribution_points:\n"
                   "  - {name: '.', share: '\\\\DP01\\SMSPKGC$'}\n")
            .distribution_points.size() == 1);
}

TEST_CASE("a holder with both for and until is refused at the second key", "[scenario_loader]") {
  // Goal: a hold has one end. Method: both orders of the two keys.
  CHECK(errors_after_header("holders:\n  - kind: temp_user\n    path: 'C:\\a'\n"
                            "    for: 1h\n    until: 2h\n") ==
        Errors{"t.yaml:7:5: a holder takes 'for' or 'until', not both"});
  CHECK(errors_after_header("holders:\n  - kind: temp_user\n    path: 'C:\\a'\n"
                            "    until: 2h\n    for: 1h\n") ==
        Errors{"t.yaml:7:5: a holder takes 'for' or 'until', not both"});
}

TEST_CASE("holder timing and distributions are checked", "[scenario_loader]") {
  // Goal: repeats need an interval, distributions are well formed. Method: count without every,
  // reversed uniform bounds, a distribution with two kinds, a zero hold.
  const std::string head = "holders:\n  - kind: temp_user\n    path: 'C:\\a'\n";  // lines 3-5
  CHECK(errors_after_header(head + "    count: 3\n") ==
        Errors{"t.yaml:6:12: 'count' 3 needs 'every', the time between holds"});
  CHECK(errors_after_header(head + "    for: {uniform: [5m, 10s]}\n") ==
        Errors{"t.yaml:6:20: the bounds of 'uniform' are reversed: 5m is more than 10s"});
  CHECK(errors_after_header(head + "    for: {uniform: [1s, 2s], exponential: 1s}\n") ==
        Errors{"t.yaml:6:10: a distribution for 'for' needs exactly one of 'uniform' or "
               "'exponential'"});
  CHECK(errors_after_header(head + "    for: 0s\n") ==
        Errors{"t.yaml:6:10: 'for' must be longer than 0s"});
  CHECK(errors_after_header(head + "    for: 90\n") ==
        Errors{"t.yaml:6:10: bad value for 'for': duration '90' has no unit; write e.g. '90s' "
               "(units: us, ms, s, m, h, d)"});
}

TEST_CASE("count expectations take a number or a range", "[scenario_loader]") {
  // Goal: `attempts` and `count` accept both forms and refuse an empty range. Method: each.
  const std::string world = "packages:\n  - {id: S0100001, source: 'C:\\s'}\nexpect:\n";
  const Scenario scenario = load_valid("version: 1\nname: t\n" + world +
                                       "  packages:\n    S0100001:\n"
                                       "      attempts: {max: 4}\n      retries: {}\n");
  CHECK(scenario.expect.packages[0].attempts == CountRange{0, 4});
  CHECK(scenario.expect.packages[0].retries == CountRange{0, std::numeric_limits<uint64_t>::max()});
  CHECK(errors_after_header(world + "  packages:\n    S0100001: {attempts: {min: 5, max: 2}}\n") ==
        Errors{"t.yaml:7:26: the range of 'attempts' is empty: min 5 is more than max 2"});
  CHECK(errors_after_header(world + "  status_messages:\n    - {sequence: [2300], count: 1}\n") ==
        Errors{"t.yaml:7:26: key 'count' does not apply to a sequence"});
  CHECK(errors_after_header(world + "  status_messages:\n    - {id: 9999}\n") ==
        Errors{"t.yaml:7:12: status message 9999 is not one distsim raises for "
               "SMS_DISTRIBUTION_MANAGER; known: 2300, 2301, 2302, 2306, 2311, 2328, 2330, 2342, "
               "62302"});
}

TEST_CASE("version and name are required and only version 1 is read", "[scenario_loader]") {
  // Goal: the two required keys. Method: a file without them and one with version 2.
  CHECK(errors_of("seed: 1\n") ==
        Errors{"t.yaml:1:1: missing required key 'version' in the scenario",
               "t.yaml:1:1: missing required key 'name' in the scenario"});
  CHECK(errors_of("version: 2\nname: x\n") ==
        Errors{"t.yaml:1:10: unsupported version 2; this distsim reads version 1"});
  CHECK(errors_of("version: 1\nname: ''\n") == Errors{"t.yaml:2:7: 'name' must not be empty"});
}

TEST_CASE("several errors in one file are all reported in file order", "[scenario_loader]") {
  // Goal: one run shows every problem. Method: mistakes in several sections, found out of file
  // order by the loader (site before holders, header last in the file).
  CHECK(errors_of(R"(holders:
  - kind: temp_user
    path: 'C:\a'
    fro: 1h
site:
  profile: sms3
seed: -1
version: 1
name: several
name: twice
)") == Errors{
           "t.yaml:4:5: unknown key 'fro' in holder; did you mean 'for'?",
           "t.yaml:6:12: unknown profile 'sms3'; expected one of sms2, configmgr2007, "
           "configmgr2012",
           "t.yaml:7:7: bad value for 'seed': negative number '-1' is not allowed",
           "t.yaml:10:1: duplicate key 'name' (first at line 9)",
       });
}

TEST_CASE("a YAML syntax error is reported at the position yaml-cpp gives", "[scenario_loader]") {
  // Goal: no exception escapes; the parser's mark becomes the position. Method: an unclosed
  // flow list and a bad indentation.
  CHECK(errors_of("version: 1\nname: [a, b\n") ==
        Errors{"t.yaml:3:1: invalid YAML: end of sequence flow not found"});
  CHECK(errors_of("version: 1\n  name: x\n").size() == 1);
}

TEST_CASE("an empty file, a non-mapping and a second document are refused", "[scenario_loader]") {
  // Goal: the shape of the file itself. Method: each case.
  CHECK(errors_of("") ==
        Errors{"t.yaml:1:1: the file is empty; a scenario needs at least 'version' and 'name'"});
  CHECK(errors_of("- a\n") == Errors{"t.yaml:1:1: the top level of a scenario must be a mapping "
                                     "of keys such as 'version' and 'name'"});
  CHECK(errors_of("version: 1\nname: a\n---\nversion: 1\n") ==
        Errors{"t.yaml:3:1: a distsim file (a scenario or a policy) holds one YAML document; "
               "remove the second one"});
}

TEST_CASE("anchors and aliases reuse a value; tags are refused", "[scenario_loader]") {
  // Goal: YAML reuse works, exotic YAML does not slip through. Method: an aliased holder
  // setting, a self-containing alias and an explicit tag.
  const Scenario scenario = load_valid(
      "version: 1\nname: t\nholders:\n  - {kind: temp_user, path: &p 'C:\\a'}\n"
      "  - {kind: temp_user, path: *p}\n");
  CHECK(scenario.holders[1].path == "C:\\a");
  CHECK(errors_after_header("description: &d [*d]\n") ==
        Errors{"t.yaml:3:18: an alias may not refer to a mapping or list that contains it"});
  CHECK(errors_after_header("seed: !!int 5\n") ==
        Errors{"t.yaml:3:7: explicit tag 'tag:yaml.org,2002:int' is not supported; remove it"});
}

TEST_CASE("the format's own retry example loads, and a multiplier below 1 is refused",
          "[scenario_loader]") {
  // Goal: the format's example writes `multiplier` and `max_delay` next to `backoff: fixed`
  // (where they have no effect), and files written against it must keep working. Method: that
  // block as the format gives it, and a multiplier below 1.
  CHECK(errors_after_header("site:\n  retry:\n    count: 100\n    delay: 30m\n    backoff: fixed\n"
                            "    multiplier: 2\n    max_delay: 4h\n    jitter: none\n"
                            "    deadline: 7d\n    retry_on: [ERROR_SHARING_VIOLATION, "
                            "ERROR_LOCK_VIOLATION]\n")
            .empty());
  CHECK(errors_after_header("site:\n  retry:\n    backoff: exponential\n    multiplier: 0.5\n") ==
        Errors{"t.yaml:6:17: 'multiplier' must be from 1 to 100, got 0.5"});
}

TEST_CASE("a file that cannot be read gives one error without a position", "[scenario_loader]") {
  // Goal: CLI.md's "FILE: message" for unreadable files. Method: a path that does not exist and
  // a text larger than kScenarioFileBytesMax.
  const LoadResult missing = load_scenario_file("/nonexistent/distsim/scenario.yaml");
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].line == 0);
  CHECK(missing.errors[0].to_string() ==
        "/nonexistent/distsim/scenario.yaml: cannot open the file: No such file or directory");
  CHECK_FALSE(missing.scenario.has_value());
  const std::string huge(kScenarioFileBytesMax + 1, '#');
  CHECK(errors_of(huge) ==
        Errors{"t.yaml: the file is larger than kScenarioFileBytesMax (16777216 bytes)"});
}

#ifdef DISTSIM_SOURCE_DIR
TEST_CASE("every committed scenario file loads without error", "[scenario_loader]") {
  // Goal: the loader accepts what the project ships. Method: load each .yaml of scenarios/.
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::string(DISTSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  CHECK_FALSE(files.empty());
  for (const std::filesystem::path& file : files) {
    const LoadResult result = load_scenario_file(file.string());
    INFO(file.string() << "\n" << joined(result.errors));
    CHECK(result.errors.empty());
  }
}
#endif

}  // namespace
}  // namespace distsim::sim
