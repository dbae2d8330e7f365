// The path cache in front of the VFS parser (sim/fs/vfs_path_cache.h): whatever it answers from,
// a cached entry, its parent folder's entry plus one name, or a fresh parse, it gives what
// parse_windows_path_into gives, with the name numbers the name table gives now; a rename's
// target never evicts the source it is resolved beside; and the table grows only where no entry
// is held.
#include "sim/fs/vfs_path_cache.h"

#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/core/limits.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim::vfs_internal {
namespace {

using model::Win32Error;

// The entry must hold exactly what the parser and the name table say about `text`.
void require_as_parsed(const PathCache::Entry& entry, const std::string& text,
                       const NameTable& names) {
  WindowsPath expected;
  const Win32Error error = parse_windows_path_into(text, expected);
  RC_ASSERT(entry.text == text);
  RC_ASSERT(entry.error == error);
  if (error != Win32Error::ok) return;
  RC_ASSERT(entry.path.root == expected.root);
  RC_ASSERT(entry.path.components.size() == expected.components.size());
  RC_ASSERT(entry.names.size() == expected.components.size());
  for (size_t index = 0; index < expected.components.size(); ++index) {
    RC_ASSERT(entry.path.components[index] == expected.components[index]);
    // A piece of the entry's own text, never of the text it was looked up with.
    RC_ASSERT(entry.path.components[index].data() >= entry.text.data());
    RC_ASSERT(entry.path.components[index].data() + entry.path.components[index].size() <=
              entry.text.data() + entry.text.size());
    RC_ASSERT(entry.names[index] == names.find(expected.components[index]));
  }
  RC_ASSERT(entry.path.display() == expected.display());
}

TEST_CASE("the path cache answers every text as the parser does, from any entry it has",
          "[vfs][path-cache]") {
  rc::prop("lookup(parent) then lookup(parent + separator + name) agree with the parser", [] {
    const std::vector<std::string> roots = {
        "C:", "c:", "\\\\DP01\\SMSPKGD$", "\\\\?\\C:", "\\\\DP01", "", "C"};
    const std::vector<std::string> separators = {"\\", "/", "\\\\", ""};
    const std::vector<std::string> pieces = {
        "a",   "A", "Setup.exe", ".",   "..",  ".hidden",
        "b<c", "",  "dir",       "DIR", "x:y", std::string(kPathComponentLengthMax + 1, 'n')};
    NameTable names;
    // Some names are known to the table before the lookups, some are numbered between them.
    for (const std::string& piece : pieces) {
      if (is_plain_name(piece) && *rc::gen::arbitrary<bool>()) (void)names.intern(piece);
    }
    PathCache cache;
    const auto lookups = *rc::gen::inRange<int>(1, 12);
    for (int round = 0; round < lookups; ++round) {
      std::string parent = *rc::gen::elementOf(roots);
      const auto depth = *rc::gen::inRange<int>(0, 4);
      for (int index = 0; index < depth; ++index) {
        parent += *rc::gen::elementOf(separators) + *rc::gen::elementOf(pieces);
      }
      const std::string text =
          parent + *rc::gen::elementOf(separators) + *rc::gen::elementOf(pieces);
      if (*rc::gen::arbitrary<bool>())
        require_as_parsed(cache.lookup(parent, names), parent, names);
      if (*rc::gen::arbitrary<bool>()) (void)names.intern(*rc::gen::elementOf(pieces));
      require_as_parsed(cache.lookup(text, names), text, names);
    }
  });
}

TEST_CASE("a path one name past the length limit is refused even when its folder is cached",
          "[vfs][path-cache]") {
  NameTable names;
  PathCache cache;
  std::string folder = "C:";
  while (folder.size() + 11 <= kPathLengthMax) folder += "\\" + std::string(10, 'd');
  REQUIRE(cache.lookup(folder, names).error == Win32Error::ok);
  std::string file = folder + "\\" + std::string(kPathLengthMax - folder.size(), 'f');
  REQUIRE(file.size() == kPathLengthMax + 1);
  CHECK(cache.lookup(file, names).error == Win32Error::filename_exced_range);
  file.pop_back();
  CHECK(cache.lookup(file, names).error == Win32Error::ok);
  CHECK(cache.lookup(file, names).path.components.size() ==
        cache.lookup(folder, names).path.components.size() + 1);
}

TEST_CASE("a name no node had when the entry was made is numbered once a node has it",
          "[vfs][path-cache]") {
  NameTable names;
  PathCache cache;
  const NameId known = names.intern("SMSPKGD$");
  const PathCache::Entry& first = cache.lookup("C:\\smspkgd$\\S0100001\\setup.exe", names);
  REQUIRE(first.names == std::vector<NameId>{known, kNoName, kNoName});
  const NameId package = names.intern("s0100001");
  const PathCache::Entry& again = cache.lookup("C:\\smspkgd$\\S0100001\\setup.exe", names);
  CHECK(again.names == std::vector<NameId>{known, package, kNoName});
  // A file beside it, answered from the folder's entry, gets the folder's numbers as they are now.
  const NameId other = names.intern("other");
  REQUIRE(cache.lookup("C:\\SMSPKGD$\\other", names).names == std::vector<NameId>{known, other});
  const NameId setup = names.intern("SETUP.EXE");
  const PathCache::Entry& beside = cache.lookup("C:\\SMSPKGD$\\other\\Setup.exe", names);
  CHECK(beside.names == std::vector<NameId>{known, other, setup});
  CHECK(cache.lookups() == 4);
  CHECK(cache.hits() == 1);
}

TEST_CASE("a rename's target never evicts the source's entry it is resolved beside",
          "[vfs][path-cache]") {
  NameTable names;
  PathCache cache;
  // Grown first, so that the eviction below happens within one table, not by its replacement.
  for (int index = 0; index < 100; ++index) {
    (void)cache.lookup("C:\\warm\\file" + std::to_string(index), names);
  }
  const std::string source_text = "\\\\DP01\\SMSPKGD$\\S0100001\\data.cab";
  const PathCache::Entry& source = cache.lookup(source_text, names);
  REQUIRE(cache.slots() == 256);
  // More targets than the cache has slots for paths of that depth: some fall on the source's
  // slot.
  const auto target_text = [](int index) {
    return "\\\\DP01\\SMSPKGD$\\S0100002\\file" + std::to_string(index) + ".tmp";
  };
  for (int index = 0; index < 2000; ++index) {
    const PathCache::Entry& target = cache.lookup(target_text(index), names, &source);
    REQUIRE(target.text == target_text(index));
    REQUIRE(target.path.components.size() == 2);
    REQUIRE(source.text == source_text);
    REQUIRE(source.path.components.back() == "data.cab");
  }
  // Without `keep`, an entry may be replaced: the cache is small and direct-mapped.
  for (int index = 0; index < 2000; ++index) {
    (void)cache.lookup(target_text(index), names);
  }
  const uint64_t hits_before = cache.hits();
  (void)cache.lookup(source_text, names);
  CHECK(cache.hits() == hits_before);
}

TEST_CASE(
    "the cache grows once a world misses often, never under a kept entry, and answers as "
    "before",
    "[vfs][path-cache]") {
  NameTable names;
  PathCache cache;
  const auto text_of = [](int index) { return "C:\\dir" + std::to_string(index) + "\\file.txt"; };
  const PathCache::Entry& kept = cache.lookup(text_of(0), names);
  const size_t first_slots = cache.slots();
  // Enough misses to grow, all with an entry kept: the table stays, and so does the kept entry.
  for (int index = 1; index <= 100; ++index) {
    REQUIRE(cache.lookup(text_of(index), names, &kept).text == text_of(index));
  }
  CHECK(cache.slots() == first_slots);
  CHECK(kept.text == text_of(0));
  // The next plain lookup grows it.
  (void)cache.lookup(text_of(0), names);
  CHECK(cache.slots() > first_slots);
  // Every path is answered as parsed, and a second round hits where the first filled: with the
  // small table, 200 paths in turn would have left almost nothing to hit.
  for (int round = 0; round < 2; ++round) {
    const uint64_t hits_before = cache.hits();
    for (int index = 0; index < 200; ++index) {
      const PathCache::Entry& entry = cache.lookup(text_of(index), names);
      REQUIRE(entry.text == text_of(index));
      REQUIRE(entry.path.components.size() == 2);
      REQUIRE(entry.path.components[0] == "dir" + std::to_string(index));
    }
    if (round == 1) CHECK(cache.hits() - hits_before > 50);
  }
}

}  // namespace
}  // namespace distsim::sim::vfs_internal
