// Tests of memory-mapped data sections, one per rule of sim/fs/README.md: what a PAGE_READWRITE
// section asks of later opens, what any data section refuses (truncation, deletion), what mapping
// needs, and how a section outlives its handle, is traced, blamed and forced off a share.
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
using namespace testing;

// A view of kCab mapped by the holder from a read-write handle it then closes, as a program that
// maps a file and keeps only the mapping does.
HandleId map_cab(VfsWorld& world, PageProtection protection) {
  const HandleId file = world.open_ok(world.holder, kCab, kReadWrite, kShareReadWrite);
  const model::Result<HandleId> section = world.vfs.map_data(world.holder, file, protection);
  REQUIRE(section.ok());
  world.vfs.close(world.holder, file);
  return section.value();
}

TEST_CASE("a read-write view refuses opens that do not share write, even a read", "[vfs][map]") {
  // Goal: Wine's check after the sharing rule: over a PAGE_READWRITE section every open must
  // include FILE_SHARE_WRITE (32 otherwise), whatever access it asks, even none. Method: map,
  // close the handle, open for read sharing read, for attributes only, and sharing read and write.
  VfsWorld world;
  const HandleId section = map_cab(world, PageProtection::readwrite);
  CHECK(world.vfs.open_handle_count(kCab) == 0);
  CHECK(world.vfs.data_section_count(kCab) == 1);
  CHECK(world.open_error(world.copier, kCab, kGenericRead, kShareRead) ==
        Win32Error::sharing_violation);
  CHECK(world.open_error(world.copier, kCab, AccessMask{bits::kFileReadAttributes}, kShareRead) ==
        Win32Error::sharing_violation);
  const HandleId shared = world.open_ok(world.copier, kCab, kGenericRead, kShareReadWrite);
  world.vfs.close(world.copier, shared);
  world.vfs.close(world.holder, section);
  CHECK(world.vfs.data_section_count(kCab) == 0);
  CHECK(world.open(world.copier, kCab, kGenericRead, kShareRead).ok());
}

TEST_CASE("read-only and copy-on-write views ask nothing of later opens' share modes",
          "[vfs][map]") {
  // Goal: PAGE_READONLY and PAGE_WRITECOPY impose no sharing constraint. Method: map each, then
  // open for read sharing only read, and for write sharing nothing.
  for (const PageProtection protection : {PageProtection::readonly, PageProtection::writecopy}) {
    VfsWorld world;
    (void)map_cab(world, protection);
    const HandleId reader = world.open_ok(world.copier, kCab, kGenericRead, kShareRead);
    world.vfs.close(world.copier, reader);
    const HandleId writer = world.open_ok(world.copier, kCab, kGenericWrite, kShareNone);
    world.vfs.close(world.copier, writer);
  }
}

TEST_CASE("truncating a mapped file fails with ERROR_USER_MAPPED_FILE", "[vfs][map]") {
  // Goal: CREATE_ALWAYS over a data section gives 1224 (not 32) and leaves the content; a copier
  // replacing the file meets it. Method: read-only view, then CREATE_ALWAYS sharing everything.
  VfsWorld world;
  const HandleId section = map_cab(world, PageProtection::readonly);
  CHECK(world.open_error(world.copier, kCab, kGenericWrite, kShareAll,
                         CreateDisposition::create_always) == Win32Error::user_mapped_file);
  CHECK(world.vfs.file_content(kCab)->size_bytes == 200);
  const std::vector<BlameEntry>& blame = world.vfs.last_blame();
  REQUIRE(blame.size() == 1);
  CHECK(blame[0].by_data_section);
  CHECK_FALSE(blame[0].by_image);
  CHECK(blame[0].handle == section);
  CHECK(blame[0].protection == PageProtection::readonly);
  world.vfs.close(world.holder, section);
  CHECK(world.open(world.copier, kCab, kGenericWrite, kShareAll, CreateDisposition::create_always)
            .ok());
}

TEST_CASE("a read-write view's share check comes before the truncation check", "[vfs][map]") {
  // Goal: the order of Wine's checks: not sharing write gives 32 before truncating gives 1224.
  VfsWorld world;
  (void)map_cab(world, PageProtection::readwrite);
  CHECK(world.open_error(world.copier, kCab, kGenericWrite, kShareRead,
                         CreateDisposition::create_always) == Win32Error::sharing_violation);
  CHECK(world.open_error(world.copier, kCab, kGenericWrite, kShareReadWrite,
                         CreateDisposition::create_always) == Win32Error::user_mapped_file);
}

