// The scenario loader against SCENARIO-FORMAT.md: a file using every key loads into the expected
// values, defaults are applied, and each kind of mistake gives exactly one positioned
// "FILE:LINE:COL: message", all of a file's mistakes at once.
#include "sim/scenario/scenario_loader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/limits.h"

namespace distsim::sim {
namespace {

using model::kMicrosecondsPerDay;
using model::kMicrosecondsPerHour;
using model::kMicrosecondsPerMillisecond;
using model::kMicrosecondsPerMinute;
using model::kMicrosecondsPerSecond;
using Errors = std::vector<std::string>;

// The errors of `text` loaded as "t.yaml", as the CLI prints them.
Errors errors_of(std::string_view text) {
  const LoadResult result = load_scenario_text(text, "t.yaml");
  Errors errors;
  for (const ScenarioError& error : result.errors) errors.push_back(error.to_string());
  if (errors.empty()) REQUIRE(result.scenario.has_value());
  return errors;
}

// The errors of a file that starts with a valid version and name (lines 1 and 2).
Errors errors_after_header(std::string_view body) {
  return errors_of(std::string("version: 1\nname: t\n") + std::string(body));
}

std::string joined(const std::vector<ScenarioError>& errors) {
  std::string text;
  for (const ScenarioError& error : errors) text += error.to_string() + "\n";
  return text;
}

Scenario load_valid(std::string_view text) {
  const LoadResult result = load_scenario_text(text, "t.yaml");
  INFO(joined(result.errors));
  REQUIRE(result.errors.empty());
  REQUIRE(result.scenario.has_value());
  return *result.scenario;
}

constexpr std::string_view kFullScenario = R"(version: 1
name: Package source in TEMP is locked by a setup program
description: >
  KB Q207416, first cause.
seed: 7
until: 3d
site:
  code: S01
  server: SMSSRV02
  profile: configmgr2007
  retry:
    count: 100
    delay: 30m
    backoff: exponential
    multiplier: 1.5
    max_delay: 4h
    jitter: full
    deadline: 7d
    retry_on: [ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION]
  max_packages: 2
  threads_per_package: 4
  source_open:
    access: [GENERIC_READ]
    share: [FILE_SHARE_READ, FILE_SHARE_WRITE]
  read_bandwidth: 100MBps
filesystem:
  - dir: 'C:\WINNT\TEMP'
  - file: 'C:\WINNT\TEMP\setup.exe'
    size: 4MB
  - tree: 'D:\Source\Office2000'
    files: 200
    size: 600MB
distribution_points:
  - name: DP01
    share: '\\DP01\SMSPKGD$'
    bandwidth: 10Mbps
    free: 20GB
  - name: DP02
packages:
  - id: S0100001
    name: Office 2000 SR1
    source: 'C:\WINNT\TEMP'
    at: 1s
    distribution_points: [DP01, DP02]
    compressed: true
  - update: S0100001
    at: 2h
  - refresh: S0100001
    at: 3h
    distribution_points: [DP02]
holders:
  - kind: temp_user
    path: 'C:\WINNT\TEMP\setup.exe'
    size: 2MB
    for: 2h
  - kind: explorer_window
    name: window
    path: 'C:/WINNT/TEMP'
    thumbnails: false
    at: {uniform: [10s, 5m]}
    until: 1d
  - kind: antivirus
    scope: 'C:\WINNT\TEMP'
    on: [write_close, open]
    per_mb: 50ms
    access: [GENERIC_READ]
    share: []
  - kind: indexer
    scope: 'D:\Source'
    delay: {exponential: 2m}
  - kind: backup
    scope: 'D:\'
    mode: vss
    per_mb: 10ms
    every: 1d
    count: 3
  - kind: dp_client
    path: '\\DP01\SMSPKGD$\S0100001\setup.exe'
  - kind: script
    name: installer
    steps:
      - at: 1s
        open: 'C:\Src\app.msi'
        access: [GENERIC_READ, GENERIC_WRITE]
        share: [FILE_SHARE_READ]
        as: h1
        expect: ok
      - at: 2s
        lock: h1
        offset: 0
        length: 4KB
        exclusive: false
      - at: 3s
        unlock: h1
        offset: 1KB
        length: 4096
      - at: 10s
        write: h1
      - at: 1h
        close: h1
      - at: 2h
        delete: 'C:\Src\old.cab'
        expect: ERROR_SHARING_VIOLATION
      - at: 3h
        rename: 'C:\Src\a.txt'
        to: 'C:\Src\b.txt'
faults:
  - at: 1h
    dp_unreachable: DP01
    for: 30m
  - at: 2h
    dp_disk_full: DP02
  - at: 5h
    crash: distribution_manager
    restart_after: 10m
expect:
  packages:
    S0100001:
      state: installed
      attempts: 3
      retries: {min: 1, max: 4}
      installed_by: 2h30m
      distribution_points:
        DP01: installed
        DP02: INSTALL_RETRYING
  status_messages:
    - id: 2302
      count: {min: 2}
      package: S0100001
    - id: 2301
    - sequence: [2300, 2302, 2300, 2301]
      package: S0100001
  component_status: warning
  log:
    contains: ['Error 32']
    not_contains: ['Error 5', 'Error 33']
  no_invariant_violations: false
)";

TEST_CASE("a scenario using every key loads the header and the site", "[scenario_loader]") {
  // Goal: every top-level and site key reaches the Scenario. Method: load the full example and
  // compare each field.
  const Scenario scenario = load_valid(kFullScenario);
  CHECK(scenario.file == "t.yaml");
  CHECK(scenario.version == 1);
  CHECK(scenario.name == "Package source in TEMP is locked by a setup program");
  CHECK(scenario.description == "KB Q207416, first cause.\n");
  CHECK(scenario.seed == 7);
  CHECK(scenario.until_us == 3 * kMicrosecondsPerDay);
  const SiteSpec& site = scenario.site;
  CHECK(site.code == "S01");
  CHECK(site.server == "SMSSRV02");
  CHECK(site.profile == model::Profile::configmgr2007);
  CHECK(site.retry.count_given);
  CHECK(site.retry.count == 100u);
  CHECK(site.retry.delay_us == 30 * kMicrosecondsPerMinute);
  CHECK(site.retry.backoff == model::Backoff::exponential);
  CHECK(site.retry.multiplier_milli == 1500u);
  CHECK(site.retry.max_delay_us == 4 * kMicrosecondsPerHour);
  CHECK(site.retry.jitter == model::Jitter::full);
  CHECK(site.retry.deadline_us == 7 * kMicrosecondsPerDay);
  CHECK(site.retry.retry_on == std::vector<model::Win32Error>{model::Win32Error::sharing_violation,
                                                              model::Win32Error::lock_violation});
  CHECK(site.max_packages == 2u);
  CHECK(site.threads_per_package == 4u);
  CHECK(site.source_open_access == model::AccessMask{model::access_bits::kGenericRead});
  CHECK(site.source_open_share ==
        model::ShareMode{model::share_bits::kRead | model::share_bits::kWrite});
  CHECK(site.read_bandwidth_bytes_per_second == 100ull * 1024 * 1024);
}

TEST_CASE("a scenario using every key loads the world: files, DPs, packages and faults",
          "[scenario_loader]") {
  // Goal: filesystem, distribution_points, packages and faults reach the Scenario.
  // Method: load the full example and compare each entry.
  const Scenario scenario = load_valid(kFullScenario);
  REQUIRE(scenario.filesystem.size() == 3);
  CHECK(scenario.filesystem[0].kind == FilesystemEntry::Kind::dir);
  CHECK(scenario.filesystem[0].path == "C:\\WINNT\\TEMP");
  CHECK(scenario.filesystem[0].position.line == 27);
  CHECK(scenario.filesystem[0].position.column == 5);
  CHECK(scenario.filesystem[1].size_bytes == 4u * 1024 * 1024);
  CHECK(scenario.filesystem[2].kind == FilesystemEntry::Kind::tree);
  CHECK(scenario.filesystem[2].file_count == 200u);
  CHECK(scenario.filesystem[2].size_bytes == 600ull * 1024 * 1024);
  REQUIRE(scenario.distribution_points.size() == 2);
  CHECK(scenario.distribution_points[0].share == "\\\\DP01\\SMSPKGD$");
  CHECK(scenario.distribution_points[0].bandwidth_bits_per_second == 10'000'000u);
  CHECK(scenario.distribution_points[0].free_bytes == 20ull * 1024 * 1024 * 1024);
  CHECK_FALSE(scenario.distribution_points[1].share.has_value());
  CHECK(scenario.distribution_points[1].bandwidth_bits_per_second == 100'000'000u);
  REQUIRE(scenario.packages.size() == 3);
  const PackageEvent& create = scenario.packages[0];
  CHECK(create.kind == PackageEvent::Kind::create);
  CHECK(create.id == "S0100001");
  CHECK(create.name == "Office 2000 SR1");
  CHECK(create.source == "C:\\WINNT\\TEMP");
  CHECK(create.at_us == kMicrosecondsPerSecond);
  CHECK(create.distribution_points == std::vector<std::string>{"DP01", "DP02"});
  CHECK(create.compressed);
  CHECK(scenario.packages[1].kind == PackageEvent::Kind::update);
  CHECK(scenario.packages[1].at_us == 2 * kMicrosecondsPerHour);
  CHECK(scenario.packages[2].kind == PackageEvent::Kind::refresh);
  CHECK(scenario.packages[2].distribution_points == std::vector<std::string>{"DP02"});
  REQUIRE(scenario.faults.size() == 3);
  CHECK(scenario.faults[0].kind == FaultSpec::Kind::dp_unreachable);
  CHECK(scenario.faults[0].target == "DP01");
  CHECK(scenario.faults[0].for_us == 30 * kMicrosecondsPerMinute);
  CHECK_FALSE(scenario.faults[1].for_us.has_value());
  CHECK(scenario.faults[2].kind == FaultSpec::Kind::crash);
  CHECK(scenario.faults[2].target == "distribution_manager");
  CHECK(scenario.faults[2].at_us == 5 * kMicrosecondsPerHour);
  CHECK(scenario.faults[2].restart_after_us == 10 * kMicrosecondsPerMinute);
}

TEST_CASE("a scenario using every key loads every holder kind", "[scenario_loader]") {
  // Goal: each holder kind keeps its own keys and the shared timing keys. Method: load the full
  // example and compare the holders other than the script.
  const Scenario scenario = load_valid(kFullScenario);
  REQUIRE(scenario.holders.size() == 7);
  const HolderSpec& temp = scenario.holders[0];
  CHECK(temp.kind == HolderKind::temp_user);
  CHECK(temp.name == "temp_user1");
  CHECK(temp.size_bytes == 2u * 1024 * 1024);
  CHECK(temp.hold_for == DurationSpec{DurationSpec::Kind::constant, 2 * kMicrosecondsPerHour, 0});
  const HolderSpec& window = scenario.holders[1];
  CHECK(window.name == "window");
  CHECK(window.path == "C:\\WINNT\\TEMP");
  CHECK_FALSE(window.thumbnails);
  CHECK(window.at == DurationSpec{DurationSpec::Kind::uniform, 10 * kMicrosecondsPerSecond,
                                  5 * kMicrosecondsPerMinute});
  CHECK(window.until_us == kMicrosecondsPerDay);
  const HolderSpec& antivirus = scenario.holders[2];
  CHECK(antivirus.name == "antivirus3");
  CHECK(antivirus.scope == "C:\\WINNT\\TEMP");
  CHECK(antivirus.antivirus_on ==
        std::vector<AntivirusTrigger>{AntivirusTrigger::write_close, AntivirusTrigger::open});
  CHECK(antivirus.per_mb ==
        DurationSpec{DurationSpec::Kind::constant, 50 * kMicrosecondsPerMillisecond, 0});
  CHECK(antivirus.access == model::AccessMask{model::access_bits::kGenericRead});
  CHECK(antivirus.share == model::ShareMode{0});
  const HolderSpec& indexer = scenario.holders[3];
  CHECK(indexer.delay ==
        DurationSpec{DurationSpec::Kind::exponential, 2 * kMicrosecondsPerMinute, 0});
  const HolderSpec& backup = scenario.holders[4];
  CHECK(backup.backup_mode == BackupMode::vss);
  CHECK(backup.scope == "D:\\");
  CHECK(backup.every == DurationSpec{DurationSpec::Kind::constant, kMicrosecondsPerDay, 0});
  CHECK(backup.count == 3u);
  CHECK(scenario.holders[5].kind == HolderKind::dp_client);
  CHECK(scenario.holders[5].path == "\\\\DP01\\SMSPKGD$\\S0100001\\setup.exe");
}

TEST_CASE("a script holder loads its steps in order with their handles", "[scenario_loader]") {
  // Goal: every step action and step key reaches ScriptStep. Method: load the full example and
  // compare the seven steps of its script.
  const Scenario scenario = load_valid(kFullScenario);
  const HolderSpec& script = scenario.holders[6];
  CHECK(script.name == "installer");
  REQUIRE(script.steps.size() == 7);
  const ScriptStep& open = script.steps[0];
  CHECK(open.action == ScriptStep::Action::open);
  CHECK(open.at_us == kMicrosecondsPerSecond);
  CHECK(open.path == "C:\\Src\\app.msi");
  CHECK(open.access ==
        model::AccessMask{model::access_bits::kGenericRead | model::access_bits::kGenericWrite});
  CHECK(open.share == model::ShareMode{model::share_bits::kRead});
  CHECK(open.handle_name == "h1");
  CHECK(open.expect == model::Win32Error::ok);
  const ScriptStep& lock = script.steps[1];
  CHECK(lock.action == ScriptStep::Action::lock);
  CHECK(lock.handle_name == "h1");
  CHECK(lock.offset == 0u);
  CHECK(lock.length == 4096u);
  CHECK_FALSE(lock.exclusive);
  CHECK(script.steps[2].action == ScriptStep::Action::unlock);
  CHECK(script.steps[2].offset == 1024u);
  CHECK(script.steps[2].length == 4096u);
  CHECK(script.steps[3].action == ScriptStep::Action::write);
  CHECK(script.steps[4].action == ScriptStep::Action::close);
  CHECK(script.steps[4].at_us == kMicrosecondsPerHour);
  CHECK(script.steps[5].action == ScriptStep::Action::delete_file);
  CHECK(script.steps[5].expect == model::Win32Error::sharing_violation);
  CHECK(script.steps[6].action == ScriptStep::Action::rename);
  CHECK(script.steps[6].path == "C:\\Src\\a.txt");
  CHECK(script.steps[6].to == "C:\\Src\\b.txt");
  CHECK(script.steps[6].position.line == 104);
}

TEST_CASE("a scenario using every key loads its expectations", "[scenario_loader]") {
  // Goal: every `expect` key reaches Expectations. Method: load the full example and compare.
  const Scenario scenario = load_valid(kFullScenario);
  const Expectations& expect = scenario.expect;
  REQUIRE(expect.packages.size() == 1);
  const PackageExpectation& package = expect.packages[0];
  CHECK(package.package_id == "S0100001");
  CHECK(package.state == model::PackageState::installed);
  CHECK(package.attempts == CountRange{3, 3});
  CHECK(package.retries == CountRange{1, 4});
  CHECK(package.installed_by_us == 150 * kMicrosecondsPerMinute);
  REQUIRE(package.distribution_points.size() == 2);
  CHECK(package.distribution_points[0].dp_name == "DP01");
  CHECK(package.distribution_points[0].state == model::DpState::installed);
  CHECK(package.distribution_points[1].state == model::DpState::install_retrying);
  REQUIRE(expect.status_counts.size() == 2);
  CHECK(expect.status_counts[0].id == 2302u);
  CHECK(expect.status_counts[0].count == CountRange{2, std::numeric_limits<uint64_t>::max()});
  CHECK(expect.status_counts[0].package == "S0100001");
  CHECK(expect.status_counts[1].count == CountRange{1, std::numeric_limits<uint64_t>::max()});
  CHECK_FALSE(expect.status_counts[1].package.has_value());
  REQUIRE(expect.status_sequences.size() == 1);
  CHECK(expect.status_sequences[0].ids == std::vector<uint32_t>{2300, 2302, 2300, 2301});
  CHECK(expect.status_sequences[0].package == "S0100001");
  CHECK(expect.component_status == ComponentStatusLevel::warning);
  CHECK(expect.log_contains == std::vector<std::string>{"Error 32"});
  CHECK(expect.log_not_contains == std::vector<std::string>{"Error 5", "Error 33"});
  CHECK_FALSE(expect.no_invariant_violations);
}

TEST_CASE("defaults apply when keys are omitted", "[scenario_loader]") {
  // Goal: the format's defaults (seed 0, until 30d, holder names, count 1, ...). Method: a
  // minimal file with one entry of each list.
  const Scenario scenario = load_valid(R"(version: 1
name: minimal
distribution_points:
  - name: DP01
packages:
  - id: S0100001
    source: 'C:\Src'
filesystem:
  - tree: 'C:\Src'
    files: 3
  - file: 'C:\Src\a.txt'
holders:
  - kind: temp_user
    path: 'C:\Src\a.txt'
  - kind: explorer_window
    path: 'C:\Src'
  - kind: script
    steps:
      - open: 'C:\Src\a.txt'
        as: h
      - close: h
)");
  CHECK(scenario.seed == 0u);
  CHECK(scenario.until_us == 30 * kMicrosecondsPerDay);
  CHECK(scenario.description.empty());
  CHECK(scenario.site.profile == model::Profile::sms2);
  CHECK_FALSE(scenario.site.code.has_value());
  CHECK_FALSE(scenario.site.retry.count_given);
  CHECK(scenario.packages[0].name == "S0100001");
  CHECK(scenario.packages[0].at_us == 0);
  CHECK(scenario.packages[0].distribution_points.empty());
  CHECK_FALSE(scenario.packages[0].compressed);
  CHECK(scenario.filesystem[0].size_bytes == 3u * 1024);
  CHECK(scenario.filesystem[1].size_bytes == 1024u);
  CHECK(scenario.holders[0].name == "temp_user1");
  CHECK(scenario.holders[1].name == "explorer_window2");
  CHECK(scenario.holders[2].name == "script3");
  CHECK(scenario.holders[0].count == 1u);
  CHECK(scenario.holders[0].at == DurationSpec{});
  CHECK_FALSE(scenario.holders[0].hold_for.has_value());
  CHECK_FALSE(scenario.holders[0].until_us.has_value());
  CHECK(scenario.holders[1].thumbnails);
  CHECK(scenario.holders[2].steps[1].at_us == 0);
  CHECK(scenario.expect.no_invariant_violations);
  CHECK(scenario.expect.packages.empty());
}

TEST_CASE("retry count accepts unlimited and empty sections are empty", "[scenario_loader]") {
  // Goal: `count: unlimited` and sections written with nothing after them. Method: load them.
  const Scenario scenario = load_valid(
      "version: 1\nname: n\nsite:\n  retry:\n    count: unlimited\nholders:\nfaults: []\n");
  CHECK(scenario.site.retry.count_given);
  CHECK_FALSE(scenario.site.retry.count.has_value());
  CHECK(scenario.holders.empty());
  CHECK(scenario.faults.empty());
}

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
        Errors{"t.yaml:3:7: bad value for 'seed': '010' has a leading zero (YAML 1.1 reads it "
               "as octal); write it without the zero"});
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
        Errors{"t.yaml:3:7: bad value for 'seed': number '99999999999999999999' is too large"});
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
               "multiplier, max_delay, jitter, deadline, retry_on"});
  CHECK(errors_after_header(
            "holders:\n  - kind: temp_user\n    path: 'C:\\a'\n    thumbnails: false\n") ==
        Errors{"t.yaml:6:5: key 'thumbnails' does not apply to a temp_user holder"});
}

