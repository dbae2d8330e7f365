// Folder hints (model::FolderHint) are only a speed-up: a random sequence of copies, reads and
// set-up files through a queried hint, renames, deletes, delete-pending folders, names spelt in
// another case and an unreachable share gives the same results and the same access log (operations,
// results, display paths, blame) whether files are named through hints or by their whole paths.
#include <fmt/format.h>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <array>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "model/ports.h"
#include "sim/fs/vfs.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::CreateDisposition;
using model::FolderHint;
using model::HandleId;
using model::OpenRequest;
using model::Win32Error;
using namespace testing;

constexpr const char* kShare = "\\\\DP1\\SHARE$";
// Folders a copy writes into (one spelt in another case than the others make it), the names it
// writes, and where a folder is renamed to.
const std::array<std::string, 4> kFolders = {"\\\\DP1\\SHARE$\\PKG", "\\\\DP1\\SHARE$\\PKG\\Sub",
                                             "\\\\DP1\\SHARE$\\pkg", "C:\\Dp\\Pkg"};
const std::array<std::string, 3> kNames = {"a.txt", "A.TXT", "b.bin"};

// One world: the copier either keeps a hint per folder or names every file by its whole path.
struct HintWorld {
  explicit HintWorld(bool uses_hints) : hinted(uses_hints) {
    REQUIRE(world.vfs.add_volume({kShare}) == Win32Error::ok);
  }

  Win32Error make_folder(const std::string& folder) {
    return hinted ? world.vfs.create_directories(world.copier, folder, hints[folder])
                  : world.vfs.create_directories(world.copier, folder);
  }

  // `hint_name`: whose name hint goes with the open (another name's hint must not be used).
  Win32Error copy(const std::string& folder, const std::string& name,
                  const std::string& hint_name = {}) {
    const OpenRequest request{folder + "\\" + name, kGenericWrite, kShareNone,
                              CreateDisposition::create_always};
    FolderHint& hint = hints[folder];
    const Win32Error made = hinted ? world.vfs.create_directories(world.copier, folder, hint)
                                   : world.vfs.create_directories(world.copier, folder);
    if (made != Win32Error::ok) return made;
    const auto opened = hinted ? world.vfs.open_in(world.copier, request, hint,
                                                   name_hints[hint_name.empty() ? name : hint_name])
                               : world.vfs.open(world.copier, request);
    if (!opened.ok()) return opened.error();
    world.vfs.close(world.copier, opened.value());
    return Win32Error::ok;
  }

  bool hinted;
  VfsWorld world;
  std::map<std::string, FolderHint> hints;
  // One hint per name as written, shared by every folder (as a package's files on every DP).
  std::map<std::string, model::NameHint> name_hints;
  // Hints a reader keeps per folder, filled by its own opens.
  std::map<std::string, FolderHint> read_hints;
  std::vector<HandleId> held;  // the holder's open handles
};

// An access log entry as compared: everything the trace would show of it.
std::string described(const VfsEvent& event) {
  return fmt::format("{} {} {} -> {} {} h{}", static_cast<int>(event.operation), event.actor,
                     event.path(), event.to, model::win32_error_name(event.result), event.handle);
}

// A refusal's result and the handles blamed for it.
std::string outcome(Win32Error result, const VirtualFileSystem& vfs) {
  std::string text(model::win32_error_name(result));
  for (const BlameEntry& blamed : vfs.last_blame()) {
    text += fmt::format(" [{} {} {}]", blamed.handle, blamed.actor, blamed.path);
  }
  return text;
}

