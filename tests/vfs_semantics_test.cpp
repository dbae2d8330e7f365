// Tests of the Windows semantics installers and clients rely on, one per rule of
// sim/fs/README.md: FILE_FLAG_DELETE_ON_CLOSE, image sections of running programs, the read-only
// attribute and GetFileAttributes / SetFileAttributes.
#include <catch2/catch.hpp>
#include <string>

#include "model/ports.h"
#include "sim/fs/vfs.h"
#include "tests/vfs_world.h"

namespace distsim::sim {
namespace {

using model::AccessMask;
using model::CreateDisposition;
using model::OpenRequest;
using model::Win32Error;
namespace bits = model::access_bits;
namespace attribute = file_attribute_bits;
using namespace testing;

constexpr const char* kTemp = "C:\\Src\\Pkg\\~setup.tmp";
constexpr AccessMask kRunAccess{bits::kGenericRead | bits::kGenericExecute};
constexpr model::ShareMode kShareReadDelete{model::share_bits::kRead | model::share_bits::kDelete};

model::Result<HandleId> open_delete_on_close(VfsWorld& world, ActorId actor,
                                             const std::string& path, AccessMask access,
                                             model::ShareMode share,
                                             CreateDisposition disposition) {
  return world.vfs.open(actor, OpenRequest{path, access, share, disposition, true});
}

// A program started from `path`: open for execute, map the image, close the file handle.
HandleId run_program(VfsWorld& world, ActorId actor, const std::string& path) {
  const HandleId file = world.open_ok(actor, path, kRunAccess, kShareReadDelete);
  const model::Result<HandleId> section = world.vfs.map_image(actor, file);
  REQUIRE(section.ok());
  world.vfs.close(actor, file);
  return section.value();
}

// --- delete-on-close

TEST_CASE("a delete-on-close file disappears when its handle closes", "[vfs][semantics]") {
  // Goal: FILE_FLAG_DELETE_ON_CLOSE deletes at close. Method: create the temp file with the flag,
  // close, look for the name; the access log records the deletion as a delete naming the handle.
  VfsWorld world;
  const auto opened = open_delete_on_close(world, world.holder, kTemp, kReadWrite, kShareNone,
                                           CreateDisposition::create_always);
  REQUIRE(opened.ok());
  CHECK(world.vfs.exists(kTemp));
  world.vfs.close(world.holder, opened.value());
  CHECK_FALSE(world.vfs.exists(kTemp));
  const VfsEvent& last = world.vfs.access_log().back();
  CHECK(last.operation == VfsOperation::delete_file);
  CHECK(last.handle == opened.value());
  CHECK(last.result == Win32Error::ok);
}

TEST_CASE("CreateFile adds DELETE to a delete-on-close open, so later opens must share delete",
          "[vfs][semantics]") {
  // Goal: the flag implies DELETE access, and the sharing rule then asks FILE_SHARE_DELETE of
  // every later data open. Method: a DOC handle sharing read and write; a reader without share
  // delete is refused with 32, one with share delete gets in.
  VfsWorld world;
  const auto doc = open_delete_on_close(world, world.holder, kSetup, kGenericRead, kShareReadWrite,
                                        CreateDisposition::open_existing);
  REQUIRE(doc.ok());
  CHECK(world.open_error(world.copier, kSetup, kGenericRead, kShareReadWrite) ==
        Win32Error::sharing_violation);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK((world.vfs.last_blame()[0].access.bits & bits::kDelete) != 0);
  CHECK(world.open_error(world.copier, kSetup, kGenericRead, kShareAll) == Win32Error::ok);
}

TEST_CASE("a delete-on-close handle that closes while others are open leaves the file pending",
          "[vfs][semantics]") {
  // Goal: the disposition is set when the DOC handle closes; the name lasts until the last handle
  // closes and refuses new opens with 5 meanwhile. Method: DOC handle plus a share-all reader.
  VfsWorld world;
  const auto doc = open_delete_on_close(world, world.holder, kSetup, kGenericRead, kShareAll,
                                        CreateDisposition::open_existing);
  REQUIRE(doc.ok());
  const HandleId reader = world.open_ok(world.copier, kSetup, kGenericRead, kShareAll);
  world.vfs.close(world.holder, doc.value());
  CHECK(world.vfs.is_delete_pending(kSetup));
  CHECK(world.open_error(world.copier, kSetup, kGenericRead, kShareAll) ==
        Win32Error::access_denied);
  world.vfs.close(world.copier, reader);
  CHECK_FALSE(world.vfs.exists(kSetup));
}

TEST_CASE("a delete-on-close open of a read-only file fails with error 5", "[vfs][semantics]") {
  // Goal: the read-only attribute refuses the disposition at the open (STATUS_CANNOT_DELETE).
  VfsWorld world;
  REQUIRE(world.vfs.set_read_only(world.holder, kSetup, true) == Win32Error::ok);
  CHECK(open_delete_on_close(world, world.holder, kSetup, kGenericRead, kShareAll,
                             CreateDisposition::open_existing)
            .error() == Win32Error::access_denied);
  CHECK(world.open_error(world.holder, kSetup, kGenericRead, kShareAll) == Win32Error::ok);
}

TEST_CASE("a delete-on-close handle on a non-empty folder leaves the folder in place",
          "[vfs][semantics]") {
  // Goal: the disposition of a directory needs it empty; CloseHandle still succeeds and the trace
  // shows the refused delete (145). Method: DOC open of C:\Src\Pkg\Sub holding data1.cab.
  VfsWorld world;
  const auto doc =
      open_delete_on_close(world, world.holder, "C:\\Src\\Pkg\\Sub", AccessMask{bits::kSynchronize},
                           kShareAll, CreateDisposition::open_existing);
  REQUIRE(doc.ok());
  world.vfs.close(world.holder, doc.value());
  CHECK(world.vfs.is_directory("C:\\Src\\Pkg\\Sub"));
  CHECK(world.vfs.access_log().back().result == Win32Error::dir_not_empty);
}

// --- image sections

TEST_CASE("a running image refuses opens for write data with error 32 whatever the share mode",
          "[vfs][semantics]") {
  // Goal: a SEC_IMAGE section refuses FILE_WRITE_DATA and truncation (Wine's mapping test), even
  // for a writer that shares everything, and blames the section. Method: run setup.exe (the file
  // handle is closed at once), then try the manager's DP copy open and a share-all writer.
  VfsWorld world;
  const HandleId section = run_program(world, world.holder, kSetup);
  CHECK(world.vfs.open_handle_count(kSetup) == 0);
  CHECK(world.vfs.image_section_count(kSetup) == 1);
  CHECK(world.open_error(world.copier, kSetup, kGenericWrite, kShareNone,
                         CreateDisposition::create_always) == Win32Error::sharing_violation);
  REQUIRE(world.vfs.last_blame().size() == 1);
  CHECK(world.vfs.last_blame()[0].by_image);
  CHECK(world.vfs.last_blame()[0].handle == section);
  CHECK(world.open_error(world.copier, kSetup, kGenericWrite, kShareAll) ==
        Win32Error::sharing_violation);
  CHECK(world.open_error(world.copier, kSetup, kGenericRead, kShareAll,
                         CreateDisposition::create_always) == Win32Error::sharing_violation);
  CHECK(world.open_error(world.copier, kSetup, kGenericRead, kShareReadWrite) == Win32Error::ok);
  CHECK(world.open_error(world.copier, kSetup, AccessMask{bits::kFileAppendData}, kShareAll) ==
        Win32Error::ok);
}

TEST_CASE("a running image cannot be deleted (error 5) until the program exits",
          "[vfs][semantics]") {
  // Goal: DeleteFile and delete-on-close opens of a mapped image fail with 5; closing the section
  // ends the refusal. Method: run, delete, DOC open, exit, delete again.
  VfsWorld world;
  const HandleId section = run_program(world, world.holder, kSetup);
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::access_denied);
  CHECK(open_delete_on_close(world, world.copier, kSetup, kGenericRead, kShareAll,
                             CreateDisposition::open_existing)
            .error() == Win32Error::access_denied);
  world.vfs.close(world.holder, section);
  CHECK(world.vfs.image_section_count(kSetup) == 0);
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::ok);
  CHECK_FALSE(world.vfs.exists(kSetup));
}

