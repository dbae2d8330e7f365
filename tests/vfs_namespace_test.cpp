// Tests of the virtual file system's namespace operations, one per rule of
// sim/fs/README.md: DeleteFile (delete-pending and POSIX),
// RemoveDirectory, CreateDirectory with parents, MoveFile within and across volumes, and directory
// listings.
#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "model/ports.h"
#include "sim/fs/vfs.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::AccessMask;
using model::CreateDisposition;
using model::Win32Error;
namespace bits = model::access_bits;
using namespace testing;

constexpr AccessMask kCwdAccess{bits::kFileExecute | bits::kSynchronize};       // FILE_TRAVERSE
constexpr AccessMask kWatcherAccess{bits::kFileReadData | bits::kSynchronize};  // LIST_DIRECTORY

// --- delete

TEST_CASE("a folder renamed away and replaced by a file no longer leads to the old folder",
          "[vfs]") {
  // Goal: a path found from its cached folder's node is looked for again once a name has gone.
  // Method: make C:\Dp\Pkg, miss C:\Dp\Pkg\a.txt (cached from the folder's entry), rename the
  // folder away, put a file where it was, then open and create the same path.
  VfsWorld world;
  // Twice, as a copy does for each file: the second finds the folder and keeps its node.
  REQUIRE(world.vfs.create_directories(world.copier, "C:\\Dp\\Pkg") == Win32Error::ok);
  REQUIRE(world.vfs.create_directories(world.copier, "C:\\Dp\\Pkg") == Win32Error::ok);
  const std::string path = "C:\\Dp\\Pkg\\a.txt";
  CHECK(world.vfs
            .open(world.copier, {path, kGenericRead, kShareAll, CreateDisposition::open_existing})
            .error() == Win32Error::file_not_found);
  REQUIRE(world.vfs.rename(world.copier, "C:\\Dp\\Pkg", "C:\\Dp\\Old") == Win32Error::ok);
  REQUIRE(world.vfs.make_file("C:\\Dp\\Pkg", {10, 1}) == Win32Error::ok);
  CHECK(world.vfs
            .open(world.copier, {path, kGenericWrite, kShareNone, CreateDisposition::create_always})
            .error() == Win32Error::path_not_found);
  CHECK(world.vfs.file_content("C:\\Dp\\Old\\a.txt") == std::nullopt);
}

TEST_CASE("a handle without FILE_SHARE_DELETE makes DeleteFile fail with error 32", "[vfs]") {
  // Goal: DeleteFile is an open with DELETE (sim/fs/README.md). Method: a plain reader, then
  // delete.
  VfsWorld world;
  const HandleId reader = world.open_ok(world.holder, kSetup, kGenericRead, kShareReadWrite);
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::sharing_violation);
  CHECK(world.vfs.exists(kSetup));
  world.vfs.close(world.holder, reader);
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::ok);
  CHECK_FALSE(world.vfs.exists(kSetup));
}

TEST_CASE("a metadata-only handle does not block DeleteFile", "[vfs]") {
  // Goal: FILE_READ_ATTRIBUTES with share 0 is ignored by the rule. Method: hold it, delete.
  VfsWorld world;
  world.open_ok(world.holder, kSetup, AccessMask{bits::kFileReadAttributes}, kShareNone);
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::ok);
  CHECK(world.vfs.is_delete_pending(kSetup));
}

TEST_CASE("opening a delete-pending file fails with error 5 until its last handle closes",
          "[vfs]") {
  // Goal: sim/fs/README.md. Method: a share-all holder, delete, reopen (5), close, name gone.
  VfsWorld world;
  const HandleId held = world.open_ok(world.holder, kSetup, kGenericRead, kShareAll);
  REQUIRE(world.vfs.delete_file(world.copier, kSetup) == Win32Error::ok);
  CHECK(world.vfs.is_delete_pending(kSetup));
  CHECK(world.open_error(world.copier, kSetup, kGenericRead, kShareAll) ==
        Win32Error::access_denied);
  CHECK(world.open_error(world.copier, kSetup, kGenericWrite, kShareAll,
                         CreateDisposition::create_always) == Win32Error::access_denied);
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::access_denied);
  CHECK(world.vfs.read(world.holder, held).ok());  // the existing handle keeps working
  world.vfs.close(world.holder, held);
  CHECK_FALSE(world.vfs.exists(kSetup));
  CHECK(world.open_error(world.copier, kSetup, kGenericRead, kShareAll) ==
        Win32Error::file_not_found);
}

