// A name's lookup in its directory, through the public VFS, while directories grow past the size
// that is scanned (ChildList::kScanMax) into the ChildIndex and shrink back below it: creates,
// deletes and renames (to a new name, or to the same name in another case) within and across two
// directories, each checked against a map of the names to the content of their files.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "model/ports.h"
#include "sim/fs/vfs.h"
#include "sim/fs/vfs_internal.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::Win32Error;
using namespace testing;

// More names than a scanned directory holds, so that one directory can cross the line.
constexpr auto kScanned = static_cast<uint32_t>(vfs_internal::ChildList::kScanMax);
constexpr uint32_t kNames = 2 * kScanned + 8;
constexpr const char* kFolders[] = {"C:\\Dp\\One", "C:\\Dp\\Two"};

// File `number` of folder `folder`, with the case of `spelling`'s bits: "C:\Dp\One\FILE7.dat".
std::string spelled_path(uint32_t folder, uint32_t number, uint32_t spelling) {
  return std::string(kFolders[folder]) + "\\" +
         in_case("file" + std::to_string(number) + ".dat", spelling);
}

enum class Step { make, remove, rename };

TEST_CASE("a directory finds its names as it grows past the scanned size and shrinks back",
          "[vfs][names]") {
  // Goal: a small directory's entries are scanned, a big one's are in the index, and the move
  // between the two loses no name and keeps no stale one. Method: random creates, deletes and
  // renames (the first phase mostly creating, the second mostly removing); after each, every
  // name of the folders it touched is looked for in random case, by path and through a folder
  // hint.
  rc::prop("lookups agree with a set of (folder, name)", [] {
    using Operation = std::tuple<Step, uint32_t, uint32_t, uint32_t, uint32_t>;
    // Any name from the first test on (RapidCheck's inRange favours small numbers at small
    // sizes), so that even the first tests cross the scanned size.
    const auto some_name = rc::gen::resize(100, rc::gen::inRange<uint32_t>(0, kNames));
    const auto some_folder = rc::gen::weightedOneOf<uint32_t>(
        {{3, rc::gen::just(uint32_t{0})}, {1, rc::gen::just(uint32_t{1})}});
    const auto phase = [&some_folder, &some_name](size_t shortest, int make_weight,
                                                  int remove_weight) {
      const auto length = *rc::gen::inRange<size_t>(shortest, 4 * kNames);
      return *rc::gen::container<std::vector<Operation>>(
          length,
          rc::gen::tuple(rc::gen::weightedOneOf<Step>({{make_weight, rc::gen::just(Step::make)},
                                                       {remove_weight, rc::gen::just(Step::remove)},
                                                       {1, rc::gen::just(Step::rename)}}),
                         some_folder, some_name, some_folder, some_name));
    };
    std::vector<Operation> operations = phase(3 * kNames, 4, 1);
    const std::vector<Operation> emptying = phase(0, 1, 4);
    operations.insert(operations.end(), emptying.begin(), emptying.end());
    const auto spelling = *rc::gen::arbitrary<uint32_t>();

    VfsWorld world;
    for (const char* folder : kFolders)
      RC_ASSERT(world.vfs.make_directories(folder) == Win32Error::ok);
    // (folder, name) -> the content version of its file: each file made gets its own, so a
    // lookup that finds the wrong node shows.
    std::map<std::pair<uint32_t, uint32_t>, uint64_t> present;
    uint64_t next_version = 1;
    // The first folder (three steps in four) starts within a few names of the scanned size, so
    // that the steps cross it.
    const auto start = kScanned - 2 + *rc::gen::inRange<uint32_t>(0, 5);
    for (uint32_t number = 0; number < start; ++number) {
      RC_ASSERT(world.vfs.make_file(spelled_path(0, number, 0), {1, next_version}) ==
                Win32Error::ok);
      present[{0, number}] = next_version++;
    }
    uint32_t step_number = 0;
    for (const auto& [step, folder, number, to_folder, to_number] : operations) {
      const uint32_t case_bits = spelling * (step_number++ + 1);
      const std::string path = spelled_path(folder, number, case_bits);
      const bool there = present.count({folder, number}) != 0;
      switch (step) {
        case Step::make:
          RC_ASSERT(world.vfs.make_file(path, {1, next_version}) == Win32Error::ok);
          present[{folder, number}] = next_version++;
          break;
        case Step::remove:
          RC_ASSERT(world.vfs.delete_file(world.copier, path) ==
                    (there ? Win32Error::ok : Win32Error::file_not_found));
          present.erase({folder, number});
          break;
        case Step::rename: {
          // Only a rename the reference can answer without the full MoveFile rules: to a free
          // name, or to the file's own name in another case (which keeps the file's entry).
          const bool same_name = folder == to_folder && number == to_number;
          if (!there || (!same_name && present.count({to_folder, to_number}) != 0)) break;
          const std::string target = spelled_path(to_folder, to_number, ~case_bits);
          RC_ASSERT(world.vfs.rename(world.copier, path, target) == Win32Error::ok);
          const uint64_t version = present.at({folder, number});
          present.erase({folder, number});
          present[{to_folder, to_number}] = version;
          break;
        }
      }
      for (const uint32_t probe_folder : {folder, to_folder}) {
        model::FolderHint hint = world.vfs.folder_hint(kFolders[probe_folder]);
        for (uint32_t probe = 0; probe < kNames; ++probe) {
          const auto found = present.find({probe_folder, probe});
          const bool expected = found != present.end();
          const std::string probe_path = spelled_path(probe_folder, probe, case_bits ^ probe);
          RC_ASSERT(world.vfs.exists(probe_path) == expected);
          if (expected) {
            RC_ASSERT(world.vfs.file_content(probe_path)->content_version == found->second);
          }
          model::NameHint name;
          const model::Result<HandleId> opened = world.vfs.open_in(
              world.holder, model::OpenRequest{probe_path, kGenericRead, kShareAll}, hint, name);
          RC_ASSERT(opened.ok() == expected);
          if (opened.ok()) world.vfs.close(world.holder, opened.value());
        }
      }
    }
  });
}

}  // namespace
}  // namespace distsim::sim
