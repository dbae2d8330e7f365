// PathScope: which paths lie below a holder's directories, and the answers it keeps per directory
// for written files (what the antivirus and the indexer ask on every write).
#include <catch2/catch.hpp>
#include <string>

#include "model/ports.h"
#include "sim/fs/vfs.h"
#include "sim/holders/holder.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::CreateDisposition;
using model::Win32Error;
using namespace testing;

// Writes `path` (creating it) as the copier and returns a copy of the write's event (the log may
// move its entries as it grows).
VfsEvent write_event(VfsWorld& world, const std::string& path) {
  const model::HandleId handle =
      world.open_ok(world.copier, path, kGenericWrite, kShareNone, CreateDisposition::open_always);
  REQUIRE(world.vfs.write(world.copier, handle, {10, world.vfs.new_content_version()}) ==
          Win32Error::ok);
  world.vfs.close(world.copier, handle);
  const auto& log = world.vfs.access_log();
  REQUIRE(log.size() >= 2);
  const VfsEvent& event = log[log.size() - 2];
  REQUIRE(event.operation == VfsOperation::write);
  return event;  // a copy
}

TEST_CASE("a scope holds the paths below its directories, case-insensitively, not the directories",
          "[holders]") {
  const PathScope scope({"C:\\Dp", "\\\\DP1\\SHARE$\\Pkg"});
  CHECK(scope.contains("C:\\DP\\a.txt"));
  CHECK(scope.contains("c:\\dp\\Sub\\b.bin"));
  CHECK(scope.contains("\\\\DP1\\SHARE$\\PKG\\x"));
  CHECK_FALSE(scope.contains("C:\\Dp"));
  CHECK_FALSE(scope.contains("C:\\Dpx\\a.txt"));
  CHECK_FALSE(scope.contains("\\\\DP1\\SHARE$\\Pkg2\\x"));
}

TEST_CASE("a written file's scope follows its directory when the directory moves", "[holders]") {
  // Goal: the answer kept for a directory is asked again once a name has left the namespace.
  // Method: write in C:\Dp\Pkg (in scope), move the folder out of the scope, write there again:
  // the same directory node, now at another path.
  VfsWorld world;
  PathScope scope({"C:\\Dp"});
  REQUIRE(world.vfs.make_directories("C:\\Dp\\Pkg") == Win32Error::ok);
  REQUIRE(world.vfs.make_directories("C:\\Out") == Win32Error::ok);
  const VfsEvent inside = write_event(world, "C:\\Dp\\Pkg\\a.txt");
  REQUIRE(inside.folder != VfsEvent::kNoFolder);
  const uint32_t folder = inside.folder;
  CHECK(scope.contains_written(world.vfs, inside));
  CHECK(scope.contains_written(world.vfs, write_event(world, "C:\\Dp\\Pkg\\b.txt")));
  REQUIRE(world.vfs.rename(world.copier, "C:\\Dp\\Pkg", "C:\\Out\\Pkg") == Win32Error::ok);
  const VfsEvent moved = write_event(world, "C:\\Out\\Pkg\\a.txt");
  CHECK(moved.folder == folder);
  CHECK_FALSE(scope.contains_written(world.vfs, moved));
  CHECK(scope.contains_written(world.vfs, moved) == scope.contains(moved.path()));
}

TEST_CASE("directories whose answers share a slot keep their own answers", "[holders]") {
  // Many directories, some in the scope and some not, written in turn: each answer is the one
  // its own path gives, whatever directory was asked before.
  VfsWorld world;
  PathScope scope({"C:\\In"});
  for (int round = 0; round < 2; ++round) {
    for (int index = 0; index < 150; ++index) {
      const std::string root = index % 3 == 0 ? "C:\\In\\" : "C:\\Out\\";
      const std::string folder = root + "D" + std::to_string(index);
      REQUIRE(world.vfs.make_directories(folder) == Win32Error::ok);
      const VfsEvent event = write_event(world, folder + "\\f.txt");
      INFO(event.path());
      CHECK(scope.contains_written(world.vfs, event) == (index % 3 == 0));
    }
  }
}

}  // namespace
}  // namespace distsim::sim