TEST_CASE("a mapped file cannot be deleted (error 5), nor moved off its volume", "[vfs][map]") {
  // Goal: the delete disposition over any section is STATUS_CANNOT_DELETE (5), for DeleteFile, a
  // delete-on-close handle closing and a move to another volume; a rename in place works, and a
  // delete-on-close open itself succeeds over a data section. Method: map, then each in turn.
  VfsWorld world;
  const HandleId section = map_cab(world, PageProtection::readonly);
  CHECK(world.vfs.delete_file(world.copier, kCab) == Win32Error::access_denied);
  const std::vector<BlameEntry>& blame = world.vfs.last_blame();
  REQUIRE(blame.size() == 1);
  CHECK(blame[0].by_data_section);
  CHECK(blame[0].handle == section);
  CHECK(world.vfs.rename(world.copier, kCab, "D:\\data1.cab") == Win32Error::access_denied);
  CHECK_FALSE(world.vfs.exists("D:\\data1.cab"));
  const auto doc = world.vfs.open(
      world.copier,
      OpenRequest{kCab, kGenericRead, kShareAll, CreateDisposition::open_existing, true});
  REQUIRE(doc.ok());
  world.vfs.close(world.copier, doc.value());
  CHECK(world.vfs.access_log().back().operation == VfsOperation::delete_file);
  CHECK(world.vfs.access_log().back().result == Win32Error::access_denied);
  CHECK(world.vfs.exists(kCab));
  const std::string renamed = "C:\\Src\\Pkg\\Sub\\data2.cab";
  CHECK(world.vfs.rename(world.copier, kCab, renamed) == Win32Error::ok);
  world.vfs.close(world.holder, section);
  CHECK(world.vfs.access_log().back().operation == VfsOperation::unmap_data);
  CHECK(world.vfs.access_log().back().path() == renamed);
  CHECK(world.vfs.delete_file(world.copier, renamed) == Win32Error::ok);
}

TEST_CASE("mapping data needs read access, write access for a writable view, and content",
          "[vfs][map]") {
  // Goal: CreateFileMapping's documented needs: FILE_READ_DATA for every protection, also
  // FILE_WRITE_DATA for PAGE_READWRITE (5 otherwise), and a file of length 0 cannot be mapped
  // (ERROR_FILE_INVALID). Method: a read-only handle maps read-only but not read-write; an empty
  // file maps nothing; a directory maps nothing.
  VfsWorld world;
  const HandleId reader = world.open_ok(world.holder, kCab, kGenericRead, kShareAll);
  CHECK(world.vfs.map_data(world.holder, reader, PageProtection::readwrite).error() ==
        Win32Error::access_denied);
  CHECK(world.vfs.map_data(world.holder, reader, PageProtection::writecopy).ok());
  const HandleId attributes =
      world.open_ok(world.holder, kSetup, AccessMask{bits::kFileReadAttributes}, kShareAll);
  CHECK(world.vfs.map_data(world.holder, attributes, PageProtection::readonly).error() ==
        Win32Error::access_denied);
  const HandleId empty = world.open_ok(world.holder, "C:\\Src\\Pkg\\empty.dat", kReadWrite,
                                       kShareAll, CreateDisposition::create_new);
  CHECK(world.vfs.map_data(world.holder, empty, PageProtection::readonly).error() ==
        Win32Error::file_invalid);
  const HandleId folder = world.open_ok(world.holder, "C:\\Src\\Pkg", kGenericRead, kShareAll);
  CHECK(world.vfs.map_data(world.holder, folder, PageProtection::readonly).error() ==
        Win32Error::access_denied);
  CHECK(world.vfs.data_section_count(kCab) == 1);
}

TEST_CASE("a data section and an image on one file each refuse what they refuse", "[vfs][map]") {
  // Goal: the counts are kept apart: an image's refusal of write data (32) stays after the data
  // section ends, and the read-write view's share demand ends with it. Method: map read-write and
  // run the same file; end the view; write data is still refused, a share-read open is not.
  VfsWorld world;
  const HandleId view = map_cab(world, PageProtection::readwrite);
  const HandleId file = world.open_ok(world.holder, kCab, kGenericRead, kShareReadWrite);
  const model::Result<HandleId> image = world.vfs.map_image(world.holder, file);
  REQUIRE(image.ok());
  world.vfs.close(world.holder, file);
  CHECK(world.open_error(world.copier, kCab, kGenericRead, kShareRead) ==
        Win32Error::sharing_violation);
  world.vfs.close(world.holder, view);
  CHECK(world.vfs.image_section_count(kCab) == 1);
  CHECK(world.vfs.data_section_count(kCab) == 0);
  CHECK(world.open_error(world.copier, kCab, kGenericWrite, kShareAll) ==
        Win32Error::sharing_violation);
  const HandleId reader = world.open_ok(world.copier, kCab, kGenericRead, kShareRead);
  world.vfs.close(world.copier, reader);
  world.vfs.close(world.holder, image.value());
  CHECK(world.vfs.delete_file(world.copier, kCab) == Win32Error::ok);
}

