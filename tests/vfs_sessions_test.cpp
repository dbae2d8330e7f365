// Forcing users' sessions off a folder (VirtualFileSystem::disconnect_users): what ends, what the
// users see afterwards, and what stays.
#include <catch2/catch.hpp>
#include <string>

#include "model/ports.h"
#include "sim/fs/vfs.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::AccessMask;
using model::Win32Error;
namespace bits = model::access_bits;
using namespace testing;

constexpr const char* kFolder = "C:\\Src\\Pkg";
constexpr AccessMask kRunAccess{bits::kGenericRead | bits::kGenericExecute};

TEST_CASE("disconnecting users ends their handles below the folder and frees the files",
          "[vfs][sessions]") {
  // Goal: a forced disconnect lets the manager write what a user held exclusively. Method: the
  // holder holds both files unshared; the copier disconnects users of the folder and opens both.
  VfsWorld world;
  const HandleId setup = world.open_ok(world.holder, kSetup, kReadWrite, kShareNone);
  const HandleId cab = world.open_ok(world.holder, kCab, kGenericRead, kShareNone);
  REQUIRE(world.open_error(world.copier, kSetup, kGenericWrite, kShareNone) ==
          Win32Error::sharing_violation);
  CHECK(world.vfs.disconnect_users(world.copier, kFolder).value() == 2);
  CHECK(world.vfs.open_handle_count() == 0);
  const HandleId written = world.open_ok(world.copier, kSetup, kGenericWrite, kShareNone);
  (void)world.open_ok(world.copier, kCab, kGenericWrite, kShareNone);
  CHECK(world.vfs.write(world.copier, written, {300, 3}) == Win32Error::ok);
  // The trace sees each end as its owner's close, marked as the server's doing.
  size_t forced = 0;
  for (const VfsEvent& event : world.vfs.access_log()) {
    if (event.operation == VfsOperation::close && event.disconnected) {
      CHECK(event.actor == world.holder);
      CHECK((event.handle == setup || event.handle == cab));
      ++forced;
    }
  }
  CHECK(forced == 2);
}

TEST_CASE("a disconnected user's handle fails with error 64 and closes quietly",
          "[vfs][sessions]") {
  // Goal: the user's side keeps its handle value, as a redirector does after the server closed
  // the file. Method: disconnect, then read, write and lock through the old handle; close it.
  VfsWorld world;
  const HandleId held = world.open_ok(world.holder, kSetup, kReadWrite, kShareNone);
  REQUIRE(world.vfs.disconnect_users(world.copier, kFolder).value() == 1);
  CHECK(world.vfs.read(world.holder, held).error() == Win32Error::netname_deleted);
  CHECK(world.vfs.write(world.holder, held, {1, 9}) == Win32Error::netname_deleted);
  CHECK(world.vfs.lock(world.holder, held, 0, 10, true) == Win32Error::netname_deleted);
  CHECK(world.vfs.file_content(kSetup) == model::FileContent{100, 1});
  world.vfs.close(world.holder, held);
  const VfsEvent& last = world.vfs.access_log().back();
  CHECK(last.operation == VfsOperation::close);
  CHECK(last.after_disconnect);
  CHECK(last.path() == kSetup);
  CHECK(world.vfs.disconnect_users(world.copier, kFolder).value() == 0);
}

TEST_CASE("disconnecting users ends a program's image and keeps the caller's own handles",
          "[vfs][sessions]") {
  // Goal: a client running setup.exe from the folder no longer blocks its update, the caller is
  // not one of the users, and handles outside the folder stay. Method: the holder runs setup.exe
  // and holds a file elsewhere; the copier holds data1.cab; disconnect the package folder.
  VfsWorld world;
  REQUIRE(world.vfs.make_file("C:\\Other\\notes.txt", {5, 1}) == Win32Error::ok);
  const HandleId file = world.open_ok(world.holder, kSetup, kRunAccess, kShareRead);
  const model::Result<HandleId> section = world.vfs.map_image(world.holder, file);
  REQUIRE(section.ok());
  world.vfs.close(world.holder, file);
  const HandleId own = world.open_ok(world.copier, kCab, kGenericRead, kShareNone);
  const HandleId elsewhere =
      world.open_ok(world.holder, "C:\\Other\\notes.txt", kGenericRead, kShareNone);
  REQUIRE(world.open_error(world.copier, kSetup, kGenericWrite, kShareAll) ==
          Win32Error::sharing_violation);
  CHECK(world.vfs.disconnect_users(world.copier, kFolder).value() == 1);
  CHECK(world.vfs.image_section_count(kSetup) == 0);
  CHECK(world.open(world.copier, kSetup, kGenericWrite, kShareAll).ok());
  CHECK(world.vfs.read(world.copier, own).ok());
  CHECK(world.vfs.read(world.holder, elsewhere).ok());
  // The program's exit closes a section the server already ended: traced, and nothing breaks.
  world.vfs.close(world.holder, section.value());
  CHECK(world.vfs.access_log().back().operation == VfsOperation::unmap_image);
  CHECK(world.vfs.access_log().back().after_disconnect);
}