TEST_CASE("an unknown enumeration value is refused with the allowed values", "[scenario_loader]") {
  // Goal: every closed vocabulary lists its words. Method: profile, backoff, holder kind,
  // package state, an access right and an error name.
  CHECK(errors_after_header("site:\n  profile: sms3\n") ==
        Errors{"t.yaml:4:12: unknown profile 'sms3'; expected one of sms2, configmgr2007, "
               "configmgr2012"});
  CHECK(errors_after_header("site:\n  retry:\n    backoff: linear\n") ==
        Errors{"t.yaml:5:14: unknown backoff 'linear'; expected one of fixed, exponential"});
  CHECK(errors_after_header("holders:\n  - kind: virus\n") ==
        Errors{"t.yaml:4:11: unknown holder kind 'virus'; expected one of explorer_window, "
               "temp_user, antivirus, indexer, backup, dp_client, script"});
  CHECK(errors_after_header("site:\n  source_open:\n    access: [GENERIC_REED]\n") ==
        Errors{"t.yaml:5:14: unknown access right 'GENERIC_REED'; did you mean 'GENERIC_READ'?"});
  CHECK(errors_after_header("site:\n  retry:\n    retry_on: [ERROR_SHARING]\n") ==
        Errors{"t.yaml:5:16: unknown error name 'ERROR_SHARING' in 'retry_on'; expected one of "
               "ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION, ERROR_ACCESS_DENIED, "
               "ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_BAD_NETPATH, ERROR_DISK_FULL, "
               "ERROR_DIR_NOT_EMPTY"});
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

TEST_CASE("references to packages and distribution points that do not exist are refused",
          "[scenario_loader]") {
  // Goal: every name that refers to something is checked. Method: an unknown DP in a package,
  // a fault and an expectation; an unknown package in an update and in the expectations.
  const std::string world =
      "distribution_points:\n  - name: DP01\npackages:\n  - id: S0100001\n"
      "    source: 'C:\\s'\n";  // lines 3-7
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
               "delete, rename; 'close' follows 'open'"});
  CHECK(errors_after_header(head + "      - at: 1s\n") ==
        Errors{"t.yaml:6:9: an entry of 'steps' needs one of open, close, lock, unlock, write, "
               "delete, rename"});
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
        Errors{"t.yaml:5:43: duplicate holder name 'temp_user1' (first at line 4)"});
}

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
        Errors{"t.yaml:4:25: '\\\\DP01\\S$\\x' is not a valid Windows path for 'share': it must "
               "be a share root like '\\\\SERVER\\share', with nothing after the share"});
  CHECK(errors_after_header("distribution_points:\n  - name: DP01\nholders:\n"
                            "  - {kind: dp_client, path: '\\\\DP02\\SMSPKGC$\\a.exe'}\n") ==
        Errors{"t.yaml:6:29: path '\\\\DP02\\SMSPKGC$\\a.exe' is not on the share of a "
               "distribution point"});
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
        Errors{"t.yaml:5:12: '\\\\SRV\\A\tB'" + invalid +
               "'scope': '\t' is a character Windows forbids in names"});
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
               "'\\\\.\\SMSPKGC$', which is not a valid Windows path: it is a device path "
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
               "SMS_DISTRIBUTION_MANAGER; known: 2300, 2301, 2302, 2306, 2328, 2330"});
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
        Errors{"t.yaml:3:1: a scenario file holds one YAML document; remove the second one"});
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

TEST_CASE("retry settings that would be silently ignored are refused", "[scenario_loader]") {
  // Goal: `multiplier` without exponential backoff is a mistake. Method: fixed backoff with a
  // multiplier, and a multiplier below 1.
  CHECK(errors_after_header("site:\n  retry:\n    multiplier: 2\n") ==
        Errors{"t.yaml:5:5: 'multiplier' applies only with 'backoff: exponential'"});
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
