// The front of the virtual file system: actors, the event every actor operation ends with (access
// log and observer), world set-up and faults, the side-effect-free queries, and the port binding.
// The operations themselves are in vfs_open.cpp, vfs_locks.cpp and vfs_namespace.cpp.
#include "sim/fs/vfs.h"

#include <algorithm>
#include <cstring>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim {

using vfs_internal::kNoIndex;
using vfs_internal::kNoNode;
using vfs_internal::kNoVolume;
using vfs_internal::NodeId;
using vfs_internal::NodeKind;
using vfs_internal::State;

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
      return "delete";  // the trace event name tools/cli/README.md gives
    case VfsOperation::remove_directory:
      return "remove_directory";
    case VfsOperation::rename:
      return "rename";
    case VfsOperation::create_directory:
      return "create_directory";
    case VfsOperation::list_directory:
      return "list_directory";
    case VfsOperation::get_attributes:
      return "get_attributes";
    case VfsOperation::set_attributes:
      return "set_attributes";
    case VfsOperation::map_image:
      return "map_image";
    case VfsOperation::unmap_image:
      return "unmap_image";
    case VfsOperation::map_data:
      return "map_data";
    case VfsOperation::unmap_data:
      return "unmap_data";
  }
  DISTSIM_ASSERT(false && "unknown VfsOperation");
  return "";
}

std::vector<std::string> file_attribute_names(uint32_t attributes) {
  std::vector<std::string> names;
  if ((attributes & file_attribute_bits::kReadOnly) != 0)
    names.emplace_back("FILE_ATTRIBUTE_READONLY");
  if ((attributes & file_attribute_bits::kDirectory) != 0) {
    names.emplace_back("FILE_ATTRIBUTE_DIRECTORY");
  }
  if ((attributes & file_attribute_bits::kNormal) != 0) names.emplace_back("FILE_ATTRIBUTE_NORMAL");
  return names;
}

// --- events

