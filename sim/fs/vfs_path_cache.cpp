// The path cache of the VFS lookups.
#include "sim/fs/vfs_path_cache.h"

#include <cstring>

#include "model/assert.h"
#include "sim/core/limits.h"

namespace distsim::sim::vfs_internal {

// Eight bytes at a time, with a multiply-xorshift step: paths share long prefixes (a DP share and
// a package folder) and differ near the end, so every byte must reach the slot number.
PathCache::Entry& PathCache::slot_of(std::string_view text) {
  static_assert((kSlotsFirst & (kSlotsFirst - 1)) == 0);
  static_assert((kSlots & (kSlots - 1)) == 0);
  if (!entries_) {
    entries_ = std::make_unique<Entry[]>(kSlotsFirst);
    slots_ = kSlotsFirst;
  }
  uint64_t hash = text.size() * 0x9E3779B97F4A7C15ull;
  size_t index = 0;
  for (; index + sizeof(uint64_t) <= text.size(); index += sizeof(uint64_t)) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + index, sizeof(word));
    hash = (hash ^ word) * 0xBF58476D1CE4E5B9ull;
    hash ^= hash >> 29U;
  }
  if (index < text.size()) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + index, text.size() - index);
    hash = (hash ^ word) * 0xBF58476D1CE4E5B9ull;
    hash ^= hash >> 29U;
  }
  hash *= 0x94D049BB133111EBull;
  return entries_[static_cast<size_t>(hash >> 32U) & (slots_ - 1)];
}

std::string CachedPath::display() const {
  std::string out = root;
  if (components.empty() && !is_unc()) out.push_back('\\');
  for (const std::string_view name : components) {
    out.push_back('\\');
    out.append(name);
  }
  return out;
}

void PathCache::fill(Entry& entry, std::string_view text, const NameTable& names) {
  entry.text.assign(text.data(), text.size());
  entry.error = parse_windows_path_into(text, scratch_);
  entry.path.components.clear();
  entry.names.clear();
  entry.volume = kNoCachedVolume;
  entry.node_generation = 0;
  entry.parent_generation = 0;
  if (entry.error != model::Win32Error::ok) return;
  entry.path.root.assign(scratch_.root);
  // Each component follows the root or the previous component and one separator.
  const std::string_view own = entry.text;
  size_t offset = scratch_.root.size() + 1;
  for (const std::string& component : scratch_.components) {
    const std::string_view piece = own.substr(offset, component.size());
    DISTSIM_ASSERT(piece == component);
    entry.path.components.push_back(piece);
    entry.names.push_back(names.find(piece));
    offset += component.size() + 1;
  }
}

void PathCache::refresh_names(Entry& entry, const NameTable& names) {
  for (size_t index = 0; index < entry.names.size(); ++index) {
    if (entry.names[index] == kNoName)
      entry.names[index] = names.find(entry.path.components[index]);
  }
}

bool PathCache::extend_parent(Entry& entry, std::string_view text, const NameTable& names) {
  if (text.size() > kPathLengthMax) return false;
  size_t separator = text.size();
  while (separator > 0 && text[separator - 1] != '\\' && text[separator - 1] != '/') --separator;
  if (separator <= 1) return false;
  --separator;
  const std::string_view parent_text = text.substr(0, separator);
  const std::string_view name = text.substr(separator + 1);
  if (parent_text.back() == '\\' || parent_text.back() == '/' || !is_plain_name(name)) {
    return false;
  }
  Entry& parent = slot_of(parent_text);
  if (parent.text != parent_text || parent.error != model::Win32Error::ok || &parent == &entry) {
    return false;
  }
  refresh_names(parent, names);
  entry.text.assign(text.data(), text.size());
  entry.error = model::Win32Error::ok;
  // The parent's pieces at the same offsets of this text (it begins with the parent's), then the
  // name.
  entry.path.root.assign(parent.path.root);
  const std::string_view own = entry.text;
  entry.path.components.clear();
  for (const std::string_view piece : parent.path.components) {
    entry.path.components.push_back(
        own.substr(static_cast<size_t>(piece.data() - parent.text.data()), piece.size()));
  }
  entry.path.components.push_back(own.substr(separator + 1));
  entry.names.assign(parent.names.begin(), parent.names.end());
  entry.names.push_back(names.find(name));
  entry.volume = parent.volume;
  entry.node_generation = 0;
  entry.parent_node = parent.node;
  entry.parent_generation = parent.node_generation;
  return true;
}

PathCache::Entry& PathCache::lookup(std::string_view text, const NameTable& names,
                                    const Entry* keep) {
  ++lookups_;
  // Only here, and only without `keep`, is no entry of the old table still in use.
  if (keep == nullptr && slots_ < kSlots && misses_ >= kMissesToGrow) {
    entries_ = std::make_unique<Entry[]>(kSlots);
    slots_ = kSlots;
  }
  Entry* entry = &slot_of(text);
  if (entry->text == text && !entry->text.empty()) {
    ++hits_;
    refresh_names(*entry, names);
    return *entry;
  }
  ++misses_;
  if (entry == keep) entry = &spare_;
  if (!extend_parent(*entry, text, names)) fill(*entry, text, names);
  return *entry;
}

}  // namespace distsim::sim::vfs_internal
