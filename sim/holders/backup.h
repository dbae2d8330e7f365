// backup: a backup agent that runs over `scope` (sim/holders/README.md, "Backup
// agent with VSS" and "Backup agent without VSS").
//
// - Runs: each occurrence of `at`/`every`/`count` starts one whole backup run; `for`/`until`
//   bound it (a plain run still reading when its window ends stops there, traced as
//   `backup_end` with `stopped: true`). Without `for`/`until` a run ends when it has read
//   everything. Runs that overlap go on independently.
// - `mode: plain` (the default): the files under `scope` when the run starts (recursive, sorted
//   case-insensitively), each in turn: open GENERIC_READ, share FILE_SHARE_READ
//   (sim/holders/README.md: "read access, share mode vendor-specific"; share read is the format's
//   default and what blocks delete/rename with 32, as the facts say), read, hold it `per_mb` x its
//   size, close, next. Default `per_mb` 20 ms (about 50 MB/s; the facts say "about file size /
//   throughput" and give no throughput: this simulator's assumption), at least 1 ms per file. A
//   file whose open fails is skipped, as agents log "file in use" and go on (Code42 falls back to
//   VSS at that point [code42]; distsim does not). `access`/`share` override the open.
// - `mode: vss`: reads a shadow copy, so it opens nothing on the live files
//   (sim/holders/README.md: "little or no sharing impact on live files"); the run is traced as one
//   `backup_snapshot` record. The VSS writer freeze (at most 60 s [ms-vss-onfreeze]) is not
//   modelled: distsim has no VSS writers.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/holders/holder.h"

namespace distsim::sim {

class Backup final : public Holder {
 public:
  static constexpr TimeUs kDefaultPerMbUs = 20 * model::kMicrosecondsPerMillisecond;
  static constexpr TimeUs kFileMinUs = 1 * model::kMicrosecondsPerMillisecond;

  Backup(HolderContext context, HolderSpec spec);
  void start() override;
  void on_event(uint64_t payload) override;

 private:
  enum class Wake : uint8_t { run_begin, file_done, window_end };  // index: the run index

  struct Run {
    std::vector<std::string> files;
    size_t next_file_index = 0;
    HandleId handle = 0;
    uint32_t read_count = 0;
    uint32_t skipped_count = 0;
    // The directory of the files being read and the VFS's hint for it: a run reads a directory's
    // files one after another.
    std::string folder;
    model::FolderHint folder_hint;
  };

  // The files below the scope's directories: each directory's sorted, in scope order, a file
  // below two of them once.
  [[nodiscard]] std::vector<std::string> files_in_scope() const;
  void begin_run(uint32_t run_index);
  void read_next(uint32_t run_index);
  void end_file(uint32_t run_index);
  void end_run(uint32_t run_index, bool stopped);

  PathScope scope_;
  std::vector<HoldWindow> windows_;  // one per run, drawn at start
  std::map<uint32_t, Run> runs_;     // plain runs in progress, by index
};

}  // namespace distsim::sim
