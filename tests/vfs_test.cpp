// Tests of the virtual Windows file system, one per rule of facts/windows-sharing.md sections 1
// and 3: delete, rename and directory rules, byte-range locks, space, reachability, errors for
// missing paths, content versions, the access log and deterministic handle ids.
#include "sim/fs/vfs.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "model/assert.h"
#include "model/ports.h"

namespace distsim::sim {
namespace {

using model::AccessMask;
using model::CreateDisposition;
using model::OpenRequest;
using model::ShareMode;
using model::Win32Error;
namespace bits = model::access_bits;
namespace share = model::share_bits;

constexpr AccessMask kGenericRead{bits::kGenericRead};
constexpr AccessMask kGenericWrite{bits::kGenericWrite};
constexpr AccessMask kReadWrite{bits::kGenericRead | bits::kGenericWrite};
constexpr AccessMask kCwdAccess{bits::kFileExecute | bits::kSynchronize};       // FILE_TRAVERSE
constexpr AccessMask kWatcherAccess{bits::kFileReadData | bits::kSynchronize};  // LIST_DIRECTORY
constexpr ShareMode kShareNone{0};
constexpr ShareMode kShareRead{share::kRead};
constexpr ShareMode kShareReadWrite{share::kRead | share::kWrite};
constexpr ShareMode kShareAll{share::kAll};

class TestClock final : public Clock {
 public:
  [[nodiscard]] TimeUs now() const override { return now_us; }
  TimeUs now_us = 0;
};

class RecordingObserver final : public VfsObserver {
 public:
  void on_vfs_event(const VfsEvent& event) override { events.push_back(event); }
  std::vector<VfsEvent> events;
};

// A small world: a package source folder with two files, a copier and a holder.
struct World {
  explicit World(VfsOptions options = {}) : vfs(clock, options) {
    REQUIRE(vfs.make_file("C:\\Src\\Pkg\\setup.exe", {100, 1}) == Win32Error::ok);
    REQUIRE(vfs.make_file("C:\\Src\\Pkg\\Sub\\data1.cab", {200, 2}) == Win32Error::ok);
  }

  HandleId open_ok(ActorId actor, const std::string& path, AccessMask access, ShareMode share,
                   CreateDisposition disposition = CreateDisposition::open_existing) {
    const model::Result<HandleId> result = open(actor, path, access, share, disposition);
    INFO(path << " -> " << model::win32_error_name(result.error()));
    REQUIRE(result.ok());
    return result.value();
  }

  model::Result<HandleId> open(ActorId actor, const std::string& path, AccessMask access,
                               ShareMode share,
                               CreateDisposition disposition = CreateDisposition::open_existing) {
    return vfs.open(actor, OpenRequest{path, access, share, disposition});
  }

  Win32Error open_error(ActorId actor, const std::string& path, AccessMask access, ShareMode share,
                        CreateDisposition disposition = CreateDisposition::open_existing) {
    return open(actor, path, access, share, disposition).error();
  }

  TestClock clock;
  VirtualFileSystem vfs;
  ActorId copier = vfs.register_actor("distmgr");
  ActorId holder = vfs.register_actor("holder");
};

constexpr const char* kSetup = "C:\\Src\\Pkg\\setup.exe";
constexpr const char* kCab = "C:\\Src\\Pkg\\Sub\\data1.cab";

// --- delete

TEST_CASE("a handle without FILE_SHARE_DELETE makes DeleteFile fail with error 32", "[vfs]") {
  // Goal: DeleteFile is an open with DELETE (facts 1.3). Method: a plain reader, then delete.
  World world;
  const HandleId reader = world.open_ok(world.holder, kSetup, kGenericRead, kShareReadWrite);
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::sharing_violation);
  CHECK(world.vfs.exists(kSetup));
  world.vfs.close(world.holder, reader);
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::ok);
  CHECK_FALSE(world.vfs.exists(kSetup));
}