TEST_CASE("the sharing rule is checked before the image section", "[vfs][semantics]") {
  // Goal: a handle without FILE_SHARE_DELETE gives DeleteFile 32 before the image's 5, so the
  // DP client scenarios keep their error 32. Method: a client keeps a share-read handle and maps.
  VfsWorld world;
  const HandleId file = world.open_ok(world.holder, kSetup, kRunAccess, kShareRead);
  REQUIRE(world.vfs.map_image(world.holder, file).ok());
  CHECK(world.vfs.delete_file(world.copier, kSetup) == Win32Error::sharing_violation);
}

TEST_CASE("a running image can be renamed within its volume but not moved to another",
          "[vfs][semantics]") {
  // Goal: the documented assumption (rename allowed; a cross-volume move deletes the source, which
  // the image refuses). Method: run, rename in place, move to D:, exit, unmap path follows.
  VfsWorld world;
  const HandleId section = run_program(world, world.holder, kSetup);
  CHECK(world.vfs.rename(world.copier, kSetup, "C:\\Src\\Pkg\\old.exe") == Win32Error::ok);
  CHECK(world.vfs.image_section_count("C:\\Src\\Pkg\\old.exe") == 1);
  CHECK(world.vfs.rename(world.copier, "C:\\Src\\Pkg\\old.exe", "D:\\old.exe") ==
        Win32Error::access_denied);
  world.vfs.close(world.holder, section);
  CHECK(world.vfs.access_log().back().operation == VfsOperation::unmap_image);
  CHECK(world.vfs.access_log().back().path() == "C:\\Src\\Pkg\\old.exe");
}

