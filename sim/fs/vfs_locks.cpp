// Byte-range locks of the virtual file system: LockFileEx with LOCKFILE_FAIL_IMMEDIATELY,
// UnlockFile, and the check that a lock blocks ReadFile, WriteFile or a cross-volume move. The
// overlap rules follow Wine's test_LockFile, zero-length ranges included.
#include <algorithm>
#include <limits>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim {
namespace vfs_internal {
namespace {

namespace bits = model::access_bits;

// Zero-length ranges are points: one overlaps a non-empty range containing it and nothing else
// (Wine's test_LockFile: a lock at 100,0 refuses 98,4 and 100,10 but not 90,10). Ranges never
// wrap: lock() refuses offset + length > 2^64.
bool ranges_overlap(uint64_t a_offset, uint64_t a_length, uint64_t b_offset, uint64_t b_length) {
  if (a_length == 0 && b_length == 0) return false;
  if (a_length == 0) return b_offset <= a_offset && a_offset - b_offset < b_length;
  if (b_length == 0) return a_offset <= b_offset && b_offset - a_offset < a_length;
  return a_offset <= b_offset + (b_length - 1) && b_offset <= a_offset + (a_length - 1);
}

// LockFileEx: overlapping locks conflict, except shared over shared, and a shared lock that a
// handle takes over its own exclusive lock.
bool locks_conflict(const ByteLock& held, const ByteLock& wanted) {
  if (!ranges_overlap(held.offset, held.length, wanted.offset, wanted.length)) return false;
  if (!held.exclusive && !wanted.exclusive) return false;
  return !(held.exclusive && !wanted.exclusive && held.owner == wanted.owner);
}

// Zero-length locks never block I/O (inference: they hold no bytes).
bool lock_blocks_io(const ByteLock& lock, HandleId id, uint64_t length, bool write) {
  if (lock.length == 0 || !ranges_overlap(lock.offset, lock.length, 0, length)) return false;
  if (write) return lock.owner != id || !lock.exclusive;
  return lock.owner != id && lock.exclusive;
}

}  // namespace

bool State::io_blocked(const Node& node, HandleId id, uint64_t length, bool write) const {
  DISTSIM_ASSERT(length > 0);
  return std::any_of(node.locks.begin(), node.locks.end(),
                     [&](const ByteLock& lock) { return lock_blocks_io(lock, id, length, write); });
}

void State::blame_io_locks(const Node& node, HandleId id, uint64_t length, bool write) {
  for (const ByteLock& lock : node.locks) {
    if (!lock_blocks_io(lock, id, length, write) || blame_.size() >= kBlameEntriesMax) continue;
    blame_handle(lock.owner);
    blame_.back().by_lock = true;
    blame_.back().lock_offset = lock.offset;
    blame_.back().lock_length = lock.length;
    blame_.back().lock_exclusive = lock.exclusive;
  }
}

void State::blame_lock_conflicts(const Node& node, const ByteLock& wanted) {
  for (const ByteLock& held : node.locks) {
    if (!locks_conflict(held, wanted) || blame_.size() >= kBlameEntriesMax) continue;
    blame_handle(held.owner);
    blame_.back().by_lock = true;
    blame_.back().lock_offset = held.offset;
    blame_.back().lock_length = held.length;
    blame_.back().lock_exclusive = held.exclusive;
  }
}

Win32Error State::lock(ActorId actor, const ByteLock& wanted, PendingDisplay& display) {
  if (const Win32Error gone = disconnected_refusal(actor, wanted.owner, display);
      gone != Win32Error::ok) {
    return gone;
  }
  const Handle& handle = handles_[owned_handle_index(actor, wanted.owner)];
  if (const Win32Error error = file_io_preamble(handle, display); error != Win32Error::ok) {
    return error;
  }
  if ((handle.access & (bits::kFileReadData | bits::kFileWriteData)) == 0) {
    return Win32Error::access_denied;
  }
  // A range past 2^64 is ERROR_INVALID_LOCK_RANGE (307), not in Win32Error: invalid parameter.
  if (wanted.length > 0 &&
      wanted.offset > std::numeric_limits<uint64_t>::max() - (wanted.length - 1)) {
    return Win32Error::invalid_parameter;
  }
  Node& node = nodes_[handle.node];
  // Past the per-file lock limit the lock is refused as out of memory (STATUS_INSUFFICIENT_
  // RESOURCES on Windows), an error value rather than a crash.
  if (node.locks.size() >= kLocksPerFileMax) return Win32Error::not_enough_memory;
  const bool conflict =
      std::any_of(node.locks.begin(), node.locks.end(),
                  [&](const ByteLock& held) { return locks_conflict(held, wanted); });
  if (conflict) {
    blame_lock_conflicts(node, wanted);
    return Win32Error::lock_violation;
  }
  node.locks.push_back(wanted);
  DISTSIM_ASSERT(node.locks.size() <= kLocksPerFileMax);
  return Win32Error::ok;
}

Win32Error State::unlock(ActorId actor, const ByteLock& wanted, PendingDisplay& display) {
  if (const Win32Error gone = disconnected_refusal(actor, wanted.owner, display);
      gone != Win32Error::ok) {
    return gone;
  }
  const Handle& handle = handles_[owned_handle_index(actor, wanted.owner)];
  if (const Win32Error error = file_io_preamble(handle, display); error != Win32Error::ok) {
    return error;
  }
  Node& node = nodes_[handle.node];
  // Only an exact range of this handle unlocks. With an exclusive and a shared lock on the same
  // range, the exclusive one goes first (LockFileEx remarks).
  auto chosen = node.locks.end();
  for (auto at = node.locks.begin(); at != node.locks.end(); ++at) {
    if (at->owner != wanted.owner || at->offset != wanted.offset || at->length != wanted.length) {
      continue;
    }
    if (chosen == node.locks.end() || (at->exclusive && !chosen->exclusive)) chosen = at;
  }
  if (chosen == node.locks.end()) return Win32Error::not_locked;
  DISTSIM_ASSERT(chosen->owner == wanted.owner);
  node.locks.erase(chosen);
  return Win32Error::ok;
}

}  // namespace vfs_internal

// --- VirtualFileSystem: the recorded calls

Win32Error VirtualFileSystem::lock(ActorId actor, HandleId handle, uint64_t offset, uint64_t length,
                                   bool exclusive) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::lock);
  event.handle = handle;
  event.result = state_->lock(actor, vfs_internal::ByteLock{handle, offset, length, exclusive},
                              state_->defer_display(event));
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::unlock(ActorId actor, HandleId handle, uint64_t offset,
                                     uint64_t length) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::unlock);
  event.handle = handle;
  event.result = state_->unlock(actor, vfs_internal::ByteLock{handle, offset, length, false},
                                state_->defer_display(event));
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

}  // namespace distsim::sim
