// The records behind VirtualFileSystem and the State its vfs_*.cpp files share: nodes live in
// chunked slots (slots are reused, ids never reach output), children in sorted lists keyed by
// folded name, open handles in a vector sorted by id, and each node keeps a small vector of
// (handle, class, share) so an open's sharing check reads one node. Only sim/fs/vfs*.cpp and
// their tests include it.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/assert.h"
#include "sim/fs/vfs.h"
#include "sim/fs/vfs_names.h"
#include "sim/fs/vfs_path_cache.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim::vfs_internal {

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
inline constexpr uint32_t kNoVolume = std::numeric_limits<uint32_t>::max();
inline constexpr size_t kNoIndex = std::numeric_limits<size_t>::max();

// The index of the item with this id in a vector kept sorted by id (handles, image sections),
// or kNoIndex.
template <typename Item>
[[nodiscard]] size_t index_of_id(const std::vector<Item>& items, HandleId id) {
  const auto found =
      std::lower_bound(items.begin(), items.end(), id,
                       [](const Item& item, HandleId wanted) { return item.id < wanted; });
  if (found == items.end() || found->id != id) return kNoIndex;
  return static_cast<size_t>(found - items.begin());
}

enum class NodeKind : uint8_t { file, directory };

struct NodeHandle {
  HandleId id = 0;
  uint32_t class_bits = 0;  // sharing_class_bits of the handle's access
  uint32_t share_bits = 0;
};

// The handles open on one node. Most nodes have none or one at a time (a copy opens each file
// once), so one handle is kept inline and a second one moves them all to the heap: a file opened
// once costs no allocation, and one closed again keeps no heap block behind.
class HandleList {
 public:
  [[nodiscard]] const NodeHandle* begin() const { return spill_ ? spill_->data() : &inline_; }
  [[nodiscard]] const NodeHandle* end() const { return begin() + size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] size_t size() const { return size_; }
  void push_back(const NodeHandle& handle) {
    if (spill_) {
      spill_->push_back(handle);
    } else if (size_ == 0) {
      inline_ = handle;
    } else {
      spill_ = std::make_unique<std::vector<NodeHandle>>();
      spill_->reserve(4);
      spill_->push_back(inline_);
      spill_->push_back(handle);
    }
    ++size_;
  }
  void erase(const NodeHandle* at) {
    DISTSIM_ASSERT(at >= begin() && at < end());
    if (spill_) {
      spill_->erase(spill_->begin() + (at - spill_->data()));
      if (spill_->size() == 1) {
        inline_ = spill_->front();
        spill_.reset();
      }
    }
    --size_;
    DISTSIM_ASSERT(spill_ ? spill_->size() == size_ : size_ <= 1);
  }

 private:
  NodeHandle inline_;  // the handle while there is only one
  uint32_t size_ = 0;
  std::unique_ptr<std::vector<NodeHandle>> spill_;  // all of them, from the second on
};

struct ByteLock {
  HandleId owner = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  bool exclusive = false;
};

// A file's byte-range locks. Most files never have one, so the list costs one pointer until the
// first lock (at a million nodes, 16 bytes each is 16 MB).
class LockList {
 public:
  using iterator = std::vector<ByteLock>::iterator;
  using const_iterator = std::vector<ByteLock>::const_iterator;
  [[nodiscard]] iterator begin() { return locks_ ? locks_->begin() : iterator(); }
  [[nodiscard]] iterator end() { return locks_ ? locks_->end() : iterator(); }
  [[nodiscard]] const_iterator begin() const {
    return locks_ ? locks_->cbegin() : const_iterator();
  }
  [[nodiscard]] const_iterator end() const { return locks_ ? locks_->cend() : const_iterator(); }
  [[nodiscard]] size_t size() const { return locks_ ? locks_->size() : 0; }
  void push_back(const ByteLock& lock) {
    if (!locks_) locks_ = std::make_unique<std::vector<ByteLock>>();
    locks_->push_back(lock);
  }
  void erase(iterator at) { locks_->erase(at); }
  template <typename Predicate>
  void erase_if(Predicate predicate) {
    if (locks_) std::erase_if(*locks_, predicate);
  }
  void clear() { locks_.reset(); }

