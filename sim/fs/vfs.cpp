// The virtual Windows file system. Nodes live in chunked slots (slots are reused, ids never reach
// output), children in ordered maps keyed by upper-case name, open handles in a vector sorted by
// id, and each node keeps a small vector of (handle, class, share) so an open's sharing check
// reads one node. Every actor operation is checked in the order Windows checks it, then recorded.
#include "sim/fs/vfs.h"

#include <algorithm>
#include <limits>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/sharing_rule.h"

namespace distsim::sim {
namespace {

namespace bits = model::access_bits;
using model::CreateDisposition;
using model::DirectoryEntry;
using model::OpenRequest;

using NodeId = uint32_t;
constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
constexpr uint32_t kNoVolume = std::numeric_limits<uint32_t>::max();
constexpr size_t kNoIndex = std::numeric_limits<size_t>::max();

constexpr ShareMode kShareAll{model::share_bits::kAll};
// The implicit opens of DeleteFile, MoveFile and RemoveDirectory (DELETE|SYNCHRONIZE) and of
// FindFirstFile (FILE_LIST_DIRECTORY|SYNCHRONIZE), all with share R|W|D, as Wine's kernelbase.
constexpr AccessMask kDeleteOpenAccess{bits::kDelete | bits::kSynchronize};
constexpr AccessMask kListOpenAccess{bits::kFileReadData | bits::kSynchronize};

enum class NodeKind : uint8_t { file, directory };

struct NodeHandle {
  HandleId id = 0;
  uint32_t class_bits = 0;  // sharing_class_bits of the handle's access
  uint32_t share_bits = 0;
};

struct ByteLock {
  HandleId owner = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  bool exclusive = false;
};

struct Node {
  std::string name;  // final component as created; empty for a volume root
  NodeKind kind = NodeKind::directory;
  bool in_use = false;
  bool delete_pending = false;
  bool orphaned = false;  // POSIX-deleted: out of the namespace, alive while handles remain
  NodeId parent = kNoNode;
  uint32_t volume = kNoVolume;
  FileContent content;
  std::map<std::string, NodeId, std::less<>> children;  // upper-case name -> node
  std::vector<NodeHandle> handles;
  std::vector<ByteLock> locks;
  std::string orphan_path;  // the display path it had when it left the namespace
};

// The nodes, in chunks that never move once allocated: growing the store never copies nodes, so a
// world's peak memory is its nodes, not twice that while one big vector reallocates (at a million
// nodes the copy alone was about 200 MB). A chunk reserves its capacity and constructs nodes as
// they are added; NodeId n is node n & kChunkMask of chunk n >> kChunkShift.
class NodeStore {
 public:
  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] Node& operator[](NodeId id) { return chunks_[id >> kChunkShift][id & kChunkMask]; }
  [[nodiscard]] const Node& operator[](NodeId id) const {
    return chunks_[id >> kChunkShift][id & kChunkMask];
  }
  void emplace_back() {
    if ((size_ & kChunkMask) == 0) {
      chunks_.emplace_back();
      chunks_.back().reserve(kNodesPerChunk);
    }
    chunks_.back().emplace_back();
    ++size_;
    DISTSIM_ASSERT(chunks_.back().size() <= kNodesPerChunk);
  }

 private:
  static constexpr uint32_t kChunkShift = 8;
  static constexpr size_t kNodesPerChunk = size_t{1} << kChunkShift;
  static constexpr uint32_t kChunkMask = kNodesPerChunk - 1;
  std::vector<std::vector<Node>> chunks_;
  size_t size_ = 0;
};

struct Volume {
  std::string root;  // as first written: "C:" or "\\DP01\SMSPKGD$"
  NodeId root_node = kNoNode;
  uint64_t capacity_bytes = 0;
  uint64_t used_bytes = 0;
  bool reachable = true;
};

struct Handle {
  HandleId id = 0;
  ActorId actor = 0;
  NodeId node = kNoNode;
  uint32_t access = 0;  // generic-mapped
};

// Where a path leads. `node` is the named node when it exists; `parent` is its parent directory
// when that exists (whether or not `node` does); `deepest`/`matched` give the display form.
struct Lookup {
  uint32_t volume = kNoVolume;
  NodeId node = kNoNode;
  NodeId parent = kNoNode;
  NodeId deepest = kNoNode;
  size_t matched = 0;
};

Win32Error missing_error(const Lookup& lookup) {
  DISTSIM_ASSERT(lookup.node == kNoNode);
  return lookup.parent != kNoNode ? Win32Error::file_not_found : Win32Error::path_not_found;
}

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

uint64_t free_bytes(const Volume& volume) {
  return volume.capacity_bytes > volume.used_bytes ? volume.capacity_bytes - volume.used_bytes : 0;
}

}  // namespace

std::string_view vfs_operation_name(VfsOperation operation) {
  switch (operation) {
    case VfsOperation::open:
      return "open";
    case VfsOperation::close:
      return "close";
    case VfsOperation::read:
      return "read";
    case VfsOperation::write:
      return "write";
    case VfsOperation::lock:
      return "lock";
    case VfsOperation::unlock:
      return "unlock";
    case VfsOperation::delete_file:
      return "delete";  // the trace event name CLI.md gives
    case VfsOperation::remove_directory:
      return "remove_directory";
    case VfsOperation::rename:
      return "rename";
    case VfsOperation::create_directory:
      return "create_directory";
    case VfsOperation::list_directory:
      return "list_directory";
  }
  DISTSIM_ASSERT(false && "unknown VfsOperation");
  return "";
}

struct VirtualFileSystem::State {
  State(const Clock& clock, VfsOptions options) : clock_(clock), options_(options) {}

  const Clock& clock_;
  VfsOptions options_;
  VfsObserver* observer_ = nullptr;
  std::vector<std::string> actors_;  // ActorId n is actors_[n - 1]
  std::vector<Volume> volumes_;
  std::map<std::string, uint32_t, std::less<>> volume_by_key_;
  NodeStore nodes_;
  std::vector<NodeId> free_nodes_;
  uint32_t node_count_ = 0;      // live nodes, orphans included
  std::vector<Handle> handles_;  // sorted by id: ids only grow, so push_back keeps the order
  HandleId next_handle_id_ = 1;
  uint64_t next_content_version_ = 1;
  std::vector<VfsEvent> log_;
  uint64_t log_dropped_count_ = 0;
  WindowsPath scratch_paths_[2];  // the hot path parses into these instead of allocating
  std::string scratch_key_;