TEST_CASE("a forced disconnect ends a user's view, and its unmap afterwards only forgets it",
          "[vfs][map]") {
  // Goal: disconnect_users ends data sections as it ends images, traced as the owner's unmap_data
  // marked disconnected, with its protection; the owner's own unmap later is after_disconnect.
  VfsWorld world;
  const HandleId section = map_cab(world, PageProtection::readwrite);
  const model::Result<uint32_t> ended = world.vfs.disconnect_users(world.copier, "C:\\Src\\Pkg");
  REQUIRE(ended.ok());
  CHECK(ended.value() == 1);
  const VfsEvent& forced = world.vfs.access_log().back();
  CHECK(forced.operation == VfsOperation::unmap_data);
  CHECK(forced.disconnected);
  CHECK(forced.actor == world.holder);
  CHECK(forced.protection == PageProtection::readwrite);
  CHECK(world.vfs.data_section_count(kCab) == 0);
  CHECK(world.open(world.copier, kCab, kGenericRead, kShareRead).ok());
  world.vfs.close(world.holder, section);
  const VfsEvent& later = world.vfs.access_log().back();
  CHECK(later.operation == VfsOperation::unmap_data);
  CHECK(later.after_disconnect);
  CHECK_FALSE(later.disconnected);
}

TEST_CASE("a forced disconnect ends views before handles and leaves the caller's and servers'",
          "[vfs][map]") {
  // Goal: the order vfs_sessions.cpp promises (sections first, so that a user's delete-on-close
  // handle on a mapped file deletes it as the disconnect closes it), and whose views it leaves.
  // Method: the holder maps setup.exe and keeps a delete-on-close handle on it; a server process
  // and the caller map data1.cab; the caller disconnects the folder.
  VfsWorld world;
  const ActorId scanner = world.vfs.register_actor("scanner");
  world.vfs.mark_server_process(scanner);
  const HandleId setup = world.open_ok(world.holder, kSetup, kReadWrite, kShareAll);
  REQUIRE(world.vfs.map_data(world.holder, setup, PageProtection::readonly).ok());
  const auto doc = world.vfs.open(
      world.holder,
      OpenRequest{kSetup, kGenericRead, kShareAll, CreateDisposition::open_existing, true});
  REQUIRE(doc.ok());
  const HandleId scanned = world.open_ok(scanner, kCab, kGenericRead, kShareAll);
  REQUIRE(world.vfs.map_data(scanner, scanned, PageProtection::readonly).ok());
  const HandleId own = world.open_ok(world.copier, kCab, kGenericRead, kShareAll);
  REQUIRE(world.vfs.map_data(world.copier, own, PageProtection::readonly).ok());
  const model::Result<uint32_t> ended = world.vfs.disconnect_users(world.copier, "C:\\Src\\Pkg");
  REQUIRE(ended.ok());
  CHECK(ended.value() == 3);  // the holder's view and its two handles
  CHECK_FALSE(world.vfs.exists(kSetup));
  CHECK(world.vfs.data_section_count(kCab) == 2);
  CHECK(world.vfs.open_handle_count(kCab) == 2);
}

TEST_CASE("a folder with a mapped file below it can be renamed", "[vfs][map]") {
  // Goal: the documented assumption: only open handles below a folder block its rename, as for
  // a running image. Method: map data1.cab, close its handle, rename its folder.
  VfsWorld world;
  const HandleId section = map_cab(world, PageProtection::readwrite);
  CHECK(world.vfs.rename(world.copier, "C:\\Src\\Pkg\\Sub", "C:\\Src\\Pkg\\Moved") ==
        Win32Error::ok);
  CHECK(world.vfs.data_section_count("C:\\Src\\Pkg\\Moved\\data1.cab") == 1);
  world.vfs.close(world.holder, section);
  CHECK(world.vfs.access_log().back().path() == "C:\\Src\\Pkg\\Moved\\data1.cab");
}

TEST_CASE("page protections have the names scenarios and traces use", "[vfs][map]") {
  for (const PageProtection protection :
       {PageProtection::readonly, PageProtection::writecopy, PageProtection::readwrite}) {
    CHECK(page_protection_from_name(page_protection_name(protection)) == protection);
  }
  CHECK(page_protection_name(PageProtection::readwrite) == "PAGE_READWRITE");
  CHECK_FALSE(page_protection_from_name("page_readwrite").has_value());
  CHECK_FALSE(page_protection_from_name("PAGE_EXECUTE_READ").has_value());
}

}  // namespace
}  // namespace distsim::sim
