// The name table, the child index and the root cache of the VFS lookups.
#include "sim/fs/vfs_names.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "model/assert.h"

namespace distsim::sim::vfs_internal {
namespace {

constexpr size_t kInitialSlots = 64;  // a power of two; tables double as they fill

[[nodiscard]] unsigned char fold(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte >= 'a' && byte <= 'z') ? static_cast<unsigned char>(byte - ('a' - 'A')) : byte;
}

// A 64-bit mix (the splitmix64 finaliser), so that consecutive node and name numbers spread.
[[nodiscard]] uint64_t mix(uint64_t value) {
  value ^= value >> 30U;
  value *= 0xBF58476D1CE4E5B9ull;
  value ^= value >> 27U;
  value *= 0x94D049BB133111EBull;
  return value ^ (value >> 31U);
}

// Eight bytes folded at once: 0x20 cleared in every byte from 'a' to 'z' (bytes from 0x80 up are
// left alone, as fold() leaves them).
[[nodiscard]] uint64_t fold_word(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const uint64_t low7 = word & ~kHigh;
  const uint64_t at_least_a = low7 + (0x80 - 'a') * kOnes;   // high bit: byte >= 'a'
  const uint64_t above_z = low7 + (0x80 - 'z' - 1) * kOnes;  // high bit: byte > 'z'
  const uint64_t lower = at_least_a & ~above_z & ~word & kHigh;
  return word ^ (lower >> 2U);
}

// The bytes [index, index + count) of `name`, count <= 8, in the low bytes of a word (x86 byte
// order; the words never leave this file). Only the last word of a name is short: it is read as
// the name's last eight bytes, shifted, so that no load has a length known only at run time.
[[nodiscard]] uint64_t load_word(std::string_view name, size_t index, size_t count) {
  uint64_t word = 0;
  if (count == sizeof(word)) {
    std::memcpy(&word, name.data() + index, sizeof(word));
    return word;
  }
  if (name.size() >= sizeof(word)) {
    std::memcpy(&word, name.data() + name.size() - sizeof(word), sizeof(word));
    return word >> (8U * (sizeof(word) - count));
  }
  for (size_t at = 0; at < count; ++at) {
    word |= uint64_t{static_cast<unsigned char>(name[index + at])} << (8U * at);
  }
  return word;
}

// A hash of the folded bytes, eight at a time: the same for every spelling of a name.
[[nodiscard]] uint64_t folded_hash(std::string_view name) {
  uint64_t hash = name.size() * 0x9E3779B97F4A7C15ull;
  for (size_t index = 0; index < name.size(); index += sizeof(uint64_t)) {
    const size_t count = std::min(sizeof(uint64_t), name.size() - index);
    hash = (hash ^ fold_word(load_word(name, index, count))) * 0xBF58476D1CE4E5B9ull;
    hash ^= hash >> 29U;
  }
  return mix(hash);  // the table's slot is the low bits: every byte must reach them
}

[[nodiscard]] bool equal_folded(std::string_view folded, std::string_view name) {
  if (folded.size() != name.size()) return false;
  for (size_t index = 0; index < name.size(); index += sizeof(uint64_t)) {
    const size_t count = std::min(sizeof(uint64_t), name.size() - index);
    if (load_word(folded, index, count) != fold_word(load_word(name, index, count))) return false;
  }
  return true;
}

}  // namespace

// --- SpellingTable

SpellingId SpellingTable::intern(NameId name, std::string_view spelling) {
  DISTSIM_ASSERT(name != kNoName);
  if (name >= first_by_name_.size()) first_by_name_.resize(size_t{name} + 1, kNoSpelling);
  const SpellingId first = first_by_name_[name];
  if (first != kNoSpelling && texts_[first] == spelling) return first;
  if (first != kNoSpelling) {
    if (const auto found = other_spellings_.find(spelling); found != other_spellings_.end()) {
      return found->second;
    }
  }
  DISTSIM_ASSERT(texts_.size() < kNoSpelling);
  const auto id = static_cast<SpellingId>(texts_.size());
  texts_.emplace_back(spelling);
  if (first == kNoSpelling) {
    first_by_name_[name] = id;
  } else {
    other_spellings_.emplace(spelling, id);
  }
  return id;
}

// --- NameTable