TEST_CASE("a metadata-only handle does not block DeleteFile", "[vfs]") {
  // Goal: FILE_READ_ATTRIBUTES with share 0 is ignored by the rule. Method: hold it, delete.
  World world;
  world.open_ok(world.holder, kSetup, AccessMask{bits::kFileReadAttributes}, kShareNone);
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::ok);
  CHECK(world.vfs.is_delete_pending(kSetup));
}

TEST_CASE("opening a delete-pending file fails with error 5 until its last handle closes",
          "[vfs]") {
  // Goal: facts 1.4. Method: a share-all holder, delete, reopen (5), close, name gone.
  World world;
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
  // Goal: Windows 10 1903+ semantics (facts 1.3). Method: delete under an open handle, then
  // re-create the name, read the orphan through its handle, close it.
  World world(VfsOptions{.posix_delete = true, .record_access_log = true});
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
  World world;
  CHECK(world.vfs.delete_file(world.copier, "C:\\Src\\Pkg") == Win32Error::access_denied);
  CHECK(world.vfs.delete_file(world.copier, "C:\\Src\\Pkg\\nope") == Win32Error::file_not_found);
  CHECK(world.vfs.delete_file(world.copier, "C:\\Src\\Nope\\x") == Win32Error::path_not_found);
}

// --- directories

TEST_CASE("RemoveDirectory on a non-empty directory fails with 145", "[vfs]") {
  // Goal: a directory must be empty. Method: remove a folder with a file, then after emptying.
  World world;
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::dir_not_empty);
  REQUIRE(world.vfs.delete_file(world.copier, kCab) == Win32Error::ok);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::ok);
  CHECK_FALSE(world.vfs.exists("C:\\Src\\Pkg\\Sub"));
}

TEST_CASE("a delete-pending file keeps its directory non-empty until the last handle closes",
          "[vfs]") {
  // Goal: Rust retries DIR_NOT_EMPTY for this (facts 1.3). Method: pending child, rmdir, close.
  World world;
  const HandleId held = world.open_ok(world.holder, kCab, kGenericRead, kShareAll);
  REQUIRE(world.vfs.delete_file(world.copier, kCab) == Win32Error::ok);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::dir_not_empty);
  world.vfs.close(world.holder, held);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Src\\Pkg\\Sub") == Win32Error::ok);
}

TEST_CASE("a process current directory blocks RemoveDirectory with 32 but not reading its files",
          "[vfs]") {
  // Goal: the cwd is a lock holder (facts 1.2). Method: a FILE_TRAVERSE|SYNCHRONIZE share R|W
  // handle on the directory, then read a file in it, then remove the emptied directory.
  World world;
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
  // Goal: the Explorer change-notification profile (facts 1.2, 3). Method: a LIST_DIRECTORY
  // share-all handle on Sub; read a file in it, rename the watched folder's parent, then
  // remove the (emptied) watched folder, which lingers delete-pending.
  World world;
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
  World world;
  CHECK(world.vfs.remove_directory(world.copier, "C:\\") == Win32Error::access_denied);
  CHECK(world.vfs.remove_directory(world.copier, kSetup) == Win32Error::path_not_found);
  CHECK(world.vfs.remove_directory(world.copier, "C:\\Nope") == Win32Error::file_not_found);
}

TEST_CASE(
    "create_directories accepts an existing directory and refuses a file in the way with "
    "183",
    "[vfs]") {
  // Goal: CreateDirectory with parents. Method: existing, new, file in the way.
  World world;
  CHECK(world.vfs.create_directories(world.copier, "C:\\Src\\Pkg") == Win32Error::ok);
  CHECK(world.vfs.create_directories(world.copier, "C:\\Dst\\A\\B") == Win32Error::ok);
  CHECK(world.vfs.is_directory("C:\\Dst\\A\\B"));
  CHECK(world.vfs.create_directories(world.copier, kSetup) == Win32Error::already_exists);
  CHECK(world.vfs.create_directories(world.copier, std::string(kSetup) + "\\x") ==
        Win32Error::already_exists);
}

// --- rename