  // --- events
  [[nodiscard]] bool recording() const {
    return options_.record_access_log || observer_ != nullptr;
  }

  [[nodiscard]] VfsEvent begin_event(ActorId actor, VfsOperation operation) const {
    DISTSIM_ASSERT(actor >= 1);
    DISTSIM_ASSERT(actor <= actors_.size());
    VfsEvent event;
    event.actor = actor;
    event.operation = operation;
    return event;
  }

  void emit(VfsEvent& event) {
    if (!recording()) return;
    DISTSIM_ASSERT(event.actor != 0);
    event.t_us = clock_.now();
    if (observer_ != nullptr) observer_->on_vfs_event(event);
    if (!options_.record_access_log) return;
    if (log_.size() >= kAccessLogEntriesMax) {
      ++log_dropped_count_;  // bounded log; the observer (the trace) still saw the event
      return;
    }
    log_.push_back(std::move(event));
    DISTSIM_ASSERT(log_.size() <= kAccessLogEntriesMax);
  }

  // --- display paths
  // The path of a node with the case of each component as created. Two passes, one allocation.
  [[nodiscard]] std::string node_display(NodeId id) const {
    const Node& node = nodes_[id];
    DISTSIM_ASSERT(node.in_use);
    if (node.orphaned) return node.orphan_path;
    const Volume& volume = volumes_[node.volume];
    if (node.parent == kNoNode) return volume.root.size() == 2 ? volume.root + "\\" : volume.root;
    size_t length = volume.root.size();
    for (NodeId at = id; nodes_[at].parent != kNoNode; at = nodes_[at].parent) {
      length += 1 + nodes_[at].name.size();
    }
    std::string out(length, '\\');
    std::copy(volume.root.begin(), volume.root.end(), out.begin());
    size_t end = length;
    for (NodeId at = id; nodes_[at].parent != kNoNode; at = nodes_[at].parent) {
      const std::string& name = nodes_[at].name;
      end -= name.size();
      std::copy(name.begin(), name.end(), out.begin() + static_cast<std::ptrdiff_t>(end));
      end -= 1;
    }
    DISTSIM_ASSERT(end == volume.root.size());
    return out;
  }

  // The existing part of the path as created, then the rest as written.
  [[nodiscard]] std::string lookup_display(const WindowsPath& path, const Lookup& lookup) const {
    DISTSIM_ASSERT(lookup.matched <= path.components.size());
    if (lookup.deepest == kNoNode) return path.display();
    std::string out = node_display(lookup.deepest);
    for (size_t index = lookup.matched; index < path.components.size(); ++index) {
      if (out.back() != '\\') out.push_back('\\');
      out.append(path.components[index]);
    }
    return out;
  }

  // --- volumes and lookup
  [[nodiscard]] Win32Error create_volume(const std::string& root, uint64_t capacity_bytes,
                                         uint32_t& out) {
    DISTSIM_ASSERT(!root.empty());
    // A run that needs more volumes than the limit is refused with an error value.
    if (volumes_.size() >= kVolumesMax) return Win32Error::not_enough_memory;
    NodeId root_node = kNoNode;
    const auto volume = static_cast<uint32_t>(volumes_.size());
    if (const Win32Error error = allocate_node(NodeKind::directory, volume, root_node);
        error != Win32Error::ok) {
      return error;
    }
    volumes_.push_back(Volume{root, root_node, capacity_bytes, 0, true});
    const bool inserted = volume_by_key_.emplace(upper_ascii(root), volume).second;
    DISTSIM_ASSERT(inserted);
    out = volume;
    return Win32Error::ok;
  }

  // The volume of a path; a drive volume comes into existence on first use, a UNC share never.
  [[nodiscard]] Win32Error volume_for(const WindowsPath& path, uint32_t& out) {
    upper_ascii_into(path.root, scratch_key_);
    const auto found = volume_by_key_.find(scratch_key_);
    if (found != volume_by_key_.end()) {
      out = found->second;
      DISTSIM_ASSERT(out < volumes_.size());
      return Win32Error::ok;
    }
    if (path.is_unc()) return Win32Error::bad_netpath;
    return create_volume(path.root, VolumeOptions{}.capacity_bytes, out);
  }

  [[nodiscard]] Lookup walk(const WindowsPath& path, uint32_t volume, std::string& key) const {
    DISTSIM_ASSERT(volume < volumes_.size());
    Lookup lookup;
    lookup.volume = volume;
    NodeId at = volumes_[volume].root_node;
    lookup.deepest = at;
    if (path.is_root()) lookup.node = at;
    const size_t count = path.components.size();
    for (size_t index = 0; index < count; ++index) {
      const Node& directory = nodes_[at];
      if (directory.kind != NodeKind::directory) return lookup;  // a file in the middle
      upper_ascii_into(path.components[index], key);
      const auto found = directory.children.find(key);
      if (found == directory.children.end()) {
        if (index + 1 == count) lookup.parent = at;
        return lookup;
      }
      at = found->second;
      lookup.deepest = at;
      lookup.matched = index + 1;
    }
    if (count > 0) {
      lookup.node = at;
      lookup.parent = nodes_[at].parent;
    }
    return lookup;
  }

  // Parses `text` into a scratch path, finds its volume and walks it; `display` (when recording)
  // gets the best display form known where it stopped.
  [[nodiscard]] Win32Error resolve(std::string_view text, size_t slot, Lookup& lookup,
                                   std::string& display) {
    DISTSIM_ASSERT(slot < 2);
    WindowsPath& path = scratch_paths_[slot];
    if (const Win32Error error = parse_windows_path_into(text, path); error != Win32Error::ok) {
      if (recording()) display.assign(text);
      return error;
    }
    uint32_t volume = kNoVolume;
    Win32Error error = volume_for(path, volume);
    if (error == Win32Error::ok && !volumes_[volume].reachable) error = Win32Error::bad_netpath;
    if (error != Win32Error::ok) {
      if (recording()) display = path.display();
      return error;
    }
    lookup = walk(path, volume, scratch_key_);
    if (recording()) display = lookup_display(path, lookup);
    return Win32Error::ok;
  }

