// Tests of the virtual file system's open path and handles, one per rule of
// sim/fs/README.md: byte-range locks, I/O access, space, content
// versions, CreateFile dispositions and errors, reachability, the access log and handle ids.
#include "sim/fs/vfs.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/assert.h"
#include "model/ports.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::AccessMask;
using model::CreateDisposition;
using model::OpenRequest;
using model::Win32Error;
namespace bits = model::access_bits;
using namespace testing;

class RecordingObserver final : public VfsObserver {
 public:
  void on_vfs_event(const VfsEvent& event) override { events.push_back(event); }
  std::vector<VfsEvent> events;
};

// --- byte-range locks

TEST_CASE("an exclusive lock of another handle makes ReadFile fail with 33", "[vfs]") {
  // Goal: ERROR_LOCK_VIOLATION on I/O (sim/fs/README.md). Method: lock a range, read from a second
  // handle, then from the locker, then unlock.
  VfsWorld world;
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
  // Goal: shared lock semantics (sim/fs/README.md). Method: shared lock, read and write from both.
  VfsWorld world;
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
  VfsWorld world;
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
  VfsWorld world;
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
  VfsWorld world;
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
  VfsWorld world;
  const HandleId locker = world.open_ok(world.holder, kSetup, kReadWrite, kShareReadWrite);
  const HandleId reader = world.open_ok(world.copier, kSetup, kGenericRead, kShareReadWrite);
  REQUIRE(world.vfs.lock(world.holder, locker, 0, 1000, true) == Win32Error::ok);
  REQUIRE(world.vfs.read(world.copier, reader).error() == Win32Error::lock_violation);
  world.vfs.close(world.holder, locker);
  CHECK(world.vfs.read(world.copier, reader).ok());
}

TEST_CASE("locking needs read or write access on the handle, else 5", "[vfs]") {
  // Goal: LockFileEx access rule. Method: a FILE_READ_ATTRIBUTES handle tries to lock.
  VfsWorld world;
  const HandleId handle =
      world.open_ok(world.holder, kSetup, AccessMask{bits::kFileReadAttributes}, kShareAll);
  CHECK(world.vfs.lock(world.holder, handle, 0, 1, true) == Win32Error::access_denied);
}

// --- I/O access, space, content versions

TEST_CASE("ReadFile needs FILE_READ_DATA and WriteFile needs FILE_WRITE_DATA, else 5", "[vfs]") {
  // Goal: I/O access checks. Method: a write-only, an execute-only and a read-only handle.
  VfsWorld world;
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
  VfsWorld world;
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
  VfsWorld world;
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
  VfsWorld world;
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
  VfsWorld world;
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
  VfsWorld world;
  world.open_ok(world.holder, kSetup, kGenericRead, kShareRead);
  CHECK(world.open_error(world.copier, kSetup, kGenericWrite, kShareAll,
                         CreateDisposition::create_always) == Win32Error::sharing_violation);
  CHECK(world.vfs.file_content(kSetup)->size_bytes == 100);
}

TEST_CASE("paths are case-insensitive and keep the case of first creation", "[vfs]") {
  // Goal: one file, many spellings. Method: open by another case, check the logged path.
  VfsWorld world;
  const HandleId handle =
      world.open_ok(world.copier, "c:/SRC/pkg/SETUP.exe", kGenericRead, kShareAll);
  CHECK(world.vfs.handle_path(handle) == std::optional<std::string>(kSetup));
  CHECK(world.vfs.access_log().back().path() == kSetup);
  CHECK(world.vfs.files_under("c:\\src") ==
        std::vector<std::string>{"C:\\Src\\Pkg\\setup.exe", "C:\\Src\\Pkg\\Sub\\data1.cab"});
}

TEST_CASE("a file's path follows its folder's rename and never another file system's", "[vfs]") {
  // Goal: the display of a file's folder, kept between calls, is never stale. Method: show a file
  // of a folder, then build a second file system in the same place whose folder has another name
  // at the same node number (nothing removed in either); then rename a folder and show its files.
  const auto shown = [](VfsWorld& world, const std::string& path) {
    const HandleId handle = world.open_ok(world.copier, path, kGenericRead, kShareAll);
    const std::optional<std::string> display = world.vfs.handle_path(handle);
    world.vfs.close(world.copier, handle);
    return display.value_or("");
  };
  std::optional<VfsWorld> world(std::in_place);
  REQUIRE(world->vfs.make_file("C:\\Dp\\Pkg\\a.txt", {1, 1}) == Win32Error::ok);
  CHECK(shown(*world, "C:\\Dp\\Pkg\\a.txt") == "C:\\Dp\\Pkg\\a.txt");
  world.reset();
  world.emplace();
  REQUIRE(world->vfs.make_file("C:\\Dp\\New\\a.txt", {1, 1}) == Win32Error::ok);
  CHECK(shown(*world, "C:\\Dp\\New\\a.txt") == "C:\\Dp\\New\\a.txt");
  REQUIRE(world->vfs.make_file("C:\\Dp\\New\\b.txt", {1, 1}) == Win32Error::ok);
  REQUIRE(world->vfs.rename(world->copier, "C:\\Dp\\New", "C:\\Dp\\Other") == Win32Error::ok);
  CHECK(shown(*world, "C:\\Dp\\Other\\b.txt") == "C:\\Dp\\Other\\b.txt");
  CHECK(shown(*world, "C:\\Dp\\Other\\a.txt") == "C:\\Dp\\Other\\a.txt");
}