TEST_CASE("a copier with folder hints does exactly what one naming whole paths does", "[vfs]") {
  rc::prop("same results and access log for any sequence of operations", [] {
    HintWorld worlds[2] = {HintWorld(true), HintWorld(false)};
    const auto steps = *rc::gen::inRange(1, 60);
    for (int step = 0; step < steps; ++step) {
      const auto kind = *rc::gen::inRange(0, 10);
      // Mostly one folder, so that its hint is often filled and then overtaken by events.
      const std::string& folder =
          kFolders[*rc::gen::weightedElement<size_t>({{5, 0}, {1, 1}, {1, 2}, {1, 3}})];
      const std::string& name = kNames[*rc::gen::inRange<size_t>(0, kNames.size())];
      const std::string file = folder + "\\" + name;
      const std::string& other_name = kNames[*rc::gen::inRange<size_t>(0, kNames.size())];
      std::array<std::string, 2> results;
      for (size_t at = 0; at < 2; ++at) {
        HintWorld& each = worlds[at];
        VirtualFileSystem& vfs = each.world.vfs;
        const ActorId holder = each.world.holder;
        Win32Error result = Win32Error::ok;
        switch (kind) {
          case 0:
          case 1:
          case 2:  // the copy the hints are for, most often
            result = each.copy(folder, name, kind == 2 ? other_name : name);
            break;
          case 3:  // the folder moves away, and perhaps a file takes its place
            result = vfs.rename(holder, folder, folder + "_old");
            if (result == Win32Error::ok && step % 2 == 0) {
              REQUIRE(vfs.make_file(folder, {1, vfs.new_content_version()}) == Win32Error::ok);
            }
            break;
          case 4:
            result = vfs.delete_file(holder, file);
            break;
          case 5: {  // a delete-on-close handle makes the folder delete-pending while it is open
            const auto opened =
                vfs.open(holder, {folder, model::AccessMask{model::access_bits::kDelete}, kShareAll,
                                  CreateDisposition::open_existing, true});
            result = opened.error();
            if (opened.ok()) each.held.push_back(opened.value());
            break;
          }
          case 6: {  // a holder keeps a file open without sharing it, through the hint its
                     // earlier opens in the folder left (as the manager reads a source)
            const OpenRequest request{file, kGenericRead, kShareNone,
                                      CreateDisposition::open_existing};
            model::NameHint name_hint;
            const auto opened =
                each.hinted ? vfs.open_in(holder, request, each.read_hints[folder], name_hint)
                            : vfs.open(holder, request);
            result = opened.error();
            if (opened.ok()) each.held.push_back(opened.value());
            break;
          }
          case 7:  // the share goes away or comes back; the holder lets go of its oldest handle
            result = vfs.set_volume_reachable(kShare, step % 2 != 0);
            if (!each.held.empty()) {
              vfs.close(holder, each.held.front());
              each.held.erase(each.held.begin());
            }
            break;
          case 8: {  // a reader (a backup) opens a file through a hint it asked the VFS for
            const OpenRequest request{file, kGenericRead, kShareAll,
                                      CreateDisposition::open_existing};
            model::NameHint name_hint;
            model::FolderHint queried = vfs.folder_hint(folder);
            const auto opened = each.hinted ? vfs.open_in(holder, request, queried, name_hint)
                                            : vfs.open(holder, request);
            result = opened.error();
            if (opened.ok()) vfs.close(holder, opened.value());
            break;
          }
          case 9: {  // a set-up call puts a file in place through the folder's queried hint
            const model::FileContent content{static_cast<uint64_t>(step), 7};
            result = each.hinted
                         ? vfs.make_file(file, content, step % 2 == 0, vfs.folder_hint(folder))
                         : vfs.make_file(file, content, step % 2 == 0);
            break;
          }
          default:
            RC_FAIL("no such operation");
        }
        results[at] = outcome(result, vfs);
      }
      RC_ASSERT(results[0] == results[1]);
    }
    for (const char* root : {kShare, "C:\\Dp"}) {
      RC_ASSERT(worlds[0].world.vfs.set_volume_reachable(kShare, true) == Win32Error::ok);
      RC_ASSERT(worlds[1].world.vfs.set_volume_reachable(kShare, true) == Win32Error::ok);
      RC_ASSERT(worlds[0].world.vfs.files_with_content_under(root) ==
                worlds[1].world.vfs.files_with_content_under(root));
      RC_ASSERT(worlds[0].world.vfs.read_only_files_under(root) ==
                worlds[1].world.vfs.read_only_files_under(root));
    }
    const auto& hinted_log = worlds[0].world.vfs.access_log();
    const auto& plain_log = worlds[1].world.vfs.access_log();
    RC_ASSERT(hinted_log.size() == plain_log.size());
    for (size_t index = 0; index < hinted_log.size(); ++index) {
      RC_ASSERT(described(hinted_log[index]) == described(plain_log[index]));
    }
  });
}

TEST_CASE("a hinted folder that became delete-pending refuses copies with error 5", "[vfs]") {
  // The folder is empty and known (its hint filled as written) when a holder's delete-on-close
  // handle closes while another handle keeps it: no name has left, so only the folder's own
  // state tells that it is going.
  for (const bool uses_hints : {true, false}) {
    INFO("hints: " << uses_hints);
    HintWorld each(uses_hints);
    VirtualFileSystem& vfs = each.world.vfs;
    const std::string& folder = kFolders[1];
    REQUIRE(each.make_folder(folder) == Win32Error::ok);
    REQUIRE(each.make_folder(folder) == Win32Error::ok);
    const auto deleting =
        vfs.open(each.world.holder, {folder, model::AccessMask{model::access_bits::kDelete},
                                     kShareAll, CreateDisposition::open_existing, true});
    REQUIRE(deleting.ok());
    const HandleId keeping = each.world.open_ok(each.world.holder, folder, kGenericRead, kShareAll);
    vfs.close(each.world.holder, deleting.value());
    CHECK(each.make_folder(folder) == Win32Error::access_denied);
    CHECK(each.copy(folder, "a.txt") == Win32Error::access_denied);
    const model::FolderHint queried = uses_hints ? vfs.folder_hint(folder) : model::FolderHint{};
    CHECK(vfs.make_file(folder + "\\s.txt", {1, 1}, false, queried) == Win32Error::access_denied);
    vfs.close(each.world.holder, keeping);
    CHECK(each.copy(folder, "a.txt") == Win32Error::ok);
  }
}