  // The node a query names, or kNoNode (queries never create volumes).
  [[nodiscard]] NodeId find_node(const std::string& text) const {
    WindowsPath path;
    if (parse_windows_path_into(text, path) != Win32Error::ok) return kNoNode;
    const auto found = volume_by_key_.find(upper_ascii(path.root));
    if (found == volume_by_key_.end()) return kNoNode;
    std::string key;
    return walk(path, found->second, key).node;
  }

  // --- nodes
  [[nodiscard]] Win32Error allocate_node(NodeKind kind, uint32_t volume, NodeId& out) {
    // More nodes than the limit is a scenario or actor asking too much: an error value.
    if (node_count_ >= kFilesystemNodesMax) return Win32Error::not_enough_memory;
    if (free_nodes_.empty()) {
      out = static_cast<NodeId>(nodes_.size());
      nodes_.emplace_back();
    } else {
      out = free_nodes_.back();
      free_nodes_.pop_back();
    }
    Node& node = nodes_[out];
    DISTSIM_ASSERT(!node.in_use);
    node.in_use = true;
    node.kind = kind;
    node.volume = volume;
    ++node_count_;
    return Win32Error::ok;
  }

  [[nodiscard]] Win32Error create_child(NodeId parent, std::string_view name, NodeKind kind,
                                        NodeId& out) {
    DISTSIM_ASSERT(nodes_[parent].kind == NodeKind::directory);
    DISTSIM_ASSERT(!nodes_[parent].delete_pending);
    const Win32Error error = allocate_node(kind, nodes_[parent].volume, out);
    if (error != Win32Error::ok) return error;
    Node& node = nodes_[out];
    node.name.assign(name);
    node.parent = parent;
    if (kind == NodeKind::file) node.content.content_version = next_content_version_++;
    upper_ascii_into(name, scratch_key_);
    const bool inserted = nodes_[parent].children.emplace(scratch_key_, out).second;
    DISTSIM_ASSERT(inserted);
    return Win32Error::ok;
  }

  void release_name(NodeId id) {
    const Node& node = nodes_[id];
    DISTSIM_ASSERT(node.parent != kNoNode);
    DISTSIM_ASSERT(!node.orphaned);
    upper_ascii_into(node.name, scratch_key_);
    const size_t erased = nodes_[node.parent].children.erase(scratch_key_);
    DISTSIM_ASSERT(erased == 1);
  }

  void destroy_node(NodeId id) {
    Node& node = nodes_[id];
    DISTSIM_ASSERT(node.handles.empty());
    DISTSIM_ASSERT(node.children.empty());
    if (!node.orphaned) release_name(id);
    Volume& volume = volumes_[node.volume];
    DISTSIM_ASSERT(volume.used_bytes >= node.content.size_bytes);
    volume.used_bytes -= node.content.size_bytes;
    node.name.clear();
    node.locks.clear();
    node.orphan_path.clear();
    node.content = FileContent{};
    node.in_use = node.delete_pending = node.orphaned = false;
    node.parent = kNoNode;
    free_nodes_.push_back(id);
    --node_count_;
  }

  // DeleteFile / RemoveDirectory after their checks passed: gone now if nobody has it open,
  // else POSIX-orphaned (files, with posix_delete) or delete-pending until the last close.
  void delete_or_defer(NodeId id, bool posix) {
    Node& node = nodes_[id];
    DISTSIM_ASSERT(node.in_use);
    DISTSIM_ASSERT(!node.delete_pending);
    if (node.handles.empty()) {
      destroy_node(id);
    } else if (posix) {
      node.orphan_path = node_display(id);
      release_name(id);
      node.parent = kNoNode;
      node.orphaned = true;
    } else {
      node.delete_pending = true;
    }
    DISTSIM_ASSERT(!node.in_use || node.delete_pending || node.orphaned);
  }

  void move_node(NodeId id, NodeId new_parent, std::string_view name) {
    DISTSIM_ASSERT(nodes_[new_parent].kind == NodeKind::directory);
    DISTSIM_ASSERT(nodes_[id].volume == nodes_[new_parent].volume);
    release_name(id);
    Node& node = nodes_[id];
    node.name.assign(name);
    node.parent = new_parent;
    upper_ascii_into(name, scratch_key_);
    const bool inserted = nodes_[new_parent].children.emplace(scratch_key_, id).second;
    DISTSIM_ASSERT(inserted);
  }

  // Replaces a file's content, charging the volume for growth; ERROR_DISK_FULL changes nothing.
  [[nodiscard]] Win32Error replace_content(NodeId id, const FileContent& content) {
    Node& node = nodes_[id];
    Volume& volume = volumes_[node.volume];
    DISTSIM_ASSERT(node.kind == NodeKind::file);
    DISTSIM_ASSERT(volume.used_bytes >= node.content.size_bytes);
    const uint64_t old_size = node.content.size_bytes;
    if (content.size_bytes > old_size && content.size_bytes - old_size > free_bytes(volume)) {
      return Win32Error::disk_full;
    }
    volume.used_bytes = volume.used_bytes - old_size + content.size_bytes;
    node.content = content;
    return Win32Error::ok;
  }

  // Creates the first `count` components of `path` as directories where missing.
  [[nodiscard]] Win32Error ensure_directories(const WindowsPath& path, size_t count,
                                              uint32_t volume, NodeId& out) {
    DISTSIM_ASSERT(count <= path.components.size());
    NodeId at = volumes_[volume].root_node;
    for (size_t index = 0; index < count; ++index) {
      upper_ascii_into(path.components[index], scratch_key_);
      const Node& directory = nodes_[at];
      const auto found = directory.children.find(scratch_key_);
      if (found != directory.children.end()) {
        const Node& child = nodes_[found->second];
        if (child.kind == NodeKind::file) return Win32Error::already_exists;
        if (child.delete_pending) return Win32Error::access_denied;
        at = found->second;
        continue;
      }
      if (directory.delete_pending) return Win32Error::access_denied;
      NodeId created = kNoNode;
      const Win32Error error =
          create_child(at, path.components[index], NodeKind::directory, created);
      if (error != Win32Error::ok) return error;
      at = created;
    }
    out = at;
    return Win32Error::ok;
  }