TEST_CASE("renaming a directory while a file at any depth below it is open fails with 5", "[vfs]") {
  // Goal: any open descendant handle blocks ancestor rename (facts 1.3). Method: a share-all
  // reader two levels down; rename the top folder; close; rename again.
  World world;
  const HandleId reader = world.open_ok(world.holder, kCab, kGenericRead, kShareAll);
  CHECK(world.vfs.rename(world.copier, "C:\\Src", "C:\\Old") == Win32Error::access_denied);
  world.vfs.close(world.holder, reader);
  CHECK(world.vfs.rename(world.copier, "C:\\Src", "C:\\Old") == Win32Error::ok);
  CHECK(world.vfs.exists("C:\\Old\\Pkg\\Sub\\data1.cab"));
}

TEST_CASE("renaming a file that a plain reader holds fails with 32", "[vfs]") {
  // Goal: MoveFile opens the source with DELETE. Method: GENERIC_READ share R|W, then rename.
  World world;
  world.open_ok(world.holder, kSetup, kGenericRead, kShareReadWrite);
  CHECK(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\setup.old") ==
        Win32Error::sharing_violation);
}

TEST_CASE("renaming onto an open target fails with 5 and onto a closed one with 183", "[vfs]") {
  // Goal: replace rules (facts 1.3). Method: a target held open, then closed.
  World world;
  REQUIRE(world.vfs.make_file("C:\\Src\\Pkg\\target.exe", {1, 9}) == Win32Error::ok);
  const HandleId held =
      world.open_ok(world.holder, "C:\\Src\\Pkg\\target.exe", kGenericRead, kShareAll);
  CHECK(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\TARGET.exe") ==
        Win32Error::access_denied);
  world.vfs.close(world.holder, held);
  CHECK(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\target.exe") ==
        Win32Error::already_exists);
}

TEST_CASE("an open handle follows its file through a rename", "[vfs]") {
  // Goal: handles point at the node, not the name. Method: share-delete holder, rename the
  // file and then its directory (whose only handle is on itself), check handle_path.
  World world;
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
  World world;
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
  World world;
  REQUIRE(world.vfs.set_volume_capacity("D:", 150) == Win32Error::ok);
  REQUIRE(world.vfs.rename(world.copier, kSetup, "D:\\setup.exe") == Win32Error::ok);
  CHECK_FALSE(world.vfs.exists(kSetup));
  CHECK(world.vfs.file_content("D:\\setup.exe") == FileContent{100, 1});
  CHECK(world.vfs.rename(world.copier, kCab, "D:\\data1.cab") == Win32Error::disk_full);
}

TEST_CASE("a change of case only is a successful rename", "[vfs]") {
  // Goal: MoveFile("a", "A") renames in place. Method: rename and list.
  World world;
  REQUIRE(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\SETUP.EXE") == Win32Error::ok);
  const auto entries = world.vfs.list_directory(world.copier, "C:\\Src\\Pkg");
  REQUIRE(entries.ok());
  CHECK(entries.value()[0].name == "SETUP.EXE");
}

// --- byte-range locks

TEST_CASE("an exclusive lock of another handle makes ReadFile fail with 33", "[vfs]") {
  // Goal: ERROR_LOCK_VIOLATION on I/O (facts 1.5). Method: lock a range, read from a second
  // handle, then from the locker, then unlock.
  World world;
  const HandleId locker = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  const HandleId reader = world.open_ok(world.copier, kSetup, kGenericRead, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, locker, 10, 5, /*exclusive=*/true) == Win32Error::ok);
  CHECK(world.vfs.read(world.copier, reader).error() == Win32Error::lock_violation);
  CHECK(world.vfs.read(world.holder, locker).ok());
  REQUIRE(world.vfs.unlock(world.holder, locker, 10, 5) == Win32Error::ok);
  CHECK(world.vfs.read(world.copier, reader).ok());
}

