// The scenario loader's refusals of values and references: each kind of mistake gives exactly one
// positioned "FILE:LINE:COL: message".
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/win32_error.h"
#include "sim/core/limits.h"
#include "sim/scenario/scenario_loader.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using namespace loader_test;

TEST_CASE("a duplicate key is refused with the position of the second occurrence",
          "[scenario_loader]") {
  // Goal: yaml-cpp keeps duplicates silently; the loader must not. Method: a duplicate at the
  // top level and one inside a holder.
  CHECK(errors_of("version: 1\nname: a\nname: b\n") ==
        Errors{"t.yaml:3:1: duplicate key 'name' (first at line 2)"});
  CHECK(errors_after_header("holders:\n  - kind: temp_user\n    path: 'C:\\a'\n"
                            "    path: 'C:\\b'\n") ==
        Errors{"t.yaml:6:5: duplicate key 'path' (first at line 5)"});
}

TEST_CASE("a holder's network path or scope off every DP share is refused where it is written",
          "[scenario_loader]") {
  // Goal: the DP shares are the only shares the world has, so a typo in a scanner's scope would
  // leave it watching nothing, silently. Local paths stay free.
  const std::string dps = "distribution_points:\n  - name: DP01\n  - name: DP02\nholders:\n";
  CHECK(errors_after_header(dps + "  - {kind: antivirus, scope: '\\\\DP02\\SMSPKG$'}\n") ==
        Errors{"t.yaml:7:30: scope '\\\\DP02\\SMSPKG$' is not on the share of a distribution "
               "point (the DP shares are '\\\\DP01\\SMSPKGC$', '\\\\DP02\\SMSPKGC$')"});
  CHECK(errors_after_header(dps +
                            "  - {kind: backup, scope: ['D:\\Src', '\\\\DP9\\X$\\S0100001']}\n") ==
        Errors{"t.yaml:7:38: scope '\\\\DP9\\X$\\S0100001' is not on the share of a "
               "distribution point (the DP shares are '\\\\DP01\\SMSPKGC$', "
               "'\\\\DP02\\SMSPKGC$')"});
  CHECK(errors_after_header(dps + "  - {kind: explorer_window, path: '\\\\SRV\\Pkgs\\App'}\n") ==
        Errors{"t.yaml:7:35: path '\\\\SRV\\Pkgs\\App' is not on the share of a distribution "
               "point (the DP shares are '\\\\DP01\\SMSPKGC$', '\\\\DP02\\SMSPKGC$')"});
  CHECK(errors_after_header(dps + "  - {kind: indexer, scope: ['D:\\Src', '\\\\DP02\\SMSPKGC$']}\n")
            .empty());
}

TEST_CASE("a DP whose share another DP uses is refused naming that DP, and stays known by name",
          "[scenario_loader]") {
  // Goal: one mistake, one message: the packages that name the second DP are not also told that
  // it does not exist.
  CHECK(errors_after_header("distribution_points:\n  - {name: DP01}\n"
                            "  - {name: DP02, share: '\\\\DP01\\SMSPKGC$'}\n"
                            "packages:\n  - {id: S0100001, source: 'C:\\Src', "
                            "distribution_points: [DP02]}\n") ==
        Errors{"t.yaml:5:5: distribution point 'DP02' uses share '\\\\DP01\\SMSPKGC$', which "
               "distribution point 'DP01' (line 4) already uses; give each DP a share of its own"});
}

TEST_CASE("expected invariant violations name known invariants, once each, with the checkers on",
          "[scenario_loader]") {
  // Goal: a misspelt or repeated invariant, or a list the checkers are turned off for, is a
  // mistake the scenario's author hears of at its line, not an expectation that can never hold.
  CHECK(errors_after_header("expect:\n  invariant_violations: [livenes, liveness, liveness]\n") ==
        Errors{"t.yaml:4:26: 'livenes' is not an invariant; did you mean 'liveness'?",
               "t.yaml:4:45: invariant 'liveness' is named twice"});
  CHECK(errors_after_header("expect:\n  invariant_violations: [liveness]\n"
                            "  no_invariant_violations: false\n") ==
        Errors{"t.yaml:4:3: 'invariant_violations' needs the invariant checkers, which "
               "'no_invariant_violations: false' turns off; drop one of the two"});
  CHECK(errors_after_header("expect:\n  invariant_violations: []\n") ==
        Errors{"t.yaml:4:25: 'invariant_violations' needs at least 1 entry"});
}

TEST_CASE("a tab in the indentation is named as the cause of the YAML error", "[scenario_loader]") {
  // Goal: yaml-cpp says "illegal map value" or "end of map not found" and points past the tab;
  // the user must learn that the tab is the problem. Method: a tab before a nested key, and
  // before a list entry.
  const Errors key = errors_of("version: 1\nname: tabs\nsite:\n\tprofile: sms2\n");
  REQUIRE(key.size() == 1);
  CHECK_THAT(key[0], Catch::StartsWith("t.yaml:4:"));
  CHECK_THAT(key[0], Catch::EndsWith("; line 4 indents with a tab, and YAML indents with spaces "
                                     "only"));
  const Errors entry = errors_after_header(
      "distribution_points:\n  - {name: DP01}\n\t- {name: "
      "DP02}\n");
  REQUIRE(entry.size() == 1);
  CHECK_THAT(entry[0], Catch::EndsWith("; line 5 indents with a tab, and YAML indents with spaces "
                                       "only"));
  // A tab elsewhere, inside a value, is no indentation.
  CHECK(errors_of("version: 1\nname: t\ndescription: 'a\tb'\n").empty());
}