  [[nodiscard]] bool has_open_descendant(NodeId id) const {
    std::vector<NodeId> stack{id};
    uint32_t visited = 0;
    while (!stack.empty()) {
      const NodeId at = stack.back();
      stack.pop_back();
      ++visited;
      DISTSIM_ASSERT(visited <= node_count_);
      for (const auto& [key, child] : nodes_[at].children) {
        if (!nodes_[child].handles.empty()) return true;
        stack.push_back(child);
      }
    }
    return false;
  }

  [[nodiscard]] bool is_ancestor_or_self(NodeId ancestor, NodeId id) const {
    uint32_t depth = 0;
    for (NodeId at = id; at != kNoNode; at = nodes_[at].parent) {
      if (at == ancestor) return true;
      ++depth;
      DISTSIM_ASSERT(depth <= kPathLengthMax);
    }
    return false;
  }

  // --- handles
  [[nodiscard]] size_t find_handle_index(HandleId id) const {
    const auto found =
        std::lower_bound(handles_.begin(), handles_.end(), id,
                         [](const Handle& handle, HandleId wanted) { return handle.id < wanted; });
    if (found == handles_.end() || found->id != id) return kNoIndex;
    return static_cast<size_t>(found - handles_.begin());
  }

  // Using a handle that is not open, or that another actor opened, is a caller bug.
  [[nodiscard]] size_t owned_handle_index(ActorId actor, HandleId id) const {
    const size_t index = find_handle_index(id);
    DISTSIM_ASSERT(index != kNoIndex);
    DISTSIM_ASSERT(handles_[index].actor == actor);
    return index;
  }

  [[nodiscard]] bool sharing_blocked(const Node& node, AccessMask access, ShareMode share) const {
    const AccessMask class_bits{sharing_class_bits(access)};
    if (class_bits.bits == 0) return false;
    return std::any_of(node.handles.begin(), node.handles.end(), [&](const NodeHandle& held) {
      return sharing_conflicts(AccessMask{held.class_bits}, ShareMode{held.share_bits}, class_bits,
                               share);
    });
  }

  [[nodiscard]] HandleId add_handle(ActorId actor, NodeId node, uint32_t access, ShareMode share) {
    DISTSIM_ASSERT(handles_.size() < kHandlesOpenMax);
    const HandleId id = next_handle_id_++;
    DISTSIM_ASSERT(handles_.empty() || handles_.back().id < id);
    handles_.push_back(Handle{id, actor, node, access});
    nodes_[node].handles.push_back(
        NodeHandle{id, sharing_class_bits(AccessMask{access}), share.bits});
    return id;
  }

  // ReadFile/WriteFile of [0, length) through handle `id`: blocked by another handle's exclusive
  // lock (read) or by any lock of another handle or a shared lock of its own (write).
  // Zero-length locks never block I/O (inference: they hold no bytes).
  [[nodiscard]] bool io_blocked(const Node& node, HandleId id, uint64_t length, bool write) const {
    DISTSIM_ASSERT(length > 0);
    return std::any_of(node.locks.begin(), node.locks.end(), [&](const ByteLock& lock) {
      if (lock.length == 0 || !ranges_overlap(lock.offset, lock.length, 0, length)) return false;
      if (write) return lock.owner != id || !lock.exclusive;
      return lock.owner != id && lock.exclusive;
    });
  }

  // --- actor operations (defined below)
  [[nodiscard]] Win32Error open(ActorId actor, const OpenRequest& request, std::string& display,
                                HandleId& out);
  [[nodiscard]] Win32Error open_missing(ActorId actor, const OpenRequest& request,
                                        const Lookup& lookup, HandleId& out);
  [[nodiscard]] Win32Error open_existing(ActorId actor, const OpenRequest& request, NodeId id,
                                         HandleId& out);
  void close(ActorId actor, HandleId id, std::string& display);
  [[nodiscard]] Win32Error read(ActorId actor, HandleId id, std::string& display, FileContent& out);
  [[nodiscard]] Win32Error write(ActorId actor, HandleId id, const FileContent& content,
                                 std::string& display);
  [[nodiscard]] Win32Error lock(ActorId actor, const ByteLock& wanted, std::string& display);
  [[nodiscard]] Win32Error unlock(ActorId actor, const ByteLock& wanted, std::string& display);
  [[nodiscard]] Win32Error delete_file(const std::string& text, std::string& display);
  [[nodiscard]] Win32Error remove_directory(const std::string& text, std::string& display);
  [[nodiscard]] Win32Error rename(const std::string& from, const std::string& to,
                                  std::string& from_display, std::string& to_display);
  [[nodiscard]] Win32Error check_rename_source(const Lookup& source) const;
  [[nodiscard]] Win32Error check_rename_target(const Lookup& source, const Lookup& target) const;
  [[nodiscard]] Win32Error move_file_across_volumes(NodeId id, NodeId new_parent,
                                                    std::string_view name);
  [[nodiscard]] Win32Error list_directory(const std::string& text, std::string& display,
                                          std::vector<DirectoryEntry>& out);
  [[nodiscard]] Win32Error file_io_preamble(const Handle& handle, std::string& display) const;
};

// --- open and close