size_t NameTable::slot_of(std::string_view name, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const NameId id = slots_[slot];
    if (id == kNoName) return slot;
    if (hashes_[id] == hash && equal_folded(folded_[id], name)) return slot;
  }
}

bool NameTable::numbers(NameId id, std::string_view name) const {
  return id < folded_.size() && equal_folded(folded_[id], name);
}

NameId NameTable::find(std::string_view name) const {
  if (slots_.empty()) return kNoName;
  return slots_[slot_of(name, folded_hash(name))];
}

NameId NameTable::intern(std::string_view name) {
  if (2 * (folded_.size() + 1) > slots_.size()) grow();
  const uint64_t hash = folded_hash(name);
  const size_t slot = slot_of(name, hash);
  if (slots_[slot] != kNoName) return slots_[slot];
  DISTSIM_ASSERT(folded_.size() < kNoName);
  const auto id = static_cast<NameId>(folded_.size());
  std::string& folded = folded_.emplace_back(name);
  for (char& c : folded) c = static_cast<char>(fold(c));
  hashes_.push_back(hash);
  slots_[slot] = id;
  return id;
}

void NameTable::grow() {
  slots_.assign(slots_.empty() ? kInitialSlots : 2 * slots_.size(), kNoName);
  const size_t mask = slots_.size() - 1;
  for (NameId id = 0; id < folded_.size(); ++id) {
    size_t slot = hashes_[id] & mask;
    while (slots_[slot] != kNoName) slot = (slot + 1) & mask;
    slots_[slot] = id;
  }
}

// --- ChildIndex

size_t ChildIndex::home_of(uint32_t parent, NameId name) const {
  return mix((uint64_t{parent} << 32U) | name) & (slots_.size() - 1);
}

uint32_t ChildIndex::find(uint32_t parent, NameId name) const {
  if (slots_.empty()) return kNone;
  const size_t mask = slots_.size() - 1;
  for (size_t slot = home_of(parent, name);; slot = (slot + 1) & mask) {
    const Slot& entry = slots_[slot];
    if (entry.parent == parent && entry.name == name) return entry.child;
    if (entry.parent == kNone) return kNone;
  }
}

void ChildIndex::insert(uint32_t parent, NameId name, uint32_t child) {
  DISTSIM_ASSERT(parent != kNone);
  if (3 * (count_ + 1) > 2 * slots_.size()) grow();
  const size_t mask = slots_.size() - 1;
  size_t slot = home_of(parent, name);
  while (slots_[slot].parent != kNone) {
    // A name is unique within its directory.
    DISTSIM_ASSERT(slots_[slot].parent != parent || slots_[slot].name != name);
    slot = (slot + 1) & mask;
  }
  slots_[slot] = Slot{parent, name, child};
  ++count_;
}

void ChildIndex::erase(uint32_t parent, NameId name) {
  DISTSIM_ASSERT(!slots_.empty());
  const size_t mask = slots_.size() - 1;
  size_t hole = home_of(parent, name);
  while (slots_[hole].parent != parent || slots_[hole].name != name) {
    DISTSIM_ASSERT(slots_[hole].parent != kNone);  // erasing a name that is not there is a bug
    hole = (hole + 1) & mask;
  }
  // Backward-shift deletion: move later entries of the run into the hole when their home slot
  // does not lie cyclically between the hole and themselves.
  for (size_t slot = (hole + 1) & mask; slots_[slot].parent != kNone; slot = (slot + 1) & mask) {
    const size_t home = home_of(slots_[slot].parent, slots_[slot].name);
    const bool stays = hole <= slot ? (hole < home && home <= slot) : (hole < home || home <= slot);
    if (stays) continue;
    slots_[hole] = slots_[slot];
    hole = slot;
  }
  slots_[hole] = Slot{};
  --count_;
}

void ChildIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? kInitialSlots : 2 * old.size(), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& entry : old) {
    if (entry.parent == kNone) continue;
    size_t slot = home_of(entry.parent, entry.name);
    while (slots_[slot].parent != kNone) slot = (slot + 1) & mask;
    slots_[slot] = entry;
  }
}

// --- RootCache

// FNV-1a over the root: share roots differ in their server part ("\\DP01\..", "\\DP02\..").
size_t RootCache::slot(std::string_view root) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (const char c : root) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ull;
  }
  return static_cast<size_t>(hash % kSlots);
}

}  // namespace distsim::sim::vfs_internal
