// The trace records of file operations (sim/world/vfs_trace.cpp): a handle's reads, writes and
// close show the path its open showed, sharing the open's copy, and show the new path once a
// rename or a delete has changed it; an open's access and share lists name its own masks, shared
// with an earlier open of the same masks; a listing counts what it returned.
#include "sim/world/vfs_trace.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sim/core/trace.h"
#include "sim/world/blame.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::Win32Error;
using namespace testing;

// A VFS world whose every operation goes to a trace through the recorder, as in a World.
class TracedVfs final : public VfsObserver {
 public:
  TracedVfs() { world.vfs.set_observer(this); }
  void on_vfs_event(const VfsEvent& event) override { recorder.record(event); }

  // The `key` list field of record `index`.
  [[nodiscard]] TraceList list_of(size_t index, std::string_view key) const {
    const TraceRecord& record = trace.records()[index];
    for (const TraceField& field : record.fields) {
      if (field.key == key) return std::get<TraceList>(field.value);
    }
    FAIL("record " << index << " has no " << key);
    return {};
  }

  // The "path" field of record `index`.
  [[nodiscard]] std::string_view path_of(size_t index) const {
    const TraceRecord& record = trace.records()[index];
    for (const TraceField& field : record.fields) {
      if (field.key == "path") return std::get<std::string_view>(field.value);
    }
    FAIL("record " << index << " has no path");
    return {};
  }

  VfsWorld world;
  Trace trace{true};
  ActorKinds kinds;
  VfsTraceRecorder recorder{trace, world.vfs, kinds};
};

TEST_CASE("a handle's writes and close show its open's path, sharing the open's copy", "[trace]") {
  // Goal: the recorder reuses the open's path for the same handle instead of building and copying
  // it again, and the JSON Lines still name the file in every record.
  TracedVfs traced;
  const HandleId handle =
      traced.world.open_ok(traced.world.copier, "c:\\src\\PKG\\Setup.EXE", kReadWrite, kShareAll);
  REQUIRE(traced.world.vfs.write(traced.world.copier, handle, {10, 7}) == Win32Error::ok);
  traced.world.vfs.close(traced.world.copier, handle);
  REQUIRE(traced.trace.records().size() == 3);
  // The display keeps the case the file was created with, whatever the open asked for.
  CHECK(traced.path_of(0) == kSetup);
  CHECK(traced.path_of(1) == kSetup);
  CHECK(traced.path_of(2) == kSetup);
  CHECK(traced.path_of(1).data() == traced.path_of(0).data());
  CHECK(traced.path_of(2).data() == traced.path_of(0).data());
}

TEST_CASE("a handle's records after a rename show the file's new name", "[trace]") {
  // Goal: the shared path is dropped once a name leaves the namespace. A recorder that kept it
  // would show the name the file no longer has (case-only renames included).
  TracedVfs traced;
  VfsWorld& world = traced.world;
  const HandleId handle = world.open_ok(world.copier, kSetup, kReadWrite, kShareAll);
  REQUIRE(world.vfs.rename(world.holder, kSetup, "C:\\Src\\Pkg\\setup.old") == Win32Error::ok);
  REQUIRE(world.vfs.write(world.copier, handle, {10, 7}) == Win32Error::ok);
  REQUIRE(world.vfs.rename(world.holder, "C:\\Src\\Pkg\\setup.old", "C:\\Src\\Pkg\\SETUP.OLD") ==
          Win32Error::ok);
  REQUIRE(world.vfs.read(world.copier, handle).ok());
  world.vfs.close(world.copier, handle);
  REQUIRE(traced.trace.records().size() == 6);
  CHECK(traced.path_of(0) == kSetup);
  CHECK(traced.path_of(2) == "C:\\Src\\Pkg\\setup.old");
  CHECK(traced.path_of(4) == "C:\\Src\\Pkg\\SETUP.OLD");
  CHECK(traced.path_of(5) == "C:\\Src\\Pkg\\SETUP.OLD");
}

TEST_CASE("the close that deletes a delete-on-close file shows the path it had", "[trace]") {
  // Goal: a close whose delete removed the name is shown as the VFS reports it, not from the
  // shared copy, and the next file opened with a handle in the same slot shows its own path.
  TracedVfs traced;
  VfsWorld& world = traced.world;
  const model::Result<HandleId> opened = world.vfs.open(
      world.copier, model::OpenRequest{kCab, model::AccessMask{model::access_bits::kDelete},
                                       kShareAll, model::CreateDisposition::open_existing,
                                       /*delete_on_close=*/true});
  REQUIRE(opened.ok());
  world.vfs.close(world.copier, opened.value());
  CHECK(world.vfs.exists(kCab) == false);
  const HandleId next = world.open_ok(world.copier, kSetup, kGenericRead, kShareAll);
  world.vfs.close(world.copier, next);
  size_t closes = 0;
  for (size_t index = 0; index < traced.trace.records().size(); ++index) {
    if (traced.trace.records()[index].event != "close") continue;
    CHECK(traced.path_of(index) == (closes++ == 0 ? kCab : kSetup));
  }
  CHECK(closes == 2);
}