TEST_CASE("with POSIX delete the name is free at once and the open handle keeps working", "[vfs]") {
  // Goal: Windows 10 1903+ semantics (sim/fs/README.md). Method: delete under an open handle, then
  // re-create the name, read the orphan through its handle, close it.
  VfsWorld world(VfsOptions{.posix_delete = true, .record_access_log = true});
  const HandleId held = world.open_ok(world.holder, kSetup, kGenericRead, kShareAll);
  REQUIRE(world.vfs.delete_file(world.copier, kSetup) == Win32Error::ok);
  CHECK_FALSE(world.vfs.exists(kSetup));
  CHECK(world.vfs.handle_path(held) == std::optional<std::string>(kSetup));
  const HandleId fresh =
      world.open_ok(world.copier, kSetup, kGenericWrite, kShareNone, CreateDisposition::create_new);
  const model::Result<FileContent> old_content = world.vfs.read(world.holder, held);
  REQUIRE(old_content.ok());
  CHECK(old_content.value().size_bytes == 100);
  world.vfs.close(world.holder, held);
  world.vfs.close(world.copier, fresh);
  CHECK(world.vfs.file_content(kSetup)->size_bytes == 0);
}

TEST_CASE("DeleteFile on a directory fails with error 5 and on a missing file with 2 or 3",
          "[vfs]") {
  // Goal: the other DeleteFile refusals. Method: one call each.
  VfsWorld world;
  CHECK(world.vfs.delete_file(world.copier, "C:\\Src\\Pkg") == Win32Error::access_denied);
  CHECK(world.vfs.delete_file(world.copier, "C:\\Src\\Pkg\\nope") == Win32Error::file_not_found);
  CHECK(world.vfs.delete_file(world.copier, "C:\\Src\\Nope\\x") == Win32Error::path_not_found);
}

// --- directories

TEST_CASE("RemoveDirectory on a non-empty directory fails with 145", "[vfs]") {
  // Goal: a directory must be empty. Method: remove a folder with a file, then after emptying.
  VfsWorld world;
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::dir_not_empty);
  REQUIRE(world.vfs.delete_file(world.copier, kCab) == Win32Error::ok);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::ok);
  CHECK_FALSE(world.vfs.exists("C:\\Src\\Pkg\\Sub"));
}

TEST_CASE("a delete-pending file keeps its directory non-empty until the last handle closes",
          "[vfs]") {
  // Goal: Rust retries DIR_NOT_EMPTY for this (sim/fs/README.md). Method: pending child, rmdir,
  // close.
  VfsWorld world;
  const HandleId held = world.open_ok(world.holder, kCab, kGenericRead, kShareAll);
  REQUIRE(world.vfs.delete_file(world.copier, kCab) == Win32Error::ok);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::dir_not_empty);
  world.vfs.close(world.holder, held);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::ok);
}

TEST_CASE("a process current directory blocks RemoveDirectory with 32 but not reading its files",
          "[vfs]") {
  // Goal: the cwd is a lock holder (sim/fs/README.md). Method: a FILE_TRAVERSE|SYNCHRONIZE share
  // R|W handle on the directory, then read a file in it, then remove the emptied directory.
  VfsWorld world;
  const HandleId cwd =
      world.open_ok(world.holder, "C:\\Src\\Pkg\\Sub", kCwdAccess, kShareReadWrite);
  const HandleId reader = world.open_ok(world.copier, kCab, kGenericRead, kShareRead);
  CHECK(world.vfs.read(world.copier, reader).ok());
  world.vfs.close(world.copier, reader);
  REQUIRE(world.vfs.delete_file(world.copier, kCab) == Win32Error::ok);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") ==
        Win32Error::sharing_violation);
  CHECK(world.vfs.rename(world.copier, "C:\\Src\\Pkg\\Sub", "C:\\Src\\Pkg\\Sub2") ==
        Win32Error::sharing_violation);
  world.vfs.close(world.holder, cwd);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::ok);
}

TEST_CASE(
    "a watcher sharing everything does not block reading but blocks renaming an ancestor "
    "with 5",
    "[vfs]") {
  // Goal: the Explorer change-notification profile (sim/fs/README.md). Method: a LIST_DIRECTORY
  // share-all handle on Sub; read a file in it, rename the watched folder's parent, then
  // remove the (emptied) watched folder, which lingers delete-pending.
  VfsWorld world;
  const HandleId watcher =
      world.open_ok(world.holder, "C:\\Src\\Pkg\\Sub", kWatcherAccess, kShareAll);
  const HandleId reader = world.open_ok(world.copier, kCab, kGenericRead, kShareRead);
  CHECK(world.vfs.read(world.copier, reader).ok());
  world.vfs.close(world.copier, reader);
  CHECK(world.vfs.rename(world.copier, "C:\\Src\\Pkg", "C:\\Src\\Pkg2") ==
        Win32Error::access_denied);
  CHECK(world.vfs.rename(world.copier, "C:\\Src", "C:\\Source") == Win32Error::access_denied);
  REQUIRE(world.vfs.delete_file(world.copier, kCab) == Win32Error::ok);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::ok);
  CHECK(world.vfs.is_delete_pending("C:\\Src\\Pkg\\Sub"));
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg") == Win32Error::dir_not_empty);
  world.vfs.close(world.holder, watcher);
  CHECK_FALSE(world.vfs.exists("C:\\Src\\Pkg\\Sub"));
  CHECK(world.vfs.rename(world.copier, "C:\\Src\\Pkg", "C:\\Src\\Pkg2") == Win32Error::ok);
}

