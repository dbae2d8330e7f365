// Tests of the VFS's blame: every refusal caused by other handles names them (actor, path, access
// and share as held, since when, and the lock range when a byte-range lock caused it), and a
// success or a refusal no handle caused names nobody.
#include "sim/world/blame.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "model/ports.h"
#include "sim/core/limits.h"
#include "sim/fs/vfs.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::Win32Error;
using namespace testing;

TEST_CASE("a sharing violation on open names the conflicting handle, its modes and its age",
          "[blame]") {
  VfsWorld world;
  world.clock.now_us = 5'000'000;
  const HandleId held = world.open_ok(world.holder, kSetup, kReadWrite, kShareRead);
  world.clock.now_us = 9'000'000;
  REQUIRE(world.open_error(world.copier, kSetup, kGenericRead, kShareRead) ==
          Win32Error::sharing_violation);
  const std::vector<BlameEntry>& blame = world.vfs.last_blame();
  REQUIRE(blame.size() == 1);
  CHECK(blame[0].handle == held);
  CHECK(blame[0].actor == world.holder);
  CHECK(blame[0].path == kSetup);
  CHECK(blame[0].access == kReadWrite);
  CHECK(blame[0].share.bits == kShareRead.bits);
  CHECK(blame[0].since_us == 5'000'000);
  CHECK_FALSE(blame[0].by_lock);
}

TEST_CASE("a folder handle that blocks a rename is named with the rights a directory has",
          "[blame]") {
  // Goal: a watcher's FILE_LIST_DIRECTORY|SYNCHRONIZE reads as such in the blame, not as the same
  // bits' file names (FILE_READ_DATA), while a file handle keeps its file names. Method: watch
  // C:\Src\Pkg\Sub, rename its parent (refused with 5), and name the culprit.
  VfsWorld world;
  constexpr model::AccessMask kListAndWait{model::access_bits::kFileReadData |
                                           model::access_bits::kSynchronize};
  world.open_ok(world.holder, "C:\\Src\\Pkg\\Sub", kListAndWait, kShareAll);
  REQUIRE(world.vfs.rename(world.copier, "C:\\Src\\Pkg", "C:\\Src\\Old") ==
          Win32Error::access_denied);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK(world.vfs.last_blame()[0].directory);
  ActorKinds kinds;
  const std::vector<Culprit> culprits = kinds.culprits(world.vfs, world.vfs.last_blame());
  REQUIRE(culprits.size() == 1);
  CHECK(culprit_trace_text(culprits[0]).find("access=FILE_LIST_DIRECTORY|SYNCHRONIZE ") !=
        std::string::npos);
  CHECK(model::access_names(kListAndWait, model::AccessTarget::file) ==
        std::vector<std::string>{"FILE_READ_DATA", "SYNCHRONIZE"});
  const model::AccessMask all_four{
      model::access_bits::kFileReadData | model::access_bits::kFileWriteData |
      model::access_bits::kFileAppendData | model::access_bits::kFileExecute};
  CHECK(model::access_names(all_four, model::AccessTarget::directory) ==
        std::vector<std::string>{"FILE_LIST_DIRECTORY", "FILE_ADD_FILE", "FILE_ADD_SUBDIRECTORY",
                                 "FILE_TRAVERSE"});
  world.open_ok(world.holder, kSetup, model::AccessMask{model::access_bits::kFileReadData},
                kShareNone);
  REQUIRE(world.open_error(world.copier, kSetup, kGenericRead, kShareAll) ==
          Win32Error::sharing_violation);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK_FALSE(world.vfs.last_blame()[0].directory);
}

TEST_CASE("only the handles that conflict are blamed, not every handle on the file", "[blame]") {
  VfsWorld world;
  const HandleId sharing = world.open_ok(world.holder, kSetup, kGenericRead, kShareAll);
  const HandleId denying = world.open_ok(world.holder, kSetup, kGenericRead, kShareRead);
  REQUIRE(world.open_error(world.copier, kSetup, kGenericWrite, kShareAll) ==
          Win32Error::sharing_violation);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK(world.vfs.last_blame()[0].handle == denying);
  CHECK(world.vfs.last_blame()[0].handle != sharing);
}

TEST_CASE("a successful operation and a refusal no handle caused leave no blame", "[blame]") {
  VfsWorld world;
  world.open_ok(world.holder, kSetup, kGenericRead, kShareNone);
  REQUIRE(world.open_error(world.copier, kSetup, kGenericRead, kShareAll) ==
          Win32Error::sharing_violation);
  REQUIRE_FALSE(world.vfs.last_blame().empty());
  world.open_ok(world.copier, kCab, kGenericRead, kShareAll);
  CHECK(world.vfs.last_blame().empty());
  REQUIRE(world.open_error(world.copier, "C:\\Src\\Pkg\\missing.txt", kGenericRead, kShareAll) ==
          Win32Error::file_not_found);
  CHECK(world.vfs.last_blame().empty());
}