TEST_CASE("a shared lock lets others read but denies writing to everyone, the locker included",
          "[vfs]") {
  // Goal: shared lock semantics (facts 1.5). Method: shared lock, read and write from both.
  World world;
  const HandleId locker = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  const HandleId other = world.open_ok(world.copier, kSetup, kReadWrite, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, locker, 0, 1, /*exclusive=*/false) == Win32Error::ok);
  CHECK(world.vfs.read(world.copier, other).ok());
  CHECK(world.vfs.write(world.copier, other, {10, 7}) == Win32Error::lock_violation);
  CHECK(world.vfs.write(world.holder, locker, {10, 7}) == Win32Error::lock_violation);
}

TEST_CASE("lock against lock follows Wine's test_LockFile", "[vfs]") {
  // Goal: overlap, adjacency, shared/exclusive and same-handle rules. Method: the sequence of
  // Wine's test, with a second handle where it uses one.
  World world;
  const HandleId first = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  const HandleId second = world.open_ok(world.copier, kSetup, kReadWrite, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, first, 0, 100, true) == Win32Error::ok);
  CHECK(world.vfs.lock(world.holder, first, 50, 100, true) == Win32Error::lock_violation);
  CHECK(world.vfs.lock(world.holder, first, 100, 100, true) == Win32Error::ok);  // adjacent
  CHECK(world.vfs.lock(world.copier, second, 10, 10, false) == Win32Error::lock_violation);
  CHECK(world.vfs.lock(world.holder, first, 10, 10, false) == Win32Error::ok);  // same handle
  CHECK(world.vfs.lock(world.holder, first, 300, 10, false) == Win32Error::ok);
  CHECK(world.vfs.lock(world.copier, second, 305, 10, false) == Win32Error::ok);  // shared+shared
  CHECK(world.vfs.lock(world.copier, second, 308, 1, true) == Win32Error::lock_violation);
  CHECK(world.vfs.lock(world.holder, first, 1'000'000, 10, true) == Win32Error::ok);  // past EOF
}

TEST_CASE("zero-length locks are allowed and refuse only ranges that contain them", "[vfs]") {
  // Goal: Wine's zero-byte lock sequence. Method: lock 100,0 then 98,4 / 90,10 / 100,10.
  World world;
  const HandleId handle = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, handle, 100, 0, true) == Win32Error::ok);
  CHECK(world.vfs.lock(world.holder, handle, 98, 4, true) == Win32Error::lock_violation);
  CHECK(world.vfs.lock(world.holder, handle, 90, 10, true) == Win32Error::ok);
  CHECK(world.vfs.lock(world.holder, handle, 100, 10, true) == Win32Error::lock_violation);
  CHECK(world.vfs.unlock(world.holder, handle, 90, 10) == Win32Error::ok);
  CHECK(world.vfs.unlock(world.holder, handle, 100, 10) == Win32Error::not_locked);
  CHECK(world.vfs.unlock(world.holder, handle, 100, 0) == Win32Error::ok);
}

TEST_CASE("unlocking a range that is not locked exactly fails with ERROR_NOT_LOCKED", "[vfs]") {
  // Goal: UnlockFile needs the exact range. Method: lock 0,10; unlock 0,5 and 0,10 twice.
  World world;
  const HandleId handle = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, handle, 0, 10, true) == Win32Error::ok);
  CHECK(world.vfs.unlock(world.holder, handle, 0, 5) == Win32Error::not_locked);
  CHECK(world.vfs.unlock(world.holder, handle, 0, 10) == Win32Error::ok);
  CHECK(world.vfs.unlock(world.holder, handle, 0, 10) == Win32Error::not_locked);
  CHECK(model::win32_code(Win32Error::not_locked) == 158);
  CHECK(model::win32_error_name(Win32Error::not_locked) == "ERROR_NOT_LOCKED");
}