// --- reachability

TEST_CASE("an unreachable share refuses every operation with 53", "[vfs]") {
  // Goal: ERROR_BAD_NETPATH for every actor operation (facts, DP faults). Method: open a
  // handle, take the share down, try everything; and a share never added.
  VfsWorld world;
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
  VfsWorld world;
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
  CHECK(log[0].path() == kSetup);
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
  VfsWorld world;
  RecordingObserver observer;
  world.vfs.set_observer(&observer);
  REQUIRE(world.vfs.rename(world.copier, "c:\\src\\PKG\\setup.exe", "C:\\Src\\Pkg\\Setup.bak") ==
          Win32Error::ok);
  REQUIRE(observer.events.size() == 1);
  CHECK(observer.events[0].path() == kSetup);
  CHECK(observer.events[0].to == "C:\\Src\\Pkg\\Setup.bak");
  CHECK(world.vfs.access_log().back().to == observer.events[0].to);
}

TEST_CASE("an observer sees the operations it asked for and, if it asked, every refusal", "[vfs]") {
  // Goal: the interest filter the world uses when nothing traces. Method: ask for writes only,
  // then for writes and refusals; open, write, close, and open again against an exclusive handle.
  for (const bool refusals : {false, true}) {
    VfsWorld world;
    RecordingObserver observer;
    world.vfs.set_observer(&observer, {VfsInterest::bit(VfsOperation::write), refusals});
    const HandleId handle = world.open_ok(world.copier, kSetup, kGenericWrite, kShareNone);
    REQUIRE(world.vfs.write(world.copier, handle, {100, 7}) == Win32Error::ok);
    CHECK(
        world.vfs
            .open(world.holder, {kSetup, kGenericRead, kShareAll, CreateDisposition::open_existing})
            .error() == Win32Error::sharing_violation);
    world.vfs.close(world.copier, handle);
    REQUIRE(observer.events.size() == (refusals ? 2U : 1U));
    CHECK(observer.events[0].operation == VfsOperation::write);
    CHECK(observer.events[0].handle == handle);
    if (refusals) {
      CHECK(observer.events[1].operation == VfsOperation::open);
      CHECK(observer.events[1].result == Win32Error::sharing_violation);
      CHECK(observer.events[1].path() == kSetup);
    }
  }
}

TEST_CASE("handle ids are sequential from 1, never reused, and runs are reproducible", "[vfs]") {
  // Goal: determinism. Method: the same operations in two worlds give the same ids and logs.
  auto run = [](VfsWorld& world) {
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
  VfsWorld first;
  VfsWorld second;
  CHECK(run(first) == std::vector<HandleId>{1, 2, 3, 4, 5, 6});
  CHECK(run(second) == std::vector<HandleId>{1, 2, 3, 4, 5, 6});
  REQUIRE(first.vfs.access_log().size() == second.vfs.access_log().size());
  for (size_t index = 0; index < first.vfs.access_log().size(); ++index) {
    const VfsEvent& left = first.vfs.access_log()[index];
    const VfsEvent& right = second.vfs.access_log()[index];
    CHECK(left.path() == right.path());
    CHECK(left.handle == right.handle);
    CHECK(left.result == right.result);
  }
}

TEST_CASE("using a handle that is not open or belongs to another actor is a caller bug", "[vfs]") {
  // Goal: invalid handles are assertions, not error values. Method: close twice; read another
  // actor's handle.
  VfsWorld world;
  const HandleId handle = world.open_ok(world.copier, kSetup, kGenericRead, kShareAll);
  CHECK_THROWS_AS(world.vfs.read(world.holder, handle), AssertionFailure);
  world.vfs.close(world.copier, handle);
  CHECK_THROWS_AS(world.vfs.close(world.copier, handle), AssertionFailure);
  CHECK_THROWS_AS(world.vfs.close(world.copier, 999), AssertionFailure);
}

TEST_CASE("ActorFileSystem forwards to the VFS as its actor", "[vfs]") {
  // Goal: the model's port binding. Method: open and close through the port, check the log.
  VfsWorld world;
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
