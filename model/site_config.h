// The site's Distribution Manager configuration and the per-era profiles that set its defaults
// (ARCHITECTURE.md: sms2, configmgr2007, configmgr2012). Every field can be overridden.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/component_status.h"
#include "model/file_access.h"
#include "model/retry_policy.h"
#include "model/status_message.h"
#include "model/time.h"

namespace distsim::model {

enum class Profile { sms2, configmgr2007, configmgr2012 };
enum class RetryUnit { package, distribution_point };
enum class LogFormat {
  sms2,     // text  $$<COMP><Thu Nov 16 8:00:00.000 2000 Coordinated Universal Time><thread=..>
  numeric,  // text  $$<COMP><11-16-2000 08:00:00.000+000><thread=..>
  cmtrace,  // <![LOG[text]LOG]!><time=".." date=".." component=".." ...>
};

[[nodiscard]] std::string_view profile_name(Profile profile);

// The site clock: which local date and time virtual t = 0 is, and the zone the log shows.
// Assumption (no source fixes it): t = 0 is Thu Nov 16 2000 08:00:00, the date of KB Q207416,
// in a zone with bias 0 named "Coordinated Universal Time".
struct SiteClock {
  int32_t start_year = 2000;
  uint32_t start_month = 11;
  uint32_t start_day = 16;
  uint32_t start_hour = 8;
  int32_t bias_minutes = 0;  // Windows convention: UTC = local + bias
  std::string time_zone_name = "Coordinated Universal Time";
};

struct SiteConfig {
  std::string site_code = "S01";
  std::string server_name = "SMSSRV01";
  Profile profile = Profile::sms2;
  RetryUnit retry_unit = RetryUnit::package;
  RetryPolicy retry;
  uint32_t max_packages = 3;
  uint32_t threads_per_package = 5;
  AccessMask source_open_access{access_bits::kGenericRead};
  ShareMode source_open_share{share_bits::kRead};
  // How a DP copy opens each file it writes on the DP (create-always, whatever these say). No
  // source gives the flags: write access sharing nothing is distsim's assumption
  // (model/README.md), so a DP client that merely reads a file there refuses the update.
  AccessMask dp_copy_open_access{access_bits::kGenericWrite};
  ShareMode dp_copy_open_share{0};
  // How the compression creates the package's compressed copy (.PCK, create-always), and how a
  // DP copy of a compressed package opens it to read (open-existing). Assumptions, as above.
  AccessMask pck_create_open_access{access_bits::kGenericWrite};
  ShareMode pck_create_open_share{0};
  AccessMask pck_read_open_access{access_bits::kGenericRead};
  ShareMode pck_read_open_share{share_bits::kRead};
  // KB Q207416 says "the operation" is retried after error 32, not whether inside the pass. With
  // source_open_retries > 0, a source file whose open another process refuses (32) is
  // opened again that many times, source_open_retry_interval apart, before the pass fails; the
  // pass keeps its processing thread meanwhile. A byte-range lock refuses the read, not the open
  // (33): that fails the pass at once. 0 (the default, an assumption): the first refusal fails the
  // pass and the package's retry policy takes over.
  uint32_t source_open_retries = 0;
  TimeUs source_open_retry_interval_us = 10 * kMicrosecondsPerSecond;
  uint64_t read_bandwidth_bytes_per_second = 100ull * 1024 * 1024;
  // The site server's outgoing bandwidth, shared equally by all DP copies under way (each DP's
  // own bandwidth is shared equally by the copies to it); nullopt: no site-wide limit.
  std::optional<uint64_t> outgoing_bandwidth_bytes_per_second;
  LogFormat log_format = LogFormat::sms2;
  SiteClock clock;
  uint32_t process_id = 1234;  // shown as PID in STATMSG lines
  // KB Q319207: SMS 2.0 retries failed packages "at least once an hour, and more often when
  // distmgr is busy with other packages". distsim reads that as: whenever the manager wakes for
  // other work (a package notification, update or refresh), waiting package retries run too.
  // The reading is an assumption; on for sms2, off for the ConfigMgr profiles.
  bool retry_on_wake = false;
  // A waiting retry is pulled forward only if its failed pass ended at least this long ago, so a
  // burst of notifications cannot spend a finite retry count in zero time (an assumption too).
  TimeUs retry_on_wake_min_us = 10 * kMicrosecondsPerMinute;
  // SMS 2.0 SP1 "Reserved Flags" (KB235184): 0 = on update, delete and re-create the package
  // folder on each DP (the default); 1 = overwrite in place.
  bool update_deletes_dp_folder = false;
  // Where the package is the retry unit (sms2), whether a retry pass copies the package again to
  // DPs an earlier pass of the cycle installed. KB Q319207 says the whole package-update process
  // is redone; whether that includes DPs already updated is not said, so copying only the DPs
  // still missing it (false) is an assumption, and true is the other reading.
  bool retry_copies_installed = false;
  // Where compressed copies (<PackageID>.PCK) are kept (KB267977 shows D:\SMSPKG).
  std::string package_store = "C:\\SMSPKG";
  // Size of a compressed copy in per mille of the source (unknown ratio; 1000 = no gain).
  uint32_t compression_per_mille = 1000;
  // KB Q316316: SMS 2.0 SP3 and SP4 cannot compress a source file with alternate data streams
  // ("Cannot write to output file, Win32 Error = 998") until a hotfix. On for sms2; the
  // ConfigMgr profiles are assumed fixed.
  bool streams_fail_compression = false;
  ComponentStatusThresholds status_thresholds;
  // Where status messages show the retry count (status_message.h); 2302's own insertion strings
  // by default, an assumption as much as the other reading.
  RetryCountShownIn retry_count_shown_in = RetryCountShownIn::failure_message;
};

// The defaults of a profile (model/README.md, "Facts and assumptions"): sms2 retries the whole
// package at least hourly with no cap; the ConfigMgr profiles retry per DP, 100 times, every 30
// minutes.
[[nodiscard]] SiteConfig profile_defaults(Profile profile);

}  // namespace distsim::model
