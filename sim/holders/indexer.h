// indexer: a search indexer (Windows Search) that reads files some time after they change and
// gets out of the way when someone else needs them (sim/holders/README.md, "Windows
// Search indexer": it takes an opportunistic lock and "releases the item ... when another
// process requests an incompatible access mode" [ms-ioplock]).
//
// - Trigger: another actor's successful write to a file under `scope`, while active (`at`/`for`/
//   `until`, repeated by `every`/`count`; default from 0s to the end of the run). A file already
//   waiting or being read is not queued twice.
// - `delay` after that write (default 30 s, this simulator's assumption: the facts give no figure)
//   it opens the file GENERIC_READ, share FILE_SHARE_READ|FILE_SHARE_WRITE (this simulator's
//   assumption, chosen so that it blocks no reader and no writer that shares read; without
//   FILE_SHARE_DELETE it can block delete and rename with 32, as Git and Go report of indexers
//   [git-voigt][go-36568]), reads it and holds it 100 ms per MB, at least 1 ms (assumption:
//   "short per file" in the facts). `access`/`share` override the open; `delay` may be a
//   distribution, drawn per file.
// - Backing off: the VFS never waits, so an oplock break cannot be modelled as a delayed open.
//   distsim models it as "the indexer closes its handle right after a conflicting operation was
//   refused": when another actor's open, delete or rename of a file the indexer holds fails with
//   ERROR_SHARING_VIOLATION and the indexer's own handle conflicts with that request, the indexer
//   closes the handle at the same virtual time (traced as `index_backed_off`). The other party's
//   first attempt therefore still sees 32; its next attempt does not. On real Windows the break
//   would delay that first open instead (the facts call "32 from the indexer" uncertain), so
//   distsim is pessimistic by exactly one refused attempt. A backed-off file is not re-read until
//   it changes again. A directory rename refused with 5 because of the indexer's handle below it
//   does not make it back off (no oplock on the directory).
// - At most kIndexerFilesPendingMax files wait or are being read; past that a trigger is dropped
//   and traced as `index_dropped`.
#pragma once

#include <map>
#include <string>

#include "sim/holders/holder.h"

namespace distsim::sim {

class Indexer final : public Holder {
 public:
  static constexpr TimeUs kDefaultDelayUs = 30 * model::kMicrosecondsPerSecond;
  static constexpr TimeUs kHoldPerMbUs = 100 * model::kMicrosecondsPerMillisecond;
  static constexpr TimeUs kHoldMinUs = 1 * model::kMicrosecondsPerMillisecond;

  Indexer(HolderContext context, HolderSpec spec);
  void start() override;
  void on_event(uint64_t payload) override;
  void on_vfs_event(const VfsEvent& event) override;
  [[nodiscard]] VfsInterest vfs_interest() const override {
    // Files written (to index them), and sharing violations of any operation (to back off).
    return {VfsInterest::bit(VfsOperation::write), true};
  }

 private:
  enum class Wake : uint8_t { open, hold_end, back_off };  // index: the item id

  struct Item {
    std::string path;
    std::string key;  // upper-cased path
    HandleId handle = 0;
    bool backing_off = false;
    std::string refused_actor;  // whose refused operation made it back off
    std::string refused_operation;
  };

  void request_index(const std::string& path);
  void open_item(uint64_t item_id);
  void close_item(uint64_t item_id);
  void back_off(uint64_t item_id);
  void note_refusal(const VfsEvent& event);
  [[nodiscard]] bool conflicts_with(const VfsEvent& refused) const;

  PathScope scope_;
  ActiveSpans active_;
  AccessMask access_;
  ShareMode share_;
  std::map<uint64_t, Item> items_;               // waiting or held, by id
  std::map<std::string, uint64_t> item_by_key_;  // the same items by upper-cased path
  uint64_t next_item_id_ = 0;
};

}  // namespace distsim::sim