TEST_CASE("a path too long to read is quoted by its start, end and length", "[scenario_loader]") {
  // Goal: the reason comes within a line, not after 40,000 characters of the path.
  const std::string path = "C:\\" + std::string(40'000, 'a') + "\\x.tmp";
  const Errors errors =
      errors_after_header("holders:\n  - {kind: temp_user, path: '" + path + "'}\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].size() < 700);
  CHECK_THAT(errors[0], Catch::StartsWith("t.yaml:4:29: 'C:\\aaaa"));
  CHECK_THAT(errors[0], Catch::EndsWith("aaaaaaaaaaaaaa\\x.tmp' (40009 characters) is not a valid "
                                        "Windows path for 'path': it is longer than "
                                        "kPathLengthMax (32767)"));
}

TEST_CASE("a Windows path in double quotes is refused with the advice to use single quotes",
          "[scenario_loader]") {
  // Goal: "C:\temp" becomes C:, a tab and "emp", and "C:\WINNT" is a YAML error; both errors
  // must say why, not only that the path is wrong. Method: each as a holder's path; a path that
  // is wrong for another reason gets no such advice.
  const std::string advice = "write Windows paths in single quotes, like 'C:\\WINNT\\TEMP'";
  const Errors tab = errors_after_header("holders:\n  - kind: temp_user\n    path: \"C:\\temp\"\n");
  REQUIRE(tab.size() == 1);
  CHECK_THAT(tab[0], Catch::StartsWith("t.yaml:5:11: 'C:\\x09emp' is not a valid Windows path"));
  CHECK_THAT(tab[0], Catch::EndsWith(advice));
  const Errors escape =
      errors_after_header("holders:\n  - kind: temp_user\n    path: \"C:\\WINNT\\TEMP\"\n");
  REQUIRE(escape.size() == 1);
  CHECK_THAT(escape[0], Catch::Contains("invalid YAML: unknown escape character: W"));
  CHECK_THAT(escape[0], Catch::EndsWith(advice));
  // Escapes YAML accepts but that make a character no path wants: \P (U+2029), \N (U+0085).
  for (const char* path : {"\"D:\\Packages\\a.tmp\"", "\"C:\\Notes\\a.tmp\""}) {
    const Errors quoted =
        errors_after_header(std::string("holders:\n  - kind: temp_user\n    path: ") + path + "\n");
    INFO(path);
    REQUIRE(!quoted.empty());
    const auto advised = std::count_if(quoted.begin(), quoted.end(), [&](const std::string& error) {
      return error.ends_with(advice);
    });
    CHECK(advised == 1);
  }
  const Errors rootless = errors_after_header("holders:\n  - kind: temp_user\n    path: 'temp'\n");
  REQUIRE(rootless.size() == 1);
  CHECK_THAT(rootless[0], !Catch::Contains("single quotes"));
  // A path already in single quotes, whose non-ASCII letter no escape made, is not told to use
  // them.
  const Errors single =
      errors_after_header("holders:\n  - kind: temp_user\n    path: 'D:\\\xC3\xA9|b'\n");
  REQUIRE(single.size() == 1);
  CHECK_THAT(single[0], Catch::Contains("a character Windows forbids in names"));
  CHECK_THAT(single[0], !Catch::Contains("single quotes"));
  // "\x.t" is no hex number: a YAML error that gets the advice too.
  const Errors hex =
      errors_after_header("holders:\n  - kind: temp_user\n    path: \"C:\\temp\\x.txt\"\n");
  REQUIRE(hex.size() == 1);
  CHECK_THAT(hex[0], Catch::Contains("invalid YAML: bad character found while scanning hex"));
  CHECK_THAT(hex[0], Catch::EndsWith(advice));
}

TEST_CASE("a double-quoted path refused twice gets the advice to use single quotes once",
          "[scenario_loader]") {
  // Goal: advice said once is read; said twice on one position it is noise. Method: "\a" and
  // "\x01" make control characters (refused as text) in a path that is also no valid path.
  const Errors twice =
      errors_after_header("holders:\n  - kind: temp_user\n    path: \"C:\\temp\\a\\x01.txt\"\n");
  REQUIRE(twice.size() == 2);
  size_t advised = 0;
  for (const std::string& error : twice) {
    CHECK_THAT(error, Catch::StartsWith("t.yaml:5:11: "));
    if (error.find("single quotes") != std::string::npos) ++advised;
  }
  CHECK(advised == 1);
}

TEST_CASE("Thumbs.db flags on a window without thumbnails are refused", "[scenario_loader]") {
  // Goal: a key that would do nothing is an error, not silence.
  CHECK(errors_after_header("holders:\n  - kind: explorer_window\n    path: 'C:\\a'\n"
                            "    thumbnails: false\n    thumbnails_share: []\n") ==
        Errors{"t.yaml:7:23: 'thumbnails_share' sets the Thumbs.db handle's flags, but "
               "'thumbnails: false' opens no Thumbs.db"});
}

TEST_CASE("yes, no, on and off are refused where a boolean is meant", "[scenario_loader]") {
  // Goal: only true and false are booleans. Method: YAML 1.1 words, a quoted true, a typo.
  CHECK(errors_after_header(
            "holders:\n  - kind: explorer_window\n    path: 'C:\\a'\n    thumbnails: yes\n") ==
        Errors{"t.yaml:6:17: 'yes' is not accepted as a boolean for 'thumbnails'; write true or "
               "false"});
  CHECK(errors_after_header("expect:\n  no_invariant_violations: off\n") ==
        Errors{"t.yaml:4:28: 'off' is not accepted as a boolean for 'no_invariant_violations'; "
               "write true or false"});
  CHECK(errors_after_header("expect:\n  no_invariant_violations: 'true'\n") ==
        Errors{"t.yaml:4:28: expected true or false for 'no_invariant_violations', got the "
               "quoted string 'true'"});
  CHECK(errors_after_header("expect:\n  no_invariant_violations: ture\n") ==
        Errors{"t.yaml:4:28: expected true or false for 'no_invariant_violations', got 'ture'"});
}

TEST_CASE("octal, hex, exponent and signed numbers are refused where an integer is meant",
          "[scenario_loader]") {
  // Goal: numbers YAML 1.1 reads differently never load. Method: each form as the seed.
  CHECK(errors_after_header("seed: 010\n") ==
        Errors{"t.yaml:3:7: bad value for 'seed': '010' has a leading zero, which YAML 1.1 and C "
               "read as octal; write it without the zero"});
  CHECK(errors_after_header("seed: 0x10\n") ==
        Errors{"t.yaml:3:7: bad value for 'seed': '0x10' is not a decimal number; write the "
               "value in decimal"});
  CHECK(errors_after_header("seed: 1e3\n") ==
        Errors{"t.yaml:3:7: bad value for 'seed': '1e3' is not a whole decimal number"});
  CHECK(errors_after_header("seed: +5\n") ==
        Errors{"t.yaml:3:7: bad value for 'seed': a leading '+' is not allowed in '+5'"});
  CHECK(errors_after_header("seed: '5'\n") ==
        Errors{"t.yaml:3:7: expected a whole number for 'seed', got the quoted string '5'"});
  CHECK(errors_after_header("seed: 99999999999999999999\n") ==
        Errors{"t.yaml:3:7: bad value for 'seed': number '99999999999999999999' is too large; the "
               "largest is 18446744073709551615"});
}

TEST_CASE("a value of the wrong type is refused with what was expected", "[scenario_loader]") {
  // Goal: a mapping, list or scalar in the wrong place is named. Method: one of each.
  CHECK(errors_after_header("site: [a]\n") ==
        Errors{"t.yaml:3:7: expected a mapping for 'site', got a list"});
  CHECK(errors_of("version: 1\nname: {a: 1}\n") ==
        Errors{"t.yaml:2:7: expected a single value for 'name', got a mapping"});
  CHECK(errors_after_header("holders: temp_user\n") ==
        Errors{"t.yaml:3:10: expected a list for 'holders', got a single value"});
  CHECK(errors_after_header("site:\n  source_open:\n    access: GENERIC_READ\n") ==
        Errors{"t.yaml:5:13: expected a list for 'access', got a single value"});
  CHECK(errors_after_header("holders:\n  - temp_user\n") ==
        Errors{"t.yaml:4:5: expected a mapping for each entry of 'holders', got a single value"});
  CHECK(errors_after_header("site:\n  code:\n") == Errors{"t.yaml:4:3: missing value for 'code'"});
}

TEST_CASE("an unknown key is refused with a suggestion or the keys allowed", "[scenario_loader]") {
  // Goal: typos are caught and a close key is offered. Method: close and far misspellings, and
  // a key that exists for another holder kind.
  CHECK(errors_after_header("holders:\n  - kind: temp_user\n    path: 'C:\\a'\n    fro: 1h\n") ==
        Errors{"t.yaml:6:5: unknown key 'fro' in holder; did you mean 'for'?"});
  CHECK(errors_after_header("untill: 3d\n") ==
        Errors{"t.yaml:3:1: unknown key 'untill' in the scenario; did you mean 'until'?"});
  CHECK(errors_after_header("site:\n  retry:\n    zzz: 1\n") ==
        Errors{"t.yaml:5:5: unknown key 'zzz' in retry; expected one of count, delay, backoff, "
               "multiplier, max_delay, jitter, deadline, retry_on, delay_from, crash_uses_retry, "
               "update_resets_retries, due_while_down, dp_retry_decided"});
  CHECK(errors_after_header(
            "holders:\n  - kind: temp_user\n    path: 'C:\\a'\n    thumbnails: false\n") ==
        Errors{"t.yaml:6:5: key 'thumbnails' does not apply to a temp_user holder; it belongs to "
               "explorer_window holders"});
  CHECK(errors_after_header("holders:\n  - {kind: temp_user, path: 'C:\\a', scope: 'C:\\'}\n") ==
        Errors{"t.yaml:4:37: key 'scope' does not apply to a temp_user holder; it belongs to "
               "antivirus, indexer and backup holders"});
  // YAML 1.1's merge key is named as such, not as a misspelt key.
  CHECK(errors_after_header("x-site: &base {code: S02}\nsite:\n  <<: *base\n") ==
        Errors{"t.yaml:3:1: unknown key 'x-site' in the scenario; did you mean 'site'?",
               "t.yaml:5:3: YAML merge keys ('<<') are not supported in site; write the keys out, "
               "or alias the whole mapping (key: *name)"});
  CHECK(errors_after_header("expect:\n  log: {contains: ['']}\n") ==
        Errors{"t.yaml:4:20: an empty string in 'contains' is in every line; give the text to "
               "look for"});
}

TEST_CASE("an unknown enumeration value is refused with the allowed values", "[scenario_loader]") {
  // Goal: every closed vocabulary lists its words. Method: profile, backoff, where the retry
  // count is shown, holder kind, package state, an access right and an error name.
  CHECK(errors_after_header("site:\n  profile: sms3\n") ==
        Errors{"t.yaml:4:12: unknown profile 'sms3'; expected one of sms2, configmgr2007, "
               "configmgr2012"});
  CHECK(errors_after_header("site:\n  retry:\n    backoff: linear\n") ==
        Errors{"t.yaml:5:14: unknown backoff 'linear'; expected one of fixed, exponential"});
  CHECK(errors_after_header("site:\n  retry_count_shown_in: both\n") ==
        Errors{"t.yaml:4:25: unknown retry_count_shown_in 'both'; expected one of "
               "failure_message, retry_message"});
  CHECK(errors_after_header("holders:\n  - kind: virus\n") ==
        Errors{"t.yaml:4:11: unknown holder kind 'virus'; expected one of explorer_window, "
               "temp_user, antivirus, indexer, backup, dp_client, script"});
  CHECK(errors_after_header("site:\n  source_open:\n    access: [GENERIC_REED]\n") ==
        Errors{"t.yaml:5:14: unknown access right 'GENERIC_REED'; did you mean 'GENERIC_READ'?"});
  // Every error name the loader accepts is listed, and every listed name is accepted.
  const Errors unknown = errors_after_header("site:\n  retry:\n    retry_on: [ERROR_SHARING]\n");
  REQUIRE(unknown.size() == 1);
  CHECK_THAT(unknown[0], Catch::StartsWith("t.yaml:5:16: unknown error name 'ERROR_SHARING' in "
                                           "'retry_on'; expected one of ERROR_FILE_NOT_FOUND, "));
  const auto names = model::win32_error_names().subspan(1);  // `ok` is not an error to retry
  CHECK(names.size() >= 20);
  for (const std::string_view name : names) {
    INFO(name);
    CHECK_THAT(unknown[0],
               Catch::Contains(std::string(name) + ",") || Catch::EndsWith(std::string(name)));
    CHECK(errors_after_header("site:\n  retry:\n    retry_on: [" + std::string(name) + "]\n")
              .empty());
  }
  // An empty list would read as "every error" to the policy; it is refused, with the two ways
  // to say what was meant.
  CHECK(errors_after_header("site:\n  retry:\n    retry_on: []\n") ==
        Errors{"t.yaml:5:15: an empty 'retry_on' is ambiguous: leave the key out to retry every "
               "error, or write 'count: 0' to retry none"});
}

TEST_CASE("a package id must be the site code and five hex digits", "[scenario_loader]") {
  // Goal: ids look like SMS's. Method: a wrong prefix, a short id, a non-hex digit, a custom
  // site code that makes an id valid, and an invalid site code.
  const std::string tail = "    source: 'C:\\s'\n";
  CHECK(errors_after_header("packages:\n  - id: S0200001\n" + tail) ==
        Errors{"t.yaml:4:9: package id 'S0200001' must be the site code 'S01' followed by five "
               "upper-case hex digits, e.g. 'S0100001'"});
  CHECK(errors_after_header("packages:\n  - id: S011\n" + tail).size() == 1);
  CHECK(errors_after_header("packages:\n  - id: S010000g\n" + tail).size() == 1);
  CHECK(errors_after_header("site: {code: LAB}\npackages:\n  - id: LAB0000A\n" + tail).empty());
  CHECK(errors_after_header("site: {code: lab1}\n") ==
        Errors{"t.yaml:3:14: site code 'lab1' must be three upper-case letters or digits, e.g. "
               "'S01'"});
}

// One DP and one package on it, as lines 3-7 after the header.
const std::string kOneDpOnePackage =
    "distribution_points:\n  - name: DP01\npackages:\n  - id: S0100001\n    source: 'C:\\s'\n";

TEST_CASE("references to packages and distribution points that do not exist are refused",
          "[scenario_loader]") {
  // Goal: every name that refers to something is checked. Method: an unknown DP in a package,
  // a fault and an expectation; an unknown package in an update and in the expectations.
  const std::string world = kOneDpOnePackage;  // lines 3-7
  CHECK(errors_after_header(world + "  - refresh: S0100001\n    distribution_points: [DP02]\n") ==
        Errors{"t.yaml:9:27: unknown distribution point 'DP02'; did you mean 'DP01'?"});
  CHECK(errors_after_header(world + "  - update: S0100002\n") ==
        Errors{"t.yaml:8:13: unknown package 'S0100002'; no entry of 'packages' creates it; did "
               "you mean 'S0100001'?"});
  CHECK(errors_after_header(world + "faults:\n  - dp_unreachable: DPX1\n") ==
        Errors{"t.yaml:9:21: unknown distribution point 'DPX1'; did you mean 'DP01'?"});
  CHECK(errors_after_header(world + "expect:\n  packages:\n    S0100009: {state: installed}\n") ==
        Errors{"t.yaml:10:5: unknown package 'S0100009'; no entry of 'packages' creates it; did "
               "you mean 'S0100001'?"});
  CHECK(errors_after_header(world +
                            "expect:\n  status_messages:\n    - {id: 2301, package: S0100002}\n") ==
        Errors{"t.yaml:10:27: unknown package 'S0100002'; no entry of 'packages' creates it; "
               "did you mean 'S0100001'?"});
  CHECK(errors_after_header("faults:\n  - dp_disk_full: DP01\n") ==
        Errors{"t.yaml:4:19: unknown distribution point 'DP01'; the scenario declares none"});
}

TEST_CASE("a refresh or an expectation on a DP the package is not sent to is refused",
          "[scenario_loader]") {
  // Goal: per-package DP lists are honoured. Method: a package on DP01 only, refreshed and
  // expected on DP02.
  const std::string world =
      "distribution_points:\n  - name: DP01\n  - name: DP02\npackages:\n  - id: S0100001\n"
      "    source: 'C:\\s'\n    distribution_points: [DP01]\n";  // lines 3-9
  CHECK(errors_after_header(world + "  - refresh: S0100001\n    distribution_points: [DP02]\n") ==
        Errors{"t.yaml:11:27: package 'S0100001' is not sent to distribution point 'DP02'"});
  CHECK(errors_after_header(world + "expect:\n  packages:\n    S0100001:\n"
                                    "      distribution_points: {DP02: installed}\n") ==
        Errors{"t.yaml:13:29: package 'S0100001' is not sent to distribution point 'DP02'"});
}

TEST_CASE("a Retry History deletion is refused outside sms2, for unknown packages and too early",
          "[scenario_loader]") {
  // Goal: the deletion follows the rules of the other package entries, and exists only where
  // its registry key does. Method: one deletion per mistake.
  const std::string world =
      "distribution_points:\n  - name: DP01\npackages:\n  - id: S0100001\n"
      "    source: 'C:\\s'\n    at: 1h\n";  // lines 3-8
  CHECK(errors_after_header(world + "  - delete_retry_history: S0100001\n    at: 2h\n").empty());
  CHECK(errors_after_header(world + "  - delete_retry_history: S0100002\n") ==
        Errors{"t.yaml:9:27: unknown package 'S0100002'; no entry of 'packages' creates it; did "
               "you mean 'S0100001'?"});
  CHECK(errors_after_header(world + "  - delete_retry_history: S0100001\n    at: 30m\n") ==
        Errors{"t.yaml:10:9: 'at' 30m is before package 'S0100001' is created (at 1h)"});
  CHECK(errors_after_header("site:\n  profile: configmgr2007\n" + world +
                            "  - delete_retry_history: S0100001\n    at: 2h\n") ==
        Errors{"t.yaml:11:27: 'delete_retry_history' needs profile sms2: the Retry History "
               "registry key it deletes is SMS 2.0's (KB Q319207), and no source says where "
               "configmgr2007 keeps its retry counts"});
}

TEST_CASE("disconnect_users and a DP's server take only the values the format names",
          "[scenario_loader]") {
  // Goal: the option is a package's, set when it is created, as a flag or a count within bounds;
  // a DP's server is one the format knows. Method: one mistake per load.
  const std::string dp = "distribution_points:\n  - name: DP01\n";                  // lines 3-4
  const std::string create = "packages:\n  - id: S0100001\n    source: 'C:\\s'\n";  // 5-7
  CHECK(errors_after_header(dp + create + "    disconnect_users: true\n").empty());
  CHECK(errors_after_header(dp + create + "    disconnect_users: 0\n").empty());
  CHECK(errors_after_header(dp + create + "    disconnect_users: 1001\n") ==
        Errors{"t.yaml:8:23: 'disconnect_users' is 1001, more than kDisconnectUsersAfterMax "
               "(1000)"});
  CHECK(errors_after_header(dp + create + "    disconnect_users: yes\n") ==
        Errors{"t.yaml:8:23: 'disconnect_users' is true, false or a whole number of failed "
               "copies, not 'yes'"});
  CHECK(
      errors_after_header(dp + create + "  - update: S0100001\n    disconnect_users: 2\n").size() ==
      1);
  CHECK(errors_after_header("distribution_points:\n  - name: DP01\n    server: novell\n") ==
        Errors{"t.yaml:5:13: unknown server 'novell'; expected one of windows_nt, netware"});
}

TEST_CASE("a DP expected twice under names that differ only in case is refused",
          "[scenario_loader]") {
  // Goal: DP01 and dp01 are one DP, as everywhere else; two expectations of it could never
  // both hold. Method: both spellings under one package.
  const std::string world = kOneDpOnePackage;  // lines 3-7
  CHECK(errors_after_header(world +
                            "expect:\n  packages:\n    S0100001:\n"
                            "      distribution_points: {DP01: installed, dp01: failed}\n") ==
        Errors{"t.yaml:11:46: distribution point 'dp01' is expected twice (first at line 11; DP "
               "names do not depend on case)"});
}

TEST_CASE("a script step on a handle never opened, or already closed, is refused",
          "[scenario_loader]") {
  // Goal: handle names are checked at load time. Method: a lock before any open, a write after
  // the close, and a second open of a handle that is still open.
  const std::string head = "holders:\n  - kind: script\n    steps:\n";  // lines 3-5
  CHECK(errors_after_header(head + "      - lock: h1\n        length: 1KB\n") ==
        Errors{"t.yaml:6:15: handle 'h1' is not opened by an earlier step of this script (open: "
               "... as: h1)"});
  CHECK(errors_after_header(head + "      - {open: 'C:\\a', as: h1}\n      - close: h1\n"
                                   "      - write: h1\n") ==
        Errors{"t.yaml:8:16: handle 'h1' was closed at line 7"});
  CHECK(errors_after_header(head + "      - {open: 'C:\\a', as: h1}\n"
                                   "      - {open: 'C:\\b', as: h1}\n") ==
        Errors{"t.yaml:7:28: handle 'h1' is already open (opened at line 6)"});
  CHECK(errors_after_header(head + "      - {open: 'C:\\a', as: h1}\n      - close: h1\n"
                                   "      - {open: 'C:\\a', as: h1}\n      - close: h1\n")
            .empty());
}

TEST_CASE("a script step needs exactly one action and the keys of that action",
          "[scenario_loader]") {
  // Goal: malformed steps are named. Method: two actions, none, a rename without `to`, a lock
  // without a length, steps out of time order.
  const std::string head = "holders:\n  - kind: script\n    steps:\n";  // lines 3-5
  CHECK(errors_after_header(head + "      - open: 'C:\\x'\n        close: h1\n") ==
        Errors{"t.yaml:7:9: an entry of 'steps' takes one of open, close, lock, unlock, write, "
               "delete, rename, run, exit, set_attributes, get_attributes, map, unmap; "
               "'close' follows "
               "'open'"});
  CHECK(errors_after_header(head + "      - at: 1s\n") ==
        Errors{"t.yaml:6:9: an entry of 'steps' needs one of open, close, lock, unlock, write, "
               "delete, rename, run, exit, set_attributes, get_attributes, map, unmap"});
  CHECK(errors_after_header(head + "      - rename: 'C:\\a'\n") ==
        Errors{"t.yaml:6:9: missing required key 'to' in a 'rename' step"});
  CHECK(errors_after_header(head + "      - {open: 'C:\\a', as: h}\n      - lock: h\n") ==
        Errors{"t.yaml:7:9: missing required key 'length' in a 'lock' step"});
  CHECK(errors_after_header(head + "      - {at: 2s, open: 'C:\\a'}\n"
                                   "      - {at: 1s, delete: 'C:\\b'}\n") ==
        Errors{"t.yaml:7:14: step 'at' 1s is before the previous step's 2s; steps run in order"});
  CHECK(errors_after_header(head + "      - {open: 'C:\\a', to: 'C:\\b'}\n") ==
        Errors{"t.yaml:6:24: key 'to' does not apply to an 'open' step"});
}

TEST_CASE("a script holder refuses the holder timing keys, since its steps carry the times",
          "[scenario_loader]") {
  // Goal: a script's `at` (or `every` and `count`) would do nothing, so it must not load as if it
  // did. Method: each timing key on a script whose one step is valid; one message each, at the
  // key, naming the key and where the time goes instead.
  const std::string head = "holders:\n  - kind: script\n";  // lines 3-4
  const std::string steps = "    steps:\n      - {open: 'C:\\a', as: h}\n";
  for (const std::string key : {"at: 1h", "for: 1h", "until: 1h", "every: 1h", "count: 3"}) {
    const std::string name = key.substr(0, key.find(':'));
    CHECK(errors_after_header(head + "    " + key + "\n" + steps) ==
          Errors{fmt::format("t.yaml:5:5: a script holder takes no '{}': each of its steps runs "
                             "once, at the step's own 'at' (give the steps their times instead)",
                             name)});
  }
  // The same script without them loads, and so does one spelling out the defaults every holder
  // has (`at: 0s`, `count: 1`), which change nothing; other values of them do not.
  CHECK(errors_after_header(head + steps).empty());
  CHECK(errors_after_header(head + "    at: 0s\n    count: 1\n" + steps).empty());
  CHECK(errors_after_header(head + "    count: 2\n" + steps).size() == 1);
  CHECK(errors_after_header(head + "    at: {uniform: [0s, 1h]}\n" + steps).size() == 1);
}

TEST_CASE("times past the end of the run are refused", "[scenario_loader]") {
  // Goal: `at`, `until`, `installed_by` and fault times stay within `until`. Method: a run of
  // 1d and one time past it in each place.
  const std::string head = "until: 1d\n";  // line 3
  CHECK(errors_after_header(head + "holders:\n  - kind: temp_user\n    path: 'C:\\a'\n"
                                   "    at: 2d\n") ==
        Errors{"t.yaml:7:9: 'at' 2d is past the end of the run (until 1d)"});
  CHECK(errors_after_header(head + "holders:\n  - kind: temp_user\n    path: 'C:\\a'\n"
                                   "    at: {uniform: [1h, 25h]}\n") ==
        Errors{"t.yaml:7:9: 'at' 25h is past the end of the run (until 1d)"});
  CHECK(errors_after_header(head + "packages:\n  - id: S0100001\n    source: 'C:\\s'\n"
                                   "    at: 24h1s\n") ==
        Errors{"t.yaml:7:9: 'at' 86401s is past the end of the run (until 1d)"});
  CHECK(errors_after_header(head + "faults:\n  - {at: 3d, crash: distribution_manager}\n") ==
        Errors{"t.yaml:5:10: 'at' 3d is past the end of the run (until 1d)"});
  CHECK(errors_after_header(head + "packages:\n  - id: S0100001\n    source: 'C:\\s'\n"
                                   "expect:\n  packages:\n    S0100001: {installed_by: 2d}\n") ==
        Errors{"t.yaml:9:30: 'installed_by' 2d is past the end of the run (until 1d)"});
  CHECK(errors_after_header(head + "holders:\n  - kind: script\n    steps:\n"
                                   "      - {at: 1d1us, open: 'C:\\a'}\n") ==
        Errors{"t.yaml:7:14: 'at' 86400000001us is past the end of the run (until 1d)"});
}

TEST_CASE("duplicate package ids, DP names and holder names are refused", "[scenario_loader]") {
  // Goal: names that identify things are unique. Method: one duplicate of each; a holder named
  // like another's default name; DP names compared without case.
  CHECK(errors_after_header("packages:\n  - {id: S0100001, source: 'C:\\a'}\n"
                            "  - {id: S0100001, source: 'C:\\b'}\n") ==
        Errors{"t.yaml:5:10: duplicate package id 'S0100001' (first at line 4)"});
  CHECK(errors_after_header("distribution_points:\n  - name: DP01\n  - name: dp01\n") ==
        Errors{"t.yaml:5:5: duplicate distribution point 'dp01' (first at line 4)"});
  CHECK(errors_after_header("holders:\n  - {kind: temp_user, path: 'C:\\a'}\n"
                            "  - {kind: temp_user, path: 'C:\\b', name: temp_user1}\n") ==
        Errors{"t.yaml:5:43: duplicate holder name 'temp_user1' (first at line 4, the default name "
               "of that holder); rename one of them"});
  // A default name that a written one took first points at the holder without a name.
  CHECK(errors_after_header("holders:\n  - {kind: temp_user, path: 'C:\\a', name: temp_user2}\n"
                            "  - {kind: temp_user, path: 'C:\\b'}\n") ==
        Errors{"t.yaml:5:5: duplicate holder name 'temp_user2', this holder's default (its kind "
               "and position in the list) (first at line 4); give this holder a `name`"});
  CHECK(errors_after_header("holders:\n  - {kind: temp_user, path: 'C:\\a', name: x}\n"
                            "  - {kind: temp_user, path: 'C:\\b', name: x}\n") ==
        Errors{"t.yaml:5:43: duplicate holder name 'x' (first at line 4); rename one of them"});
}

TEST_CASE("a holder may not take the trace name of the manager, the world or a DP",
          "[scenario_loader]") {
  // Goal: the checkers tell the manager's records from a holder's by the actor alone, so a holder
  // called distmgr would have its handles judged as the manager's. Method: each reserved name,
  // in another case too, and a name that only contains one.
  const auto named = [](std::string_view name) {
    return errors_after_header(
        fmt::format("holders:\n  - {{kind: temp_user, path: 'C:\\a', name: '{}'}}\n", name));
  };
  const auto refusal = [](std::string_view name) {
    return Errors{fmt::format(
        "t.yaml:4:43: holder name '{}' is a name the trace gives another actor (distmgr: the "
        "manager, world: the world, dp:NAME: a distribution point); choose another",
        name)};
  };
  CHECK(named("distmgr") == refusal("distmgr"));
  CHECK(named("World") == refusal("World"));
  CHECK(named("dp:DP01") == refusal("dp:DP01"));
  CHECK(named("DP:x") == refusal("DP:x"));
  CHECK(named("distmgr-helper").empty());
  CHECK(named("dp-client").empty());
}

TEST_CASE("a holder name with a space is refused because blame strings split on spaces",
          "[scenario_loader]") {
  CHECK(errors_after_header("holders:\n  - {kind: temp_user, path: 'C:\\a', name: 'setup program "
                            "kind=x'}\n") ==
        Errors{"t.yaml:4:43: holder name 'setup program kind=x' contains a space; the trace's "
               "blame strings (actor=NAME kind=...) are split on spaces, so write it with - or _"});
  CHECK(errors_after_header("holders:\n  - {kind: temp_user, path: 'C:\\a', name: setup-program}\n")
            .empty());
}

TEST_CASE(
    "a temp_user or dp_client path that ends in a separator is refused, since both hold a file",
    "[scenario_loader]") {
  // Goal: a file path CreateFile would refuse (123) is named at load time instead of leaving a
  // holder that silently holds nothing. Method: each kind with a trailing separator.
  CHECK(errors_after_header("holders:\n  - kind: temp_user\n    path: 'C:\\Temp\\x.tmp\\'\n") ==
        Errors{"t.yaml:5:11: 'C:\\Temp\\x.tmp\\' ends in a separator, but a temp_user holds a "
               "file; write 'C:\\Temp\\x.tmp'"});
  CHECK(
      errors_after_header(
          "distribution_points:\n  - name: DP01\nholders:\n"
          "  - kind: dp_client\n    path: '\\\\DP01\\SMSPKGC$\\S0100001\\setup.exe\\'\n") ==
      Errors{"t.yaml:7:11: '\\\\DP01\\SMSPKGC$\\S0100001\\setup.exe\\' ends in a separator, but a "
             "dp_client holds a file; write '\\\\DP01\\SMSPKGC$\\S0100001\\setup.exe'"});
}

TEST_CASE("a holder's path that the filesystem section makes the wrong kind, or a root, is refused",
          "[scenario_loader]") {
  // Goal: an Explorer window on a file, or a TEMP user or DP client on a folder or a root, would
  // hold nothing it is meant to; the loader says so. Method: a file entry (which also declares
  // its folder) and a dir entry, then each wrong target, written in another case where it may.
  const std::string world =
      "filesystem:\n  - file: 'C:\\Src\\a.txt'\n  - dir: 'C:\\Temp\\x'\n"
      "distribution_points:\n  - name: DP01\nholders:\n";  // lines 3-8
  CHECK(errors_after_header(world + "  - kind: explorer_window\n    path: 'c:\\src\\A.TXT'\n") ==
        Errors{"t.yaml:10:11: 'c:\\src\\A.TXT' is a file (filesystem entry at line 4); an "
               "explorer_window opens a folder, such as 'c:\\src'"});
  CHECK(errors_after_header(world + "  - kind: temp_user\n    path: 'C:\\Src'\n") ==
        Errors{"t.yaml:10:11: 'C:\\Src' is a folder (filesystem entry at line 4); a temp_user "
               "holds a file, like 'C:\\Src\\file.tmp'"});
  CHECK(errors_after_header(world + "  - kind: temp_user\n    path: 'c:\\temp\\X'\n") ==
        Errors{"t.yaml:10:11: 'c:\\temp\\X' is a folder (filesystem entry at line 5); a temp_user "
               "holds a file, like 'c:\\temp\\X\\file.tmp'"});
  CHECK(errors_after_header(world + "  - kind: temp_user\n    path: 'C:\\'\n") ==
        Errors{"t.yaml:10:11: 'C:\\' is the root of a volume; a temp_user holds a file, like "
               "'C:\\file.tmp'"});
  CHECK(errors_after_header(world + "  - kind: dp_client\n    path: '\\\\DP01\\SMSPKGC$\\'\n") ==
        Errors{"t.yaml:10:11: '\\\\DP01\\SMSPKGC$\\' is the root of a share; a dp_client holds a "
               "file, like '\\\\DP01\\SMSPKGC$\\file.tmp'"});
  CHECK(errors_after_header(world + "  - kind: explorer_window\n    path: 'C:\\Src'\n"
                                    "  - kind: temp_user\n    path: 'C:\\Src\\b.tmp'\n")
            .empty());
}

TEST_CASE("retry keys not under 'retry' get one line saying where they go",
          "[scenario_loader][compare]") {
  // Goal: the usual indentation mistakes get the fix, once, not a line per key. Method: keys with
  // no 'retry', keys below an empty 'retry:', one key, a key given twice, a name beside them.
  using Lines = std::vector<std::string>;
  CHECK(
      policy_errors_of("delay: 1h\ncount: 3\n") ==
      Lines{"p.yml:1:1: 'delay', 'count' belong under a 'retry' mapping: write 'retry:' and indent "
            "the retry keys below it"});
  CHECK(
      policy_errors_of("name: x\nretry:\ndelay: 1h\ncount: 3\n") ==
      Lines{
          "p.yml:1:1: 'delay', 'count' belong under a 'retry' mapping: indent the retry keys below "
          "it"});
  CHECK(policy_errors_of("name: x\njitter: full\n") ==
        Lines{"p.yml:1:1: 'jitter' belongs under a 'retry' mapping: write 'retry:' and indent the "
              "retry "
              "keys below it"});
  const Lines twice = policy_errors_of("delay: 1h\ndelay: 2h\n");
  CHECK(std::count(
            twice.begin(), twice.end(),
            "p.yml:1:1: 'delay' belongs under a 'retry' mapping: write 'retry:' and indent the "
            "retry keys below it") == 1);
}

TEST_CASE("a scenario given as a policy is named as one, a policy with a stray version is not",
          "[scenario_loader][compare]") {
  // Goal: "this is a scenario" only for a file without 'retry'; one with both gets the usual
  // errors, and a scenario with a stray 'retry' is not called a policy.
  CHECK(policy_errors_of("version: 1\nname: x\n") ==
        std::vector<std::string>{"p.yml:1:1: this is a scenario (it has 'version'), not a retry "
                                 "policy file: a policy file "
                                 "holds a 'retry' mapping and an optional 'name', like "
                                 "scenarios/policies/sms2-hourly.yml"});
  const auto both = policy_errors_of("version: 1\nname: x\nretry:\n  delay: 1h\n");
  REQUIRE(both.size() == 1);
  CHECK_THAT(both[0], Catch::StartsWith("p.yml:1:1: unknown key 'version' in the policy"));
  const auto stray = load_scenario_text("name: x\nuntil: 1d\nretry:\n  delay: 1h\n", "s.yaml");
  REQUIRE(!stray.errors.empty());
  for (const auto& error : stray.errors) {
    CHECK_THAT(error.message, !Catch::Contains("retry policy file"));
  }
  const auto policy = load_scenario_text("name: x\nretry:\n  delay: 1h\n", "s.yaml");
  REQUIRE(policy.errors.size() == 1);
  CHECK_THAT(policy.errors[0].message, Catch::StartsWith("this is a retry policy file"));
}

}  // namespace
}  // namespace distsim::sim