namespace vfs_internal {

VfsEvent& State::begin_event(ActorId actor, VfsOperation operation) {
  DISTSIM_ASSERT(actor >= 1);
  DISTSIM_ASSERT(actor <= actors_.size());
  DISTSIM_ASSERT(event_depth_ < kVfsOperationNestingMax);
  if (!blame_.empty()) blame_.clear();
  // An observer operating while it sees an event: the event's display must not change under it.
  if (event_depth_ > 0) settle_displays();
  if (event_depth_ == event_slots_.size()) {
    event_slots_.push_back(std::make_unique<VfsEvent>());
    pending_displays_.emplace_back();
  }
  VfsEvent& event = *event_slots_[event_depth_++];
  // Field by field, so that the strings keep their capacity: once a slot has seen a path that
  // long, naming one allocates nothing.
  event.t_us = 0;
  event.actor = actor;
  event.thread = 0;
  event.operation = operation;
  event.display.text().clear();
  event.to.clear();
  event.access = AccessMask{};
  event.share = ShareMode{};
  event.result = Win32Error::ok;
  event.handle = 0;
  event.section = 0;
  event.protection = PageProtection::readonly;
  event.delete_on_close = false;
  event.disposition = model::CreateDisposition::open_existing;
  event.attributes = 0;
  event.folder = VfsEvent::kNoFolder;
  event.disconnected = false;
  event.after_disconnect = false;
  event.listed_files = 0;
  event.listed_folders = 0;
  return event;
}

void State::emit(VfsEvent& event) {
  DISTSIM_ASSERT(event_depth_ > 0);
  DISTSIM_ASSERT(&event == event_slots_[event_depth_ - 1].get());
  if (recording()) {
    DISTSIM_ASSERT(event.actor != 0);
    event.t_us = clock_.now();
    // The log keeps the path as the operation found it, whatever the observer does meanwhile.
    if (options_.record_access_log) (void)event.path();
    if (observer_ != nullptr && observer_interest_.wants(event)) observer_->on_vfs_event(event);
    // Bounded; the observer still saw the event.
    if (options_.record_access_log && log_.size() < kAccessLogEntriesMax) log_.push_back(event);
    DISTSIM_ASSERT(log_.size() <= kAccessLogEntriesMax);
  }
  --event_depth_;
}

PendingDisplay& State::defer_display(VfsEvent& event) {
  DISTSIM_ASSERT(event_depth_ > 0);
  DISTSIM_ASSERT(&event == event_slots_[event_depth_ - 1].get());
  const auto slot = static_cast<uint32_t>(event_depth_ - 1);
  event.display.defer(this, slot);
  PendingDisplay& display = pending_displays_[slot];
  display = PendingDisplay{};
  return display;
}

Win32Error State::make_file_in(NodeId parent, uint32_t volume, std::string_view name,
                               const FileContent& content, bool read_only) {
  // The file's name is looked up afresh: a path cache entry may predate its numbering.
  const NameId name_id = names_.find(name);
  NodeId file = child_numbered(parent, name_id);
  if (file != kNoNode) {
    const Node& node = nodes_[file];
    if (node.kind == NodeKind::directory || node.delete_pending) return Win32Error::access_denied;
    const Win32Error error = replace_content(file, content);
    if (error == Win32Error::ok) mark_read_only(file, read_only);
    return error;
  }
  if (content.size_bytes > free_bytes(volumes_[volume])) return Win32Error::disk_full;
  Win32Error error = create_child(parent, name, name_id, NodeKind::file, file);
  if (error != Win32Error::ok) return error;
  error = replace_content(file, content);
  DISTSIM_ASSERT(error == Win32Error::ok);
  mark_read_only(file, read_only);
  return error;
}

void State::settle_displays() const {
  for (size_t slot = 0; slot < event_depth_; ++slot) (void)event_slots_[slot]->path();
}

void State::build_path(uint32_t slot, std::string& out) const {
  DISTSIM_ASSERT(slot < event_depth_);  // an event is read only while it is under way
  build_display(pending_displays_[slot], out);
}

void State::build_display(const PendingDisplay& display, std::string& out) const {
  switch (display.kind) {
    case PendingDisplay::Kind::text:
      out.assign(display.text.data(), display.text.size());
      return;
    case PendingDisplay::Kind::node:
      node_display_into(display.node, out);
      return;
    case PendingDisplay::Kind::parsed:
      out = display.entry->path.display();
      return;
    case PendingDisplay::Kind::lookup:
      if (written_as_displayed(display.text, display.entry->path, display.lookup)) {
        out.assign(display.text.data(), display.text.size());
      } else {
        lookup_display_into(display.entry->path, display.lookup, out);
      }
      return;
  }
  DISTSIM_ASSERT(false);
}

}  // namespace vfs_internal

// --- VirtualFileSystem: actors

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

void VirtualFileSystem::set_observer(VfsObserver* observer, VfsInterest interest) {
  state_->observer_ = observer;
  state_->observer_interest_ = interest;
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
  if (error == Win32Error::ok) error = state_->volume_for(path.root, path.is_unc(), volume);
  if (error == Win32Error::ok) state_->volumes_[volume].reachable = reachable;
  return error;
}

Win32Error VirtualFileSystem::set_volume_capacity(const std::string& root,
                                                  uint64_t capacity_bytes) {
  WindowsPath path;
  uint32_t volume = kNoVolume;
  Win32Error error = parse_root(root, path);
  if (error == Win32Error::ok) error = state_->volume_for(path.root, path.is_unc(), volume);
  if (error == Win32Error::ok) state_->volumes_[volume].capacity_bytes = capacity_bytes;
  return error;
}

model::Result<uint64_t> VirtualFileSystem::volume_free_bytes(const std::string& root) {
  WindowsPath path;
  uint32_t volume = kNoVolume;
  Win32Error error = parse_root(root, path);
  if (error == Win32Error::ok) error = state_->volume_for(path.root, path.is_unc(), volume);
  if (error != Win32Error::ok) return error;
  return free_bytes(state_->volumes_[volume]);
}

Win32Error VirtualFileSystem::make_directories(const std::string& text) {
  State& state = *state_;
  state.settle_displays();  // the lookup below may evict what a pending display refers to
  const vfs_internal::PathCache::Entry& resolved = state.path_cache_.lookup(text, state.names_);
  uint32_t volume = kNoVolume;
  NodeId directory = kNoNode;
  Win32Error error = resolved.error;
  if (error == Win32Error::ok)
    error = state.volume_for(resolved.path.root, resolved.path.is_unc(), volume);
  if (error != Win32Error::ok) return error;
  return state.ensure_directories(resolved, resolved.path.components.size(), volume, directory);
}

