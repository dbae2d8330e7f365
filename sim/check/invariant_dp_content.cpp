// dp_content: a DP the manager reports INSTALLED holds, at the end of the run, exactly the files
// of the source version it was copied from: the same relative names, sizes and content versions
// as the manager's last complete read of the source before the installation (no partial copy,
// no mix of versions). The source version comes from the trace's read records, the DP's files
// from the final VFS.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim::invariant_detail {
namespace {

struct ReadFile {
  std::string name;  // the relative path as read
  model::FileContent content;
};

struct ReadRound {
  size_t record = 0;  // the listing of the source folder that began it
  std::optional<size_t> pass;
  std::map<std::string, ReadFile> files;  // by relative path, upper-cased
  bool complete = false;
};

// The paths a pass of one package writes after its read: its .PCK and its folder on each DP.
struct CopyPaths {
  std::string package_copy;
  std::vector<std::string> dp_folders;

  CopyPaths(const History& history, const std::string& package)
      : package_copy(history.package_copy_path(package)) {
    for (const auto& dp : history.run->distribution_points) {
      dp_folders.push_back(history.dp_folder(package, dp.name));
    }
  }
};

bool touches_copies(const TraceRecord& record, const std::string& package,
                    const CopyPaths& copies) {
  if (!is_manager(record)) return false;
  if (is_status(record, model::status_id::kPackageProcessed, package)) return true;
  const std::string_view path = text_field(record, "path");
  if (path.empty()) return false;
  if (same_path(path, copies.package_copy)) return true;
  return std::any_of(copies.dp_folders.begin(), copies.dp_folders.end(),
                     [&](const std::string& folder) {
                       return same_path(path, folder) || path_below(path, folder);
                     });
}

// Every read round of the package: a listing of its source folder by the manager starts one;
// a round is complete when the same pass goes on to copy (only a finished read does).
std::vector<ReadRound> read_rounds(const History& history, const std::string& package) {
  std::vector<ReadRound> rounds;
  const auto source = history.sources.find(package);
  if (source == history.sources.end()) return rounds;
  const auto& records = history.records();
  const CopyPaths copies(history, package);
  for (size_t pass = 0; pass < history.passes.size(); ++pass) {
    const PassSpan& span = history.passes[pass];
    // A span of DP retries copies what an earlier pass read and reads no source itself; another
    // package's listing during it must not start a read of this one.
    if (span.package != package || span.dp_retries) continue;
    std::set<int64_t> own_handles;  // opened by the pass's thread (where the trace says)
    const size_t end = span.end_record ? *span.end_record : records.size();
    for (size_t index = span.start_record; index < end; ++index) {
      const RecordKind kind = history.kinds[index];
      if (kind.actor != RecordActor::manager) continue;
      // Most records of a pass can change nothing: before a round only a listing starts one,
      // and once a round is complete only a listing or a read adds to it. They are passed over
      // before their fields are looked up.
      const bool listing = kind.event == RecordEvent::list_directory;
      const bool reading = kind.event == RecordEvent::read;
      const bool opening = kind.event == RecordEvent::open;
      const bool in_round = !rounds.empty() && rounds.back().pass == pass;
      if (!listing && !(opening && span.thread != 0) &&
          (!in_round || (!reading && rounds.back().complete))) {
        continue;
      }
      const TraceRecord& record = records[index];
      // Another package's pass may list and read the same folder meanwhile. Where the trace
      // names the threads, this pass's listings are its thread's, and its reads are those on
      // handles its thread opened during the pass.
      if (opening) {
        const auto handle = number_field(record, "handle");
        // Handle ids are never reused, so a handle once the thread's stays its own.
        if (handle && number_field(record, "thread") == static_cast<int64_t>(span.thread)) {
          own_handles.insert(*handle);
        }
        if (!in_round || rounds.back().complete) continue;
      }
      const std::string_view path = text_field(record, "path");
      if (listing && same_path(path, source->second) && text_field(record, "result") == "ok") {
        if (span.thread == 0 ||
            number_field(record, "thread") == static_cast<int64_t>(span.thread)) {
          rounds.push_back({index, pass, {}, false});
        }
      } else if (in_round && reading && path_below(path, source->second)) {
        const bool own =
            span.thread == 0 || own_handles.count(number_field(record, "handle").value_or(0)) != 0;
        if (!own || text_field(record, "result") != "ok") continue;
        const std::string_view relative = relative_below(path, source->second);
        ReadFile& file = rounds.back().files[upper_ascii(relative)];
        file.name.assign(relative);
        file.content = {static_cast<uint64_t>(number_field(record, "size").value_or(-1)),
                        static_cast<uint64_t>(number_field(record, "version").value_or(-1))};
      } else if (in_round && !rounds.back().complete && touches_copies(record, package, copies)) {
        rounds.back().complete = true;
      }
    }
  }
  return rounds;
}

// What the whole trace says once, for every (package, DP): the DP states it reported last and
// the changes others made to files.
struct TraceFacts {
  // (package, DP), views of the trace -> the record of the last dp_state
  std::map<std::pair<std::string_view, std::string_view>, size_t, PackageAndDpLess> last_state;
  std::vector<size_t> foreign_changes;  // writes, deletes and renames by anyone but the manager

  explicit TraceFacts(const History& history) {
    const auto& records = history.records();
    for (size_t index = 0; index < records.size(); ++index) {
      const RecordKind kind = history.kinds[index];
      if (kind.is(RecordActor::manager, RecordEvent::dp_state)) {
        const TraceRecord& record = records[index];
        last_state[{text_field(record, "package"), text_field(record, "dp")}] = index;
      } else if (kind.actor == RecordActor::holder &&
                 (kind.event == RecordEvent::write || kind.event == RecordEvent::delete_file ||
                  kind.event == RecordEvent::rename ||
                  kind.event == RecordEvent::remove_directory)) {
        foreign_changes.push_back(index);
      }
    }
  }

