// The files below a directory come in the case-insensitive order of their whole paths, whatever
// the names: ones that begin other names, punctuation sorting before and after the separator,
// digits, mixed case, a drive's root. The walk that lists them sorts each directory's names, so it
// is checked here against sorting the whole paths.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/ports.h"
#include "sim/fs/vfs.h"
#include "sim/fs/windows_path.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::Win32Error;
using namespace testing;

// Names chosen to begin one another and to put bytes below and above '\' (0x5C) right after a
// shared beginning: ' ', '-', '.', digits, upper-case letters sort before it, '_', '^' and
// lower-case letters (folded to upper case) around it.
const std::vector<std::string> kNames = {"a",  "A b", "a-1", "a.txt", "a1", "a_", "A^",
                                         "ab", "B",   "b_c", "Z",     "z0", "[x", "a~"};

TEST_CASE("files below a directory come in the case-insensitive order of their paths", "[vfs]") {
  rc::prop("the walk's order is the order of the whole paths", [] {
    VfsWorld world;
    const std::string root = *rc::gen::element<std::string>("C:\\", "C:\\Top");
    std::vector<std::string> paths;
    const auto count = *rc::gen::inRange(1, 40);
    for (int file = 0; file < count; ++file) {
      const auto depth = *rc::gen::inRange(1, 4);
      std::string path = root;
      for (int level = 0; level < depth; ++level) {
        if (path.back() != '\\') path += '\\';
        path += kNames[*rc::gen::inRange<size_t>(0, kNames.size())];
      }
      // A name already taken by a file cannot be a directory too: such paths are skipped.
      if (world.vfs.make_file(path, {static_cast<uint64_t>(file), 1}) != Win32Error::ok) continue;
      paths.push_back(path);
    }
    const std::vector<std::string> expected = world.vfs.files_under(root);
    std::vector<std::string> sorted = expected;
    std::sort(sorted.begin(), sorted.end(), less_case_insensitive);
    RC_ASSERT(expected == sorted);
    // And every file made is listed once.
    std::vector<std::string> folded;
    for (const std::string& listed : expected) folded.push_back(upper_ascii(listed));
    std::sort(folded.begin(), folded.end());
    RC_ASSERT(std::adjacent_find(folded.begin(), folded.end()) == folded.end());
    for (const std::string& path : paths) {
      RC_ASSERT(std::binary_search(folded.begin(), folded.end(), upper_ascii(path)));
    }
  });
}

}  // namespace
}  // namespace distsim::sim
