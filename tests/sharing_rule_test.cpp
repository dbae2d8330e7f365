// Tests of the CreateFile sharing rule: Wine's test_file_sharing loop (24 access x 8 share modes
// for two handles, 36,864 cases) run through the VirtualFileSystem against an independent
// statement of Wine's is_sharing_compatible, its two explicit cases, symmetry and the N-handle
// form.
#include "sim/fs/sharing_rule.h"

#include <fmt/format.h>

#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "model/ports.h"
#include "sim/fs/vfs.h"

namespace distsim::sim {
namespace {

using model::AccessMask;
using model::CreateDisposition;
using model::OpenRequest;
using model::ShareMode;
using model::Win32Error;

// winnt.h values, written out independently of sim/fs/sharing_rule.cpp.
constexpr uint32_t GENERIC_READ = 0x80000000;
constexpr uint32_t GENERIC_WRITE = 0x40000000;
constexpr uint32_t GENERIC_EXECUTE = 0x20000000;
constexpr uint32_t GENERIC_ALL = 0x10000000;
constexpr uint32_t DELETE = 0x00010000;
constexpr uint32_t SYNCHRONIZE = 0x00100000;
constexpr uint32_t FILE_READ_DATA = 0x0001;
constexpr uint32_t FILE_WRITE_DATA = 0x0002;
constexpr uint32_t FILE_APPEND_DATA = 0x0004;
constexpr uint32_t FILE_READ_EA = 0x0008;
constexpr uint32_t FILE_WRITE_EA = 0x0010;
constexpr uint32_t FILE_EXECUTE = 0x0020;
constexpr uint32_t FILE_DELETE_CHILD = 0x0040;
constexpr uint32_t FILE_READ_ATTRIBUTES = 0x0080;
constexpr uint32_t FILE_WRITE_ATTRIBUTES = 0x0100;
constexpr uint32_t FILE_GENERIC_READ = 0x00120089;
constexpr uint32_t FILE_GENERIC_WRITE = 0x00120116;
constexpr uint32_t FILE_GENERIC_EXECUTE = 0x001200A0;
constexpr uint32_t FILE_ALL_ACCESS = 0x001F01FF;
constexpr uint32_t FILE_SHARE_READ = 0x1;
constexpr uint32_t FILE_SHARE_WRITE = 0x2;
constexpr uint32_t FILE_SHARE_DELETE = 0x4;

// The access list of Wine's test_file_sharing, in its order (sim/fs/README.md).
constexpr std::array<uint32_t, 24> kWineAccessModes{
    0,
    GENERIC_READ,
    GENERIC_WRITE,
    GENERIC_READ | GENERIC_WRITE,
    DELETE,
    GENERIC_READ | DELETE,
    GENERIC_WRITE | DELETE,
    GENERIC_READ | GENERIC_WRITE | DELETE,
    GENERIC_EXECUTE,
    GENERIC_EXECUTE | DELETE,
    FILE_READ_DATA,
    FILE_WRITE_DATA,
    FILE_APPEND_DATA,
    FILE_READ_EA,
    FILE_WRITE_EA,
    FILE_READ_DATA | FILE_EXECUTE,
    FILE_WRITE_DATA | FILE_EXECUTE,
    FILE_APPEND_DATA | FILE_EXECUTE,
    FILE_READ_EA | FILE_EXECUTE,
    FILE_WRITE_EA | FILE_EXECUTE,
    FILE_EXECUTE,
    FILE_DELETE_CHILD,
    FILE_READ_ATTRIBUTES,
    FILE_WRITE_ATTRIBUTES,
};

constexpr std::array<uint32_t, 8> kWineShareModes{
    0,
    FILE_SHARE_READ,
    FILE_SHARE_WRITE,
    FILE_SHARE_READ | FILE_SHARE_WRITE,
    FILE_SHARE_DELETE,
    FILE_SHARE_READ | FILE_SHARE_DELETE,
    FILE_SHARE_WRITE | FILE_SHARE_DELETE,
    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
};

// Wine's map_file_access.
uint32_t wine_map_file_access(uint32_t access) {
  if (access & GENERIC_READ) access |= FILE_GENERIC_READ;
  if (access & GENERIC_WRITE) access |= FILE_GENERIC_WRITE;
  if (access & GENERIC_EXECUTE) access |= FILE_GENERIC_EXECUTE;
  if (access & GENERIC_ALL) access |= FILE_ALL_ACCESS;
  return access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

// Wine's is_sharing_compatible (modern form), restated for this test.
bool wine_is_sharing_compatible(uint32_t access1, uint32_t sharing1, uint32_t access2,
                                uint32_t sharing2) {
  constexpr uint32_t kRelevant =
      FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE | DELETE;
  constexpr uint32_t kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
  access1 = wine_map_file_access(access1) & kRelevant;
  access2 = wine_map_file_access(access2) & kRelevant;
  if (!access1) sharing1 = kShareAll;
  if (!access2) sharing2 = kShareAll;
  if ((access1 & (FILE_READ_DATA | FILE_EXECUTE)) && !(sharing2 & FILE_SHARE_READ)) return false;
  if ((access1 & (FILE_WRITE_DATA | FILE_APPEND_DATA)) && !(sharing2 & FILE_SHARE_WRITE)) {
    return false;
  }
  if ((access1 & DELETE) && !(sharing2 & FILE_SHARE_DELETE)) return false;
  if ((access2 & (FILE_READ_DATA | FILE_EXECUTE)) && !(sharing1 & FILE_SHARE_READ)) return false;
  if ((access2 & (FILE_WRITE_DATA | FILE_APPEND_DATA)) && !(sharing1 & FILE_SHARE_WRITE)) {
    return false;
  }
  if ((access2 & DELETE) && !(sharing1 & FILE_SHARE_DELETE)) return false;
  return true;
}

class FixedClock final : public Clock {
 public:
  [[nodiscard]] TimeUs now() const override { return 0; }
};

constexpr const char* kFakeDll = "C:\\wine\\test\\fake.dll";

// A VFS holding the test's file (Wine's create_fake_dll), and one actor.
struct SharingWorld {
  FixedClock clock;
  VirtualFileSystem vfs{clock, VfsOptions{.posix_delete = false, .record_access_log = false}};
  ActorId actor = vfs.register_actor("test_file_sharing");

  SharingWorld() { REQUIRE(vfs.make_file(kFakeDll, {1024, 1}) == Win32Error::ok); }

  model::Result<HandleId> open(uint32_t access, uint32_t share) {
    return vfs.open(actor, OpenRequest{kFakeDll, AccessMask{access}, ShareMode{share},
                                       CreateDisposition::open_existing});
  }
};

constexpr size_t kModeCount = kWineAccessModes.size() * kWineShareModes.size();

// Opens every (a1, s1) then every (a2, s2) through the VFS; true where the second open succeeded.
// Any result other than success or ERROR_SHARING_VIOLATION is recorded as a failure message.
std::vector<bool> run_wine_loop(SharingWorld& world, std::vector<std::string>& failures) {
  std::vector<bool> opened(kModeCount * kModeCount, false);
  for (size_t first = 0; first < kModeCount; ++first) {
    const uint32_t a1 = kWineAccessModes[first / kWineShareModes.size()];
    const uint32_t s1 = kWineShareModes[first % kWineShareModes.size()];
    const model::Result<HandleId> h1 = world.open(a1, s1);
    REQUIRE(h1.ok());  // the first open always succeeds
    for (size_t second = 0; second < kModeCount; ++second) {
      const uint32_t a2 = kWineAccessModes[second / kWineShareModes.size()];
      const uint32_t s2 = kWineShareModes[second % kWineShareModes.size()];
      const model::Result<HandleId> h2 = world.open(a2, s2);
      opened[first * kModeCount + second] = h2.ok();
      if (h2.ok()) {
        world.vfs.close(world.actor, h2.value());
      } else if (h2.error() != Win32Error::sharing_violation) {
        failures.push_back(fmt::format("{:#x}/{} then {:#x}/{}: error {}", a1, s1, a2, s2,
                                       model::win32_code(h2.error())));
      }
    }
    world.vfs.close(world.actor, h1.value());
  }
  return opened;
}

TEST_CASE("every pair of Wine's 24 access and 8 share modes opens exactly as Wine's rule says",
          "[sharing]") {
  // Goal: Wine's test_file_sharing loop, 36,864 cases, through the VFS. Method: open the first,
  // try the second, compare success with wine_is_sharing_compatible; failures must be error 32.
  SharingWorld world;
  std::vector<std::string> failures;
  const std::vector<bool> opened = run_wine_loop(world, failures);
  size_t checked = 0;
  for (size_t first = 0; first < kModeCount; ++first) {
    for (size_t second = 0; second < kModeCount; ++second) {
      const uint32_t a1 = kWineAccessModes[first / 8], s1 = kWineShareModes[first % 8];
      const uint32_t a2 = kWineAccessModes[second / 8], s2 = kWineShareModes[second % 8];
      const bool expected = wine_is_sharing_compatible(a1, s1, a2, s2);
      ++checked;
      if (opened[first * kModeCount + second] != expected) {
        failures.push_back(fmt::format("{:#x}/{} then {:#x}/{}: expected {}", a1, s1, a2, s2,
                                       expected ? "success" : "error 32"));
      }
    }
  }
  CHECK(checked == 36'864);
  CHECK(world.vfs.open_handle_count() == 0);
  INFO(fmt::format("{} mismatches, first: {}", failures.size(),
                   failures.empty() ? "" : failures.front()));
  CHECK(failures.empty());
}

TEST_CASE("the VFS outcome is symmetric in the first and the second handle", "[sharing]") {
  // Goal: no asymmetric pair among the 36,864 (sim/fs/README.md). Method: run the loop and compare
  // (first, second) with (second, first); also check the rule function itself.
  SharingWorld world;
  std::vector<std::string> failures;
  const std::vector<bool> opened = run_wine_loop(world, failures);
  size_t asymmetric = 0;
  for (size_t first = 0; first < kModeCount; ++first) {
    for (size_t second = 0; second < kModeCount; ++second) {
      if (opened[first * kModeCount + second] != opened[second * kModeCount + first]) {
        ++asymmetric;
      }
      const AccessMask a1{kWineAccessModes[first / 8]}, a2{kWineAccessModes[second / 8]};
      const ShareMode s1{kWineShareModes[first % 8]}, s2{kWineShareModes[second % 8]};
      if (sharing_conflicts(a1, s1, a2, s2) != sharing_conflicts(a2, s2, a1, s1)) ++asymmetric;
    }
  }
  CHECK(failures.empty());
  CHECK(asymmetric == 0);
}

TEST_CASE(
    "GENERIC_READ|GENERIC_WRITE with share read then GENERIC_READ with share read fails "
    "with error 32",
    "[sharing]") {
  // Goal: Wine's first explicit case. Method: two opens through the VFS.
  SharingWorld world;
  const auto h1 = world.open(GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ);
  REQUIRE(h1.ok());
  const auto h2 = world.open(GENERIC_READ, FILE_SHARE_READ);
  CHECK(h2.error() == Win32Error::sharing_violation);
}

TEST_CASE(
    "GENERIC_READ|GENERIC_WRITE with share read then GENERIC_READ with share read|write "
    "succeeds",
    "[sharing]") {
  // Goal: Wine's second explicit case. Method: two opens through the VFS.
  SharingWorld world;
  const auto h1 = world.open(GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ);
  REQUIRE(h1.ok());
  const auto h2 = world.open(GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE);
  CHECK(h2.ok());
}

TEST_CASE("generic rights map to the file generic rights and GENERIC_EXECUTE is read class",
          "[sharing]") {
  // Goal: the mapping details that are easy to miss (sim/fs/README.md). Method: inspect the
  // classes.
  CHECK(map_generic_access(AccessMask{GENERIC_READ}) == FILE_GENERIC_READ);
  CHECK(map_generic_access(AccessMask{GENERIC_WRITE}) == FILE_GENERIC_WRITE);
  CHECK(map_generic_access(AccessMask{GENERIC_EXECUTE}) == FILE_GENERIC_EXECUTE);
  CHECK(map_generic_access(AccessMask{GENERIC_ALL}) == FILE_ALL_ACCESS);
  CHECK(map_generic_access(AccessMask{FILE_READ_EA | SYNCHRONIZE}) == (FILE_READ_EA | SYNCHRONIZE));
  CHECK(has_read_class(AccessMask{GENERIC_EXECUTE}));
  CHECK_FALSE(has_write_class(AccessMask{GENERIC_EXECUTE}));
  CHECK((sharing_class_bits(AccessMask{GENERIC_WRITE}) & FILE_APPEND_DATA) != 0);
  CHECK(has_delete_class(AccessMask{GENERIC_ALL}));
  CHECK(sharing_class_bits(AccessMask{FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | FILE_READ_EA |
                                      FILE_WRITE_EA | FILE_DELETE_CHILD | SYNCHRONIZE}) == 0);
}

TEST_CASE("a metadata-only handle never blocks and is never blocked", "[sharing]") {
  // Goal: rule step 1. Method: an exclusive data handle and a share-nothing metadata handle.
  SharingWorld world;
  const auto exclusive = world.open(GENERIC_READ | GENERIC_WRITE | DELETE, 0);
  REQUIRE(exclusive.ok());
  const auto metadata = world.open(FILE_READ_ATTRIBUTES, 0);
  CHECK(metadata.ok());
  world.vfs.close(world.actor, exclusive.value());
  CHECK(world.open(GENERIC_READ | GENERIC_WRITE | DELETE, 0).ok());
}

TEST_CASE("a new open is checked against every existing handle on the same file", "[sharing]") {
  // Goal: the N-handle rule is pairwise. Method: two readers with different shares; a writer
  // compatible with the first but not the second is refused, and admitted once it closes.
  SharingWorld world;
  const auto tolerant = world.open(GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE);
  const auto strict = world.open(GENERIC_READ, FILE_SHARE_READ);
  REQUIRE(tolerant.ok());
  REQUIRE(strict.ok());
  const auto writer = world.open(GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE);
  CHECK(writer.error() == Win32Error::sharing_violation);
  world.vfs.close(world.actor, strict.value());
  CHECK(world.open(GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE).ok());
}

TEST_CASE("handles on the parent directory play no part in opening a child", "[sharing]") {
  // Goal: only the same object is consulted. Method: an exclusive directory handle, then a
  // share-nothing open of a file inside it.
  SharingWorld world;
  const auto directory = world.vfs.open(
      world.actor, OpenRequest{"C:\\wine\\test", AccessMask{GENERIC_READ | GENERIC_WRITE | DELETE},
                               ShareMode{0}, CreateDisposition::open_existing});
  REQUIRE(directory.ok());
  CHECK(world.open(GENERIC_READ | GENERIC_WRITE | DELETE, 0).ok());
}

}  // namespace
}  // namespace distsim::sim
