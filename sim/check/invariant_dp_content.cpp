// The manager's reads of a package's source, and what DPs hold of them. Two checkers share the
// reads:
// - source_read_whole: a pass goes on to its copies (or its .PCK) only once it has read every
//   file its listings of the source folder and its subfolders found, each at least once. The
//   count comes from the VFS's list_directory records, not from the manager.
// - dp_content: a DP the manager reports INSTALLED holds, at the end of the run, exactly the
//   files of the source version it was copied from: the same relative names, sizes and content
//   versions as the manager's last complete read of the source before the installation (no
//   partial copy, no mix of versions). The source version comes from the trace's read records,
//   the DP's files from the final VFS.
#include <fmt/format.h>

#include <algorithm>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim::invariant_detail {
namespace {

// Lists of files by relative path, compared without regard to case as Windows compares names.
// They are views of the trace or of the final files, sorted once they are complete, so that a
// round costs no allocation per file: every explored world reads its sources many times.
struct ReadFile {
  std::string_view name;  // the relative path as read
  model::FileContent content;
};
struct DpFile {
  std::string_view name;  // as the DP holds it
  model::FileContent content;
};
std::string_view name_of(std::string_view name) { return name; }
std::string_view name_of(const ReadFile& file) { return file.name; }
std::string_view name_of(const DpFile& file) { return file.name; }

// Sorts `files` by name and keeps one entry per name: the last given, as assigning into a map
// would.
template <typename File>
void sort_keeping_last(std::vector<File>& files) {
  std::stable_sort(files.begin(), files.end(), [](const File& left, const File& right) {
    return less_case_insensitive(name_of(left), name_of(right));
  });
  size_t kept = 0;
  for (size_t index = 0; index < files.size(); ++index) {
    const bool last_of_name =
        index + 1 == files.size() ||
        less_case_insensitive(name_of(files[index]), name_of(files[index + 1]));
    if (last_of_name) files[kept++] = files[index];
  }
  files.resize(kept);
}

// The entry named `name` in a list sorted by sort_keeping_last, or null.
template <typename File>
const File* find_name(const std::vector<File>& files, std::string_view name) {
  const auto found = std::lower_bound(files.begin(), files.end(), name,
                                      [](const File& file, std::string_view wanted) {
                                        return less_case_insensitive(name_of(file), wanted);
                                      });
  if (found == files.end() || less_case_insensitive(name, name_of(*found))) return nullptr;
  return &*found;
}

struct ReadRound {
  size_t record = 0;  // the listing of the source folder that began it
  std::optional<size_t> pass;
  std::vector<ReadFile> files;  // in read order while the trace is read, then sort_keeping_last
  bool complete = false;
  // The files the round's listings of the source and its subfolders found; none when a listing
  // does not say (a hand-written trace).
  std::optional<int64_t> listed = 0;
};

// Adds the files a listing found to `listed`, which stays unknown once one listing is silent.
void add_listed(const TraceRecord& listing, std::optional<int64_t>& listed) {
  const std::optional<int64_t> files = number_field(listing, "files");
  listed = listed && files ? std::optional<int64_t>(*listed + *files) : std::nullopt;
}

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

// The manager's records that name no path and are no status message: they neither read a
// source nor write a copy. Most of a pass's records are its log lines.
bool names_no_path(RecordEvent event) {
  return event == RecordEvent::log_line || event == RecordEvent::retry_scheduled ||
         event == RecordEvent::pass_start || event == RecordEvent::pass_end ||
         event == RecordEvent::dp_state;
}

bool touches_copies(const TraceRecord& record, RecordKind kind, const std::string& package,
                    const CopyPaths& copies) {
  if (kind.actor != RecordActor::manager || names_no_path(kind.event)) return false;
  if (kind.event == RecordEvent::status_message) {
    return is_status(record, model::status_id::kPackageProcessed, package);
  }
  const std::string_view path = text_field(record, "path");
  if (path.empty()) return false;
  if (same_path(path, copies.package_copy)) return true;
  return std::any_of(copies.dp_folders.begin(), copies.dp_folders.end(),
                     [&](const std::string& folder) {
                       return same_path(path, folder) || path_below(path, folder);
                     });
}

// The manager's opens that gave a handle: (handle, record), by handle. Read once for all
// packages: a pass's opens are mostly its copies to DPs, which no read of a source uses.
using OpenRecords = std::vector<std::pair<int64_t, size_t>>;
OpenRecords manager_opens(const History& history) {
  OpenRecords opens;
  const auto& records = history.records();
  for (size_t index = 0; index < records.size(); ++index) {
    if (!history.kinds[index].is(RecordActor::manager, RecordEvent::open)) continue;
    if (const auto handle = number_field(records[index], "handle"))
      opens.emplace_back(*handle, index);
  }
  // Handle ids grow as they are given out, so this sorts only a hand-written trace.
  if (!std::is_sorted(opens.begin(), opens.end())) std::sort(opens.begin(), opens.end());
  return opens;
}

// Whether the read at record `read` used a handle the pass's thread opened during the pass, before
// the read. The VFS never gives a handle id twice; a hand-written trace may, so every open of the
// id is looked at.
bool read_by_own_thread(const History& history, const OpenRecords& opens, const PassSpan& span,
                        size_t read) {
  const int64_t handle = number_field(history.records()[read], "handle").value_or(0);
  const auto [first, last] = std::equal_range(
      opens.begin(), opens.end(), std::make_pair(handle, size_t{0}),
      [](const auto& left, const auto& right) { return left.first < right.first; });
  return std::any_of(first, last, [&](const std::pair<int64_t, size_t>& open) {
    return open.second >= span.start_record && open.second < read &&
           number_field(history.records()[open.second], "thread") ==
               static_cast<int64_t>(span.thread);
  });
}

// Every read round of the package: a listing of its source folder by the manager starts one;
// a round is complete when the same pass goes on to copy (only a finished read does).
std::vector<ReadRound> read_rounds(const History& history, const OpenRecords& opens,
                                   const std::string& package) {
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
    const size_t end = span.end_record ? *span.end_record : records.size();
    for (size_t index = span.start_record; index < end; ++index) {
      const RecordKind kind = history.kinds[index];
      if (kind.actor != RecordActor::manager) continue;
      // Most records of a pass can change nothing: before a round only a listing starts one,
      // and once a round is complete only a listing or a read adds to it. They are passed over
      // before their fields are looked up.
      const bool listing = kind.event == RecordEvent::list_directory;
      const bool reading = kind.event == RecordEvent::read;
      const bool in_round = !rounds.empty() && rounds.back().pass == pass;
      if (!listing && (!in_round || (!reading && rounds.back().complete))) continue;
      const TraceRecord& record = records[index];
      // Another package's pass may list and read the same folder meanwhile. Where the trace
      // names the threads, this pass's listings are its thread's, and its reads are those on
      // handles its thread opened during the pass.
      const std::string_view path =
          listing || reading ? text_field(record, "path") : std::string_view();
      const bool own_listing =
          listing && text_field(record, "result") == "ok" &&
          (span.thread == 0 || number_field(record, "thread") == static_cast<int64_t>(span.thread));
      if (listing && same_path(path, source->second)) {
        if (own_listing) {
          rounds.push_back({index, pass, {}, false});
          add_listed(record, rounds.back().listed);
        }
      } else if (own_listing && in_round && !rounds.back().complete &&
                 path_below(path, source->second)) {
        add_listed(record, rounds.back().listed);
      } else if (in_round && reading && path_below(path, source->second)) {
        const bool own = span.thread == 0 || read_by_own_thread(history, opens, span, index);
        if (!own || text_field(record, "result") != "ok") continue;
        rounds.back().files.push_back(
            {relative_below(path, source->second),
             {static_cast<uint64_t>(number_field(record, "size").value_or(-1)),
              static_cast<uint64_t>(number_field(record, "version").value_or(-1))}});
      } else if (in_round && !rounds.back().complete &&
                 touches_copies(record, kind, package, copies)) {
        rounds.back().complete = true;
      }
    }
  }
  for (ReadRound& round : rounds) sort_keeping_last(round.files);
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

// The files below `folder` that a holder opened (and so may have created), by relative path:
// such a file is the holder's, not a copy the manager got wrong.
std::vector<std::string_view> foreign_names(const History& history, const std::string& folder) {
  std::vector<std::string_view> names;
  const auto& records = history.records();
  for (size_t index = 0; index < records.size(); ++index) {
    if (!history.kinds[index].is(RecordActor::holder, RecordEvent::open)) continue;
    const std::string_view path = text_field(records[index], "path");
    if (path_below(path, folder)) names.push_back(relative_below(path, folder));
  }
  sort_keeping_last(names);
  return names;
}

// How the DP folder `on_dp` differs from the source version `read`; empty when it holds exactly
// that version (plus what `older_names` and holders may leave).
std::vector<std::string> differences(const History& history, const std::string& folder,
                                     const std::vector<DpFile>& on_dp, const ReadRound& read,
                                     const std::vector<std::string_view>& older_names) {
  std::vector<std::string> problems;
  // looked up once a file is not the source's
  std::optional<std::vector<std::string_view>> foreign;
  for (const ReadFile& file : read.files) {
    const DpFile* found = find_name(on_dp, file.name);
    const model::FileContent& content = file.content;
    if (found == nullptr) {
      problems.push_back(fmt::format("{} is missing", file.name));
    } else if (found->content.size_bytes != content.size_bytes ||
               found->content.content_version != content.content_version) {
      // Size and version only: whether a copy keeps alternate data streams (from a compressed
      // copy, onto a NetWare server) no source says.
      problems.push_back(
          fmt::format("{} has {} bytes version {}, the source read had {} bytes version {}",
                      file.name, found->content.size_bytes, found->content.content_version,
                      content.size_bytes, content.content_version));
    }
  }
  const bool in_place = !history.run->site.update_deletes_dp_folder;
  for (const DpFile& file : on_dp) {
    if (find_name(read.files, file.name) != nullptr) continue;
    // left from an older version
    if (in_place && find_name(older_names, file.name) != nullptr) continue;
    if (!foreign) foreign = foreign_names(history, folder);
    // a holder made it (an Explorer window's Thumbs.db)
    if (find_name(*foreign, file.name) != nullptr) continue;
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
  // files of earlier versions, left by an in-place update
  std::vector<std::string_view> older_names;
  for (const ReadRound& round : rounds) {
    if (round.record > *installed || !round.complete) continue;
    if (read != nullptr) {
      for (const ReadFile& file : read->files) older_names.push_back(file.name);
    }
    read = &round;
  }
  sort_keeping_last(older_names);
  if (read == nullptr) {
    violations.push_back(
        {"dp_content",
         fmt::format("{} is INSTALLED on {} but the trace shows no complete read of its source "
                     "before {}",
                     package, dp, clock_text(t_us)),
         t_us});
    return;
  }
  std::vector<DpFile> on_dp;
  for (const auto& [path, content] : history.run->final_files) {
    if (path_below(path, folder)) on_dp.push_back({relative_below(path, folder), content});
  }
  sort_keeping_last(on_dp);
  const std::vector<std::string> problems = differences(history, folder, on_dp, *read, older_names);
  if (problems.empty()) return;
  violations.push_back({"dp_content",
                        fmt::format("{} is INSTALLED on {} since {} but its folder differs from "
                                    "the source version read: {}",
                                    package, dp, clock_text(t_us), fmt::join(problems, "; ")),
                        t_us});
}

// A complete round read each listed file once or more: as many distinct names as the listings
// counted files. A file created after its folder was listed is not in the count, nor read.
void judge_round_whole(const History& history, const ReadRound& round, const std::string& package,
                       const std::string& source, Violations& violations) {
  if (!round.complete || !round.listed ||
      static_cast<int64_t>(round.files.size()) == *round.listed) {
    return;
  }
  const TimeUs t_us = history.records()[round.record].t_us;
  violations.push_back(
      {"source_read_whole",
       fmt::format("{}: the pass that listed {} at {} went on to its copies having read {} of "
                   "the {} files its listings found",
                   package, source, clock_text(t_us), round.files.size(), *round.listed),
       t_us});
}

}  // namespace

void check_dp_content(const History& history, Violations& violations) {
  const TraceFacts facts(history);
  const OpenRecords opens = manager_opens(history);
  for (const auto& [package, source] : history.sources) {
    const std::vector<ReadRound> rounds = read_rounds(history, opens, package);
    for (const ReadRound& round : rounds) {
      judge_round_whole(history, round, package, source, violations);
    }
    for (const model::DistributionPointDefinition& dp : history.run->distribution_points) {
      judge_dp(history, facts, rounds, package, dp.name, violations);
    }
  }
}

}  // namespace distsim::sim::invariant_detail