Win32Error VirtualFileSystem::State::open(ActorId actor, const OpenRequest& request,
                                          std::string& display, HandleId& out) {
  DISTSIM_ASSERT(out == 0);
  if ((request.share.bits & ~model::share_bits::kAll) != 0) {
    if (recording()) display = request.path;
    return Win32Error::invalid_parameter;
  }
  Lookup lookup;
  if (const Win32Error error = resolve(request.path, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  // ERROR_TOO_MANY_OPEN_FILES (4) is not in Win32Error; the limit is reported as out of memory.
  if (handles_.size() >= kHandlesOpenMax) return Win32Error::not_enough_memory;
  const Win32Error error = lookup.node == kNoNode ? open_missing(actor, request, lookup, out)
                                                  : open_existing(actor, request, lookup.node, out);
  DISTSIM_ASSERT((error == Win32Error::ok) == (out != 0));
  return error;
}

Win32Error VirtualFileSystem::State::open_missing(ActorId actor, const OpenRequest& request,
                                                  const Lookup& lookup, HandleId& out) {
  if (lookup.parent == kNoNode) return Win32Error::path_not_found;
  if (request.disposition == CreateDisposition::open_existing) return Win32Error::file_not_found;
  // A delete-pending directory accepts no new entries (STATUS_DELETE_PENDING -> 5).
  if (nodes_[lookup.parent].delete_pending) return Win32Error::access_denied;
  NodeId created = kNoNode;
  const WindowsPath& path = scratch_paths_[0];
  DISTSIM_ASSERT(!path.components.empty());
  DISTSIM_ASSERT(nodes_[lookup.parent].kind == NodeKind::directory);
  const Win32Error error =
      create_child(lookup.parent, path.components.back(), NodeKind::file, created);
  if (error != Win32Error::ok) return error;
  out = add_handle(actor, created, map_generic_access(request.access), request.share);
  return Win32Error::ok;
}

Win32Error VirtualFileSystem::State::open_existing(ActorId actor, const OpenRequest& request,
                                                   NodeId id, HandleId& out) {
  Node& node = nodes_[id];
  DISTSIM_ASSERT(node.in_use);
  if (node.delete_pending) return Win32Error::access_denied;
  if (request.disposition == CreateDisposition::create_new) return Win32Error::file_exists;
  const bool truncate = request.disposition == CreateDisposition::create_always;
  if (truncate && node.kind == NodeKind::directory) return Win32Error::access_denied;
  if (sharing_blocked(node, request.access, request.share)) return Win32Error::sharing_violation;
  if (truncate) {
    const Win32Error error = replace_content(id, FileContent{0, next_content_version_++});
    DISTSIM_ASSERT(error == Win32Error::ok);  // shrinking never needs space
  }
  out = add_handle(actor, id, map_generic_access(request.access), request.share);
  return Win32Error::ok;
}

void VirtualFileSystem::State::close(ActorId actor, HandleId id, std::string& display) {
  const size_t index = owned_handle_index(actor, id);
  const NodeId node_id = handles_[index].node;
  if (recording()) display = node_display(node_id);
  handles_.erase(handles_.begin() + static_cast<std::ptrdiff_t>(index));
  Node& node = nodes_[node_id];
  const auto held = std::find_if(node.handles.begin(), node.handles.end(),
                                 [id](const NodeHandle& entry) { return entry.id == id; });
  DISTSIM_ASSERT(held != node.handles.end());
  node.handles.erase(held);
  std::erase_if(node.locks, [id](const ByteLock& lock) { return lock.owner == id; });
  if (node.handles.empty() && (node.delete_pending || node.orphaned)) destroy_node(node_id);
}

// --- I/O and locks on a handle

Win32Error VirtualFileSystem::State::file_io_preamble(const Handle& handle,
                                                      std::string& display) const {
  const Node& node = nodes_[handle.node];
  DISTSIM_ASSERT(node.in_use);
  if (recording()) display = node_display(handle.node);
  if (!volumes_[node.volume].reachable) return Win32Error::bad_netpath;
  // I/O or locking on a directory handle is ERROR_INVALID_FUNCTION (1) on Windows, which is not
  // in Win32Error; it is reported as access denied.
  if (node.kind == NodeKind::directory) return Win32Error::access_denied;
  return Win32Error::ok;
}

Win32Error VirtualFileSystem::State::read(ActorId actor, HandleId id, std::string& display,
                                          FileContent& out) {
  const Handle& handle = handles_[owned_handle_index(actor, id)];
  if (const Win32Error error = file_io_preamble(handle, display); error != Win32Error::ok) {
    return error;
  }
  // ReadFile needs FILE_READ_DATA itself; FILE_EXECUTE (read class for sharing) does not do.
  if ((handle.access & bits::kFileReadData) == 0) return Win32Error::access_denied;
  const Node& node = nodes_[handle.node];
  DISTSIM_ASSERT(node.kind == NodeKind::file);
  const uint64_t length = std::max<uint64_t>(node.content.size_bytes, 1);
  if (io_blocked(node, id, length, /*write=*/false)) return Win32Error::lock_violation;
  out = node.content;
  return Win32Error::ok;
}

Win32Error VirtualFileSystem::State::write(ActorId actor, HandleId id, const FileContent& content,
                                           std::string& display) {
  const Handle& handle = handles_[owned_handle_index(actor, id)];
  if (const Win32Error error = file_io_preamble(handle, display); error != Win32Error::ok) {
    return error;
  }
  // Replacing the content from offset 0 needs FILE_WRITE_DATA; FILE_APPEND_DATA only appends.
  if ((handle.access & bits::kFileWriteData) == 0) return Win32Error::access_denied;
  const Node& node = nodes_[handle.node];
  if (content.size_bytes > 0 && io_blocked(node, id, content.size_bytes, /*write=*/true)) {
    return Win32Error::lock_violation;
  }
  const Win32Error error = replace_content(handle.node, content);
  DISTSIM_ASSERT(error != Win32Error::ok || nodes_[handle.node].content == content);
  return error;
}

Win32Error VirtualFileSystem::State::lock(ActorId actor, const ByteLock& wanted,
                                          std::string& display) {
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
  if (conflict) return Win32Error::lock_violation;
  node.locks.push_back(wanted);
  DISTSIM_ASSERT(node.locks.size() <= kLocksPerFileMax);
  return Win32Error::ok;
}

Win32Error VirtualFileSystem::State::unlock(ActorId actor, const ByteLock& wanted,
                                            std::string& display) {
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

// --- namespace operations

Win32Error VirtualFileSystem::State::delete_file(const std::string& text, std::string& display) {
  Lookup lookup;
  if (const Win32Error error = resolve(text, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  if (lookup.node == kNoNode) return missing_error(lookup);
  const Node& node = nodes_[lookup.node];
  DISTSIM_ASSERT(node.in_use);
  if (node.kind == NodeKind::directory) return Win32Error::access_denied;
  if (node.delete_pending) return Win32Error::access_denied;  // STATUS_DELETE_PENDING
  if (sharing_blocked(node, kDeleteOpenAccess, kShareAll)) return Win32Error::sharing_violation;
  delete_or_defer(lookup.node, options_.posix_delete);
  return Win32Error::ok;
}

Win32Error VirtualFileSystem::State::remove_directory(const std::string& text,
                                                      std::string& display) {
  Lookup lookup;
  if (const Win32Error error = resolve(text, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  if (lookup.node == kNoNode) return missing_error(lookup);
  const Node& node = nodes_[lookup.node];
  // RemoveDirectory on a file is ERROR_DIRECTORY (267), not in Win32Error: path not found.
  if (node.kind == NodeKind::file) return Win32Error::path_not_found;
  if (node.parent == kNoNode) return Win32Error::access_denied;  // a volume root
  if (node.delete_pending) return Win32Error::access_denied;
  // The open (DELETE, share all) comes before the disposition, so 32 wins over 145.
  if (sharing_blocked(node, kDeleteOpenAccess, kShareAll)) return Win32Error::sharing_violation;
  if (!node.children.empty()) return Win32Error::dir_not_empty;
  DISTSIM_ASSERT(node.kind == NodeKind::directory);
  // POSIX delete is modelled for DeleteFile only; a directory lingers delete-pending (facts 1.2).
  delete_or_defer(lookup.node, /*posix=*/false);
  return Win32Error::ok;
}

Win32Error VirtualFileSystem::State::check_rename_source(const Lookup& source) const {
  if (source.node == kNoNode) return missing_error(source);
  const Node& node = nodes_[source.node];
  if (node.parent == kNoNode) return Win32Error::access_denied;  // a volume root
  if (node.delete_pending) return Win32Error::access_denied;
  if (sharing_blocked(node, kDeleteOpenAccess, kShareAll)) return Win32Error::sharing_violation;
  // facts 1.3: any open handle below a directory blocks its rename with 5, share mode or not.
  if (node.kind == NodeKind::directory && has_open_descendant(source.node)) {
    return Win32Error::access_denied;
  }
  return Win32Error::ok;
}

Win32Error VirtualFileSystem::State::check_rename_target(const Lookup& source,
                                                         const Lookup& target) const {
  DISTSIM_ASSERT(source.node != kNoNode);
  DISTSIM_ASSERT(target.volume != kNoVolume);
  if (target.node == source.node) return Win32Error::ok;  // the same name, perhaps a new case
  if (target.parent == kNoNode) {
    return target.node == kNoNode ? Win32Error::path_not_found : Win32Error::access_denied;
  }
  // MoveFile without MOVEFILE_REPLACE_EXISTING; an open target is refused with 5 (facts 1.3).
  if (target.node != kNoNode) {
    return nodes_[target.node].handles.empty() ? Win32Error::already_exists
                                               : Win32Error::access_denied;
  }
  if (nodes_[target.parent].delete_pending) return Win32Error::access_denied;
  const bool is_directory = nodes_[source.node].kind == NodeKind::directory;
  // Moving a directory into itself: the exact Windows code is not documented; 87 is assumed.
  if (is_directory && is_ancestor_or_self(source.node, target.parent)) {
    return Win32Error::invalid_parameter;
  }
  // A directory cannot change volume: ERROR_NOT_SAME_DEVICE (17) is not in Win32Error, so 5.
  if (is_directory && source.volume != target.volume) return Win32Error::access_denied;
  return Win32Error::ok;
}

// MoveFile copies a file to another volume and deletes the source; handles stay on the source.
Win32Error VirtualFileSystem::State::move_file_across_volumes(NodeId id, NodeId new_parent,
                                                              std::string_view name) {
  DISTSIM_ASSERT(nodes_[id].kind == NodeKind::file);
  DISTSIM_ASSERT(nodes_[id].volume != nodes_[new_parent].volume);
  const FileContent content = nodes_[id].content;
  const uint64_t read_length = std::max<uint64_t>(content.size_bytes, 1);
  if (io_blocked(nodes_[id], 0, read_length, /*write=*/false)) return Win32Error::lock_violation;
  if (content.size_bytes > free_bytes(volumes_[nodes_[new_parent].volume])) {
    return Win32Error::disk_full;
  }
  NodeId copy = kNoNode;
  if (const Win32Error error = create_child(new_parent, name, NodeKind::file, copy);
      error != Win32Error::ok) {
    return error;
  }
  const Win32Error error = replace_content(copy, content);
  DISTSIM_ASSERT(error == Win32Error::ok);
  delete_or_defer(id, options_.posix_delete);
  return Win32Error::ok;
}

Win32Error VirtualFileSystem::State::rename(const std::string& from, const std::string& to,
                                            std::string& from_display, std::string& to_display) {
  Lookup source;
  Lookup target;
  if (const Win32Error error = resolve(from, 0, source, from_display); error != Win32Error::ok) {
    if (recording()) to_display = to;
    return error;
  }
  if (const Win32Error error = resolve(to, 1, target, to_display); error != Win32Error::ok) {
    return error;
  }
  if (const Win32Error error = check_rename_source(source); error != Win32Error::ok) {
    return error;
  }
  if (const Win32Error error = check_rename_target(source, target); error != Win32Error::ok) {
    return error;
  }
  DISTSIM_ASSERT(!scratch_paths_[1].components.empty());  // the target is not a root
  const std::string& name = scratch_paths_[1].components.back();
  if (target.node == source.node) {
    move_node(source.node, nodes_[source.node].parent, name);
    return Win32Error::ok;
  }
  if (source.volume != target.volume) {
    return move_file_across_volumes(source.node, target.parent, name);
  }
  move_node(source.node, target.parent, name);
  return Win32Error::ok;
}

Win32Error VirtualFileSystem::State::list_directory(const std::string& text, std::string& display,
                                                    std::vector<DirectoryEntry>& out) {
  DISTSIM_ASSERT(out.empty());
  Lookup lookup;
  if (const Win32Error error = resolve(text, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  // FindFirstFile reports a missing directory as ERROR_PATH_NOT_FOUND whichever part is missing;
  // listing a file is ERROR_DIRECTORY (267) on Windows, not in Win32Error, so 3 as well.
  if (lookup.node == kNoNode) return Win32Error::path_not_found;
  const Node& directory = nodes_[lookup.node];
  if (directory.kind == NodeKind::file) return Win32Error::path_not_found;
  if (directory.delete_pending) return Win32Error::access_denied;
  if (sharing_blocked(directory, kListOpenAccess, kShareAll)) {
    return Win32Error::sharing_violation;
  }
  // The map's upper-case byte order is the order of less_case_insensitive. Delete-pending
  // entries are listed, as Windows lists them.
  out.reserve(directory.children.size());
  for (const auto& [key, child_id] : directory.children) {
    const Node& child = nodes_[child_id];
    const bool is_directory = child.kind == NodeKind::directory;
    out.push_back(
        DirectoryEntry{child.name, is_directory, is_directory ? 0 : child.content.size_bytes});
  }
  DISTSIM_ASSERT(out.size() == directory.children.size());
  return Win32Error::ok;
}

// --- VirtualFileSystem: set-up

namespace {

// "C:" or "\\SERVER\SHARE" (a trailing separator is accepted) as a root-only WindowsPath.
Win32Error parse_root(const std::string& root, WindowsPath& out) {
  std::string text = root;
  if (text.size() == 2 && text[1] == ':') text.push_back('\\');
  if (const Win32Error error = parse_windows_path_into(text, out); error != Win32Error::ok) {
    return error;
  }
  return out.is_root() ? Win32Error::ok : Win32Error::invalid_name;
}

}  // namespace

VirtualFileSystem::VirtualFileSystem(const Clock& clock, VfsOptions options)
    : state_(std::make_unique<State>(clock, options)) {}

VirtualFileSystem::~VirtualFileSystem() = default;

ActorId VirtualFileSystem::register_actor(const std::string& name) {
  DISTSIM_ASSERT(!name.empty());
  DISTSIM_ASSERT(state_->actors_.size() < kVfsActorsMax);
  state_->actors_.push_back(name);
  return static_cast<ActorId>(state_->actors_.size());
}

const std::string& VirtualFileSystem::actor_name(ActorId actor) const {
  DISTSIM_ASSERT(actor >= 1);
  DISTSIM_ASSERT(actor <= state_->actors_.size());
  return state_->actors_[actor - 1];
}

void VirtualFileSystem::set_observer(VfsObserver* observer) { state_->observer_ = observer; }

Win32Error VirtualFileSystem::add_volume(const VolumeOptions& options) {
  WindowsPath path;
  if (const Win32Error error = parse_root(options.root, path); error != Win32Error::ok) {
    return error;
  }
  if (state_->volume_by_key_.count(path.root_key()) != 0) return Win32Error::already_exists;
  uint32_t volume = kNoVolume;
  return state_->create_volume(path.root, options.capacity_bytes, volume);
}

Win32Error VirtualFileSystem::set_volume_reachable(const std::string& root, bool reachable) {
  WindowsPath path;
  uint32_t volume = kNoVolume;
  Win32Error error = parse_root(root, path);
  if (error == Win32Error::ok) error = state_->volume_for(path, volume);
  if (error == Win32Error::ok) state_->volumes_[volume].reachable = reachable;
  return error;
}

Win32Error VirtualFileSystem::set_volume_capacity(const std::string& root,
                                                  uint64_t capacity_bytes) {
  WindowsPath path;
  uint32_t volume = kNoVolume;
  Win32Error error = parse_root(root, path);
  if (error == Win32Error::ok) error = state_->volume_for(path, volume);
  if (error == Win32Error::ok) state_->volumes_[volume].capacity_bytes = capacity_bytes;
  return error;
}

Win32Error VirtualFileSystem::make_directories(const std::string& text) {
  WindowsPath path;
  uint32_t volume = kNoVolume;
  NodeId directory = kNoNode;
  Win32Error error = parse_windows_path_into(text, path);
  if (error == Win32Error::ok) error = state_->volume_for(path, volume);
  if (error != Win32Error::ok) return error;
  return state_->ensure_directories(path, path.components.size(), volume, directory);
}

Win32Error VirtualFileSystem::make_file(const std::string& text, FileContent content) {
  State& state = *state_;
  WindowsPath path;
  uint32_t volume = kNoVolume;
  NodeId parent = kNoNode;
  Win32Error error = parse_windows_path_into(text, path);
  if (error == Win32Error::ok && path.is_root()) error = Win32Error::access_denied;
  if (error == Win32Error::ok) error = state.volume_for(path, volume);
  if (error == Win32Error::ok) {
    error = state.ensure_directories(path, path.components.size() - 1, volume, parent);
  }
  if (error != Win32Error::ok) return error;
  const Lookup lookup = state.walk(path, volume, state.scratch_key_);
  NodeId file = lookup.node;
  if (file != kNoNode) {
    const Node& node = state.nodes_[file];
    if (node.kind == NodeKind::directory || node.delete_pending) return Win32Error::access_denied;
    return state.replace_content(file, content);
  }
  if (content.size_bytes > free_bytes(state.volumes_[volume])) return Win32Error::disk_full;
  error = state.create_child(parent, path.components.back(), NodeKind::file, file);
  if (error != Win32Error::ok) return error;
  error = state.replace_content(file, content);
  DISTSIM_ASSERT(error == Win32Error::ok);
  return error;
}

uint64_t VirtualFileSystem::new_content_version() { return state_->next_content_version_++; }

// --- VirtualFileSystem: actor operations

model::Result<HandleId> VirtualFileSystem::open(ActorId actor, const OpenRequest& request) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::open);
  event.access = request.access;
  event.share = request.share;
  HandleId handle = 0;
  event.result = state_->open(actor, request, event.path, handle);
  event.handle = handle;
  const Win32Error error = event.result;
  state_->emit(event);
  if (error != Win32Error::ok) return error;
  return handle;
}

void VirtualFileSystem::close(ActorId actor, HandleId handle) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::close);
  event.handle = handle;
  state_->close(actor, handle, event.path);
  state_->emit(event);
}

model::Result<FileContent> VirtualFileSystem::read(ActorId actor, HandleId handle) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::read);
  event.handle = handle;
  FileContent content;
  event.result = state_->read(actor, handle, event.path, content);
  const Win32Error error = event.result;
  state_->emit(event);
  if (error != Win32Error::ok) return error;
  return content;
}

Win32Error VirtualFileSystem::write(ActorId actor, HandleId handle, const FileContent& content) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::write);
  event.handle = handle;
  event.result = state_->write(actor, handle, content, event.path);
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::lock(ActorId actor, HandleId handle, uint64_t offset, uint64_t length,
                                   bool exclusive) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::lock);
  event.handle = handle;
  event.result = state_->lock(actor, ByteLock{handle, offset, length, exclusive}, event.path);
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::unlock(ActorId actor, HandleId handle, uint64_t offset,
                                     uint64_t length) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::unlock);
  event.handle = handle;
  event.result = state_->unlock(actor, ByteLock{handle, offset, length, false}, event.path);
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::delete_file(ActorId actor, const std::string& path) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::delete_file);
  event.result = state_->delete_file(path, event.path);
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::remove_directory(ActorId actor, const std::string& path) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::remove_directory);
  event.result = state_->remove_directory(path, event.path);
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::rename(ActorId actor, const std::string& from,
                                     const std::string& to) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::rename);
  event.result = state_->rename(from, to, event.path, event.to);
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::create_directories(ActorId actor, const std::string& path) {
  State& state = *state_;
  VfsEvent event = state.begin_event(actor, VfsOperation::create_directory);
  Lookup lookup;
  event.result = state.resolve(path, 0, lookup, event.path);
  if (event.result == Win32Error::ok) {
    const WindowsPath& parsed = state.scratch_paths_[0];
    NodeId directory = kNoNode;
    event.result =
        state.ensure_directories(parsed, parsed.components.size(), lookup.volume, directory);
  }
  const Win32Error error = event.result;
  state.emit(event);
  return error;
}