TEST_CASE("mapping an image needs read access and a file", "[vfs][semantics]") {
  // Goal: map_image refuses a handle without FILE_READ_DATA and a directory handle with 5.
  VfsWorld world;
  const HandleId attributes_only =
      world.open_ok(world.holder, kSetup, AccessMask{bits::kFileReadAttributes}, kShareAll);
  CHECK(world.vfs.map_image(world.holder, attributes_only).error() == Win32Error::access_denied);
  const HandleId folder = world.open_ok(world.holder, "C:\\Src\\Pkg", kGenericRead, kShareAll);
  CHECK(world.vfs.map_image(world.holder, folder).error() == Win32Error::access_denied);
  CHECK(world.vfs.image_section_count(kSetup) == 0);
}

TEST_CASE("a delete-on-close handle closing over a running image does not delete it",
          "[vfs][semantics]") {
  // Goal: the disposition at close is refused as DeleteFile is (5), the file stays. Method: DOC
  // handle sharing everything, then the program runs (its open shares delete), then the DOC
  // handle closes.
  VfsWorld world;
  const auto doc = open_delete_on_close(world, world.holder, kSetup, kGenericRead, kShareAll,
                                        CreateDisposition::open_existing);
  REQUIRE(doc.ok());
  run_program(world, world.copier, kSetup);
  world.vfs.close(world.holder, doc.value());
  CHECK(world.vfs.exists(kSetup));
  CHECK_FALSE(world.vfs.is_delete_pending(kSetup));
  CHECK(world.vfs.access_log().back().result == Win32Error::access_denied);
}

// --- the read-only attribute and attribute queries

TEST_CASE("a read-only file refuses write opens and DeleteFile with error 5, not reads or renames",
          "[vfs][semantics]") {
  // Goal: FILE_ATTRIBUTE_READONLY refuses write data, append data, truncation and delete (Wine's
  // "shouldn't be able to delete a readonly file"). Method: set it, try each; read and rename;
  // clear it and write.
  VfsWorld world;
  REQUIRE(world.vfs.set_read_only(world.holder, kCab, true) == Win32Error::ok);
  CHECK(world.vfs.is_read_only(kCab));
  CHECK(world.open_error(world.copier, kCab, kGenericWrite, kShareAll) ==
        Win32Error::access_denied);
  CHECK(world.open_error(world.copier, kCab, AccessMask{bits::kFileAppendData}, kShareAll) ==
        Win32Error::access_denied);
  CHECK(world.open_error(world.copier, kCab, kGenericRead, kShareAll,
                         CreateDisposition::create_always) == Win32Error::access_denied);
  CHECK(world.vfs.delete_file(world.copier, kCab) == Win32Error::access_denied);
  CHECK(world.open_error(world.copier, kCab, kGenericRead, kShareAll) == Win32Error::ok);
  CHECK(world.vfs.rename(world.holder, kCab, "C:\\Src\\Pkg\\Sub\\data2.cab") == Win32Error::ok);
  REQUIRE(world.vfs.set_read_only(world.holder, "C:\\Src\\Pkg\\Sub\\data2.cab", false) ==
          Win32Error::ok);
  CHECK(world.open_error(world.holder, "C:\\Src\\Pkg\\Sub\\data2.cab", kGenericWrite, kShareAll) ==
        Win32Error::ok);
}

