// Display paths of VFS events: the existing part of a path in the case it was created, the rest
// as written, '\' as the separator, no trailing separator. The VFS copies a path that is already
// in that form and builds the others from the tree; both must give the same text, and lookups of
// a name in any case must find the one node (sim/fs/vfs_nodes.cpp, sim/fs/vfs_names.h).
#include <catch2/catch.hpp>
#include <string>

#include "vfs_world.h"

namespace distsim::testing {
namespace {

// The display path the access log records for an open of `path`.
std::string open_display(VfsWorld& world, const std::string& path,
                         model::CreateDisposition disposition) {
  const model::Result<model::HandleId> opened =
      world.open(world.copier, path, kGenericRead, kShareAll, disposition);
  if (opened.ok()) world.vfs.close(world.copier, opened.value());
  const auto& log = world.vfs.access_log();
  for (auto event = log.rbegin(); event != log.rend(); ++event) {
    if (event->operation == sim::VfsOperation::open) return event->path();
  }
  FAIL("no open in the access log");
  return "";
}

TEST_CASE("display paths keep the created case of existing names and the written rest",
          "[vfs][paths]") {
  VfsWorld world;
  using model::CreateDisposition;
  const auto existing = CreateDisposition::open_existing;
  // Already in display form: copied as written.
  CHECK(open_display(world, "C:\\Src\\Pkg\\setup.exe", existing) == "C:\\Src\\Pkg\\setup.exe");
  // Other case, other separators, a trailing separator: rebuilt from the tree.
  CHECK(open_display(world, "c:\\SRC\\pkg\\SETUP.EXE", existing) == "C:\\Src\\Pkg\\setup.exe");
  CHECK(open_display(world, "C:/Src/Pkg/setup.exe", existing) == "C:\\Src\\Pkg\\setup.exe");
  CHECK(open_display(world, "C:\\Src\\Pkg\\Sub\\", existing) == "C:\\Src\\Pkg\\Sub");
  // A missing tail keeps the case it was written in, after the created part.
  CHECK(open_display(world, "C:\\src\\PKG\\New.txt", existing) == "C:\\Src\\Pkg\\New.txt");
  CHECK(open_display(world, "C:\\Src\\Pkg\\Missing\\Deeper", existing) ==
        "C:\\Src\\Pkg\\Missing\\Deeper");
  // A file in the middle of a path: the display goes on after it as written.
  CHECK(open_display(world, "C:\\Src\\Pkg\\setup.exe\\inside", existing) ==
        "C:\\Src\\Pkg\\setup.exe\\inside");
  // Roots: a drive root keeps its separator; the drive letter has the case it was first used in.
  CHECK(open_display(world, "C:\\", existing) == "C:\\");
  CHECK(open_display(world, "c:\\", existing) == "C:\\");
}

TEST_CASE("a name created in one case is found in any case and created only once", "[vfs][paths]") {
  VfsWorld world;
  using model::CreateDisposition;
  const model::HandleId created =
      world.open_ok(world.copier, "C:\\Src\\Pkg\\ReadMe.TXT", kGenericRead, kShareAll,
                    CreateDisposition::create_new);
  world.vfs.close(world.copier, created);
  CHECK(world.open_error(world.copier, "c:/SRC/pkg/readme.txt", kGenericRead, kShareAll,
                         CreateDisposition::create_new) == model::Win32Error::file_exists);
  CHECK(open_display(world, "C:\\SRC\\PKG\\README.TXT", CreateDisposition::open_existing) ==
        "C:\\Src\\Pkg\\ReadMe.TXT");
  CHECK(world.vfs.exists("c:\\src\\pkg\\readme.txt"));
  // Names that differ only beyond ASCII letters are different names.
  CHECK_FALSE(world.vfs.exists("C:\\Src\\Pkg\\ReadMe_TXT"));
  CHECK_FALSE(world.vfs.exists("C:\\Src\\Pkg\\ReadMe.TX"));
  CHECK_FALSE(world.vfs.exists("C:\\Src\\Pkg\\ReadMe.TXT2"));
}

TEST_CASE("UNC shares are found by their root in any case and displayed as first written",
          "[vfs][paths]") {
  VfsWorld world;
  REQUIRE(world.vfs.add_volume({"\\\\DP01\\SMSPKGD$"}) == model::Win32Error::ok);
  REQUIRE(world.vfs.add_volume({"\\\\DP02\\SMSPKGD$"}) == model::Win32Error::ok);
  REQUIRE(world.vfs.make_file("\\\\DP01\\SMSPKGD$\\S01\\a.cab", {1, 1}) == model::Win32Error::ok);
  using model::CreateDisposition;
  const auto existing = CreateDisposition::open_existing;
  CHECK(open_display(world, "\\\\DP01\\SMSPKGD$\\S01\\a.cab", existing) ==
        "\\\\DP01\\SMSPKGD$\\S01\\a.cab");
  CHECK(open_display(world, "\\\\dp01\\smspkgd$\\s01\\A.CAB", existing) ==
        "\\\\DP01\\SMSPKGD$\\S01\\a.cab");
  CHECK(open_display(world, "//DP01/SMSPKGD$/S01/a.cab", existing) ==
        "\\\\DP01\\SMSPKGD$\\S01\\a.cab");
  CHECK(world.vfs.exists("\\\\dp01\\SMSPKGD$\\S01\\a.cab"));
  CHECK_FALSE(world.vfs.exists("\\\\DP02\\SMSPKGD$\\S01\\a.cab"));
  CHECK(world.open_error(world.copier, "\\\\DP03\\SMSPKGD$\\S01\\a.cab", kGenericRead, kShareAll) ==
        model::Win32Error::bad_netpath);
}

// The path the access log's last event of `operation` names.
std::string last_display(const VfsWorld& world, sim::VfsOperation operation) {
  const auto& log = world.vfs.access_log();
  for (auto event = log.rbegin(); event != log.rend(); ++event) {
    if (event->operation == operation) return event->path();
  }
  FAIL("no such operation in the access log");
  return "";
}

TEST_CASE("reads, writes and closes on a handle name the file where it is now, renamed or not",
          "[vfs][paths]") {
  // A handle's events name its file where it is now: a rename since the open must show.
  VfsWorld world;
  const model::HandleId handle =
      world.open_ok(world.copier, "c:\\src\\pkg\\SETUP.EXE", kReadWrite, kShareAll);
  CHECK(last_display(world, sim::VfsOperation::open) == "C:\\Src\\Pkg\\setup.exe");
  REQUIRE(world.vfs.write(world.copier, handle, {50, 7}) == model::Win32Error::ok);
  CHECK(last_display(world, sim::VfsOperation::write) == "C:\\Src\\Pkg\\setup.exe");
  // The file itself, open with FILE_SHARE_DELETE, changes name and then case.
  REQUIRE(world.vfs.rename(world.holder, "C:\\Src\\Pkg\\setup.exe", "C:\\Src\\Pkg\\Install.exe") ==
          model::Win32Error::ok);
  REQUIRE(world.vfs.read(world.copier, handle).ok());
  CHECK(last_display(world, sim::VfsOperation::read) == "C:\\Src\\Pkg\\Install.exe");
  REQUIRE(world.vfs.rename(world.holder, "C:\\Src\\Pkg\\Install.exe",
                           "C:\\Src\\Pkg\\INSTALL.EXE") == model::Win32Error::ok);
  world.vfs.close(world.copier, handle);
  CHECK(last_display(world, sim::VfsOperation::close) == "C:\\Src\\Pkg\\INSTALL.EXE");
  // A handle opened after the renames names the file as it is then, for its whole life.
  const model::HandleId again =
      world.open_ok(world.copier, "C:\\Src\\Pkg\\install.exe", kGenericRead, kShareAll);
  REQUIRE(world.vfs.read(world.copier, again).ok());
  CHECK(last_display(world, sim::VfsOperation::read) == "C:\\Src\\Pkg\\INSTALL.EXE");
  world.vfs.close(world.copier, again);
  CHECK(last_display(world, sim::VfsOperation::close) == "C:\\Src\\Pkg\\INSTALL.EXE");
}

TEST_CASE("a handle on a file moved with its folder names the new folder", "[vfs][paths]") {
  // A folder with an open handle below it cannot be renamed, so the handle on the file moved
  // out and back is what changes; a second handle opened meanwhile sees the same path.
  VfsWorld world;
  const model::HandleId handle =
      world.open_ok(world.copier, "C:\\Src\\Pkg\\Sub\\data1.cab", kGenericRead, kShareAll);
  REQUIRE(world.vfs.rename(world.holder, "C:\\Src\\Pkg\\Sub\\data1.cab", "C:\\Src\\data1.cab") ==
          model::Win32Error::ok);
  world.vfs.close(world.copier, handle);
  CHECK(last_display(world, sim::VfsOperation::close) == "C:\\Src\\data1.cab");
}

// An observer that, seeing a write, renames the written file (as a holder may operate while it
// sees an event) and only then reads the event's path, which is built on first read.
class RenamingObserver final : public sim::VfsObserver {
 public:
  explicit RenamingObserver(VfsWorld& world) : world_(world) {}
  void on_vfs_event(const sim::VfsEvent& event) override {
    if (event.operation != sim::VfsOperation::write || renamed) return;
    renamed = true;
    rename_result = world_.vfs.rename(world_.holder, kSetup, "C:\\Src\\Pkg\\moved.exe");
    path_after_rename = event.path();
  }
  bool renamed = false;
  model::Win32Error rename_result = model::Win32Error::ok;
  std::string path_after_rename;

 private:
  VfsWorld& world_;
};

TEST_CASE("an event's path is the one of its operation even when an observer moves the file first",
          "[vfs][paths]") {
  // Goal: a display built on first read names the file as the operation found it. Method: an
  // observer renames the file while it sees the write, then reads the write's path.
  VfsWorld world;
  RenamingObserver observer(world);
  world.vfs.set_observer(&observer);
  const model::HandleId handle = world.open_ok(world.copier, kSetup, kGenericWrite, kShareAll);
  REQUIRE(world.vfs.write(world.copier, handle, {10, 9}) == model::Win32Error::ok);
  REQUIRE(observer.renamed);
  REQUIRE(observer.rename_result == model::Win32Error::ok);
  CHECK(observer.path_after_rename == kSetup);
  // The handle follows the file: the next operation on it names the new path.
  world.vfs.close(world.copier, handle);
  CHECK(world.vfs.access_log().back().path() == "C:\\Src\\Pkg\\moved.exe");
}

}  // namespace
}  // namespace distsim::testing