TEST_CASE("closing a handle releases its locks", "[vfs]") {
  // Goal: locks die with their handle. Method: lock, close, read from another handle.
  World world;
  const HandleId locker = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  const HandleId reader = world.open_ok(world.copier, kSetup, kGenericRead, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, locker, 0, 1000, true) == Win32Error::ok);
  REQUIRE(world.vfs.read(world.copier, reader).error() == Win32Error::lock_violation);
  world.vfs.close(world.holder, locker);
  CHECK(world.vfs.read(world.copier, reader).ok());
}

TEST_CASE("locking needs read or write access on the handle, else 5", "[vfs]") {
  // Goal: LockFileEx access rule. Method: a FILE_READ_ATTRIBUTES handle tries to lock.
  World world;
  const HandleId handle =
      world.open_ok(world.holder, kSetup, AccessMask{bits::kFileReadAttributes}, kShareAll);
  CHECK(world.vfs.lock(world.holder, handle, 0, 1, true) == Win32Error::access_denied);
}

// --- I/O access, space, content versions

TEST_CASE("ReadFile needs FILE_READ_DATA and WriteFile needs FILE_WRITE_DATA, else 5", "[vfs]") {
  // Goal: I/O access checks. Method: a write-only, an execute-only and a read-only handle.
  World world;
  const HandleId writer = world.open_ok(world.holder, kSetup, kGenericWrite, kShareAll);
  const HandleId executor =
      world.open_ok(world.holder, kSetup, AccessMask{bits::kGenericExecute}, kShareAll);
  const HandleId reader = world.open_ok(world.holder, kSetup, kGenericRead, kShareAll);
  CHECK(world.vfs.read(world.holder, writer).error() == Win32Error::access_denied);
  CHECK(world.vfs.read(world.holder, executor).error() == Win32Error::access_denied);
  CHECK(world.vfs.write(world.holder, reader, {1, 1}) == Win32Error::access_denied);
  CHECK(world.vfs.write(world.holder, writer, {1, 1}) == Win32Error::ok);
}

TEST_CASE("a write that grows beyond the free space fails with 112 and changes nothing", "[vfs]") {
  // Goal: ERROR_DISK_FULL. Method: a 1000-byte share with 300 used; grow past and up to it.
  World world;
  REQUIRE(world.vfs.add_volume({"\\\\DP01\\SMSPKGD$", 1000}) == Win32Error::ok);
  REQUIRE(world.vfs.make_file("\\\\DP01\\SMSPKGD$\\old.bin", {300, 1}) == Win32Error::ok);
  const HandleId out = world.open_ok(world.copier, "\\\\DP01\\SMSPKGD$\\new.bin", kGenericWrite,
                                     kShareNone, CreateDisposition::create_always);
  CHECK(world.vfs.write(world.copier, out, {701, 5}) == Win32Error::disk_full);
  CHECK(world.vfs.file_content("\\\\DP01\\SMSPKGD$\\new.bin")->size_bytes == 0);
  CHECK(world.vfs.write(world.copier, out, {700, 5}) == Win32Error::ok);
  CHECK(world.vfs.make_file("\\\\DP01\\SMSPKGD$\\more.bin", {1, 1}) == Win32Error::disk_full);
  REQUIRE(world.vfs.delete_file(world.copier, "\\\\DP01\\SMSPKGD$\\old.bin") == Win32Error::ok);
  CHECK(world.vfs.make_file("\\\\DP01\\SMSPKGD$\\more.bin", {300, 1}) == Win32Error::ok);
}

TEST_CASE("content versions: write stores the given version, truncation makes a new one", "[vfs]") {
  // Goal: copies are equal when size and version are equal. Method: write a source's content,
  // then create_always over it, then compare with new_content_version.
  World world;
  REQUIRE(world.vfs.create_directories(world.copier, "C:\\Dst") == Win32Error::ok);
  const HandleId copy = world.open_ok(world.copier, "C:\\Dst\\copy.exe", kGenericWrite, kShareNone,
                                      CreateDisposition::create_always);
  const FileContent source = *world.vfs.file_content(kSetup);
  REQUIRE(world.vfs.write(world.copier, copy, source) == Win32Error::ok);
  CHECK(world.vfs.file_content("C:\\Dst\\copy.exe") == source);
  world.vfs.close(world.copier, copy);
  const HandleId again = world.open_ok(world.copier, "C:\\Dst\\copy.exe", kGenericWrite, kShareNone,
                                       CreateDisposition::create_always);
  const FileContent truncated = *world.vfs.file_content("C:\\Dst\\copy.exe");
  CHECK(truncated.size_bytes == 0);
  CHECK(truncated.content_version != source.content_version);
  CHECK(world.vfs.new_content_version() > truncated.content_version);
  world.vfs.close(world.copier, again);
}