model::Result<std::vector<DirectoryEntry>> VirtualFileSystem::list_directory(
    ActorId actor, const std::string& path) {
  VfsEvent event = state_->begin_event(actor, VfsOperation::list_directory);
  std::vector<DirectoryEntry> entries;
  event.result = state_->list_directory(path, event.path, entries);
  const Win32Error error = event.result;
  state_->emit(event);
  if (error != Win32Error::ok) return error;
  return entries;
}

// --- VirtualFileSystem: queries

bool VirtualFileSystem::exists(const std::string& path) const {
  return state_->find_node(path) != kNoNode;
}

bool VirtualFileSystem::is_directory(const std::string& path) const {
  const NodeId id = state_->find_node(path);
  return id != kNoNode && state_->nodes_[id].kind == NodeKind::directory;
}

std::optional<FileContent> VirtualFileSystem::file_content(const std::string& path) const {
  const NodeId id = state_->find_node(path);
  if (id == kNoNode || state_->nodes_[id].kind != NodeKind::file) return std::nullopt;
  return state_->nodes_[id].content;
}

bool VirtualFileSystem::is_delete_pending(const std::string& path) const {
  const NodeId id = state_->find_node(path);
  return id != kNoNode && state_->nodes_[id].delete_pending;
}

uint32_t VirtualFileSystem::open_handle_count(const std::string& path) const {
  const NodeId id = state_->find_node(path);
  if (id == kNoNode) return 0;
  return static_cast<uint32_t>(state_->nodes_[id].handles.size());
}

