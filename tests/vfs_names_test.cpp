// The lookup tables behind VFS paths (sim/fs/vfs_names.h): the name table folds case and numbers
// each name once, and the child index agrees with a std::map through any sequence of inserts and
// erases, including the backward shifts of erases inside long probe runs.
#include "sim/fs/vfs_names.h"

#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/fs/windows_path.h"

namespace distsim::sim::vfs_internal {
namespace {

TEST_CASE("the name table gives every spelling of a name one number", "[vfs][names]") {
  NameTable names;
  CHECK(names.find("setup.exe") == kNoName);
  const NameId setup = names.intern("Setup.exe");
  CHECK(names.intern("SETUP.EXE") == setup);
  CHECK(names.find("setup.EXE") == setup);
  const NameId data = names.intern("data1.cab");
  CHECK(data != setup);
  CHECK(names.find("Setup.ex") == kNoName);
  CHECK(names.find("Setup.exe_") == kNoName);
  // Only ASCII letters fold: '_' and '.' and bytes above 0x7F are themselves.
  CHECK(names.find("Setup_exe") == kNoName);
  const NameId accented = names.intern("\xc3\xa9t\xc3\xa9");
  CHECK(names.find("\xc3\xa9T\xc3\xa9") == accented);
  // Growing the table keeps every number.
  std::vector<NameId> numbers;
  for (int index = 0; index < 1000; ++index) {
    numbers.push_back(names.intern("file" + std::to_string(index)));
  }
  for (int index = 0; index < 1000; ++index) {
    CHECK(names.find("FILE" + std::to_string(index)) == numbers[static_cast<size_t>(index)]);
  }
  CHECK(names.find("SETUP.EXE") == setup);
}

TEST_CASE("the name table numbers names exactly as upper_ascii folds them", "[vfs][names]") {
  // Names are folded and hashed eight bytes at a time; every byte value and length must fold as
  // upper_ascii folds it, one byte at a time.
  rc::prop("two names get one number exactly when their upper_ascii forms are equal", [] {
    const auto byte =
        rc::gen::oneOf(rc::gen::elementOf(std::string("aAzZ`{@[_.09")), rc::gen::arbitrary<char>());
    const auto name = rc::gen::container<std::string>(byte);
    const auto left = *rc::gen::resize(24, name);
    const auto right = *rc::gen::resize(24, name);
    NameTable names;
    const NameId left_id = names.intern(left);
    RC_ASSERT(names.find(upper_ascii(left)) == left_id);
    const NameId right_found = names.find(right);
    RC_ASSERT((right_found == left_id) == (upper_ascii(left) == upper_ascii(right)));
    if (right_found == kNoName) RC_ASSERT(names.intern(right) != left_id);
  });
}

TEST_CASE("the child index agrees with a map through inserts and erases", "[vfs][names]") {
  rc::prop("ChildIndex behaves as std::map<(parent, name), child>", [] {
    // Few parents and names, so that keys repeat and probe runs form.
    const auto operations = *rc::gen::container<std::vector<std::tuple<bool, uint32_t, uint32_t>>>(
        rc::gen::tuple(rc::gen::arbitrary<bool>(), rc::gen::inRange<uint32_t>(0, 40),
                       rc::gen::inRange<uint32_t>(0, 40)));
    ChildIndex index;
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> reference;
    uint32_t next_child = 0;
    for (const auto& [insert, parent, name] : operations) {
      const auto key = std::make_pair(parent, name);
      const auto found = reference.find(key);
      if (insert && found == reference.end()) {
        index.insert(parent, name, next_child);
        reference[key] = next_child++;
      } else if (!insert && found != reference.end()) {
        index.erase(parent, name);
        reference.erase(found);
      }
      for (uint32_t probe_parent = 0; probe_parent < 40; probe_parent += 7) {
        for (uint32_t probe_name = 0; probe_name < 40; probe_name += 3) {
          const auto expected = reference.find({probe_parent, probe_name});
          RC_ASSERT(index.find(probe_parent, probe_name) ==
                    (expected == reference.end() ? ChildIndex::kNone : expected->second));
        }
      }
    }
    for (const auto& [key, child] : reference)
      RC_ASSERT(index.find(key.first, key.second) == child);
  });
}

TEST_CASE("case-insensitive order folds after long equal prefixes too", "[vfs][names]") {
  // Sorted listings skip the prefix that is equal as written eight bytes at a time; a case
  // difference or a difference of order must still decide, wherever it is.
  const std::string prefix = "\\\\DP01\\SMSPKGD$\\S0100001\\";
  CHECK(less_case_insensitive(prefix + "fileA", prefix + "fileb"));
  CHECK_FALSE(less_case_insensitive(prefix + "fileb", prefix + "fileA"));
  CHECK_FALSE(less_case_insensitive(prefix + "FILEA", prefix + "filea"));
  CHECK_FALSE(less_case_insensitive(prefix + "filea", prefix + "FILEA"));
  CHECK(less_case_insensitive("c:\\longprefix\\a", "C:\\LONGPREFIX\\B"));
  CHECK(less_case_insensitive(prefix, prefix + "x"));
  CHECK_FALSE(less_case_insensitive(prefix + "x", prefix));
  // '_' (0x5F) sorts after the letters folded to upper case, as the upper-case keys do.
  CHECK(less_case_insensitive(prefix + "filez", prefix + "file_"));
}

}  // namespace
}  // namespace distsim::sim::vfs_internal