TEST_CASE("RemoveDirectory on a volume root fails with 5 and on a file with 3", "[vfs]") {
  // Goal: the remaining RemoveDirectory refusals. Method: one call each.
  VfsWorld world;
  CHECK(world.vfs.remove_directory(world.copier, "C:\\") == Win32Error::access_denied);
  CHECK(world.vfs.remove_directory(world.copier, kSetup) == Win32Error::path_not_found);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Nope") == Win32Error::file_not_found);
}

TEST_CASE(
    "create_directories accepts an existing directory and refuses a file in the way with "
    "183",
    "[vfs]") {
  // Goal: CreateDirectory with parents. Method: existing, new, file in the way.
  VfsWorld world;
  CHECK(world.vfs.create_directories(world.copier, "C:\\Src\\Pkg") == Win32Error::ok);
  CHECK(world.vfs.create_directories(world.copier, "C:\\Dst\\A\\B") == Win32Error::ok);
  CHECK(world.vfs.is_directory("C:\\Dst\\A\\B"));
  CHECK(world.vfs.create_directories(world.copier, kSetup) == Win32Error::already_exists);
  CHECK(world.vfs.create_directories(world.copier, std::string(kSetup) + "\\x") ==
        Win32Error::already_exists);
}

// --- rename

TEST_CASE("renaming a directory while a file at any depth below it is open fails with 5", "[vfs]") {
  // Goal: any open descendant handle blocks ancestor rename (sim/fs/README.md). Method: a share-all
  // reader two levels down; rename the top folder; close; rename again.
  VfsWorld world;
  const HandleId reader = world.open_ok(world.holder, kCab, kGenericRead, kShareAll);
  CHECK(world.vfs.rename(world.copier, "C:\\Src", "C:\\Old") == Win32Error::access_denied);
  world.vfs.close(world.holder, reader);
  CHECK(world.vfs.rename(world.copier, "C:\\Src", "C:\\Old") == Win32Error::ok);
  CHECK(world.vfs.exists("C:\\Old\\Pkg\\Sub\\data1.cab"));
}

TEST_CASE("renaming a file that a plain reader holds fails with 32", "[vfs]") {
  // Goal: MoveFile opens the source with DELETE. Method: GENERIC_READ share R|W, then rename.
  VfsWorld world;
  world.open_ok(world.holder, kSetup, kGenericRead, kShareReadWrite);
  CHECK(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\setup.old") ==
        Win32Error::sharing_violation);
}

TEST_CASE("renaming onto an existing name fails with 183 whether the target is open or not",
          "[vfs]") {
  // Goal: MoveFile without MOVEFILE_REPLACE_EXISTING (sim/fs/README.md): the name collides
  // before any sharing is looked at. Method: a target held open, then closed.
  VfsWorld world;
  REQUIRE(world.vfs.make_file("C:\\Src\\Pkg\\target.exe", {1, 9}) == Win32Error::ok);
  const HandleId held =
      world.open_ok(world.holder, "C:\\Src\\Pkg\\target.exe", kGenericRead, kShareAll);
  CHECK(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\TARGET.exe") ==
        Win32Error::already_exists);
  world.vfs.close(world.holder, held);
  CHECK(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\target.exe") ==
        Win32Error::already_exists);
}

