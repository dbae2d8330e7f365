// Hand-written run histories for the invariant checkers' tests: trace records and the final
// state (packages, files, handle table) built step by step, so that a test can plant exactly one
// violation in an otherwise clean history.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "model/site_config.h"
#include "model/status_message.h"
#include "sim/world/world.h"

namespace distsim::testing {

using model::TimeUs;
using sim::TraceArg;

inline constexpr TimeUs kSecond = model::kMicrosecondsPerSecond;
inline constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;
inline constexpr TimeUs kHour = model::kMicrosecondsPerHour;

class HistoryBuilder {
 public:
  HistoryBuilder() {
    run.site = model::profile_defaults(model::Profile::sms2);
    run.until_us = 2 * model::kMicrosecondsPerDay;
    run.trace = sim::Trace(true);
    run.files_captured = true;  // the test sets final_files itself
    run.distribution_points.push_back({"DP01", "\\\\DP01\\SMSPKGC$", 12'500'000});
  }

  void notify(TimeUs t_us, const std::string& kind, const std::string& package,
              const std::string& source = {}, std::vector<std::string> dps = {},
              std::optional<int64_t> disconnect_users = std::nullopt) {
    std::vector<TraceArg> fields{{"kind", kind}, {"package", package}};
    if (kind == "create") fields.push_back({"source", source});
    fields.push_back({"dps", std::move(dps)});
    if (disconnect_users) fields.push_back({"disconnect_users", *disconnect_users});
    add(t_us, "world", "notification", std::move(fields));
  }
  void pass_start(TimeUs t_us, const std::string& package, int64_t attempt) {
    add(t_us, "distmgr", "pass_start", {{"package", package}, {"attempt", attempt}});
    sim::PassRecord pass;
    pass.package_id = package;
    pass.attempt = static_cast<uint32_t>(attempt);
    pass.start_us = t_us;
    run.passes.push_back(pass);
  }
  void pass_end(TimeUs t_us, const std::string& package, int64_t attempt, const std::string& result,
                int64_t win32 = 0) {
    add(t_us, "distmgr", "pass_end",
        {{"package", package}, {"attempt", attempt}, {"result", result}, {"win32", win32}});
    run.passes.back().end_us = t_us;
  }
  // A status message, its trace record and its STATMSG line in Distmgr.log.
  void status(TimeUs t_us, uint32_t id, const std::string& package,
              std::vector<std::string> insertions, const std::string& dp = {},
              char severity = 'I') {
    model::StatusMessage message = model::make_status_message(id, insertions, package, dp, t_us);
    if (severity == 'E') message.severity = model::Severity::error;
    std::vector<TraceArg> fields{{"id", static_cast<int64_t>(id)},
                                 {"severity", std::string(1, severity)},
                                 {"component", message.component},
                                 {"package", package}};
    if (!dp.empty()) fields.push_back({"dp", dp});
    fields.push_back({"text", message.text});
    fields.push_back({"insertions", insertions});
    add(t_us, "distmgr", "status_message", std::move(fields));
    run.status_messages.push_back(message);
    // Its STATMSG line, as status_log_consistency reads it: logged by thread 300.
    std::string line = fmt::format(
        "STATMSG: ID={} SEV={} LEV=M SOURCE=\"SMS Server\" COMP=\"{}\" SYS=SMSSRV01 SITE=S01 "
        "PID=1234 TID=300 GMTDATE=Thu Nov 16 08:00:00.000 2000",
        id, severity, message.component);
    for (size_t index = 0; index < 10; ++index) {
      line +=
          fmt::format(" ISTR{}=\"{}\"", index, index < insertions.size() ? insertions[index] : "");
    }
    const size_t attributes = (package.empty() ? 0u : 1u) + (dp.empty() ? 0u : 1u);
    line += fmt::format(" NUMATTRS={}", attributes);
    size_t attribute = 0;
    if (!package.empty()) line += fmt::format(" AID{0}=400 AVAL{0}=\"{1}\"", attribute++, package);
    if (!dp.empty()) line += fmt::format(" AID{0}=404 AVAL{0}=\"{1}\"", attribute++, dp);
    log(t_us, line);
  }
  void log(TimeUs t_us, const std::string& text) {
    add(t_us, "distmgr", "log_line", {{"text", text}, {"thread", int64_t{300}}});
    run.log_lines.push_back({t_us, text, 300, {}});
  }
  void open(TimeUs t_us, const std::string& actor, const std::string& path, int64_t handle,
            std::vector<std::string> access = {"GENERIC_READ"}) {
    add(t_us, actor, "open",
        {{"path", path},
         {"access", std::move(access)},
         {"share", std::vector<std::string>{"FILE_SHARE_READ"}},
         {"win32", int64_t{0}},
         {"result", std::string("ok")},
         {"handle", handle}});
  }
  void open_refused(TimeUs t_us, const std::string& actor, const std::string& path) {
    add(t_us, actor, "open",
        {{"path", path},
         {"access", std::vector<std::string>{"GENERIC_READ"}},
         {"share", std::vector<std::string>{"FILE_SHARE_READ"}},
         {"win32", int64_t{32}},
         {"result", std::string("ERROR_SHARING_VIOLATION")}});
  }
  void close(TimeUs t_us, const std::string& actor, const std::string& path, int64_t handle) {
    add(t_us, actor, "close", {{"path", path}, {"handle", handle}});
  }
  // A handle the server ended under its owner (a forced disconnect of users).
  void disconnected_close(TimeUs t_us, const std::string& actor, const std::string& path,
                          int64_t handle) {
    add(t_us, actor, "close", {{"path", path}, {"handle", handle}, {"disconnected", true}});
  }
  void content_op(TimeUs t_us, std::string_view event, const std::string& actor,
                  const std::string& path, int64_t handle, int64_t size, int64_t version) {
    add(t_us, actor, event,
        {{"path", path},
         {"handle", handle},
         {"win32", int64_t{0}},
         {"result", std::string("ok")},
         {"size", size},
         {"version", version}});
  }
  // A listing of `path` that returned `files` files (unsaid when not given, as source_read_whole
  // then judges nothing of the pass) and `folders` folders.
  void list(TimeUs t_us, const std::string& path, std::optional<int64_t> files = std::nullopt,
            int64_t folders = 0) {
    std::vector<TraceArg> fields{
        {"path", path}, {"win32", int64_t{0}}, {"result", std::string("ok")}};
    if (files) fields.push_back({"files", *files});
    fields.push_back({"folders", folders});
    add(t_us, "distmgr", "list_directory", std::move(fields));
  }
  void make_directory(TimeUs t_us, const std::string& path) {
    add(t_us, "distmgr", "create_directory",
        {{"path", path}, {"win32", int64_t{0}}, {"result", std::string("ok")}});
  }
  void retry_scheduled(TimeUs t_us, const std::string& package, const std::string& dp,
                       int64_t attempt, TimeUs at_us) {
    std::vector<TraceArg> fields{{"package", package}};
    if (!dp.empty()) fields.push_back({"dp", dp});
    fields.push_back({"attempt", attempt});
    fields.push_back({"at_us", at_us});
    add(t_us, "distmgr", "retry_scheduled", std::move(fields));
  }
  void dp_state(TimeUs t_us, const std::string& package, const std::string& dp,
                const std::string& state) {
    add(t_us, "distmgr", "dp_state", {{"package", package}, {"dp", dp}, {"state", state}});
  }
  void world(TimeUs t_us, std::string_view event) {
    add(t_us, "world", event, {{"process", std::string("distribution_manager")}});
  }
  // A DP fault beginning or ending, as the DP's actor records it.
  void dp_fault(TimeUs t_us, const std::string& dp, const std::string& fault, bool starting) {
    add(t_us, "dp:" + dp, starting ? "fault_start" : "fault_end",
        {{"fault", fault}, {"target", dp}});
  }
  void retry_history_deleted(TimeUs t_us, const std::string& package) {
    add(t_us, "world", "retry_history_deleted", {{"package", package}});
  }

  // Any other record, field by field.
  void add_record(TimeUs t_us, const std::string& actor, std::string_view event,
                  std::vector<TraceArg> fields) {
    add(t_us, actor, event, std::move(fields));
  }

  sim::RunResult run;

 private:
  void add(TimeUs t_us, const std::string& actor, std::string_view event,
           std::vector<TraceArg> fields) {
    run.trace.add(t_us, actor, event, std::move(fields));
  }
};

}  // namespace distsim::testing
