// status_log_consistency, line by line: each status message in the trace is followed by its
// STATMSG line, which says the same ID, severity, component, thread, insertion strings and
// attributes. Hand-written traces: a line as the manager writes it, then one thing changed.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";

// A 2302 of S0100001 (insertions name, package, 32, 0) raised at one minute, and the Distmgr.log
// line `line` after it (none when empty), logged by thread `thread`.
std::vector<std::string> findings_for(const std::string& line, int64_t thread = 300) {
  HistoryBuilder history;
  history.add_record(kMinute, "distmgr", "status_message",
                     {{"id", int64_t{2302}},
                      {"severity", std::string("E")},
                      {"component", std::string("SMS_DISTRIBUTION_MANAGER")},
                      {"package", kPackage},
                      {"text", std::string("failed")},
                      {"insertions", std::vector<std::string>{"App", kPackage, "32", "0"}}});
  if (!line.empty()) {
    history.add_record(kMinute, "distmgr", "log_line", {{"text", line}, {"thread", thread}});
  }
  std::vector<std::string> found;
  for (const sim::InvariantViolation& violation : sim::check_invariants(history.run)) {
    if (violation.invariant == "status_log_consistency" &&
        violation.detail.find("counts differ") == std::string::npos) {
      found.push_back(violation.detail);
    }
  }
  return found;
}

std::string statmsg_line(
    const std::string& severity = "E", const std::string& istr2 = "32",
    const std::string& attributes = " NUMATTRS=1 AID0=400 AVAL0=\"S0100001\"") {
  return "STATMSG: ID=2302 SEV=" + severity +
         " LEV=M SOURCE=\"SMS Server\" COMP=\"SMS_DISTRIBUTION_MANAGER\" SYS=SMSSRV01 SITE=S01 "
         "PID=1234 TID=300 GMTDATE=Thu Nov 16 08:01:00.000 2000 ISTR0=\"App\" ISTR1=\"S0100001\" "
         "ISTR2=\"" +
         istr2 +
         "\" ISTR3=\"0\" ISTR4=\"\" ISTR5=\"\" ISTR6=\"\" ISTR7=\"\" ISTR8=\"\" ISTR9=\"\"" +
         attributes;
}

TEST_CASE("status_log_consistency accepts a STATMSG line that says what its message says",
          "[invariants][statmsg]") {
  CHECK(findings_for(statmsg_line()).empty());
}

TEST_CASE("status_log_consistency catches a STATMSG line that differs from its message",
          "[invariants][statmsg]") {
  CHECK(findings_for(statmsg_line("W")) ==
        std::vector<std::string>{"the STATMSG line of status message 2302 of S0100001 at "
                                 "00:01:00 says SEV=W, the message's severity is E"});
  CHECK(findings_for(statmsg_line("E", "5")) ==
        std::vector<std::string>{"the STATMSG line of status message 2302 of S0100001 at "
                                 "00:01:00 says ISTR2=\"5\", the message's insertion string is "
                                 "\"32\""});
  CHECK(findings_for(statmsg_line("E", "32", " NUMATTRS=0")) ==
        std::vector<std::string>{"the STATMSG line of status message 2302 of S0100001 at "
                                 "00:01:00 says 0 attributes, not the message's package and DP"});
  CHECK(findings_for(statmsg_line(), 301) ==
        std::vector<std::string>{"the STATMSG line of status message 2302 of S0100001 at "
                                 "00:01:00 says TID=300, but the line is logged by thread 301"});
  CHECK(findings_for("STATMSG: ID=2302 SEV=E") ==
        std::vector<std::string>{"the STATMSG line of status message 2302 of S0100001 at "
                                 "00:01:00 says it cannot be read: the line ends inside SEV"});
}

TEST_CASE(
    "status_log_consistency catches a status message without its line, and a line without "
    "its message",
    "[invariants][statmsg]") {
  CHECK(findings_for("") == std::vector<std::string>{"status message 2302 of S0100001 at 00:01:00 "
                                                     "has no STATMSG line in Distmgr.log after "
                                                     "it"});
  HistoryBuilder history;
  history.log(kMinute, statmsg_line());
  std::vector<std::string> found;
  for (const sim::InvariantViolation& violation : sim::check_invariants(history.run)) {
    if (violation.detail.find("follows no status message") != std::string::npos) {
      found.push_back(violation.detail);
    }
  }
  CHECK(found == std::vector<std::string>{
                     "a STATMSG line with ID=2302 at 00:01:00 follows no status message"});
}

}  // namespace
}  // namespace distsim::testing