TEST_CASE("a refused delete names the handle that does not share delete", "[blame]") {
  VfsWorld world;
  const HandleId held = world.open_ok(world.holder, kCab, kGenericRead, kShareReadWrite);
  REQUIRE(world.vfs.delete_file(world.copier, kCab) == Win32Error::sharing_violation);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK(world.vfs.last_blame()[0].handle == held);
  CHECK(world.vfs.last_blame()[0].path == kCab);
}

TEST_CASE("opening a delete-pending file blames the handles that keep it pending", "[blame]") {
  VfsWorld world;
  const HandleId held = world.open_ok(world.holder, kCab, kGenericRead, kShareAll);
  REQUIRE(world.vfs.delete_file(world.copier, kCab) == Win32Error::ok);
  REQUIRE(world.open_error(world.copier, kCab, kGenericRead, kShareAll) ==
          Win32Error::access_denied);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK(world.vfs.last_blame()[0].handle == held);
}

TEST_CASE("a refused file rename names the source's conflicting handle", "[blame]") {
  VfsWorld world;
  const HandleId held = world.open_ok(world.holder, kSetup, kGenericRead, kShareRead);
  REQUIRE(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\setup.old") ==
          Win32Error::sharing_violation);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK(world.vfs.last_blame()[0].handle == held);
}

TEST_CASE("a refused directory rename names the open handles below the directory", "[blame]") {
  VfsWorld world;
  const HandleId held = world.open_ok(world.holder, kCab, kGenericRead, kShareAll);
  REQUIRE(world.vfs.rename(world.copier, "C:\\Src\\Pkg", "C:\\Src\\Old") ==
          Win32Error::access_denied);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK(world.vfs.last_blame()[0].handle == held);
  CHECK(world.vfs.last_blame()[0].path == kCab);
}

TEST_CASE("a rename onto an open file is a name collision, which no handle is blamed for",
          "[blame]") {
  // Goal: blame names only handles that caused a refusal; 183 comes from the name alone.
  VfsWorld world;
  world.open_ok(world.holder, kCab, kGenericRead, kShareAll);
  REQUIRE(world.vfs.make_file("C:\\Src\\new.cab", {10, 3}) == Win32Error::ok);
  REQUIRE(world.vfs.rename(world.copier, "C:\\Src\\new.cab", kCab) == Win32Error::already_exists);
  CHECK(world.vfs.last_blame().empty());
}

TEST_CASE("a read refused by a byte-range lock names the lock and its range", "[blame]") {
  VfsWorld world;
  world.clock.now_us = 2'000'000;
  const HandleId locker = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  const HandleId reader = world.open_ok(world.copier, kSetup, kGenericRead, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, locker, 10, 5, /*exclusive=*/true) == Win32Error::ok);
  REQUIRE(world.vfs.read(world.copier, reader).error() == Win32Error::lock_violation);
  const std::vector<BlameEntry>& blame = world.vfs.last_blame();
  REQUIRE(blame.size() == 1);
  CHECK(blame[0].handle == locker);
  CHECK(blame[0].by_lock);
  CHECK(blame[0].lock_offset == 10);
  CHECK(blame[0].lock_length == 5);
  CHECK(blame[0].lock_exclusive);
  CHECK(blame[0].since_us == 2'000'000);
}

TEST_CASE("a refused lock names the overlapping lock of the other handle", "[blame]") {
  VfsWorld world;
  const HandleId first = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  const HandleId second = world.open_ok(world.copier, kSetup, kReadWrite, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, first, 0, 100, /*exclusive=*/false) == Win32Error::ok);
  REQUIRE(world.vfs.lock(world.copier, second, 50, 10, /*exclusive=*/true) ==
          Win32Error::lock_violation);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK(world.vfs.last_blame()[0].handle == first);
  CHECK_FALSE(world.vfs.last_blame()[0].lock_exclusive);
}

TEST_CASE("a write refused by a lock names it", "[blame]") {
  VfsWorld world;
  const HandleId locker = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  const HandleId writer = world.open_ok(world.copier, kSetup, kReadWrite, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, locker, 0, 1, /*exclusive=*/false) == Win32Error::ok);
  REQUIRE(world.vfs.write(world.copier, writer, {10, 7}) == Win32Error::lock_violation);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK(world.vfs.last_blame()[0].handle == locker);
}

TEST_CASE("blame names at most kBlameEntriesMax handles", "[blame]") {
  VfsWorld world;
  for (uint32_t index = 0; index < kBlameEntriesMax + 4; ++index) {
    world.open_ok(world.holder, kSetup, kGenericRead, kShareRead);
  }
  REQUIRE(world.open_error(world.copier, kSetup, kGenericWrite, kShareAll) ==
          Win32Error::sharing_violation);
  CHECK(world.vfs.last_blame().size() == kBlameEntriesMax);
}

}  // namespace
}  // namespace distsim::sim
