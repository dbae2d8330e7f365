// The path cache of the VFS lookups.
#include "sim/fs/vfs_path_cache.h"

#include <cstring>

#include "model/assert.h"
#include "sim/core/limits.h"

namespace distsim::sim::vfs_internal {

namespace {

// The high bit of each byte of `word` equal to the byte repeated in `pattern`, without a branch:
// a byte of word ^ pattern is zero exactly where they are equal.
[[nodiscard]] uint64_t equal_byte_marks(uint64_t word, uint64_t pattern) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  const uint64_t difference = word ^ pattern;
  const uint64_t nonzero = ((difference & kLow7) + kLow7) | difference;
  return ~nonzero & ~kLow7;
}

// The '\\' and '/' bytes of `word`: their marks as ones in the low bit of each byte, summed by a
// multiply into the top byte (at most 8, so no byte overflows).
[[nodiscard]] uint32_t count_separators(uint64_t word) {
  constexpr uint64_t kBackslashes = 0x5C5C5C5C5C5C5C5Cull;
  constexpr uint64_t kSlashes = 0x2F2F2F2F2F2F2F2Full;
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  const uint64_t marks = equal_byte_marks(word, kBackslashes) | equal_byte_marks(word, kSlashes);
  return static_cast<uint32_t>(((marks >> 7U) * kOnes) >> 56U);
}

}  // namespace

// Eight bytes at a time, with a multiply-xorshift step: paths share long prefixes (a DP share and
// a package folder) and differ near the end, so every byte must reach the slot number. The same
// words give the number of separators, which picks the group.
PathCache::Entry& PathCache::slot_of(std::string_view text) {
  static_assert((kSlotsPerGroup & (kSlotsPerGroup - 1)) == 0);
  static_assert((kDepthGroups & (kDepthGroups - 1)) == 0);
  if (!entries_) entries_ = std::make_unique<Entry[]>(kSlots);
  uint64_t hash = text.size() * 0x9E3779B97F4A7C15ull;
  size_t separators = 0;
  size_t index = 0;
  for (; index + sizeof(uint64_t) <= text.size(); index += sizeof(uint64_t)) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + index, sizeof(word));
    separators += count_separators(word);
    hash = (hash ^ word) * 0xBF58476D1CE4E5B9ull;
    hash ^= hash >> 29U;
  }
  if (index < text.size()) {
    uint64_t word = 0;  // the missing bytes are zero, never a separator
    std::memcpy(&word, text.data() + index, text.size() - index);
    separators += count_separators(word);
    hash = (hash ^ word) * 0xBF58476D1CE4E5B9ull;
    hash ^= hash >> 29U;
  }
  hash *= 0x94D049BB133111EBull;
  const size_t group = separators & (kDepthGroups - 1);
  return entries_[group * kSlotsPerGroup +
                  (static_cast<size_t>(hash >> 32U) & (kSlotsPerGroup - 1))];
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
  Entry* entry = &slot_of(text);
  if (entry->text == text && !entry->text.empty()) {
    ++hits_;
    refresh_names(*entry, names);
    return *entry;
  }
  if (entry == keep) entry = &spare_;
  if (!extend_parent(*entry, text, names)) fill(*entry, text, names);
  return *entry;
}

}  // namespace distsim::sim::vfs_internal
