// The backup agent: one run per occurrence of its schedule; a plain run reads the scope's files
// one at a time through the VFS, a VSS run only records that the snapshot was taken.
#include "sim/holders/backup.h"

#include <set>

#include "model/assert.h"
#include "sim/core/limits.h"

namespace distsim::sim {

Backup::Backup(HolderContext context, HolderSpec spec)
    : Holder(context, std::move(spec)), scope_(spec_.scope) {
  DISTSIM_ASSERT(spec_.kind == HolderKind::backup);
}

void Backup::start() {
  windows_ = draw_windows();
  if (windows_.empty()) return;
  wake_at(windows_[0].begin_us, HolderWake<Wake>{Wake::run_begin, 0});
}

void Backup::on_event(uint64_t payload) {
  const auto wake = HolderWake<Wake>::from_payload(payload);
  DISTSIM_ASSERT(wake.index < windows_.size());
  const auto run_index = static_cast<uint32_t>(wake.index);
  switch (wake.kind) {
    case Wake::run_begin:
      begin_run(run_index);
      return;
    case Wake::file_done:
      if (runs_.count(run_index) != 0) end_file(run_index);  // absent: the run was stopped
      return;
    case Wake::window_end:
      if (runs_.count(run_index) != 0) end_run(run_index, /*stopped=*/true);
      return;
  }
  DISTSIM_ASSERT(false);
}

std::vector<std::string> Backup::files_in_scope() const {
  // One directory lists each file once; several may overlap, so each file is kept once.
  if (scope_.directories().size() == 1) return context_.vfs.files_under(scope_.directories()[0]);
  std::vector<std::string> files;
  std::set<std::string> seen;  // upper-cased
  for (const std::string& directory : scope_.directories()) {
    for (std::string& file : context_.vfs.files_under(directory)) {
      if (seen.insert(upper_ascii(file)).second) files.push_back(std::move(file));
    }
  }
  return files;
}

void Backup::begin_run(uint32_t run_index) {
  const HoldWindow& window = windows_[run_index];
  DISTSIM_ASSERT(window.begin_us == context_.kernel.now());
  if (run_index + 1 < windows_.size()) {
    wake_at(windows_[run_index + 1].begin_us, HolderWake<Wake>{Wake::run_begin, run_index + 1});
  }
  if (window.end_us) wake_at(*window.end_us, HolderWake<Wake>{Wake::window_end, run_index});
  std::vector<std::string> files = files_in_scope();
  DISTSIM_ASSERT(files.size() <= kFilesystemNodesMax);
  if (spec_.backup_mode == BackupMode::vss) {
    // The snapshot is read instead of the live files: no handle on them, only the record.
    context_.trace.add(context_.kernel.now(), spec_.name, "backup_snapshot",
                       {{"scope", scope_.display()},
                        {"run", static_cast<int64_t>(run_index + 1)},
                        {"files", static_cast<int64_t>(files.size())}});
    return;
  }
  context_.trace.add(context_.kernel.now(), spec_.name, "backup_start",
                     {{"scope", scope_.display()},
                      {"run", static_cast<int64_t>(run_index + 1)},
                      {"files", static_cast<int64_t>(files.size())}});
  DISTSIM_ASSERT(runs_.count(run_index) == 0);
  runs_[run_index].files = std::move(files);
  read_next(run_index);
}

// Opens the next file that can be opened and schedules the end of its read; ends the run when
// no file is left.
void Backup::read_next(uint32_t run_index) {
  Run& run = runs_.at(run_index);
  DISTSIM_ASSERT(run.handle == 0);
  const AccessMask access = spec_.access.value_or(AccessMask{model::access_bits::kGenericRead});
  const ShareMode share = spec_.share.value_or(ShareMode{model::share_bits::kRead});
  while (run.next_file_index < run.files.size()) {
    const std::string& path = run.files[run.next_file_index++];
    const std::string_view folder = std::string_view(path).substr(0, path.rfind('\\'));
    if (folder != run.folder) {
      run.folder.assign(folder);
      run.folder_hint = context_.vfs.folder_hint(run.folder);
    }
    const auto opened = open_and_read(path, access, share, &run.folder_hint);
    if (!opened) {  // in use or gone: skipped, as agents log and go on
      ++run.skipped_count;
      continue;
    }
    run.handle = opened->handle;
    const TimeUs per_mb_us = spec_.per_mb ? draw(*spec_.per_mb) : kDefaultPerMbUs;
    const TimeUs hold_us = hold_for_size_us(per_mb_us, opened->size_bytes, kFileMinUs);
    wake_after(hold_us, HolderWake<Wake>{Wake::file_done, run_index});
    return;
  }
  DISTSIM_ASSERT(run.next_file_index == run.files.size());
  end_run(run_index, /*stopped=*/false);
}

void Backup::end_file(uint32_t run_index) {
  Run& run = runs_.at(run_index);
  DISTSIM_ASSERT(run.handle != 0);
  context_.vfs.close(actor_, run.handle);
  run.handle = 0;
  ++run.read_count;
  read_next(run_index);
}

void Backup::end_run(uint32_t run_index, bool stopped) {
  const auto found = runs_.find(run_index);
  DISTSIM_ASSERT(found != runs_.end());
  Run& run = found->second;
  if (run.handle != 0) context_.vfs.close(actor_, run.handle);
  context_.trace.add(context_.kernel.now(), spec_.name, "backup_end",
                     {{"scope", scope_.display()},
                      {"run", static_cast<int64_t>(run_index + 1)},
                      {"files_read", static_cast<int64_t>(run.read_count)},
                      {"files_skipped", static_cast<int64_t>(run.skipped_count)},
                      {"stopped", stopped}});
  runs_.erase(found);
}

}  // namespace distsim::sim