uint32_t VirtualFileSystem::open_handle_count() const {
  DISTSIM_ASSERT(state_->handles_.size() <= kHandlesOpenMax);
  return static_cast<uint32_t>(state_->handles_.size());
}

std::vector<std::string> VirtualFileSystem::files_under(const std::string& path) const {
  const State& state = *state_;
  std::vector<std::string> files;
  const NodeId top = state.find_node(path);
  if (top == kNoNode || state.nodes_[top].kind != NodeKind::directory) return files;
  std::vector<NodeId> stack{top};
  while (!stack.empty()) {
    const NodeId at = stack.back();
    stack.pop_back();
    for (const auto& [key, child] : state.nodes_[at].children) {
      if (state.nodes_[child].kind == NodeKind::file) {
        files.push_back(state.node_display(child));
      } else {
        stack.push_back(child);
      }
    }
    DISTSIM_ASSERT(stack.size() <= state.node_count_);
  }
  std::sort(files.begin(), files.end(), [](const std::string& left, const std::string& right) {
    return less_case_insensitive(left, right);
  });
  return files;
}

std::optional<std::string> VirtualFileSystem::handle_path(HandleId handle) const {
  const size_t index = state_->find_handle_index(handle);
  if (index == kNoIndex) return std::nullopt;
  return state_->node_display(state_->handles_[index].node);
}