 private:
  std::unique_ptr<std::vector<ByteLock>> locks_;
};

// A directory's entries by name number, in listing order: folded names compared as unsigned
// bytes, the order of less_case_insensitive. Files, most nodes, keep one null pointer. A directory
// keeps its entries in a sorted vector while they are few (a copy creates its files in listing
// order, so most inserts append) and in a tree once they outgrow kFlatMax, until erases leave
// half as many, so that inserting in any order into a huge directory stays logarithmic. The keys
// are name numbers: an entry costs no copy of its name.
class ChildList {
 public:
  // Sorted vectors up to this size; a tree beyond it.
  static constexpr size_t kFlatMax = 256;
  // A tree goes back to a vector when erases leave it this many entries: well below kFlatMax,
  // so that a directory going back and forth across kFlatMax does not rebuild its list each time.
  static constexpr size_t kFlatAgainMax = kFlatMax / 2;
  // A directory of at most this many entries is searched by scanning its list (State's
  // child_numbered), not through the ChildIndex: its few entries sit in two or three cache lines
  // that the lookup's path has just touched, where the index's slot is a cache miss.
  static constexpr size_t kScanMax = 24;
  static_assert(kScanMax < kFlatAgainMax, "a scanned list is always a vector");

  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] size_t size() const;
  // The entry of that name number, or kNoNode; for a list of at most kScanMax entries.
  [[nodiscard]] NodeId scan(NameId name) const {
    DISTSIM_ASSERT(size() <= kScanMax);
    NodeId found = kNoNode;
    for_each([&](NameId entry_name, NodeId child) {
      if (entry_name == name) found = child;
      return found == kNoNode;
    });
    return found;
  }
  // False when the directory already has an entry of that name.
  [[nodiscard]] bool insert(const NameTable& names, NameId name, NodeId child);
  [[nodiscard]] size_t erase(NameId name);
  // Calls visit(name, child) for each entry in listing order (reverse order for for_each_reverse)
  // while it returns true; false when a visit stopped the walk.
  template <typename Visit>
  bool for_each(Visit&& visit) const {
    if (!storage_) return true;
    if (storage_->tree) {
      for (const auto& [name, child] : *storage_->tree) {
        if (!visit(name, child)) return false;
      }
      return true;
    }
    for (const auto& [name, child] : storage_->flat) {
      if (!visit(name, child)) return false;
    }
    return true;
  }
  template <typename Visit>
  bool for_each_reverse(Visit&& visit) const {
    if (!storage_) return true;
    if (storage_->tree) {
      for (auto entry = storage_->tree->rbegin(); entry != storage_->tree->rend(); ++entry) {
        if (!visit(entry->first, entry->second)) return false;
      }
      return true;
    }
    for (auto entry = storage_->flat.rbegin(); entry != storage_->flat.rend(); ++entry) {
      if (!visit(entry->first, entry->second)) return false;
    }
    return true;
  }

 private:
  struct FoldedOrder {
    const NameTable* names = nullptr;
    [[nodiscard]] bool operator()(NameId left, NameId right) const {
      return names->folded(left) < names->folded(right);
    }
  };
  using Entry = std::pair<NameId, NodeId>;
  using Tree = std::map<NameId, NodeId, FoldedOrder>;
  struct Storage {
    std::vector<Entry> flat;     // sorted by folded name, while there is no tree
    std::unique_ptr<Tree> tree;  // every entry, from when the vector outgrew kFlatMax until
                                 // erases leave kFlatAgainMax
  };
  std::unique_ptr<Storage> storage_;
};

