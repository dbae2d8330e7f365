// The search indexer: queues files other actors changed under its scope, reads each after a
// delay, and closes early when its handle was the reason another actor's request was refused.
#include "sim/holders/indexer.h"

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/sharing_rule.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim {
namespace {

// DeleteFile and MoveFile open the file with DELETE|SYNCHRONIZE, share all (sim/fs/README.md).
constexpr AccessMask kDeleteOpenAccess{model::access_bits::kDelete |
                                       model::access_bits::kSynchronize};
constexpr ShareMode kShareAll{model::share_bits::kAll};

}  // namespace

Indexer::Indexer(HolderContext context, HolderSpec spec)
    : Holder(context, std::move(spec)),
      scope_(spec_.scope),
      access_(spec_.access.value_or(AccessMask{model::access_bits::kGenericRead})),
      share_(
          spec_.share.value_or(ShareMode{model::share_bits::kRead | model::share_bits::kWrite})) {
  DISTSIM_ASSERT(spec_.kind == HolderKind::indexer);
}

void Indexer::start() { active_ = ActiveSpans(draw_windows()); }

void Indexer::on_vfs_event(const VfsEvent& event) {
  if (event.actor == actor_) return;
  if (event.result == Win32Error::sharing_violation) {
    note_refusal(event);
    return;
  }
  const bool changed = event.operation == VfsOperation::write && event.result == Win32Error::ok;
  if (changed && active_.contains(event.t_us) && scope_.contains_written(context_.vfs, event)) {
    request_index(event.path());
  }
}

void Indexer::request_index(const std::string& path) {
  std::string key = upper_ascii(path);
  if (item_by_key_.count(key) != 0) return;  // already waiting or being read
  if (items_.size() >= kIndexerFilesPendingMax) {
    context_.trace.add(context_.kernel.now(), spec_.name, "index_dropped",
                       {{"path", path}, {"reason", std::string("kIndexerFilesPendingMax")}});
    return;
  }
  const uint64_t item_id = next_item_id_++;
  item_by_key_.emplace(key, item_id);
  items_.emplace(item_id, Item{path, std::move(key), 0, false, {}, {}});
  const TimeUs delay_us = spec_.delay ? draw(*spec_.delay) : kDefaultDelayUs;
  wake_after(delay_us, HolderWake<Wake>{Wake::open, item_id});
  DISTSIM_ASSERT(items_.size() == item_by_key_.size());
}

void Indexer::on_event(uint64_t payload) {
  const auto wake = HolderWake<Wake>::from_payload(payload);
  switch (wake.kind) {
    case Wake::open:
      open_item(wake.index);
      return;
    case Wake::hold_end:
      if (items_.count(wake.index) != 0) close_item(wake.index);  // absent: it backed off already
      return;
    case Wake::back_off:
      back_off(wake.index);
      return;
  }
  DISTSIM_ASSERT(false);
}

void Indexer::open_item(uint64_t item_id) {
  const auto found = items_.find(item_id);
  DISTSIM_ASSERT(found != items_.end());
  Item& item = found->second;
  DISTSIM_ASSERT(item.handle == 0);
  if (!is_file(item.path)) {  // deleted or renamed meanwhile: nothing to index
    close_item(item_id);
    return;
  }
  const auto opened = open_and_read(item.path, access_, share_);
  if (!opened) {  // the refused open is in the trace; the indexer tries again on a change
    close_item(item_id);
    return;
  }
  item.handle = opened->handle;
  const TimeUs hold_us = hold_for_size_us(kHoldPerMbUs, opened->size_bytes, kHoldMinUs);
  wake_after(hold_us, HolderWake<Wake>{Wake::hold_end, item_id});
}

void Indexer::close_item(uint64_t item_id) {
  const auto found = items_.find(item_id);
  DISTSIM_ASSERT(found != items_.end());
  if (found->second.handle != 0) context_.vfs.close(actor_, found->second.handle);
  item_by_key_.erase(found->second.key);
  items_.erase(found);
  DISTSIM_ASSERT(items_.size() == item_by_key_.size());
}

bool Indexer::conflicts_with(const VfsEvent& refused) const {
  switch (refused.operation) {
    case VfsOperation::open:
      return sharing_conflicts(access_, share_, refused.access, refused.share);
    case VfsOperation::delete_file:
    case VfsOperation::rename:
      return sharing_conflicts(access_, share_, kDeleteOpenAccess, kShareAll);
    default:
      return false;
  }
}

// Called from inside a VFS notification: it only marks the item and schedules the close.
void Indexer::note_refusal(const VfsEvent& event) {
  const auto by_key = item_by_key_.find(upper_ascii(event.path()));
  if (by_key == item_by_key_.end()) return;
  Item& item = items_.at(by_key->second);
  if (item.handle == 0 || item.backing_off || !conflicts_with(event)) return;
  item.backing_off = true;
  item.refused_actor = context_.vfs.actor_name(event.actor);
  item.refused_operation = std::string(vfs_operation_name(event.operation));
  wake_at(context_.kernel.now(), HolderWake<Wake>{Wake::back_off, by_key->second});
}

void Indexer::back_off(uint64_t item_id) {
  const auto found = items_.find(item_id);
  if (found == items_.end()) return;  // its hold ended at this same instant, just before
  DISTSIM_ASSERT(found->second.backing_off);
  context_.trace.add(context_.kernel.now(), spec_.name, "index_backed_off",
                     {{"path", found->second.path},
                      {"refused_actor", found->second.refused_actor},
                      {"refused_operation", found->second.refused_operation}});
  close_item(item_id);
}

}  // namespace distsim::sim