Win32Error VirtualFileSystem::make_file(const std::string& text, FileContent content,
                                        bool read_only) {
  State& state = *state_;
  state.settle_displays();  // the lookup below may evict what a pending display refers to
  const vfs_internal::PathCache::Entry& resolved = state.path_cache_.lookup(text, state.names_);
  const vfs_internal::CachedPath& path = resolved.path;
  uint32_t volume = kNoVolume;
  NodeId parent = kNoNode;
  Win32Error error = resolved.error;
  if (error == Win32Error::ok && path.is_root()) error = Win32Error::access_denied;
  if (error == Win32Error::ok) error = state.volume_for(path.root, path.is_unc(), volume);
  if (error == Win32Error::ok) {
    error = state.ensure_directories(resolved, path.components.size() - 1, volume, parent);
  }
  if (error != Win32Error::ok) return error;
  return state.make_file_in(parent, volume, path.components.back(), content, read_only);
}

Win32Error VirtualFileSystem::make_file(const std::string& text, FileContent content,
                                        bool read_only, const model::FolderHint& folder) {
  State& state = *state_;
  State::HintedFolder hinted;
  std::string_view name;
  if (!state.split_at_hint(folder, text, hinted, name) || !is_plain_name(name)) {
    return make_file(text, content, read_only);
  }
  // What ensure_directories would find on the way to the folder.
  if (const Win32Error error = state.existing_directories_refusal(hinted.node);
      error != Win32Error::ok) {
    return error;
  }
  return state.make_file_in(hinted.node, hinted.volume, name, content, read_only);
}

uint64_t VirtualFileSystem::new_content_version() { return state_->next_content_version_++; }

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

bool VirtualFileSystem::is_read_only(const std::string& path) const {
  const NodeId id = state_->find_node(path);
  return id != kNoNode && state_->nodes_[id].read_only;
}

uint32_t VirtualFileSystem::image_section_count(const std::string& path) const {
  const NodeId id = state_->find_node(path);
  return id == kNoNode ? 0 : state_->nodes_[id].image_sections;
}