const std::vector<VfsEvent>& VirtualFileSystem::access_log() const { return state_->log_; }

uint64_t VirtualFileSystem::access_log_dropped_count() const { return state_->log_dropped_count_; }

// --- ActorFileSystem

model::Result<HandleId> ActorFileSystem::open(const model::OpenRequest& request) {
  return vfs_.open(actor_, request);
}

std::vector<HandleId> VirtualFileSystem::open_handles_of(ActorId actor) const {
  std::vector<HandleId> handles;
  for (const Handle& handle : state_->handles_) {
    if (handle.actor == actor) handles.push_back(handle.id);
  }
  return handles;
}

void ActorFileSystem::close(HandleId handle) { vfs_.close(actor_, handle); }

model::Result<FileContent> ActorFileSystem::read(HandleId handle) {
  return vfs_.read(actor_, handle);
}

Win32Error ActorFileSystem::write(HandleId handle, const FileContent& content) {
  return vfs_.write(actor_, handle, content);
}

model::Result<std::vector<model::DirectoryEntry>> ActorFileSystem::list_directory(
    const std::string& path) {
  return vfs_.list_directory(actor_, path);
}

Win32Error ActorFileSystem::create_directories(const std::string& path) {
  return vfs_.create_directories(actor_, path);
}

Win32Error ActorFileSystem::delete_file(const std::string& path) {
  return vfs_.delete_file(actor_, path);
}

Win32Error ActorFileSystem::remove_directory(const std::string& path) {
  return vfs_.remove_directory(actor_, path);
}

Win32Error ActorFileSystem::rename(const std::string& from, const std::string& to) {
  return vfs_.rename(actor_, from, to);
}

}  // namespace distsim::sim