TEST_CASE("an open handle follows its file through a rename", "[vfs]") {
  // Goal: handles point at the node, not the name. Method: share-delete holder, rename the
  // file and then its directory (whose only handle is on itself), check handle_path.
  VfsWorld world;
  const HandleId held = world.open_ok(world.holder, kSetup, kGenericRead, kShareAll);
  REQUIRE(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\Setup-1.exe") == Win32Error::ok);
  CHECK(world.vfs.handle_path(held) == std::optional<std::string>("C:\\Src\\Pkg\\Setup-1.exe"));
  world.vfs.close(world.holder, held);
  const HandleId on_directory =
      world.open_ok(world.holder, "C:\\Src\\Pkg\\Sub", kWatcherAccess, kShareAll);
  REQUIRE(world.vfs.rename(world.copier, "C:\\Src\\Pkg\\Sub", "C:\\Src\\Pkg\\Moved") ==
          Win32Error::ok);
  CHECK(world.vfs.handle_path(on_directory) == std::optional<std::string>("C:\\Src\\Pkg\\Moved"));
}

TEST_CASE(
    "rename refusals: missing source, missing target parent, directory into itself, "
    "directory across volumes",
    "[vfs]") {
  // Goal: the rename checks besides sharing. Method: one call each.
  VfsWorld world;
  CHECK(world.vfs.rename(world.copier, "C:\\Src\\nope", "C:\\Src\\x") ==
        Win32Error::file_not_found);
  CHECK(world.vfs.rename(world.copier, kSetup, "C:\\Nope\\setup.exe") ==
        Win32Error::path_not_found);
  CHECK(world.vfs.rename(world.copier, "C:\\Src", "C:\\Src\\Pkg\\Inner") ==
        Win32Error::invalid_parameter);
  CHECK(world.vfs.rename(world.copier, "C:\\Src\\Pkg", "D:\\Pkg") == Win32Error::access_denied);
  CHECK(world.vfs.rename(world.copier, "C:\\", "C:\\x") == Win32Error::access_denied);
}

TEST_CASE("a file moved to another volume is copied there and its space moves with it", "[vfs]") {
  // Goal: MoveFile of a file across volumes (copy then delete). Method: move to D:, check the
  // content and the space: a second file that only fits after the move.
  VfsWorld world;
  REQUIRE(world.vfs.set_volume_capacity("D:", 150) == Win32Error::ok);
  REQUIRE(world.vfs.rename(world.copier, kSetup, "D:\\setup.exe") == Win32Error::ok);
  CHECK_FALSE(world.vfs.exists(kSetup));
  CHECK(world.vfs.file_content("D:\\setup.exe") == FileContent{100, 1});
  CHECK(world.vfs.rename(world.copier, kCab, "D:\\data1.cab") == Win32Error::disk_full);
}

TEST_CASE("a change of case only is a successful rename", "[vfs]") {
  // Goal: MoveFile("a", "A") renames in place. Method: rename and list.
  VfsWorld world;
  REQUIRE(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\SETUP.EXE") == Win32Error::ok);
  const auto entries = world.vfs.list_directory(world.copier, "C:\\Src\\Pkg");
  REQUIRE(entries.ok());
  CHECK(entries.value()[0].name == "SETUP.EXE");
}

// --- listing

TEST_CASE("an exclusive directory handle makes list_directory fail with 32", "[vfs]") {
  // Goal: the listing is an implicit open. Method: share-nothing directory handle, then list.
  VfsWorld world;
  const HandleId exclusive =
      world.open_ok(world.holder, "C:\\Src\\Pkg", AccessMask{bits::kGenericRead}, kShareNone);
  CHECK(world.vfs.list_directory(world.copier, "C:\\Src\\Pkg").error() ==
        Win32Error::sharing_violation);
  world.vfs.close(world.holder, exclusive);
  CHECK(world.vfs.list_directory(world.copier, "C:\\Src\\Pkg").ok());
}

TEST_CASE("list_directory sorts case-insensitively and keeps delete-pending entries", "[vfs]") {
  // Goal: deterministic listing order. Method: names in mixed case, one pending, list.
  VfsWorld world;
  REQUIRE(world.vfs.make_file("C:\\L\\b.txt", {1, 1}) == Win32Error::ok);
  REQUIRE(world.vfs.make_file("C:\\L\\A.txt", {2, 1}) == Win32Error::ok);
  REQUIRE(world.vfs.make_directories("C:\\L\\c") == Win32Error::ok);
  world.open_ok(world.holder, "C:\\L\\b.txt", kGenericRead, kShareAll);
  REQUIRE(world.vfs.delete_file(world.copier, "C:\\L\\b.txt") == Win32Error::ok);
  const auto listed = world.vfs.list_directory(world.copier, "c:\\l");
  REQUIRE(listed.ok());
  REQUIRE(listed.value().size() == 3);
  CHECK(listed.value()[0].name == "A.txt");
  CHECK(listed.value()[0].size_bytes == 2);
  CHECK(listed.value()[1].name == "b.txt");
  CHECK(listed.value()[2].name == "c");
  CHECK(listed.value()[2].is_directory);
  CHECK(world.vfs.list_directory(world.copier, "C:\\Nope").error() == Win32Error::path_not_found);
  CHECK(world.vfs.list_directory(world.copier, kSetup).error() == Win32Error::path_not_found);
}

}  // namespace
}  // namespace distsim::sim