uint32_t VirtualFileSystem::data_section_count(const std::string& path) const {
  const NodeId id = state_->find_node(path);
  return id == kNoNode ? 0 : state_->nodes_[id].data_sections;
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

std::vector<HandleId> VirtualFileSystem::open_handles_of(ActorId actor) const {
  std::vector<HandleId> handles;
  for (const vfs_internal::Handle& handle : state_->handles_) {
    if (handle.actor == actor) handles.push_back(handle.id);
  }
  return handles;
}

std::vector<std::string> VirtualFileSystem::files_under(const std::string& path) const {
  std::vector<std::string> names;
  for (auto& [name, content] : files_with_content_under(path)) names.push_back(std::move(name));
  return names;
}

namespace {

// Calls `visit` with every file node below the directory `path` (none when it is not one), in
// no particular order.
template <typename Visit>
void for_each_file_below(const State& state, const std::string& path, Visit&& visit) {
  const NodeId top = state.find_node(path);
  if (top == kNoNode || state.nodes_[top].kind != NodeKind::directory) return;
  std::vector<NodeId> stack{top};
  while (!stack.empty()) {
    const NodeId at = stack.back();
    stack.pop_back();
    state.nodes_[at].children.for_each([&](vfs_internal::NameId, NodeId child) {
      if (state.nodes_[child].kind == NodeKind::file) {
        visit(child);
      } else {
        stack.push_back(child);
      }
      return true;
    });
    DISTSIM_ASSERT(stack.size() <= state.node_count_);
  }
}

}  // namespace

std::vector<std::string> VirtualFileSystem::read_only_files_under(const std::string& path) const {
  const State& state = *state_;
  std::vector<std::string> files;
  if (state.read_only_nodes_ == 0) return files;  // nothing to look for
  for_each_file_below(state, path, [&](NodeId file) {
    if (state.nodes_[file].read_only) files.push_back(state.node_display(file));
  });
  std::sort(files.begin(), files.end());
  return files;
}

VirtualFileSystem::TreeShape VirtualFileSystem::tree_shape(const std::string& path) const {
  const State& state = *state_;
  TreeShape shape;
  const NodeId top = state.find_node(path);
  if (top == kNoNode || state.nodes_[top].kind != NodeKind::directory) return shape;
  std::vector<std::pair<NodeId, uint32_t>> stack{{top, 0}};
  while (!stack.empty()) {
    // Named one by one: clang before 16 lets no lambda capture a structured binding.
    const NodeId at = stack.back().first;
    const uint32_t depth = stack.back().second;
    stack.pop_back();
    state.nodes_[at].children.for_each([&](vfs_internal::NameId, NodeId child) {
      if (state.nodes_[child].kind == NodeKind::file) {
        ++shape.files;
      } else {
        shape.deepest_directory = std::max(shape.deepest_directory, depth + 1);
        stack.emplace_back(child, depth + 1);
      }
      return true;
    });
    DISTSIM_ASSERT(stack.size() <= state.node_count_);
  }
  return shape;
}

namespace {

// A directory's entry on the way through files_with_content_under.
struct ListedEntry {
  std::string_view folded;  // the name case-folded
  bool directory = false;
  NodeId node = kNoNode;
  vfs_internal::NameId name = vfs_internal::kNoName;
};

// Whether `left` comes before `right` where the paths through them are compared as
// less_case_insensitive compares whole paths: by folded name, except that one name beginning the
// other is followed by a separator when it is a directory's (the paths below it go on) and by
// nothing when it is a file's. Siblings never have the same folded name.
bool listed_before(const ListedEntry& left, const ListedEntry& right) {
  const size_t common = std::min(left.folded.size(), right.folded.size());
  if (common > 0) {
    const int order = std::memcmp(left.folded.data(), right.folded.data(), common);
    if (order != 0) return order < 0;
  }
  const auto next = [common](const ListedEntry& entry) {
    if (common < entry.folded.size()) return int{static_cast<unsigned char>(entry.folded[common])};
    return entry.directory ? int{'\\'} : -1;
  };
  return next(left) < next(right);
}

// Appends the entries of `directory` to `entries`, in listed_before's order.
void append_sorted_entries(const State& state, NodeId directory,
                           std::vector<ListedEntry>& entries) {
  const size_t first = entries.size();
  // The children's nodes and names lie anywhere in memory: all are asked for first, so that
  // their cache misses overlap rather than come one after another.
  state.nodes_[directory].children.for_each([&](vfs_internal::NameId name, NodeId child) {
    __builtin_prefetch(&state.nodes_[child]);
    __builtin_prefetch(state.names_.folded(name).data());
    entries.push_back({{}, false, child, name});
    return true;
  });
  const auto listed = entries.begin() + static_cast<std::ptrdiff_t>(first);
  for (auto entry = listed; entry != entries.end(); ++entry) {
    entry->folded = state.names_.folded(entry->name);
    entry->directory = state.nodes_[entry->node].kind != NodeKind::file;
  }
  // The entries come in folded-name order, which is listed_before's but where one name begins
  // another: most directories need no sort, only a look at each neighbour.
  // As a lambda, which the algorithms inline, rather than a function pointer they call.
  const auto before = [](const ListedEntry& left, const ListedEntry& right) {
    return listed_before(left, right);
  };
  if (!std::is_sorted(listed, entries.end(), before)) std::sort(listed, entries.end(), before);
}

}  // namespace

std::vector<std::pair<std::string, FileContent>> VirtualFileSystem::files_with_content_under(
    const std::string& path) const {
  std::vector<std::pair<std::string, FileContent>> files;
  append_files_with_content_under(path, files);
  return files;
}

void VirtualFileSystem::append_files_with_content_under(
    const std::string& path, std::vector<std::pair<std::string, FileContent>>& files) const {
  const State& state = *state_;
  const NodeId top = state.find_node(path);
  if (top == kNoNode || state.nodes_[top].kind != NodeKind::directory) return;
  // In less_case_insensitive's order of the whole paths, which a walk gives when it takes each
  // directory's entries in listed_before's order: sorting short names per directory rather than
  // whole paths that share long prefixes (a DP share holds thousands of files, and a traced run
  // lists every share). Each path is the one above it plus a name, built in one buffer; the
  // entries of every directory on the way down share one stack, each directory's after those of
  // the one above it.
  std::string display;
  state.node_display_into(top, display);
  if (!display.empty() && display.back() == '\\') display.pop_back();  // a drive's root
  struct Frame {
    size_t first = 0;  // the directory's entries in `entries`: [first, end)
    size_t end = 0;
    size_t next = 0;
    size_t path_size = 0;
  };
  std::vector<ListedEntry> entries;
  std::vector<Frame> frames;
  const auto push_frame = [&](NodeId directory) {
    const size_t first = entries.size();
    append_sorted_entries(state, directory, entries);
    frames.push_back({first, entries.size(), first, display.size()});
  };
  push_frame(top);
  while (!frames.empty()) {
    Frame& frame = frames.back();
    if (frame.next == frame.end) {
      entries.resize(frame.first);
      frames.pop_back();
      continue;
    }
    const ListedEntry entry = entries[frame.next++];
    display.resize(frame.path_size);
    display += '\\';
    display += state.node_name(entry.node);
    if (entry.directory) {
      DISTSIM_ASSERT(frames.size() <= state.node_count_);
      push_frame(entry.node);  // `frame` may move: not used again in this turn
    } else {
      files.emplace_back(display, state.nodes_[entry.node].content);
    }
  }
}

std::optional<std::string> VirtualFileSystem::handle_path(HandleId handle) const {
  const size_t index = state_->find_handle_index(handle);
  if (index == kNoIndex) return std::nullopt;
  return state_->node_display(state_->handles_[index].node);
}

std::optional<FileContent> VirtualFileSystem::handle_content(HandleId handle) const {
  const size_t index = state_->find_handle_index(handle);
  if (index == kNoIndex) return std::nullopt;
  const vfs_internal::Node& node = state_->nodes_[state_->handles_[index].node];
  if (node.kind != vfs_internal::NodeKind::file) return std::nullopt;
  return node.content;
}

const std::vector<VfsEvent>& VirtualFileSystem::access_log() const { return state_->log_; }

const std::vector<BlameEntry>& VirtualFileSystem::last_blame() const { return state_->blame_; }

model::FolderHint VirtualFileSystem::folder_hint(const std::string& path) const {
  return state_->query_folder_hint(path);
}

uint64_t VirtualFileSystem::namespace_generation() const { return state_->names_removed_; }

uint64_t VirtualFileSystem::path_lookups() const { return state_->path_cache_.lookups(); }

// --- ActorFileSystem

model::Result<HandleId> ActorFileSystem::open(const model::OpenRequest& request) {
  return vfs_.open(actor_, request);
}

void ActorFileSystem::close(HandleId handle) { vfs_.close(actor_, handle); }

model::Result<uint32_t> ActorFileSystem::disconnect_users(const std::string& folder) {
  return vfs_.disconnect_users(actor_, folder);
}

model::Result<FileContent> ActorFileSystem::read(HandleId handle) {
  return vfs_.read(actor_, handle);
}

model::Result<uint64_t> ActorFileSystem::file_size(HandleId handle) {
  return vfs_.file_size(actor_, handle);
}

Win32Error ActorFileSystem::write(HandleId handle, const FileContent& content) {
  return vfs_.write(actor_, handle, content);
}

model::Result<std::vector<model::DirectoryEntry>> ActorFileSystem::list_directory(
    const std::string& path) {
  return vfs_.list_directory(actor_, path);
}

model::Result<std::vector<model::DirectoryEntry>> ActorFileSystem::list_directory_as(
    const std::string& path, uint32_t thread_id) {
  return vfs_.list_directory(actor_, path, thread_id);
}

Win32Error ActorFileSystem::create_directories(const std::string& path) {
  return vfs_.create_directories(actor_, path);
}

Win32Error ActorFileSystem::create_directories(const std::string& path, model::FolderHint& hint) {
  return vfs_.create_directories(actor_, path, hint);
}

model::Result<HandleId> ActorFileSystem::open_in(const model::OpenRequest& request,
                                                 model::FolderHint& folder, model::NameHint& name) {
  return vfs_.open_in(actor_, request, folder, name);
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