TEST_CASE("a hinted folder on a share that went away refuses copies with error 53", "[vfs]") {
  for (const bool uses_hints : {true, false}) {
    INFO("hints: " << uses_hints);
    HintWorld each(uses_hints);
    REQUIRE(each.copy(kFolders[0], "a.txt") == Win32Error::ok);
    REQUIRE(each.copy(kFolders[0], "b.bin") == Win32Error::ok);
    REQUIRE(each.world.vfs.set_volume_reachable(kShare, false) == Win32Error::ok);
    CHECK(each.make_folder(kFolders[0]) == Win32Error::bad_netpath);
    CHECK(each.copy(kFolders[0], "c.dat") == Win32Error::bad_netpath);
    REQUIRE(each.world.vfs.set_volume_reachable(kShare, true) == Win32Error::ok);
    CHECK(each.copy(kFolders[0], "c.dat") == Win32Error::ok);
  }
}

TEST_CASE("a file opened through a queried hint shows the case its folder was made in", "[vfs]") {
  HintWorld each(true);
  VirtualFileSystem& vfs = each.world.vfs;
  REQUIRE(each.copy(kFolders[0], "a.txt") == Win32Error::ok);      // ...\PKG\a.txt
  for (const std::string& written : {kFolders[0], kFolders[2]}) {  // PKG, then pkg
    model::NameHint name;
    model::FolderHint queried = vfs.folder_hint(written);
    const auto opened = vfs.open_in(
        each.world.holder,
        {written + "\\a.txt", kGenericRead, kShareAll, CreateDisposition::open_existing}, queried,
        name);
    REQUIRE(opened.ok());
    CHECK(vfs.access_log().back().path() == kFolders[0] + "\\a.txt");
    vfs.close(each.world.holder, opened.value());
  }
  CHECK(vfs.folder_hint(kFolders[1]).port_data == model::FolderHint{}.port_data);  // none there
}

TEST_CASE("a hint for a folder written with a trailing separator makes no file the path refuses",
          "[vfs]") {
  // "C:\Dp\Pkg\" names the folder, but "C:\Dp\Pkg\\f.txt" has an empty name in it.
  for (const bool uses_hints : {true, false}) {
    INFO("hints: " << uses_hints);
    VfsWorld world;
    REQUIRE(world.vfs.make_directories("C:\\Dp\\Pkg") == Win32Error::ok);
    const std::string folder = "C:\\Dp\\Pkg\\";
    const FolderHint hint = uses_hints ? world.vfs.folder_hint(folder) : FolderHint{};
    const std::string path = folder + "\\f.txt";
    CHECK(world.vfs.make_file(path, {1, 1}, false, hint) == world.vfs.make_file(path, {1, 1}));
    CHECK_FALSE(world.vfs.exists("C:\\Dp\\Pkg\\f.txt"));
  }
}

TEST_CASE("a folder hint finds the next file of a folder without parsing its path", "[vfs]") {
  // The hint is a speed-up only if it is used: after one copy into a folder has filled it, the
  // next copies into it leave the path cache's lookup count alone.
  HintWorld hinted(true);
  REQUIRE(hinted.copy(kFolders[0], "a.txt") == Win32Error::ok);
  REQUIRE(hinted.copy(kFolders[0], "b.bin") == Win32Error::ok);  // the folder is known: as written
  const uint64_t lookups = hinted.world.vfs.path_lookups();
  REQUIRE(hinted.copy(kFolders[0], "c.dat") == Win32Error::ok);
  REQUIRE(hinted.copy(kFolders[0], "d.dat") == Win32Error::ok);
  CHECK(hinted.world.vfs.path_lookups() == lookups);
  // Another name's hint is not used: the file made is the one named.
  REQUIRE(hinted.copy(kFolders[0], "x.dat", "b.bin") == Win32Error::ok);
  for (const char* name : {"x.dat", "b.bin"}) {
    CHECK(hinted.world.open_error(hinted.world.holder, kFolders[0] + "\\" + name, kGenericRead,
                                  kShareAll) == Win32Error::ok);
  }
  CHECK(hinted.world.vfs.access_log().back().path() == kFolders[0] + "\\b.bin");
  // Once a name leaves the namespace, the hint no longer holds and the path is read again.
  REQUIRE(hinted.world.vfs.delete_file(hinted.world.copier, kFolders[0] + "\\c.dat") ==
          Win32Error::ok);
  const uint64_t after_delete = hinted.world.vfs.path_lookups();
  REQUIRE(hinted.copy(kFolders[0], "e.dat") == Win32Error::ok);
  CHECK(hinted.world.vfs.path_lookups() > after_delete);
}

}  // namespace
}  // namespace distsim::sim
