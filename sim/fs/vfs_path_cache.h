// The parsed form of recently resolved path texts, in front of the path parser and the name
// table. The manager and the holders name the same paths again and again (a copy creates its
// directory for every file it writes, and a file's open, its check and the next pass name it
// again), and parsing a Windows path with all its checks costs more than the walk that follows.
// An entry keeps the text exactly as written, what parsing it gave, and the number of each
// component's name once the name table knows it. Parsing depends on the text alone and names
// stay interned for good, so an entry never goes stale; a component unknown when the entry was
// made is looked up again each time until some node is given that name. Included by
// sim/fs/vfs*.cpp (through vfs_internal.h) and its test only; the cache never reaches output.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/win32_error.h"
#include "sim/fs/vfs_names.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim::vfs_internal {

// A parse the cache keeps: the root as WindowsPath has it, and the components as pieces of the
// entry's own text (they are exactly that: the parser splits at separators and refuses empty and
// dot names), so that the parse of a path one name longer than a cached folder is the folder's
// pieces plus one, with no string copied.
struct CachedPath {
  std::string root;                          // "C:" or "\\DP01\SMSPKGD$", separators normalised
  std::vector<std::string_view> components;  // pieces of the entry's text

  [[nodiscard]] bool is_root() const { return components.empty(); }
  [[nodiscard]] bool is_unc() const { return root.size() > 2 && root[0] == '\\'; }
  [[nodiscard]] std::string display() const;  // as WindowsPath::display
};

class PathCache {
 public:
  // Neither copied nor moved: its components point into its own text.
  struct Entry {
    Entry() = default;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    ~Entry() = default;

    std::string text;                                 // as written; empty in a slot never used
    model::Win32Error error = model::Win32Error::ok;  // of parse_windows_path_into
    CachedPath path;                                  // when error is ok
    std::vector<NameId> names;  // per component; kNoName while no node has had that name
    // The volume of the root once one was found for it (volumes are never removed and a root's
    // volume never changes), else kNoCachedVolume.
    uint32_t volume = kNoCachedVolume;
    // The node the whole path led to, found while the VFS had removed names `node_generation`
    // times (State::names_removed_), and whether the text was then its own display form. Until a
    // name is removed again (a delete, a rename), the same walk would give the same node and
    // display: new nodes never change where an existing path leads. 0: not known.
    uint32_t node = 0;
    uint64_t node_generation = 0;
    bool displayed_as_written = false;
    // For an entry made from its parent folder's (extend_parent): the node the folder led to and
    // its generation, as the folder's entry had them, so that a path not yet walked (a file about
    // to be created) is found with one step from its folder. parent_generation 0: not known.
    uint32_t parent_node = 0;
    uint64_t parent_generation = 0;
  };
  static constexpr uint32_t kNoCachedVolume = UINT32_MAX;

  // The entry of `text`, parsed on a miss, with its unknown names looked up again in `names`.
  // It stays valid until the next call, except that a call with `keep` set never evicts `keep`
  // (a rename holds its source's entry while it resolves the target).
  [[nodiscard]] Entry& lookup(std::string_view text, const NameTable& names,
                              const Entry* keep = nullptr);

  // Lookups answered from the cache, and all lookups (for tests and the benchmark).
  [[nodiscard]] uint64_t hits() const { return hits_; }
  [[nodiscard]] uint64_t lookups() const { return lookups_; }
  // The slots of the table now (for tests).
  [[nodiscard]] size_t slots() const { return slots_; }

 private:
  // Direct-mapped: a small working set (the copies in flight and the holders' files) fits, and
  // a miss costs one parse, as it would without the cache. A slot keeps the capacity of its
  // strings and vectors, so a slot taking a path no longer than those it had allocates nothing.
  // A world starts with kSlotsFirst slots and gets kSlots once it has missed kMissesToGrow
  // times: a small world (an explored one resolves a few dozen paths) would spend more on
  // making and destroying the large table than its lookups cost.
  static constexpr size_t kSlotsFirst = 32;
  static constexpr size_t kSlots = 256;
  static constexpr uint64_t kMissesToGrow = 2 * kSlotsFirst;
  [[nodiscard]] Entry& slot_of(std::string_view text);
  void fill(Entry& entry, std::string_view text, const NameTable& names);
  // Looks up again the names that were unknown when the entry was made.
  static void refresh_names(Entry& entry, const NameTable& names);
  // Fills `entry` for `text` from the cached entry of its parent folder when there is one and
  // the last name is plain (a file opened right after its folder was made or listed): the
  // parse is the parent's plus one name. False when the whole text must be parsed.
  [[nodiscard]] bool extend_parent(Entry& entry, std::string_view text, const NameTable& names);

  // Made on first use (a world that never resolves pays nothing), then replaced, empty, by
  // kSlots slots (a lookup without `keep` after kMissesToGrow misses).
  std::unique_ptr<Entry[]> entries_;
  size_t slots_ = 0;
  uint64_t misses_ = 0;
  WindowsPath scratch_;  // what the parser fills on a miss
  Entry spare_;          // the entry of a text whose slot holds `keep`
  uint64_t hits_ = 0;
  uint64_t lookups_ = 0;
};

}  // namespace distsim::sim::vfs_internal