struct Node {
  NameId name_id = kNoName;           // the folded name in State::names_; kNoName for a root
  SpellingId spelling = kNoSpelling;  // the name as created in State::spellings_; none for a root
  NodeKind kind = NodeKind::directory;
  bool in_use = false;
  bool delete_pending = false;
  bool orphaned = false;        // POSIX-deleted: out of the namespace, alive while handles remain
  bool read_only = false;       // FILE_ATTRIBUTE_READONLY
  uint32_t image_sections = 0;  // image sections mapped from this file (State::sections_)
  uint32_t data_sections = 0;   // data sections of any protection mapped from it
  uint32_t writable_sections = 0;  // the PAGE_READWRITE ones among them
  NodeId parent = kNoNode;
  uint32_t volume = kNoVolume;
  FileContent content;
  ChildList children;
  HandleList handles;
  LockList locks;
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

[[nodiscard]] inline uint64_t free_bytes(const Volume& volume) {
  return volume.capacity_bytes > volume.used_bytes ? volume.capacity_bytes - volume.used_bytes : 0;
}

struct Handle {
  HandleId id = 0;
  ActorId actor = 0;
  NodeId node = kNoNode;
  uint32_t access = 0;     // generic-mapped
  uint32_t requested = 0;  // as CreateFile was asked (generic rights unmapped), for blame
  uint32_t share = 0;
  TimeUs opened_us = 0;
  bool delete_on_close = false;
};

// A section: a running program's image, or a data section with a view mapped. It outlives the
// handle it was made from.
struct Section {
  HandleId id = 0;  // from the same counter as handles
  ActorId actor = 0;
  NodeId node = kNoNode;
  uint32_t requested = 0;  // the access and share of the handle it was made from, for blame
  uint32_t share = 0;
  TimeUs mapped_us = 0;
  bool image = true;
  PageProtection protection = PageProtection::readonly;  // of a data section
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

// How an event's display path is made when someone reads it (LazyPath): the path as written, a
// node's path, the parse of a path that reached no volume, or a lookup's display (the existing
// part as created, the rest as written). What it refers to stays valid until the next operation
// begins or a set-up call resolves a path: both settle every pending display first.
struct PendingDisplay {
  enum class Kind : uint8_t { text, node, parsed, lookup };
  Kind kind = Kind::text;
  std::string_view text;                    // text, lookup: the path as the caller wrote it
  NodeId node = kNoNode;                    // node
  const PathCache::Entry* entry = nullptr;  // parsed, lookup
  Lookup lookup;                            // lookup
};

// Everything a VirtualFileSystem holds. Each group of members is defined in the file named by its
// heading; every actor operation is checked in the order Windows checks it, then recorded.
struct State final : LazyPath::Builder {
  State(const Clock& clock, VfsOptions options) : clock_(clock), options_(options) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() = default;
  [[nodiscard]] static uint64_t next_serial() {
    static std::atomic<uint64_t> made{0};
    return made.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  const Clock& clock_;
  VfsOptions options_;
  // This file system among all made in the process (never 0): keys what a thread keeps about it.
  const uint64_t serial_ = next_serial();
  VfsObserver* observer_ = nullptr;
  VfsInterest observer_interest_;
  std::vector<std::string> actors_;  // ActorId n is actors_[n - 1]
  std::vector<Volume> volumes_;
  std::map<std::string, uint32_t, std::less<>> volume_by_key_;
  RootCache root_cache_;  // in front of volume_by_key_, for roots as written
  // Path lookups: interned folded names, and (directory, name) -> child for every named node
  // in the namespace (orphans are out of it).
  NameTable names_;
  SpellingTable spellings_;
  ChildIndex child_index_;
  // Names taken out of the namespace so far, plus one (release_name): the path cache's walks stay
  // good while it is unchanged (PathCache::Entry::node_generation).
  uint64_t names_removed_ = 1;
  NodeStore nodes_;
  std::vector<NodeId> free_nodes_;
  // The display path each POSIX-deleted node had when it left the namespace (few, so kept beside
  // the nodes rather than in each).
  std::map<NodeId, std::string> orphan_paths_;
  uint32_t node_count_ = 0;        // live nodes, orphans included
  uint32_t read_only_nodes_ = 0;   // live nodes marked read-only (kept by mark_read_only)
  std::vector<Handle> handles_;    // sorted by id: ids only grow, so push_back keeps the order
  std::vector<Section> sections_;  // sorted by id, as handles_
  HandleId next_handle_id_ = 1;
  uint64_t next_content_version_ = 1;
  std::vector<VfsEvent> log_;  // at most kAccessLogEntriesMax; the observer sees every event
  std::vector<std::unique_ptr<VfsEvent>> event_slots_;  // see begin_event
  std::vector<PendingDisplay> pending_displays_;        // of the event in the same slot
  size_t event_depth_ = 0;
  PathCache path_cache_;
  // What the operation's resolve() calls parsed: [0] its path, [1] a rename's target.
  const PathCache::Entry* resolved_[2] = {nullptr, nullptr};
  std::string scratch_key_;
  std::vector<BlameEntry> blame_;  // of the last actor operation; see last_blame()

  // --- events (vfs.cpp)
  [[nodiscard]] bool recording() const {
    return options_.record_access_log || observer_ != nullptr;
  }
  // Also forgets the previous operation's blame (clear() keeps the capacity: no allocation).
  // Every operation takes an event with begin_event and gives it back with emit. The event lives
  // in a slot per nesting depth (an observer may operate in turn while it sees an event), reused
  // with its strings' capacity.
  [[nodiscard]] VfsEvent& begin_event(ActorId actor, VfsOperation operation);
  void emit(VfsEvent& event);
  // The display of the event under way, to be built when read: the operation fills it in.
  [[nodiscard]] PendingDisplay& defer_display(VfsEvent& event);
  // Builds every display still pending, before anything can change what they refer to.
  void settle_displays() const;
  void build_path(uint32_t slot, std::string& out) const override;
  void build_display(const PendingDisplay& display, std::string& out) const;

  // --- display paths, volumes and lookup (vfs_nodes.cpp)
  // The path of a node with the case of each component as created.
  [[nodiscard]] std::string node_display(NodeId id) const;
  // The same into `out`, reusing its storage.
  void node_display_into(NodeId id, std::string& out) const;
  // The existing part of the path as created, then the rest as written.
  void lookup_display_into(const CachedPath& path, const Lookup& lookup, std::string& out) const;
  // True when `text` (parsed as `path`, walked to `lookup`) is already its display form: written
  // with '\\' only, the root and every existing component in the case they were created, no
  // trailing separator. The display is then a copy of the text, without walking up the tree.
  [[nodiscard]] bool written_as_displayed(std::string_view text, const CachedPath& path,
                                          const Lookup& lookup) const;
  [[nodiscard]] size_t node_display_length(NodeId id) const;
  [[nodiscard]] Win32Error create_volume(const std::string& root, uint64_t capacity_bytes,
                                         uint32_t& out);
  // The volume of a path's root (WindowsPath::root, `unc` for "\\server\share"); a drive
  // volume comes into existence on first use, a UNC share never.
  [[nodiscard]] Win32Error volume_for(std::string_view root, bool unc, uint32_t& out);
  // Follows the name numbers of a path's components (`names`, kNoName for a name no node has)
  // from the volume's root.
  [[nodiscard]] Lookup walk(const std::vector<NameId>& names, uint32_t volume) const;
  // What walk gives for a path of `component_count` names whose folder, `directory`, is known:
  // one step, to the child called `name`.
  [[nodiscard]] Lookup step_from_folder(NodeId directory, NameId name, size_t component_count,
                                        uint32_t volume) const;
  // Parses `text` (through the path cache) into resolved_[slot], finds its volume and walks it;
  // `display` (when recording) gets the best display form known where it stopped.
  [[nodiscard]] Win32Error resolve(std::string_view text, size_t slot, Lookup& lookup,
                                   PendingDisplay& display);
  // The same with the display built at once.
  [[nodiscard]] Win32Error resolve(std::string_view text, size_t slot, Lookup& lookup,
                                   std::string& display);
  // A model::FolderHint as the VFS fills it: the directory a folder's path led to while
  // names_removed_ was `generation` (then, until a name leaves, the path leads there still).
  struct HintedFolder {
    NodeId node = kNoNode;
    uint32_t volume = 0;
    uint32_t depth = 0;      // the components of the folder's path
    uint32_t path_size = 0;  // the length of the folder's path as written
    uint64_t generation = 0;
    bool as_written = false;  // the path as written is the folder's display
  };
  [[nodiscard]] model::FolderHint hint_for(const HintedFolder& folder) const;
  // The hint's folder when it still holds for a path of `path_size` characters: the same names
  // are in the namespace and the volume is reachable. Otherwise the caller resolves the path.
  [[nodiscard]] bool usable_hint(const model::FolderHint& hint, size_t path_size,
                                 HintedFolder& out) const;
  // After open() found `text`'s file through the path cache (resolved_[0]): the hint of the file's
  // directory, or an empty one when the entry does not tell it (a file just created, a path not
  // displayed as written, a file at a volume's root).
  [[nodiscard]] model::FolderHint hint_for_opened(std::string_view text) const;
  // VirtualFileSystem::folder_hint.
  [[nodiscard]] model::FolderHint query_folder_hint(const std::string& text) const;
  // The rest of VirtualFileSystem::make_file once the folder is known: creates or replaces the
  // file `name` in `parent`.
  [[nodiscard]] Win32Error make_file_in(NodeId parent, uint32_t volume, std::string_view name,
                                        const FileContent& content, bool read_only);
  // Whether `hint` settles `text` as its folder's path, a backslash and a name: a usable hint
  // whose folder is written as displayed, and a text within the length limit. Then `folder` and
  // `name` (not yet checked as a name) are set; otherwise the caller resolves the whole text.
  [[nodiscard]] bool split_at_hint(const model::FolderHint& hint, std::string_view text,
                                   HintedFolder& folder, std::string_view& name) const;
  // What ensure_directories gives for an existing directory (every component exists): refused
  // when one of them is delete-pending.
  [[nodiscard]] Win32Error existing_directories_refusal(NodeId directory) const;
  // The node a query names, or kNoNode (queries never create volumes).
  [[nodiscard]] NodeId find_node(const std::string& text) const;

  // --- nodes (vfs_nodes.cpp)
  [[nodiscard]] Win32Error allocate_node(NodeKind kind, uint32_t volume, NodeId& out);
  // `name_id` is the number of `name` when the caller knows it (from the path cache), else
  // kNoName.
  [[nodiscard]] Win32Error create_child(NodeId parent, std::string_view name, NameId name_id,
                                        NodeKind kind, NodeId& out);
  // Takes a node's name out of its directory (children and the child index) / puts it in,
  // numbering the name unless `name_id` already gives its number.
  void release_name(NodeId id);
  void add_name(NodeId id, std::string_view name, NameId name_id);
  // The final component of a node's path as created.
  [[nodiscard]] const std::string& node_name(NodeId id) const {
    return spellings_.text(nodes_[id].spelling);
  }
  // The child of `directory` with the name numbered `name`, or kNoNode (also for kNoName).
  [[nodiscard]] NodeId child_numbered(NodeId directory, NameId name) const;
  void destroy_node(NodeId id);
  // Sets a live node's read-only attribute and keeps read_only_nodes_.
  void mark_read_only(NodeId id, bool read_only);
  // DeleteFile / RemoveDirectory after their checks passed: gone now if nobody has it open,
  // else POSIX-orphaned (files, with posix_delete) or delete-pending until the last close.
  void delete_or_defer(NodeId id, bool posix);
  void move_node(NodeId id, NodeId new_parent, std::string_view name, NameId name_id);
  // Replaces a file's content, charging the volume for growth; ERROR_DISK_FULL changes nothing.
  [[nodiscard]] Win32Error replace_content(NodeId id, const FileContent& content);
  // Creates the first `count` components of a resolved path as directories where missing.
  [[nodiscard]] Win32Error ensure_directories(const PathCache::Entry& resolved, size_t count,
                                              uint32_t volume, NodeId& out);
  [[nodiscard]] bool has_open_descendant(NodeId id) const;
  [[nodiscard]] bool is_ancestor_or_self(NodeId ancestor, NodeId id) const;

  // --- handles and the open path (vfs_open.cpp)
  [[nodiscard]] size_t find_handle_index(HandleId id) const;
  // Using a handle that is not open, or that another actor opened, is a caller bug.
  [[nodiscard]] size_t owned_handle_index(ActorId actor, HandleId id) const;
  [[nodiscard]] bool sharing_blocked(const Node& node, AccessMask access, ShareMode share) const;
  [[nodiscard]] HandleId add_handle(ActorId actor, NodeId node, AccessMask requested,
                                    ShareMode share, bool delete_on_close);
  [[nodiscard]] Win32Error open(ActorId actor, const model::OpenRequest& request,
                                PendingDisplay& display, HandleId& out);
  // open() for a request whose path is `folder`'s, a backslash and the plain `name` (numbered
  // `name_id`, or kNoName), with `display` already set to the path as written (the folder's path
  // is its display).
  [[nodiscard]] Win32Error open_in(ActorId actor, const model::OpenRequest& request,
                                   const HintedFolder& folder, std::string_view name,
                                   NameId name_id, PendingDisplay& display, HandleId& out);
  // The open once the path is looked up: the file found, or created as `name` (numbered
  // `name_id`, or kNoName) in the lookup's parent.
  [[nodiscard]] Win32Error open_looked_up(ActorId actor, const model::OpenRequest& request,
                                          const Lookup& lookup, std::string_view name,
                                          NameId name_id, HandleId& out);
  [[nodiscard]] Win32Error open_missing(ActorId actor, const model::OpenRequest& request,
                                        const Lookup& lookup, std::string_view name, NameId name_id,
                                        HandleId& out);
  [[nodiscard]] Win32Error open_existing(ActorId actor, const model::OpenRequest& request,
                                         NodeId id, HandleId& out);
  // Closes a file handle; returns true when it was a delete-on-close handle whose file was still
  // in the namespace, so that the caller records the deletion (close_delete_on_close).
  [[nodiscard]] bool close(ActorId actor, HandleId id, PendingDisplay& display);
  // The disposition a delete-on-close handle sets as it closes: refused (5) on a read-only file
  // or a mapped image, silently kept on a non-empty directory, else the file is deleted or
  // delete-pending. `node` is where the handle was open.
  [[nodiscard]] Win32Error close_delete_on_close(NodeId node, std::string& display);
  // The checks every ReadFile, WriteFile, LockFileEx and UnlockFile makes first.
  [[nodiscard]] Win32Error file_io_preamble(const Handle& handle, PendingDisplay& display) const;
  [[nodiscard]] Win32Error read(ActorId actor, HandleId id, PendingDisplay& display,
                                FileContent& out);
  // `folder`: VfsEvent::folder of the write.
  [[nodiscard]] Win32Error write(ActorId actor, HandleId id, const FileContent& content,
                                 PendingDisplay& display, uint32_t& folder);

  // --- byte-range locks (vfs_locks.cpp)
  // ReadFile/WriteFile of [0, length) through handle `id`: blocked by another handle's exclusive
  // lock (read) or by any lock of another handle or a shared lock of its own (write).
  [[nodiscard]] bool io_blocked(const Node& node, HandleId id, uint64_t length, bool write) const;
  [[nodiscard]] Win32Error lock(ActorId actor, const ByteLock& wanted, PendingDisplay& display);
  [[nodiscard]] Win32Error unlock(ActorId actor, const ByteLock& wanted, PendingDisplay& display);

  // --- the read-only attribute and attribute queries (vfs_attributes.cpp)
  // ERROR_ACCESS_DENIED for what a read-only file refuses: write data, truncation, delete.
  [[nodiscard]] static bool read_only_refuses(const Node& node, uint32_t access, bool truncate,
                                              bool deletes);
  [[nodiscard]] Win32Error get_attributes(const std::string& text, std::string& display,
                                          uint32_t& out);
  [[nodiscard]] Win32Error set_read_only(const std::string& text, bool read_only,
                                         std::string& display);

  // --- image and data sections (vfs_sections.cpp)
  [[nodiscard]] size_t find_section_index(HandleId id) const;
  // What the file's sections refuse of an open that passed the sharing rule: not sharing write
  // over a PAGE_READWRITE section, or write data or a truncation over an image (32);
  // delete-on-close over an image (5); a truncation over a data section (1224); ok when the file
  // has no section. `access` is generic-mapped.
  [[nodiscard]] Win32Error section_refusal(NodeId id, uint32_t access, uint32_t share,
                                           bool truncate, bool delete_on_close);
  // A delete disposition (DeleteFile, a delete-on-close handle closing, a move to another
  // volume) over any section: STATUS_CANNOT_DELETE (5).
  [[nodiscard]] Win32Error disposition_refusal(NodeId id);
  // A new section from `handle`: an image, or a data section with `protection`.
  [[nodiscard]] Win32Error map_section(ActorId actor, HandleId handle, bool image,
                                       PageProtection protection, std::string& display,
                                       HandleId& out);
  // Ends a section; a data section's protection is given in `protection`.
  void unmap_section(ActorId actor, HandleId section, std::string& display,
                     PageProtection& protection);

  // --- sessions forced off (vfs_sessions.cpp)
  // A handle or section the server ended under its user (disconnect_users): the user's
  // handle value stays valid on its side, so its operations fail with ERROR_NETNAME_DELETED and
  // its close only forgets it.
  struct DisconnectedHandle {
    HandleId id = 0;
    ActorId actor = 0;
    // A handle, or the operation that ends a section (unmap_image or unmap_data).
    VfsOperation ends_with = VfsOperation::close;
    PageProtection protection = PageProtection::readonly;  // of a data section
    std::string path;                                      // the display path it was open on
  };
  [[nodiscard]] size_t find_disconnected_index(ActorId actor, HandleId id) const;
  // ERROR_NETNAME_DELETED with the path as display when `id` is a disconnected handle of `actor`,
  // else ok.
  [[nodiscard]] Win32Error disconnected_refusal(ActorId actor, HandleId id,
                                                PendingDisplay& display) const;
  void remember_disconnected(DisconnectedHandle handle);
  std::vector<DisconnectedHandle> disconnected_;  // sorted by id
  std::vector<bool> server_processes_;            // by ActorId - 1; missing: false

  // --- blame of a refusal (vfs_blame.cpp): called on refusal paths only
  void blame_handle(HandleId id);
  // The handles on `node` whose access and share conflict with an open for (access, share).
  void blame_sharing(const Node& node, AccessMask access, ShareMode share);
  // Every handle open on `node` (a delete-pending file).
  void blame_all_handles(const Node& node);
  // The handles open on files and directories below `id` (a directory rename).
  void blame_descendants(NodeId id);
  // The locks io_blocked() or a conflicting lock() ran into.
  void blame_io_locks(const Node& node, HandleId id, uint64_t length, bool write);
  void blame_lock_conflicts(const Node& node, const ByteLock& wanted);
  // The sections mapped from file `id`: all of them, or only the images or the writable data
  // sections, whichever refused.
  enum class SectionsBlamed { all, images, writable };
  void blame_sections(NodeId id, SectionsBlamed which);

  // --- namespace operations (vfs_namespace.cpp)
  [[nodiscard]] Win32Error delete_file(const std::string& text, std::string& display);
  [[nodiscard]] Win32Error remove_directory(const std::string& text, std::string& display);
  [[nodiscard]] Win32Error rename(const std::string& from, const std::string& to,
                                  std::string& from_display, std::string& to_display);
  [[nodiscard]] Win32Error refuse_delete_pending(const Node& node);
  [[nodiscard]] Win32Error check_rename_source(const Lookup& source);
  [[nodiscard]] Win32Error check_rename_target(const Lookup& source, const Lookup& target);
  // MoveFile copies a file to another volume and deletes the source; handles stay on the source.
  [[nodiscard]] Win32Error move_file_across_volumes(NodeId id, NodeId new_parent,
                                                    std::string_view name, NameId name_id);
  [[nodiscard]] Win32Error list_directory(const std::string& text, std::string& display,
                                          std::vector<model::DirectoryEntry>& out);
};

}  // namespace distsim::sim::vfs_internal