// --- open errors and dispositions

TEST_CASE("a missing file gives 2 and a missing parent directory gives 3", "[vfs]") {
  // Goal: ERROR_FILE_NOT_FOUND vs ERROR_PATH_NOT_FOUND. Method: open and create in both cases.
  World world;
  CHECK(world.open_error(world.copier, "C:\\Src\\Pkg\\nope", kGenericRead, kShareAll) ==
        Win32Error::file_not_found);
  CHECK(world.open_error(world.copier, "C:\\Src\\Nope\\x", kGenericRead, kShareAll) ==
        Win32Error::path_not_found);
  CHECK(world.open_error(world.copier, "C:\\Src\\Nope\\x", kGenericWrite, kShareAll,
                         CreateDisposition::create_always) == Win32Error::path_not_found);
  CHECK(world.open_error(world.copier, std::string(kSetup) + "\\x", kGenericRead, kShareAll) ==
        Win32Error::path_not_found);
  CHECK(world.open_error(world.copier, "relative\\x", kGenericRead, kShareAll) ==
        Win32Error::invalid_name);
}

TEST_CASE("create dispositions: create_new on an existing file is 80, open_always creates",
          "[vfs]") {
  // Goal: CreateDisposition semantics. Method: each disposition on existing and missing files.
  World world;
  CHECK(world.open_error(world.copier, kSetup, kGenericWrite, kShareAll,
                         CreateDisposition::create_new) == Win32Error::file_exists);
  world.open_ok(world.copier, "C:\\Src\\Pkg\\new.txt", kGenericWrite, kShareAll,
                CreateDisposition::open_always);
  CHECK(world.vfs.exists("C:\\Src\\Pkg\\new.txt"));
  world.open_ok(world.copier, kSetup, kGenericRead, kShareAll, CreateDisposition::open_always);
  CHECK(world.vfs.file_content(kSetup)->size_bytes == 100);
}

TEST_CASE("create_always over a file held without FILE_SHARE_WRITE fails with 32 and keeps it",
          "[vfs]") {
  // Goal: the truncating open obeys the sharing rule. Method: a share-read holder, then
  // create_always with GENERIC_WRITE.
  World world;
  world.open_ok(world.holder, kSetup, kGenericRead, kShareRead);
  CHECK(world.open_error(world.copier, kSetup, kGenericWrite, kShareAll,
                         CreateDisposition::create_always) == Win32Error::sharing_violation);
  CHECK(world.vfs.file_content(kSetup)->size_bytes == 100);
}

TEST_CASE("an exclusive directory handle makes list_directory fail with 32", "[vfs]") {
  // Goal: the listing is an implicit open. Method: share-nothing directory handle, then list.
  World world;
  const HandleId exclusive =
      world.open_ok(world.holder, "C:\\Src\\Pkg", AccessMask{bits::kGenericRead}, kShareNone);
  CHECK(world.vfs.list_directory(world.copier, "C:\\Src\\Pkg").error() ==
        Win32Error::sharing_violation);
  world.vfs.close(world.holder, exclusive);
  CHECK(world.vfs.list_directory(world.copier, "C:\\Src\\Pkg").ok());
}

