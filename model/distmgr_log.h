// Distmgr.log lines in the three formats of the SMS / ConfigMgr eras (model/README.md,
// "Distmgr.log"), and the STATMSG line written when a status message is raised. Timestamps come
// from virtual time through the site clock; nothing here reads a real clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/site_config.h"
#include "model/status_message.h"
#include "model/time.h"

namespace distsim::model {

// A broken-down local or UTC time.
struct CivilTime {
  int32_t year = 2000;
  uint32_t month = 1;  // 1..12
  uint32_t day = 1;    // 1..31
  uint32_t hour = 0;
  uint32_t minute = 0;
  uint32_t second = 0;
  uint32_t millisecond = 0;
  uint32_t weekday = 0;  // 0 = Sunday
};

// The site's local time at virtual time t_us.
[[nodiscard]] CivilTime local_time(const SiteClock& clock, TimeUs t_us);
// UTC at virtual time t_us (local + bias).
[[nodiscard]] CivilTime utc_time(const SiteClock& clock, TimeUs t_us);
// "MM/DD/YYYY HH:MM:SS", as the manager writes a next retry time in its log and status messages.
[[nodiscard]] std::string month_day_year_text(const CivilTime& time);

enum class LogSeverity { info, warning, error };

struct LogEntry {
  std::string_view text;
  TimeUs t_us = 0;
  uint32_t thread_id = 0;
  LogSeverity severity = LogSeverity::info;
};

// One Distmgr.log line without the trailing newline, e.g. for sms2:
// "Start adding package S0100001...  $$<SMS_DISTRIBUTION_MANAGER><Thu Nov 16 8:00:00.000 2000
//  Coordinated Universal Time><thread=297 (0x129)>" (one line).
[[nodiscard]] std::string format_log_line(LogFormat format, const SiteClock& clock,
                                          const LogEntry& entry);

struct StatmsgContext {
  std::string_view server_name;
  std::string_view site_code;
  uint32_t process_id = 0;
  uint32_t thread_id = 0;
};

// The text of the STATMSG line (the part before the trailer), in the SMS 2.0 layout of KB303279:
// STATMSG: ID=2302 SEV=E LEV=M SOURCE="SMS Server" COMP="SMS_DISTRIBUTION_MANAGER" SYS=...
// SITE=... PID=... TID=... GMTDATE=Thu Nov 16 08:00:00.000 2000 ISTR0="..." ... ISTR9=""
// NUMATTRS=n AID0=400 AVAL0="..." [AID1=404 AVAL1="..."].
[[nodiscard]] std::string statmsg_text(const StatusMessage& message, const SiteClock& clock,
                                       const StatmsgContext& context);

}  // namespace distsim::model