TEST_CASE("each open's access and share lists name its own masks, shared by opens of the same ones",
          "[trace]") {
  // Goal: the recorder copies a mask's names once and names them again, without ever showing one
  // mask's names for another. GENERIC_READ and GENERIC_WRITE take the same slot of its table.
  TracedVfs traced;
  const std::vector<std::pair<model::AccessMask, model::ShareMode>> opens = {
      {kGenericRead, kShareRead}, {kGenericWrite, kShareAll}, {kGenericRead, kShareRead},
      {kReadWrite, kShareNone},   {kGenericWrite, kShareAll}, {kGenericRead, kShareReadWrite},
      {kGenericRead, kShareRead}};
  for (const auto& [access, share] : opens) {
    const HandleId handle = traced.world.open_ok(traced.world.copier, kSetup, access, share);
    traced.world.vfs.close(traced.world.copier, handle);
  }
  REQUIRE(traced.trace.records().size() == 2 * opens.size());
  for (size_t index = 0; index < opens.size(); ++index) {
    INFO("open " << index);
    const model::MaskNames access_names = model::access_name_views(opens[index].first);
    const model::MaskNames share_names = model::share_name_views(opens[index].second);
    CHECK(traced.list_of(2 * index, "access").strings() ==
          std::vector<std::string>(access_names.span().begin(), access_names.span().end()));
    CHECK(traced.list_of(2 * index, "share").strings() ==
          std::vector<std::string>(share_names.span().begin(), share_names.span().end()));
  }
  // The last open repeats the one before it's access and the first one's share mode: its lists
  // are their copies.
  CHECK(traced.list_of(12, "access").begin() == traced.list_of(10, "access").begin());
  CHECK(traced.list_of(12, "share").begin() == traced.list_of(0, "share").begin());
}

TEST_CASE("one access mask is named as a directory's rights on a folder and as a file's on a file",
          "[trace]") {
  // Goal: the recorder's per-mask lists tell the two targets apart, so that neither name leaks
  // into the other's records. Method: the same mask on a folder, a file, the folder again, and a
  // refused open of the folder.
  TracedVfs traced;
  VfsWorld& world = traced.world;
  const AccessMask list_and_wait{model::access_bits::kFileReadData |
                                 model::access_bits::kSynchronize};
  world.open_ok(world.holder, "C:\\Src\\Pkg", list_and_wait, kShareNone);
  world.open_ok(world.holder, kSetup, list_and_wait, kShareAll);
  world.open_ok(world.holder, "C:\\Src\\Pkg\\Sub", list_and_wait, kShareAll);
  REQUIRE(world.open_error(world.copier, "C:\\Src\\Pkg", list_and_wait, kShareAll) ==
          Win32Error::sharing_violation);
  REQUIRE(traced.trace.records().size() == 4);
  const std::vector<std::string> directory{"FILE_LIST_DIRECTORY", "SYNCHRONIZE"};
  const std::vector<std::string> file{"FILE_READ_DATA", "SYNCHRONIZE"};
  CHECK(traced.list_of(0, "access").strings() == directory);
  CHECK(traced.list_of(1, "access").strings() == file);
  CHECK(traced.list_of(2, "access").strings() == directory);
  CHECK(traced.list_of(3, "access").strings() == directory);
}

TEST_CASE("a listing's record counts the files and folders it returned", "[trace]") {
  // Goal: a checker can tell what a listing met (distsim's bounds on a source's files are met
  // while listing) from the trace alone, each listing counted afresh. Method: C:\Src\Pkg holds
  // setup.exe and the folder Sub; it is listed twice, and each record counts one of each.
  TracedVfs traced;
  REQUIRE(traced.world.vfs.list_directory(traced.world.copier, "C:\\Src\\Pkg").ok());
  REQUIRE(traced.world.vfs.list_directory(traced.world.copier, "C:\\Src\\Pkg").ok());
  REQUIRE(traced.trace.records().size() == 2);
  for (const TraceRecord& record : traced.trace.records()) {
    std::vector<std::pair<std::string_view, int64_t>> numbers;
    for (const TraceField& field : record.fields) {
      if (const auto* number = std::get_if<int64_t>(&field.value)) {
        numbers.emplace_back(field.key, *number);
      }
    }
    CHECK(numbers == std::vector<std::pair<std::string_view, int64_t>>{
                         {"win32", 0}, {"files", 1}, {"folders", 1}});
  }
}

}  // namespace
}  // namespace distsim::sim