TEST_CASE("disconnecting users deletes a delete-on-close file as its handle ends",
          "[vfs][sessions]") {
  // Goal: the server's close is a close: the disposition takes effect. Method: the holder opens
  // a new temp file delete-on-close; disconnect; the file is gone.
  VfsWorld world;
  const std::string temp = std::string(kFolder) + "\\~tmp.dat";
  REQUIRE(world.vfs
              .open(world.holder, model::OpenRequest{temp, kReadWrite, kShareNone,
                                                     model::CreateDisposition::create_always, true})
              .ok());
  CHECK(world.vfs.disconnect_users(world.copier, kFolder).value() == 1);
  CHECK_FALSE(world.vfs.exists(temp));
  CHECK(world.vfs.disconnect_users(world.copier, "C:\\Missing").value() == 0);
}

TEST_CASE("disconnecting users spares server processes and an unreachable share",
          "[vfs][sessions]") {
  // Goal: only network sessions end, and only while the server can be reached. Method: a
  // server process (a scanner) and a user hold files; disconnect with the volume unreachable,
  // then reachable.
  VfsWorld world;
  REQUIRE(world.vfs.add_volume({"\\\\DP01\\SMSPKGC$", 1'000'000}) == Win32Error::ok);
  const std::string file = "\\\\DP01\\SMSPKGC$\\S0100001\\setup.exe";
  REQUIRE(world.vfs.make_file(file, {10, 1}) == Win32Error::ok);
  const ActorId scanner = world.vfs.register_actor("scanner");
  world.vfs.mark_server_process(scanner);
  const HandleId scanned = world.open_ok(scanner, file, kGenericRead, kShareRead);
  (void)world.open_ok(world.holder, file, kGenericRead, kShareRead);
  const std::string folder = "\\\\DP01\\SMSPKGC$\\S0100001";
  REQUIRE(world.vfs.set_volume_reachable("\\\\DP01\\SMSPKGC$", false) == Win32Error::ok);
  CHECK(world.vfs.disconnect_users(world.copier, folder).error() == Win32Error::bad_netpath);
  CHECK(world.vfs.open_handle_count(file) == 2);
  REQUIRE(world.vfs.set_volume_reachable("\\\\DP01\\SMSPKGC$", true) == Win32Error::ok);
  CHECK(world.vfs.disconnect_users(world.copier, folder).value() == 1);
  CHECK(world.vfs.open_handle_count(file) == 1);
  CHECK(world.vfs.read(scanner, scanned).ok());
}

TEST_CASE("a delete-on-close file a user also runs is deleted when users are forced off",
          "[vfs][sessions]") {
  // Goal: the order in which a disconnect ends things does not decide the outcome. Method: the
  // user opens setup.exe with delete-on-close and runs it from that handle; the image ends
  // first, so the handle's close deletes the file (with the image still there it could not).
  VfsWorld world;
  const model::Result<HandleId> file = world.vfs.open(
      world.holder, model::OpenRequest{kSetup, kRunAccess, kShareAll,
                                       model::CreateDisposition::open_existing, true});
  REQUIRE(file.ok());
  REQUIRE(world.vfs.map_image(world.holder, file.value()).ok());
  CHECK(world.vfs.disconnect_users(world.copier, kFolder).value() == 2);
  CHECK_FALSE(world.vfs.exists(kSetup));
}

}  // namespace
}  // namespace distsim::sim
