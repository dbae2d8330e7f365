// A directory's entry list (ChildList in sim/fs/vfs_internal.h) against a std::map of folded names:
// the same entries, in the same listing order forwards and backwards, the same refusals of a
// name already there, through inserts and erases in any order and across the change from the
// sorted vector to the tree and back (at a smaller size).
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/fs/vfs_internal.h"
#include "sim/fs/windows_path.h"
#include "tests/vfs_world.h"

namespace distsim::sim::vfs_internal {
namespace {

using Listing = std::vector<std::pair<NameId, NodeId>>;

// The entries in listing order, or in reverse.
Listing listed(const ChildList& list, bool reverse) {
  Listing out;
  const auto keep = [&out](NameId name, NodeId child) {
    out.emplace_back(name, child);
    return true;
  };
  if (reverse) {
    list.for_each_reverse(keep);
  } else {
    list.for_each(keep);
  }
  return out;
}

// Fails the property unless `list` lists the entries of `reference` (by folded name) in its order,
// forwards and backwards.
void check_listing(const ChildList& list,
                   const std::map<std::string, std::pair<NameId, NodeId>>& reference) {
  Listing expected;
  for (const auto& [folded, entry] : reference) expected.push_back(entry);
  RC_ASSERT(listed(list, false) == expected);
  const Listing reversed(expected.rbegin(), expected.rend());
  RC_ASSERT(listed(list, true) == reversed);
}

// The name numbered `number`, spelled with the case of `spelling`'s bits: "file7.TXT", "FILE7.txt".
std::string spelled(uint32_t number, uint32_t spelling) {
  return testing::in_case("file" + std::to_string(number) + ".txt", spelling);
}

TEST_CASE("a directory lists its entries as a map of folded names would", "[vfs][names]") {
  // Goal: the listing order, duplicate refusals and erases of the std::map the list replaced.
  // Method: random inserts and erases of up to 400 names in random case, checked after each.
  rc::prop("ChildList behaves as std::map<folded name, child>", [] {
    // More names than ChildList::kFlatMax, so that the list turns into a tree, then mostly
    // erases, so that it goes back to a vector (at kFlatAgainMax) and may empty.
    using Operation = std::tuple<bool, uint32_t, uint32_t>;
    // Full-range numbers from the first test on (RapidCheck's inRange favours small numbers at
    // small sizes), so that most tests make a tree and take it back to a vector.
    const auto phase = [](int insert_weight, int erase_weight) {
      const auto length = *rc::gen::resize(100, rc::gen::inRange<size_t>(400, 1000));
      return *rc::gen::container<std::vector<Operation>>(
          length,
          rc::gen::tuple(rc::gen::weightedOneOf<bool>({{insert_weight, rc::gen::just(true)},
                                                       {erase_weight, rc::gen::just(false)}}),
                         rc::gen::resize(100, rc::gen::inRange<uint32_t>(0, 400)),
                         rc::gen::arbitrary<uint32_t>()));
    };
    std::vector<Operation> operations = phase(3, 1);
    const std::vector<Operation> emptying = phase(1, 3);
    operations.insert(operations.end(), emptying.begin(), emptying.end());
    NameTable names;
    ChildList list;
    std::map<std::string, std::pair<NameId, NodeId>> reference;  // by folded name
    NodeId next_child = 0;
    size_t step = 0;
    bool was_tree = false;
    bool back_to_vector = false;
    for (const auto& [insert, number, spelling] : operations) {
      const std::string name = spelled(number, spelling);
      const NameId id = names.intern(name);
      const std::string folded = upper_ascii(name);
      if (insert) {
        const bool inserted = list.insert(names, id, next_child);
        RC_ASSERT(inserted == (reference.count(folded) == 0));
        if (inserted) reference[folded] = {id, next_child++};
      } else {
        RC_ASSERT(list.erase(id) == reference.erase(folded));
      }
      RC_ASSERT(list.size() == reference.size());
      RC_ASSERT(list.empty() == reference.empty());
      // The whole listing now and then, and around the sizes where the list changes form.
      const size_t size = reference.size();
      was_tree = was_tree || size > ChildList::kFlatMax;
      back_to_vector = back_to_vector || (was_tree && size <= ChildList::kFlatAgainMax);
      if (++step % 16 == 0 || size + 1 == ChildList::kFlatAgainMax ||
          size == ChildList::kFlatAgainMax || size == ChildList::kFlatMax + 1) {
        check_listing(list, reference);
      }
    }
    check_listing(list, reference);
    RC_CLASSIFY(back_to_vector, "a tree went back to a vector");
  });
}

TEST_CASE("a directory visit stops where the visitor says so", "[vfs][names]") {
  // Goal: an early stop ends the walk, in the vector and in the tree. Method: a tree-sized list,
  // a visitor that stops at the third entry, and one that never stops.
  NameTable names;
  ChildList list;
  for (uint32_t number = 0; number < ChildList::kFlatMax + 10; ++number) {
    REQUIRE(list.insert(names, names.intern(spelled(number, 0)), number));
  }
  uint32_t visited = 0;
  CHECK_FALSE(list.for_each([&visited](NameId, NodeId) { return ++visited < 3; }));
  CHECK(visited == 3);
  visited = 0;
  CHECK(list.for_each_reverse([&visited](NameId, NodeId) { return ++visited > 0; }));
  CHECK(visited == ChildList::kFlatMax + 10);
}

}  // namespace
}  // namespace distsim::sim::vfs_internal
