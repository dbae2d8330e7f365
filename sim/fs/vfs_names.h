// Interned, case-folded names for the VFS lookups: every name a node was ever given is folded
// (ASCII upper case, as upper_ascii) and numbered once; a directory's child is then found by
// (directory, name number) in one hash probe, and a component as written is folded and hashed
// while it is looked up, without building an upper-case copy. Volume roots as written are
// remembered with their volume. Included by sim/fs/vfs*.cpp (through vfs_internal.h) and its
// test only. The tables are never iterated, so their order reaches no output: listings use
// Node::children.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace distsim::sim::vfs_internal {

using NameId = uint32_t;
inline constexpr NameId kNoName = std::numeric_limits<NameId>::max();

// Folded names and their numbers. A name stays interned after its last node is gone, so the
// table grows with the distinct names a run creates (bounded by the nodes it creates).
class NameTable {
 public:
  // The number of `name` folded, or kNoName when no node was ever given a name equal to it.
  [[nodiscard]] NameId find(std::string_view name) const;
  // The number of `name` folded, numbering it if it is new.
  [[nodiscard]] NameId intern(std::string_view name);
  // The folded name numbered `id` (which find or intern returned).
  [[nodiscard]] const std::string& folded(NameId id) const { return folded_[id]; }
  // Whether `id` is the number of `name` folded (any id: one never given is simply not).
  [[nodiscard]] bool numbers(NameId id, std::string_view name) const;

 private:
  [[nodiscard]] size_t slot_of(std::string_view name, uint64_t hash) const;
  void grow();

  std::vector<std::string> folded_;  // NameId -> folded name
  std::vector<uint64_t> hashes_;     // NameId -> hash of the folded name
  std::vector<NameId> slots_;        // open addressing, linear probing; kNoName when empty
};

// The names of nodes as created (case preserved), numbered, so that a node keeps a number instead
// of a string: a DP holds the same file names as every other DP, and a name longer than a
// string's inline storage would otherwise cost each node an allocation. The first spelling of
// each folded name is found by the name's number; other spellings of it (the same name in another
// case, rare) in an ordered map.
using SpellingId = uint32_t;
inline constexpr SpellingId kNoSpelling = std::numeric_limits<SpellingId>::max();

class SpellingTable {
 public:
  // The number of `spelling`, whose folded name is numbered `name`, numbering it if it is new.
  [[nodiscard]] SpellingId intern(NameId name, std::string_view spelling);
  [[nodiscard]] const std::string& text(SpellingId id) const { return texts_[id]; }

 private:
  std::vector<std::string> texts_;         // SpellingId -> the name as created
  std::vector<SpellingId> first_by_name_;  // NameId -> its first spelling, or kNoSpelling
  std::map<std::string, SpellingId, std::less<>> other_spellings_;
};

// The child of a directory with a given name number: (parent, name) -> node, open addressing
// with linear probing and backward-shift deletion (no tombstones, so lookups stay short however
// many files come and go). Twelve bytes a slot, at most two thirds full. State keeps here only
// the entries of directories too big to scan (more than ChildList::kScanMax entries): a
// site-scale world's big directories (DP shares, the package store) hold tens of thousands of
// names; a small directory's lookup scans its own list.
class ChildIndex {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  [[nodiscard]] uint32_t find(uint32_t parent, NameId name) const;
  void insert(uint32_t parent, NameId name, uint32_t child);
  void erase(uint32_t parent, NameId name);

 private:
  struct Slot {
    uint32_t parent = kNone;  // kNone: an empty slot (no node id is kNone)
    NameId name = kNoName;
    uint32_t child = kNone;
  };
  [[nodiscard]] size_t home_of(uint32_t parent, NameId name) const;
  void grow();

  std::vector<Slot> slots_;
  size_t count_ = 0;
};

// The volumes of recently used roots, by the root exactly as written (separators normalised):
// a direct-mapped cache in front of the upper-case volume map. Volumes are never removed and a
// root's volume never changes, so an entry never goes stale.
class RootCache {
 public:
  static constexpr uint32_t kMiss = std::numeric_limits<uint32_t>::max();

  [[nodiscard]] uint32_t find(std::string_view root) const {
    const Entry& entry = entries_[slot(root)];
    return entry.root == root ? entry.volume : kMiss;
  }
  void remember(std::string_view root, uint32_t volume) {
    Entry& entry = entries_[slot(root)];
    entry.root.assign(root.data(), root.size());
    entry.volume = volume;
  }

 private:
  static constexpr size_t kSlots = 64;
  struct Entry {
    std::string root;
    uint32_t volume = kMiss;
  };
  [[nodiscard]] static size_t slot(std::string_view root);
  std::array<Entry, kSlots> entries_;
};

}  // namespace distsim::sim::vfs_internal
