// The node store of the virtual file system: volumes, path lookup, display paths, and creating,
// moving and destroying nodes. Every operation reaches the tree through these, so the invariants
// of names, parents, volume space and node counts are kept in this one place.
#include <algorithm>
#include <cstring>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim::vfs_internal {

// --- display paths

std::string State::node_display(NodeId id) const {
  std::string out;
  node_display_into(id, out);
  return out;
}

// Two passes: the length, then the names from the end straight into `out`'s storage, which
// allocates nothing once it has the room.
void State::node_display_into(NodeId id, std::string& out) const {
  const Node& node = nodes_[id];
  DISTSIM_ASSERT(node.in_use);
  if (node.orphaned) {
    out.assign(orphan_paths_.at(id));
    return;
  }
  const std::string& root = volumes_[node.volume].root;
  if (node.parent == kNoNode) {
    out.assign(root);
    if (root.size() == 2) out.push_back('\\');
    return;
  }
  // The display of the node's directory, kept from the last call on this thread: a traced run
  // shows one file's write and close, and its siblings', one after another. A directory's display
  // stays while no name leaves the namespace, and the key names this file system, so that
  // another one built at the same address never reads it.
  struct DirectoryDisplay {
    uint64_t state_serial = 0;
    NodeId directory = kNoNode;
    uint64_t generation = 0;
    std::string text;
  };
  thread_local DirectoryDisplay cached;
  const std::string& own_name = node_name(id);
  if (cached.state_serial == serial_ && cached.directory == node.parent &&
      cached.generation == names_removed_) {
    out.reserve(cached.text.size() + 1 + own_name.size());
    out.assign(cached.text);
    out.push_back('\\');
    out.append(own_name);
    return;
  }
  size_t length = root.size();
  for (NodeId at = id; nodes_[at].parent != kNoNode; at = nodes_[at].parent) {
    length += 1 + node_name(at).size();
  }
  out.resize(length);
  char* const text = out.data();
  std::memcpy(text, root.data(), root.size());
  size_t end = length;
  for (NodeId at = id; nodes_[at].parent != kNoNode; at = nodes_[at].parent) {
    const std::string& name = node_name(at);
    end -= name.size();
    std::memcpy(text + end, name.data(), name.size());
    text[--end] = '\\';
  }
  DISTSIM_ASSERT(end == root.size());
  if (nodes_[node.parent].parent != kNoNode) {  // a volume's root keeps its own display form
    cached.state_serial = serial_;
    cached.directory = node.parent;
    cached.generation = names_removed_;
    cached.text.assign(out, 0, length - own_name.size() - 1);
  }
}

void State::lookup_display_into(const CachedPath& path, const Lookup& lookup,
                                std::string& out) const {
  DISTSIM_ASSERT(lookup.matched <= path.components.size());
  if (lookup.deepest == kNoNode) {
    out = path.display();
    return;
  }
  node_display_into(lookup.deepest, out);
  for (size_t index = lookup.matched; index < path.components.size(); ++index) {
    if (out.back() != '\\') out.push_back('\\');
    out.append(path.components[index]);
  }
}

bool State::written_as_displayed(std::string_view text, const CachedPath& path,
                                 const Lookup& lookup) const {
  if (lookup.deepest == kNoNode) return false;
  if (text.find('/') != std::string_view::npos) return false;
  if (volumes_[lookup.volume].root != path.root) return false;
  const size_t count = path.components.size();
  // The display ends with the last component; only a drive root keeps its separator.
  if (count > 0 && text.back() == '\\') return false;
  if (count == 0) return text.size() == node_display_length(lookup.deepest);
  // Each matched component must be written as created; the rest is displayed as written.
  size_t index = lookup.matched;
  for (NodeId at = lookup.deepest; index > 0; at = nodes_[at].parent) {
    --index;
    if (node_name(at) != path.components[index]) return false;
  }
  return true;
}