  // The record where the DP last became INSTALLED, if that is its state at the end.
  [[nodiscard]] std::optional<size_t> installed_record(const History& history,
                                                       std::string_view package,
                                                       std::string_view dp) const {
    const auto found = last_state.find({package, dp});
    if (found == last_state.end()) return std::nullopt;
    if (text_field(history.records()[found->second], "state") != "INSTALLED") return std::nullopt;
    return found->second;
  }

  // Whether anyone but the manager changed the DP folder after `record`: then the folder is not
  // the manager's doing and is not judged.
  [[nodiscard]] bool tampered_after(const History& history, size_t record,
                                    const std::string& folder) const {
    const auto first = std::lower_bound(foreign_changes.begin(), foreign_changes.end(), record);
    return std::any_of(first, foreign_changes.end(), [&](size_t index) {
      const TraceRecord& each = history.records()[index];
      return path_below(text_field(each, "path"), folder) ||
             path_below(text_field(each, "to"), folder);
    });
  }
};

// The files below `folder` that a holder opened (and so may have created), by relative path,
// upper-cased: such a file is the holder's, not a copy the manager got wrong.
std::set<std::string> foreign_names(const History& history, const std::string& folder) {
  std::set<std::string> names;
  const auto& records = history.records();
  for (size_t index = 0; index < records.size(); ++index) {
    if (!history.kinds[index].is(RecordActor::holder, RecordEvent::open)) continue;
    const std::string_view path = text_field(records[index], "path");
    if (path_below(path, folder)) names.insert(upper_ascii(relative_below(path, folder)));
  }
  return names;
}

struct DpFile {
  std::string name;  // as the DP holds it
  model::FileContent content;
};

// How the DP folder `on_dp` differs from the source version `read`; empty when it holds exactly
// that version (plus what `older_names` and holders may leave).
std::vector<std::string> differences(const History& history, const std::string& folder,
                                     const std::map<std::string, DpFile>& on_dp,
                                     const ReadRound& read,
                                     const std::set<std::string>& older_names) {
  std::vector<std::string> problems;
  std::optional<std::set<std::string>> foreign;  // looked up once a file is not the source's
  for (const auto& [key, file] : read.files) {
    const auto found = on_dp.find(key);
    const std::string& name = file.name;
    const model::FileContent& content = file.content;
    if (found == on_dp.end()) {
      problems.push_back(fmt::format("{} is missing", name));
    } else if (found->second.content.size_bytes != content.size_bytes ||
               found->second.content.content_version != content.content_version) {
      // Size and version only: whether a copy keeps alternate data streams (from a compressed
      // copy, onto a NetWare server) no source says.
      problems.push_back(
          fmt::format("{} has {} bytes version {}, the source read had {} bytes version {}", name,
                      found->second.content.size_bytes, found->second.content.content_version,
                      content.size_bytes, content.content_version));
    }
  }
  const bool in_place = !history.run->site.update_deletes_dp_folder;
  for (const auto& [key, file] : on_dp) {
    if (read.files.count(key) != 0) continue;
    if (in_place && older_names.count(key) != 0) continue;  // left from an older version
    if (!foreign) foreign = foreign_names(history, folder);
    if (foreign->count(key) != 0) continue;  // a holder made it (an Explorer window's Thumbs.db)
    problems.push_back(fmt::format("{} is not in the source version", file.name));
  }
  return problems;
}

void judge_dp(const History& history, const TraceFacts& facts, const std::vector<ReadRound>& rounds,
              const std::string& package, const std::string& dp, Violations& violations) {
  const auto installed = facts.installed_record(history, package, dp);
  if (!installed) return;
  const TimeUs t_us = history.records()[*installed].t_us;
  const std::string folder = history.dp_folder(package, dp);
  if (facts.tampered_after(history, *installed, folder)) return;
  const ReadRound* read = nullptr;
  std::set<std::string> older_names;  // files of earlier versions, left by an in-place update
  for (const ReadRound& round : rounds) {
    if (round.record > *installed || !round.complete) continue;
    if (read != nullptr) {
      for (const auto& [key, file] : read->files) older_names.insert(key);
    }
    read = &round;
  }
  if (read == nullptr) {
    violations.push_back(
        {"dp_content",
         fmt::format("{} is INSTALLED on {} but the trace shows no complete read of its source "
                     "before {}",
                     package, dp, clock_text(t_us)),
         t_us});
    return;
  }
  std::map<std::string, DpFile> on_dp;  // by relative path, upper-cased
  for (const auto& [path, content] : history.run->final_files) {
    if (!path_below(path, folder)) continue;
    const std::string_view relative = relative_below(path, folder);
    on_dp[upper_ascii(relative)] = {std::string(relative), content};
  }
  const std::vector<std::string> problems = differences(history, folder, on_dp, *read, older_names);
  if (problems.empty()) return;
  violations.push_back({"dp_content",
                        fmt::format("{} is INSTALLED on {} since {} but its folder differs from "
                                    "the source version read: {}",
                                    package, dp, clock_text(t_us), fmt::join(problems, "; ")),
                        t_us});
}

}  // namespace

void check_dp_content(const History& history, Violations& violations) {
  if (!history.traced) return;
  const TraceFacts facts(history);
  for (const auto& [package, source] : history.sources) {
    const std::vector<ReadRound> rounds = read_rounds(history, package);
    for (const model::DistributionPointDefinition& dp : history.run->distribution_points) {
      judge_dp(history, facts, rounds, package, dp.name, violations);
    }
  }
}

}  // namespace distsim::sim::invariant_detail