TEST_CASE("the read-only attribute is checked before the sharing rule", "[vfs][semantics]") {
  // Goal: the documented (assumed) order: a write open of a read-only file that a share-0
  // holder has open gets 5, not 32.
  VfsWorld world;
  world.open_ok(world.holder, kCab, kGenericRead, kShareNone);
  REQUIRE(world.vfs.set_read_only(world.holder, kCab, true) == Win32Error::ok);
  CHECK(world.open_error(world.copier, kCab, kGenericWrite, kShareAll) ==
        Win32Error::access_denied);
}

TEST_CASE("GetFileAttributes reports read-only, directory and normal, and 5 on a pending file",
          "[vfs][semantics]") {
  // Goal: attribute queries, including the delete-pending case (STATUS_DELETE_PENDING -> 5), and
  // that a query never meets the sharing rule. Method: query a plain file under a share-0 handle,
  // a read-only file, a folder, a missing name, then a delete-pending file.
  VfsWorld world;
  world.open_ok(world.holder, kCab, kReadWrite, kShareNone);
  CHECK(world.vfs.get_attributes(world.copier, kCab).value() == attribute::kNormal);
  REQUIRE(world.vfs.set_read_only(world.copier, kSetup, true) == Win32Error::ok);
  CHECK(world.vfs.get_attributes(world.copier, kSetup).value() == attribute::kReadOnly);
  CHECK(world.vfs.get_attributes(world.copier, "C:\\Src\\Pkg").value() == attribute::kDirectory);
  CHECK(world.vfs.get_attributes(world.copier, "C:\\Src\\Pkg\\none.txt").error() ==
        Win32Error::file_not_found);
  CHECK(world.vfs.get_attributes(world.copier, "C:\\Nowhere\\none.txt").error() ==
        Win32Error::path_not_found);
  REQUIRE(world.vfs.set_read_only(world.copier, kSetup, false) == Win32Error::ok);
  const HandleId held = world.open_ok(world.holder, kSetup, kGenericRead, kShareAll);
  REQUIRE(world.vfs.delete_file(world.copier, kSetup) == Win32Error::ok);
  CHECK(world.vfs.get_attributes(world.copier, kSetup).error() == Win32Error::access_denied);
  CHECK(world.vfs.set_read_only(world.copier, kSetup, true) == Win32Error::access_denied);
  world.vfs.close(world.holder, held);
  CHECK(world.vfs.get_attributes(world.copier, kSetup).error() == Win32Error::file_not_found);
}

TEST_CASE("a file created read-only at set-up keeps the attribute until it is cleared",
          "[vfs][semantics]") {
  // Goal: make_file's read_only argument (the scenario's `read_only` key), and that a removed
  // node's slot does not pass the attribute on to the next file. Method: create, clear, set; then
  // a read-only folder (the attribute does not guard folders) is removed and a file created in
  // its freed slot.
  VfsWorld world;
  REQUIRE(world.vfs.make_file("C:\\Ro\\a.txt", {10, 5}, true) == Win32Error::ok);
  CHECK(world.vfs.is_read_only("C:\\Ro\\a.txt"));
  REQUIRE(world.vfs.set_read_only(world.holder, "C:\\Ro\\a.txt", false) == Win32Error::ok);
  CHECK_FALSE(world.vfs.is_read_only("C:\\Ro\\a.txt"));
  REQUIRE(world.vfs.make_directories("C:\\Ro\\Empty") == Win32Error::ok);
  REQUIRE(world.vfs.set_read_only(world.holder, "C:\\Ro\\Empty", true) == Win32Error::ok);
  CHECK(world.vfs.get_attributes(world.holder, "C:\\Ro\\Empty").value() ==
        (attribute::kReadOnly | attribute::kDirectory));
  REQUIRE(world.vfs.remove_directory(world.holder, "C:\\Ro\\Empty") == Win32Error::ok);
  REQUIRE(world.vfs.make_file("C:\\Ro\\b.txt", {10, 6}) == Win32Error::ok);
  CHECK_FALSE(world.vfs.is_read_only("C:\\Ro\\b.txt"));
}