TEST_CASE("list_directory sorts case-insensitively and keeps delete-pending entries", "[vfs]") {
  // Goal: deterministic listing order. Method: names in mixed case, one pending, list.
  World world;
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

TEST_CASE("paths are case-insensitive and keep the case of first creation", "[vfs]") {
  // Goal: one file, many spellings. Method: open by another case, check the logged path.
  World world;
  const HandleId handle =
      world.open_ok(world.copier, "c:/SRC/pkg/SETUP.exe", kGenericRead, kShareAll);
  CHECK(world.vfs.handle_path(handle) == std::optional<std::string>(kSetup));
  CHECK(world.vfs.access_log().back().path == kSetup);
  CHECK(world.vfs.files_under("c:\\src") ==
        std::vector<std::string>{"C:\\Src\\Pkg\\setup.exe", "C:\\Src\\Pkg\\Sub\\data1.cab"});
}

// --- reachability

TEST_CASE("an unreachable share refuses every operation with 53", "[vfs]") {
  // Goal: ERROR_BAD_NETPATH for every actor operation (facts, DP faults). Method: open a
  // handle, take the share down, try everything; and a share never added.
  World world;
  const std::string share = "\\\\DP01\\SMSPKGD$";
  REQUIRE(world.vfs.add_volume({share, 1'000'000}) == Win32Error::ok);
  REQUIRE(world.vfs.make_file(share + "\\S01\\a.bin", {10, 1}) == Win32Error::ok);
  const HandleId handle =
      world.open_ok(world.copier, share + "\\S01\\a.bin", kReadWrite, kShareAll);
  REQUIRE(world.vfs.set_volume_reachable(share, false) == Win32Error::ok);
  const Win32Error down = Win32Error::bad_netpath;
  CHECK(world.open_error(world.copier, share + "\\S01\\a.bin", kGenericRead, kShareAll) == down);
  CHECK(world.vfs.read(world.copier, handle).error() == down);
  CHECK(world.vfs.write(world.copier, handle, {1, 1}) == down);
  CHECK(world.vfs.lock(world.copier, handle, 0, 1, true) == down);
  CHECK(world.vfs.unlock(world.copier, handle, 0, 1) == down);
  CHECK(world.vfs.delete_file(world.copier, share + "\\S01\\a.bin") == down);
  CHECK(world.vfs.remove_directory(world.copier, share + "\\S01") == down);
  CHECK(world.vfs.rename(world.copier, share + "\\S01", share + "\\S02") == down);
  CHECK(world.vfs.create_directories(world.copier, share + "\\S03") == down);
  CHECK(world.vfs.list_directory(world.copier, share).error() == down);
  world.vfs.close(world.copier, handle);  // CloseHandle still succeeds
  REQUIRE(world.vfs.set_volume_reachable(share, true) == Win32Error::ok);
  CHECK(world.vfs.list_directory(world.copier, share + "\\S01").ok());
  CHECK(world.open_error(world.copier, "\\\\DP02\\SMSPKGD$\\x", kGenericRead, kShareAll) == down);
}

// --- access log, observer, determinism, caller bugs

TEST_CASE("the access log records every operation with time, actor, path, access and result",
          "[vfs]") {
  // Goal: tests can assert the access pattern (ninja's VFS). Method: an open, a refused open,
  // a read and a close at different times; compare the log entries field by field.
  World world;
  world.clock.now_us = 5;
  const HandleId handle =
      world.open_ok(world.holder, "c:\\src\\pkg\\setup.exe", kGenericRead, kShareRead);
  world.clock.now_us = 7;
  CHECK(world.open_error(world.copier, kSetup, kGenericWrite, kShareAll) ==
        Win32Error::sharing_violation);
  REQUIRE(world.vfs.read(world.holder, handle).ok());
  world.vfs.close(world.holder, handle);
  const std::vector<VfsEvent>& log = world.vfs.access_log();
  REQUIRE(log.size() == 4);
  CHECK(log[0].t_us == 5);
  CHECK(log[0].actor == world.holder);
  CHECK(log[0].operation == VfsOperation::open);
  CHECK(log[0].path == kSetup);
  CHECK(log[0].access == kGenericRead);
  CHECK(log[0].share == kShareRead);
  CHECK(log[0].result == Win32Error::ok);
  CHECK(log[0].handle == handle);
  CHECK(log[1].t_us == 7);
  CHECK(log[1].actor == world.copier);
  CHECK(log[1].result == Win32Error::sharing_violation);
  CHECK(log[1].handle == 0);
  CHECK(log[2].operation == VfsOperation::read);
  CHECK(log[3].operation == VfsOperation::close);
  CHECK(log[3].handle == handle);
  CHECK(vfs_operation_name(log[3].operation) == "close");
}

TEST_CASE("a rename is logged with both paths and the observer sees what the log sees", "[vfs]") {
  // Goal: the trace hook. Method: attach an observer, rename, compare with the log.
  World world;
  RecordingObserver observer;
  world.vfs.set_observer(&observer);
  REQUIRE(world.vfs.rename(world.copier, "c:\\src\\PKG\\setup.exe", "C:\\Src\\Pkg\\Setup.bak") ==
          Win32Error::ok);
  REQUIRE(observer.events.size() == 1);
  CHECK(observer.events[0].path == kSetup);
  CHECK(observer.events[0].to == "C:\\Src\\Pkg\\Setup.bak");
  CHECK(world.vfs.access_log().back().to == observer.events[0].to);
}

TEST_CASE("handle ids are sequential from 1, never reused, and runs are reproducible", "[vfs]") {
  // Goal: determinism. Method: the same operations in two worlds give the same ids and logs.
  auto run = [](World& world) {
    std::vector<HandleId> ids;
    for (int round = 0; round < 3; ++round) {
      const HandleId a = world.open_ok(world.copier, kSetup, kGenericRead, kShareAll);
      const HandleId b = world.open_ok(world.holder, kCab, kGenericRead, kShareAll);
      world.vfs.close(world.copier, a);
      ids.push_back(a);
      ids.push_back(b);
    }
    return ids;
  };
  World first;
  World second;
  CHECK(run(first) == std::vector<HandleId>{1, 2, 3, 4, 5, 6});
  CHECK(run(second) == std::vector<HandleId>{1, 2, 3, 4, 5, 6});
  REQUIRE(first.vfs.access_log().size() == second.vfs.access_log().size());
  for (size_t index = 0; index < first.vfs.access_log().size(); ++index) {
    const VfsEvent& left = first.vfs.access_log()[index];
    const VfsEvent& right = second.vfs.access_log()[index];
    CHECK(left.path == right.path);
    CHECK(left.handle == right.handle);
    CHECK(left.result == right.result);
  }
}

TEST_CASE("using a handle that is not open or belongs to another actor is a caller bug", "[vfs]") {
  // Goal: invalid handles are assertions, not error values. Method: close twice; read another
  // actor's handle.
  World world;
  const HandleId handle = world.open_ok(world.copier, kSetup, kGenericRead, kShareAll);
  CHECK_THROWS_AS(world.vfs.read(world.holder, handle), AssertionFailure);
  world.vfs.close(world.copier, handle);
  CHECK_THROWS_AS(world.vfs.close(world.copier, handle), AssertionFailure);
  CHECK_THROWS_AS(world.vfs.close(world.copier, 999), AssertionFailure);
}

TEST_CASE("ActorFileSystem forwards to the VFS as its actor", "[vfs]") {
  // Goal: the model's port binding. Method: open and close through the port, check the log.
  World world;
  ActorFileSystem port(world.vfs, world.copier);
  const model::Result<HandleId> handle =
      port.open(OpenRequest{kSetup, kGenericRead, kShareRead, CreateDisposition::open_existing});
  REQUIRE(handle.ok());
  CHECK(port.read(handle.value()).value() == FileContent{100, 1});
  port.close(handle.value());
  CHECK(world.vfs.access_log().back().actor == world.copier);
  CHECK(port.delete_file(kSetup) == Win32Error::ok);
  CHECK(world.vfs.open_handle_count() == 0);
}

}  // namespace
}  // namespace distsim::sim
