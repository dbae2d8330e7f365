// Packages and distribution points as the Distribution Manager knows them: definitions, the
// package and per-DP states (SMS_PackageStatusDistPointsSummarizer names), and what the manager
// can tell about each package at any moment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"
#include "model/win32_error.h"

namespace distsim::model {

struct DistributionPointDefinition {
  std::string name;   // "DP01"
  std::string share;  // "\\DP01\SMSPKGC$"
  uint64_t bandwidth_bytes_per_second = 100'000'000 / 8;
  // Whether the manager can force users off the DP's shares: not on NetWare servers (KB Q202063
  // says so of the Despooler's "Use Forced Disconnect"; that the package option is limited alike
  // is distsim's assumption).
  bool forced_disconnect = true;
};

// "Disconnect users from distribution points" without a count given: the failed copies to a DP
// before its users are forced off. distsim's default; the product's is not documented (ConfigMgr
// calls the setting ForcedDisconnectNumRetries).
inline constexpr uint32_t kDisconnectUsersAfterDefault = 2;

struct PackageDefinition {
  std::string id;    // "S0100001"
  std::string name;  // "Office 2000 SR1"
  std::string source_path;
  std::vector<std::string> distribution_points;  // DP names; every DP when empty
  bool compressed = false;
  // The package's "Disconnect users from distribution points" (RJG): after this many
  // failed copies to a DP in a retry cycle, the next copy to it first forces the DP's users off
  // the package folder. nullopt: off.
  std::optional<uint32_t> disconnect_users_after;
  friend bool operator==(const PackageDefinition&, const PackageDefinition&) = default;
};

enum class PackageState { pending, retrying, installed, failed };
enum class DpState { install_pending, install_retrying, install_failed, installed };

[[nodiscard]] std::string_view package_state_name(PackageState state);  // "installed"
[[nodiscard]] std::string_view dp_state_name(DpState state);            // "INSTALL_RETRYING"
[[nodiscard]] std::string_view dp_state_short_name(DpState state);      // "retrying"

struct DpStatus {
  std::string dp_name;
  DpState state = DpState::install_pending;
  uint32_t attempt_count = 0;      // copy attempts to this DP, all time
  uint32_t attempts_in_cycle = 0;  // since the last update or refresh reset the retries
  std::optional<TimeUs> installed_at_us;
  Win32Error last_error = Win32Error::ok;
  friend bool operator==(const DpStatus&, const DpStatus&) = default;
};

// The manager's view of one package: the summary and the checkers read it.
struct PackageStatus {
  std::string id;
  std::string name;
  PackageState state = PackageState::pending;
  uint32_t attempt_count = 0;      // processing passes, all time
  uint32_t attempts_in_cycle = 0;  // passes since the last update or refresh reset the retries
  uint32_t update_count = 0;       // source versions after the first (updates processed)
  // The source version the manager last read in full (1 is the first; 0 before any), which
  // ConfigMgr 2012's "~Processing package" line shows as StoredVersion.
  uint32_t stored_version = 0;
  std::optional<TimeUs> installed_at_us;        // the last time it reached installed
  std::optional<TimeUs> first_installed_at_us;  // the first (an update may install it again)
  std::optional<TimeUs> state_since_us;
  Win32Error last_error = Win32Error::ok;
  std::vector<DpStatus> distribution_points;
  friend bool operator==(const PackageStatus&, const PackageStatus&) = default;
};

}  // namespace distsim::model