TEST_CASE("the read-only files below a folder are listed from the attribute, folders aside",
          "[vfs][semantics]") {
  // Goal: the end-of-run list liveness uses (RunResult::read_only_files) comes from the nodes'
  // attribute, recursively, and leaves out cleared files, read-only folders and other folders.
  VfsWorld world;
  REQUIRE(world.vfs.make_file("C:\\Ro\\b.txt", {10, 5}, true) == Win32Error::ok);
  REQUIRE(world.vfs.make_file("C:\\Ro\\Sub\\a.txt", {10, 5}, true) == Win32Error::ok);
  REQUIRE(world.vfs.make_file("C:\\Ro\\c.txt", {10, 5}, true) == Win32Error::ok);
  REQUIRE(world.vfs.make_file("C:\\Other\\d.txt", {10, 5}, true) == Win32Error::ok);
  REQUIRE(world.vfs.set_read_only(world.holder, "C:\\Ro\\c.txt", false) == Win32Error::ok);
  REQUIRE(world.vfs.set_read_only(world.holder, "C:\\Ro\\Sub", true) == Win32Error::ok);
  CHECK(world.vfs.read_only_files_under("c:\\ro") ==
        std::vector<std::string>{"C:\\Ro\\Sub\\a.txt", "C:\\Ro\\b.txt"});
  CHECK(world.vfs.read_only_files_under("C:\\Ro\\b.txt").empty());  // not a folder
  CHECK(world.vfs.read_only_files_under("C:\\Missing").empty());
}

TEST_CASE("the read-only list follows the attribute as it is set, cleared, replaced and deleted",
          "[vfs][semantics]") {
  // Goal: the file system counts its read-only files to skip the walk when there are none; every
  // way the attribute changes must keep that count, or a read-only file goes unlisted.
  VfsWorld world;
  const auto listed = [&world] { return world.vfs.read_only_files_under("C:\\R"); };
  using Names = std::vector<std::string>;
  REQUIRE(world.vfs.make_file("C:\\R\\a.txt", {10, 1}, true) == Win32Error::ok);
  CHECK(listed() == Names{"C:\\R\\a.txt"});
  REQUIRE(world.vfs.set_read_only(world.holder, "C:\\R\\a.txt", false) == Win32Error::ok);
  CHECK(listed().empty());
  REQUIRE(world.vfs.set_read_only(world.holder, "C:\\R\\a.txt", true) == Win32Error::ok);
  REQUIRE(world.vfs.set_read_only(world.holder, "C:\\R\\a.txt", true) == Win32Error::ok);
  CHECK(listed() == Names{"C:\\R\\a.txt"});
  REQUIRE(world.vfs.make_file("C:\\R\\b.txt", {10, 2}, false) == Win32Error::ok);
  REQUIRE(world.vfs.make_file("C:\\R\\b.txt", {20, 3}, true) == Win32Error::ok);  // replaced
  CHECK(listed() == Names{"C:\\R\\a.txt", "C:\\R\\b.txt"});
  REQUIRE(world.vfs.make_file("C:\\R\\a.txt", {30, 4}, false) == Win32Error::ok);
  CHECK(listed() == Names{"C:\\R\\b.txt"});
  REQUIRE(world.vfs.set_read_only(world.holder, "C:\\R\\b.txt", false) == Win32Error::ok);
  REQUIRE(world.vfs.delete_file(world.holder, "C:\\R\\b.txt") == Win32Error::ok);
  CHECK(listed().empty());
  REQUIRE(world.vfs.make_file("C:\\R\\c.txt", {10, 5}, true) == Win32Error::ok);
  CHECK(listed() == Names{"C:\\R\\c.txt"});
}

}  // namespace
}  // namespace distsim::sim
