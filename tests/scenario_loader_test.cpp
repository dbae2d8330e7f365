// The scenario loader against scenarios/FORMAT.md: a file using every key loads into the expected
// values and defaults are applied. Refusals are in scenario_loader_refusals_test.cpp and
// scenario_loader_limits_test.cpp.
#include "sim/scenario/scenario_loader.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/limits.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using loader_test::load_valid;
using model::kMicrosecondsPerDay;
using model::kMicrosecondsPerHour;
using model::kMicrosecondsPerMillisecond;
using model::kMicrosecondsPerMinute;
using model::kMicrosecondsPerSecond;

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
    thumbnails: true
    thumbnails_access: [GENERIC_READ]
    thumbnails_share: [FILE_SHARE_READ, FILE_SHARE_WRITE]
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
  CHECK(window.thumbnails);
  CHECK(window.thumbnails_access ==
        std::optional(model::AccessMask{model::access_bits::kGenericRead}));
  CHECK(window.thumbnails_share ==
        std::optional(model::ShareMode{model::share_bits::kRead | model::share_bits::kWrite}));
  CHECK(window.at == DurationSpec{DurationSpec::Kind::uniform, 10 * kMicrosecondsPerSecond,
                                  5 * kMicrosecondsPerMinute});
  CHECK(window.until == DurationSpec{DurationSpec::Kind::constant, kMicrosecondsPerDay, 0});
  const HolderSpec& antivirus = scenario.holders[2];
  CHECK(antivirus.name == "antivirus3");
  CHECK(antivirus.scope == std::vector<std::string>{"C:\\WINNT\\TEMP"});
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
  CHECK(backup.scope == std::vector<std::string>{"D:\\"});
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
  CHECK(script.steps[6].position.line == 106);
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
  REQUIRE(expect.log_contains.size() == 1);
  CHECK(expect.log_contains[0].text == "Error 32");
  REQUIRE(expect.log_not_contains.size() == 2);
  CHECK(expect.log_not_contains[0].text == "Error 5");
  CHECK(expect.log_not_contains[1].text == "Error 33");
  // Each pattern keeps its own place, for the failure line's [line N].
  CHECK(expect.log_not_contains[0].position.line == expect.log_contains[0].position.line + 1);
  CHECK(expect.log_not_contains[1].position.column > expect.log_not_contains[0].position.column);
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
  CHECK_FALSE(scenario.holders[0].until.has_value());
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

TEST_CASE("folders that holders join names to are kept without a trailing separator",
          "[scenario_loader]") {
  // Goal: an explorer_window's Thumbs.db and a scope's files are named as Windows names them
  // whether the folder is written 'C:\Src\' or 'C:\Src'. Method: load both forms and a drive root.
  const Scenario scenario = load_valid(R"(version: 1
name: t
holders:
  - kind: explorer_window
    path: 'C:\Src\'
  - kind: explorer_window
    path: 'D:\'
  - kind: antivirus
    scope: ['C:\Src\', 'E:/Data/']
)");
  CHECK(scenario.holders[0].path == "C:\\Src");
  CHECK(scenario.holders[1].path == "D:\\");
  CHECK(scenario.holders[2].scope == std::vector<std::string>{"C:\\Src", "E:\\Data"});
}

TEST_CASE("a holder's until may be a distribution whose latest value lies within the run",
          "[scenario_loader]") {
  // Goal: `until` takes the drawn forms `at` takes, bounded by the run as `at` is.
  const Scenario scenario = load_valid(R"(version: 1
name: t
until: 1d
holders:
  - kind: temp_user
    path: 'C:\Temp\a.tmp'
    until: {uniform: [1h, 2h]}
  - kind: temp_user
    path: 'C:\Temp\b.tmp'
    until: {exponential: 3h}
)");
  CHECK(scenario.holders[0].until ==
        DurationSpec{DurationSpec::Kind::uniform, kMicrosecondsPerHour, 2 * kMicrosecondsPerHour});
  CHECK(scenario.holders[1].until ==
        DurationSpec{DurationSpec::Kind::exponential, 3 * kMicrosecondsPerHour, 0});
  const loader_test::Errors past = loader_test::errors_of(
      "version: 1\nname: t\nuntil: 1d\nholders:\n  - kind: temp_user\n    path: 'C:\\T\\a.tmp'\n"
      "    until: {uniform: [1h, 2d]}\n");
  REQUIRE(past.size() == 1);
  CHECK(past[0].find("t.yaml:7:12: ") == 0);
}

}  // namespace
}  // namespace distsim::sim