size_t State::node_display_length(NodeId id) const {
  const Volume& volume = volumes_[nodes_[id].volume];
  if (nodes_[id].parent == kNoNode) return volume.root.size() + (volume.root.size() == 2 ? 1 : 0);
  size_t length = volume.root.size();
  for (NodeId at = id; nodes_[at].parent != kNoNode; at = nodes_[at].parent) {
    length += 1 + node_name(at).size();
  }
  return length;
}

// --- volumes and lookup

Win32Error State::create_volume(const std::string& root, uint64_t capacity_bytes, uint32_t& out) {
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

Win32Error State::volume_for(std::string_view root, bool unc, uint32_t& out) {
  if (const uint32_t cached = root_cache_.find(root); cached != RootCache::kMiss) {
    DISTSIM_ASSERT(cached < volumes_.size());
    out = cached;
    return Win32Error::ok;
  }
  upper_ascii_into(root, scratch_key_);
  const auto found = volume_by_key_.find(scratch_key_);
  if (found != volume_by_key_.end()) {
    out = found->second;
    DISTSIM_ASSERT(out < volumes_.size());
    root_cache_.remember(root, out);
    return Win32Error::ok;
  }
  if (unc) return Win32Error::bad_netpath;
  const Win32Error error = create_volume(std::string(root), VolumeOptions{}.capacity_bytes, out);
  if (error == Win32Error::ok) root_cache_.remember(root, out);
  return error;
}

Lookup State::walk(const std::vector<NameId>& names, uint32_t volume) const {
  DISTSIM_ASSERT(volume < volumes_.size());
  Lookup lookup;
  lookup.volume = volume;
  NodeId at = volumes_[volume].root_node;
  lookup.deepest = at;
  const size_t count = names.size();
  if (count == 0) lookup.node = at;
  for (size_t index = 0; index < count; ++index) {
    const Node& directory = nodes_[at];
    if (directory.kind != NodeKind::directory) return lookup;  // a file in the middle
    const NodeId child = child_numbered(at, names[index]);
    if (child == kNoNode) {
      if (index + 1 == count) lookup.parent = at;
      return lookup;
    }
    at = child;
    lookup.deepest = at;
    lookup.matched = index + 1;
  }
  if (count > 0) {
    lookup.node = at;
    lookup.parent = nodes_[at].parent;
  }
  return lookup;
}

Lookup State::step_from_folder(NodeId directory, NameId name, size_t component_count,
                               uint32_t volume) const {
  DISTSIM_ASSERT(component_count >= 1);
  DISTSIM_ASSERT(nodes_[directory].in_use);
  DISTSIM_ASSERT(nodes_[directory].kind == NodeKind::directory);
  Lookup lookup;
  lookup.volume = volume;
  lookup.parent = directory;
  lookup.node = child_numbered(directory, name);
  lookup.deepest = lookup.node == kNoNode ? directory : lookup.node;
  lookup.matched = lookup.node == kNoNode ? component_count - 1 : component_count;
  return lookup;
}

Win32Error State::resolve(std::string_view text, size_t slot, Lookup& lookup,
                          std::string& display) {
  PendingDisplay pending;
  const Win32Error error = resolve(text, slot, lookup, pending);
  if (recording()) build_display(pending, display);
  return error;
}

Win32Error State::resolve(std::string_view text, size_t slot, Lookup& lookup,
                          PendingDisplay& display) {
  DISTSIM_ASSERT(slot < 2);
  // A rename's target must not evict its source's entry.
  PathCache::Entry& resolved = path_cache_.lookup(text, names_, slot == 1 ? resolved_[0] : nullptr);
  resolved_[slot] = &resolved;
  display.kind = PendingDisplay::Kind::text;
  display.text = text;
  if (resolved.error != Win32Error::ok) return resolved.error;
  const CachedPath& path = resolved.path;
  uint32_t volume = resolved.volume;
  Win32Error error = Win32Error::ok;
  if (volume == PathCache::kNoCachedVolume) {
    error = volume_for(path.root, path.is_unc(), volume);
    if (error == Win32Error::ok) resolved.volume = volume;
  }
  if (error == Win32Error::ok && !volumes_[volume].reachable) error = Win32Error::bad_netpath;
  if (error != Win32Error::ok) {
    display.kind = PendingDisplay::Kind::parsed;
    display.entry = &resolved;
    return error;
  }
  if (resolved.node_generation == names_removed_) {
    // The node this text led to the last time, while no name has gone since.
    const NodeId node = resolved.node;
    DISTSIM_ASSERT(nodes_[node].in_use);
    DISTSIM_ASSERT(!nodes_[node].orphaned);
    lookup = Lookup{volume, node, nodes_[node].parent, node, path.components.size()};
    if (!resolved.displayed_as_written) {
      display.kind = PendingDisplay::Kind::node;
      display.node = node;
    }
    return Win32Error::ok;
  }
  if (resolved.parent_generation == names_removed_ &&
      nodes_[resolved.parent_node].kind == NodeKind::directory) {
    lookup = step_from_folder(resolved.parent_node, resolved.names.back(), resolved.names.size(),
                              volume);
  } else {
    lookup = walk(resolved.names, volume);
  }
  if (lookup.node == kNoNode) {
    display.kind = PendingDisplay::Kind::lookup;
    display.entry = &resolved;
    display.lookup = lookup;
    return Win32Error::ok;
  }
  // Found: the entry keeps the node and whether the text is its display, for the next time.
  resolved.node = lookup.node;
  resolved.node_generation = names_removed_;
  resolved.displayed_as_written = written_as_displayed(text, path, lookup);
  if (!resolved.displayed_as_written) {
    display.kind = PendingDisplay::Kind::node;
    display.node = lookup.node;
  }
  return Win32Error::ok;
}

// Packed into the hint's three words: the node and volume; the generation (never 0, as
// names_removed_ starts at 1, so an all-zero hint is empty); the path's length, its depth and
// whether it is displayed as written.
model::FolderHint State::hint_for(const HintedFolder& folder) const {
  DISTSIM_ASSERT(folder.generation != 0);
  DISTSIM_ASSERT(folder.depth < (1U << 16U));
  model::FolderHint hint;
  hint.port_data[0] = uint64_t{folder.node} | (uint64_t{folder.volume} << 32U);
  hint.port_data[1] = folder.generation;
  hint.port_data[2] = uint64_t{folder.path_size} | (uint64_t{folder.depth} << 32U) |
                      (uint64_t{folder.as_written} << 48U);
  return hint;
}

bool State::usable_hint(const model::FolderHint& hint, size_t path_size, HintedFolder& out) const {
  if (hint.port_data[1] != names_removed_) return false;  // empty, or a name has left since
  out.node = static_cast<NodeId>(hint.port_data[0] & 0xFFFF'FFFFU);
  out.volume = static_cast<uint32_t>(hint.port_data[0] >> 32U);
  out.generation = hint.port_data[1];
  out.path_size = static_cast<uint32_t>(hint.port_data[2] & 0xFFFF'FFFFU);
  out.depth = static_cast<uint32_t>((hint.port_data[2] >> 32U) & 0xFFFFU);
  out.as_written = ((hint.port_data[2] >> 48U) & 1U) != 0;
  // A hint this file system did not fill (a caller's mistake) is not used rather than read.
  if (out.path_size > path_size || out.depth == 0 || out.volume >= volumes_.size() ||
      out.node >= nodes_.size() || !nodes_[out.node].in_use) {
    return false;
  }
  DISTSIM_ASSERT(!nodes_[out.node].orphaned);
  DISTSIM_ASSERT(nodes_[out.node].kind == NodeKind::directory);
  return volumes_[out.volume].reachable;  // else resolving says ERROR_BAD_NETPATH
}

bool State::split_at_hint(const model::FolderHint& hint, std::string_view text,
                          HintedFolder& folder, std::string_view& name) const {
  if (text.size() > kPathLengthMax || !usable_hint(hint, text.size(), folder) ||
      !folder.as_written) {
    return false;
  }
  if (text.size() <= folder.path_size + 1 || text[folder.path_size] != '\\') return false;
  name = text.substr(folder.path_size + 1);
  return true;
}

Win32Error State::existing_directories_refusal(NodeId directory) const {
  // ensure_directories looks at every component below the volume's root on its way down.
  for (NodeId at = directory; nodes_[at].parent != kNoNode; at = nodes_[at].parent) {
    if (nodes_[at].delete_pending) return Win32Error::access_denied;
  }
  return Win32Error::ok;
}

model::FolderHint State::hint_for_opened(std::string_view text) const {
  const PathCache::Entry& resolved = *resolved_[0];
  const size_t count = resolved.path.components.size();
  if (resolved.node_generation != names_removed_ || !resolved.displayed_as_written || count < 2 ||
      resolved.text != text) {
    return {};
  }
  const size_t folder_size = text.size() - resolved.path.components.back().size() - 1;
  if (text[folder_size] != '\\' || text.size() > UINT32_MAX) return {};
  const NodeId folder = nodes_[resolved.node].parent;
  DISTSIM_ASSERT(folder != kNoNode && nodes_[folder].kind == NodeKind::directory);
  return hint_for({folder, nodes_[folder].volume, static_cast<uint32_t>(count - 1),
                   static_cast<uint32_t>(folder_size), names_removed_, true});
}

model::FolderHint State::query_folder_hint(const std::string& text) const {
  const NodeId node = find_node(text);
  if (node == kNoNode || nodes_[node].kind != NodeKind::directory || text.size() > UINT32_MAX) {
    return {};
  }
  uint32_t depth = 0;
  for (NodeId at = node; nodes_[at].parent != kNoNode; at = nodes_[at].parent) ++depth;
  if (depth == 0) return {};  // a volume's root: its display keeps a separator
  thread_local std::string display;
  node_display_into(node, display);
  return hint_for({node, nodes_[node].volume, depth, static_cast<uint32_t>(text.size()),
                   names_removed_, display == text});
}

NodeId State::find_node(const std::string& text) const {
  // Queries are const (and may run on any thread): they parse into a per-thread scratch path, so
  // that reading a file's content by path (each traced read and write does) allocates nothing.
  thread_local WindowsPath path;
  thread_local std::vector<NameId> names;
  thread_local std::string root_key;
  if (parse_windows_path_into(text, path) != Win32Error::ok) return kNoNode;
  names.clear();
  for (const std::string& component : path.components) names.push_back(names_.find(component));
  uint32_t volume = root_cache_.find(path.root);
  if (volume == RootCache::kMiss) {
    upper_ascii_into(path.root, root_key);
    const auto found = volume_by_key_.find(root_key);
    if (found == volume_by_key_.end()) return kNoNode;
    volume = found->second;
  }
  return walk(names, volume).node;
}

// --- nodes

Win32Error State::allocate_node(NodeKind kind, uint32_t volume, NodeId& out) {
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

Win32Error State::create_child(NodeId parent, std::string_view name, NameId name_id, NodeKind kind,
                               NodeId& out) {
  DISTSIM_ASSERT(nodes_[parent].kind == NodeKind::directory);
  DISTSIM_ASSERT(!nodes_[parent].delete_pending);
  const Win32Error error = allocate_node(kind, nodes_[parent].volume, out);
  if (error != Win32Error::ok) return error;
  Node& node = nodes_[out];
  node.parent = parent;
  if (kind == NodeKind::file) node.content.content_version = next_content_version_++;
  add_name(out, name, name_id);
  return Win32Error::ok;
}

void State::release_name(NodeId id) {
  const Node& node = nodes_[id];
  DISTSIM_ASSERT(node.parent != kNoNode);
  DISTSIM_ASSERT(!node.orphaned);
  ChildList& siblings = nodes_[node.parent].children;
  const size_t before = siblings.size();
  const size_t erased = siblings.erase(node.name_id);
  DISTSIM_ASSERT(erased == 1);
  if (before > ChildList::kScanMax) {
    child_index_.erase(node.parent, node.name_id);
    // Back to a scanned size: the rest of the entries leave the index too.
    if (before == ChildList::kScanMax + 1) {
      siblings.for_each([&](NameId sibling, NodeId) {
        child_index_.erase(node.parent, sibling);
        return true;
      });
    }
  }
  ++names_removed_;
}

size_t ChildList::size() const {
  if (!storage_) return 0;
  return storage_->tree ? storage_->tree->size() : storage_->flat.size();
}

bool ChildList::insert(const NameTable& names, NameId name, NodeId child) {
  if (!storage_) {
    storage_ = std::make_unique<Storage>();
    // Room for a scanned directory's entries at once: a DP folder's files then cost no further
    // allocation, each of which waits on a cache miss in the allocator.
    storage_->flat.reserve(kScanMax);
  }
  if (storage_->tree) return storage_->tree->emplace(name, child).second;
  std::vector<Entry>& flat = storage_->flat;
  const std::string_view folded = names.folded(name);
  auto at = flat.end();
  if (!flat.empty() && !(names.folded(flat.back().first) < folded)) {
    at = std::lower_bound(flat.begin(), flat.end(), folded,
                          [&names](const Entry& entry, std::string_view key) {
                            return names.folded(entry.first) < key;
                          });
    // A name number stands for one folded name, so an equal name has the same number.
    if (at->first == name) return false;
  }
  if (flat.size() < kFlatMax) {
    flat.insert(at, Entry{name, child});
    return true;
  }
  storage_->tree = std::make_unique<Tree>(FoldedOrder{&names});
  for (const Entry& entry : flat) storage_->tree->emplace_hint(storage_->tree->end(), entry);
  std::vector<Entry>().swap(flat);
  return storage_->tree->emplace(name, child).second;
}

size_t ChildList::erase(NameId name) {
  if (!storage_) return 0;
  if (storage_->tree) {
    const size_t erased = storage_->tree->erase(name);
    if (storage_->tree->size() <= kFlatAgainMax) {
      storage_->flat.assign(storage_->tree->begin(), storage_->tree->end());  // in folded order
      storage_->tree.reset();
    }
    return erased;
  }
  std::vector<Entry>& flat = storage_->flat;
  const auto found = std::find_if(flat.begin(), flat.end(),
                                  [name](const Entry& entry) { return entry.first == name; });
  if (found == flat.end()) return 0;
  flat.erase(found);
  return 1;
}

void State::add_name(NodeId id, std::string_view name, NameId name_id) {
  Node& node = nodes_[id];
  DISTSIM_ASSERT(node.parent != kNoNode);
  node.name_id = name_id != kNoName ? name_id : names_.intern(name);
  DISTSIM_ASSERT(names_.folded(node.name_id).size() == name.size());
  node.spelling = spellings_.intern(node.name_id, name);
  ChildList& siblings = nodes_[node.parent].children;
  const bool inserted = siblings.insert(names_, node.name_id, id);
  DISTSIM_ASSERT(inserted);
  // The index holds the entries of the directories too big to scan, all of them.
  const size_t count = siblings.size();
  if (count == ChildList::kScanMax + 1) {
    siblings.for_each([&](NameId sibling, NodeId child) {
      child_index_.insert(node.parent, sibling, child);
      return true;
    });
  } else if (count > ChildList::kScanMax) {
    child_index_.insert(node.parent, node.name_id, id);
  }
}

NodeId State::child_numbered(NodeId directory, NameId name) const {
  if (name == kNoName) return kNoNode;
  const ChildList& children = nodes_[directory].children;
  if (children.size() <= ChildList::kScanMax) return children.scan(name);
  const uint32_t child = child_index_.find(directory, name);
  return child == ChildIndex::kNone ? kNoNode : child;
}

void State::destroy_node(NodeId id) {
  Node& node = nodes_[id];
  DISTSIM_ASSERT(node.handles.empty());
  DISTSIM_ASSERT(node.children.empty());
  DISTSIM_ASSERT(node.image_sections == 0 && node.data_sections == 0);
  if (!node.orphaned) release_name(id);
  Volume& volume = volumes_[node.volume];
  DISTSIM_ASSERT(volume.used_bytes >= node.content.size_bytes);
  volume.used_bytes -= node.content.size_bytes;
  node.spelling = kNoSpelling;
  node.name_id = kNoName;
  node.locks.clear();
  node.children = ChildList{};  // the slot may become a file: files keep no entry list
  if (node.orphaned) orphan_paths_.erase(id);
  node.content = FileContent{};
  mark_read_only(id, false);
  node.in_use = node.delete_pending = node.orphaned = false;
  node.parent = kNoNode;
  free_nodes_.push_back(id);
  --node_count_;
}

void State::mark_read_only(NodeId id, bool read_only) {
  Node& node = nodes_[id];
  DISTSIM_ASSERT(node.in_use);
  if (node.read_only == read_only) return;
  node.read_only = read_only;
  if (read_only) {
    ++read_only_nodes_;
  } else {
    DISTSIM_ASSERT(read_only_nodes_ > 0);
    --read_only_nodes_;
  }
}

void State::delete_or_defer(NodeId id, bool posix) {
  Node& node = nodes_[id];
  DISTSIM_ASSERT(node.in_use);
  DISTSIM_ASSERT(!node.delete_pending);
  if (node.handles.empty()) {
    destroy_node(id);
  } else if (posix) {
    orphan_paths_[id] = node_display(id);
    release_name(id);
    node.parent = kNoNode;
    node.orphaned = true;
  } else {
    node.delete_pending = true;
  }
  DISTSIM_ASSERT(!node.in_use || node.delete_pending || node.orphaned);
}

void State::move_node(NodeId id, NodeId new_parent, std::string_view name, NameId name_id) {
  DISTSIM_ASSERT(nodes_[new_parent].kind == NodeKind::directory);
  DISTSIM_ASSERT(nodes_[id].volume == nodes_[new_parent].volume);
  release_name(id);
  nodes_[id].parent = new_parent;
  add_name(id, name, name_id);
}

Win32Error State::replace_content(NodeId id, const FileContent& content) {
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

Win32Error State::ensure_directories(const PathCache::Entry& resolved, size_t count,
                                     uint32_t volume, NodeId& out) {
  const std::vector<std::string_view>& components = resolved.path.components;
  DISTSIM_ASSERT(count <= components.size());
  NodeId at = volumes_[volume].root_node;
  for (size_t index = 0; index < count; ++index) {
    const Node& directory = nodes_[at];
    if (const NodeId found = child_numbered(at, resolved.names[index]); found != kNoNode) {
      const Node& child = nodes_[found];
      if (child.kind == NodeKind::file) return Win32Error::already_exists;
      if (child.delete_pending) return Win32Error::access_denied;
      at = found;
      continue;
    }
    if (directory.delete_pending) return Win32Error::access_denied;
    // A name the cache did not know is numbered here (or found, when a directory just made
    // above has the same name).
    NodeId created = kNoNode;
    const Win32Error error =
        create_child(at, components[index], resolved.names[index], NodeKind::directory, created);
    if (error != Win32Error::ok) return error;
    at = created;
  }
  out = at;
  return Win32Error::ok;
}

bool State::has_open_descendant(NodeId id) const {
  std::vector<NodeId> stack{id};
  uint32_t visited = 0;
  while (!stack.empty()) {
    const NodeId at = stack.back();
    stack.pop_back();
    ++visited;
    DISTSIM_ASSERT(visited <= node_count_);
    const bool none_open = nodes_[at].children.for_each([&](NameId, NodeId child) {
      if (!nodes_[child].handles.empty()) return false;
      stack.push_back(child);
      return true;
    });
    if (!none_open) return true;
  }
  return false;
}

bool State::is_ancestor_or_self(NodeId ancestor, NodeId id) const {
  uint32_t depth = 0;
  for (NodeId at = id; at != kNoNode; at = nodes_[at].parent) {
    if (at == ancestor) return true;
    ++depth;
    DISTSIM_ASSERT(depth <= kPathLengthMax);
  }
  return false;
}

}  // namespace distsim::sim::vfs_internal
