// Allocations on the Distribution Manager's steady-state file-system path, counted by replacing
// the global operator new in this test binary (which is why it is a binary of its own): reading
// a source file again (open, read, close) allocates nothing, and copying a file into an existing
// DP folder (create the folder, create the file, write, close) allocates only the new file's
// directory entry. The calls go through model::FileSystemPort, as the manager makes them, with an
// observer that reads every event's path, as the trace and the holders do.
#define CATCH_CONFIG_MAIN
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>

#include "model/ports.h"
#include "sim/fs/vfs.h"
#include "tests/vfs_world.h"

namespace {

std::atomic<uint64_t> allocations{0};

void* counted_allocation(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}

}  // namespace

// Every form of operator new and delete is replaced, not only the one the others call in
// libstdc++: a sanitizer's runtime supplies its own array and nothrow forms, whose memory would
// otherwise come back here to free().
void* operator new(std::size_t size) { return counted_allocation(size); }
void* operator new[](std::size_t size) { return counted_allocation(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_allocation(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete(void* memory, const std::nothrow_t&) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete[](void* memory, const std::nothrow_t&) noexcept { std::free(memory); }

namespace distsim::sim {
namespace {

using model::AccessMask;
using model::CreateDisposition;
using model::OpenRequest;
using model::Win32Error;
using namespace testing;

// Reads each event's path as the trace writer and the holders' scope checks do.
class PathReadingObserver final : public VfsObserver {
 public:
  void on_vfs_event(const VfsEvent& event) override { path_bytes += event.path().size(); }
  uint64_t path_bytes = 0;
};

// A source file with a path too long for std::string's inline storage, so that any copy of it
// would allocate.
constexpr const char* kLongSource = "C:\\Sources\\Office 2000 SR1\\Disk1\\setup-instructions.txt";

// No Catch2 assertion runs inside a counted loop (reporting one may allocate): the loops count
// their failures and the test checks the count afterwards.
bool read_source_once(model::FileSystemPort& port, const OpenRequest& request) {
  const model::Result<model::HandleId> opened = port.open(request);
  if (!opened.ok()) return false;
  const bool read = port.read(opened.value()).ok();
  port.close(opened.value());
  return read;
}

TEST_CASE("reading a source file again through the port allocates nothing", "[allocation]") {
  // Goal: no allocation on the steady-state open/read/close path. Method: warm the path up with
  // a few reads (caches, event slots), then count operator new over a thousand more.
  ManualClock clock;
  VirtualFileSystem vfs(clock, VfsOptions{false, false});
  PathReadingObserver observer;
  vfs.set_observer(&observer);
  REQUIRE(vfs.make_file(kLongSource, {4096, 1}) == Win32Error::ok);
  ActorFileSystem port(vfs, vfs.register_actor("distmgr"));
  OpenRequest request;
  request.path = kLongSource;
  request.access = kGenericRead;
  request.share = kShareRead;
  for (int warm_up = 0; warm_up < 4; ++warm_up) REQUIRE(read_source_once(port, request));

  int failures = 0;
  const uint64_t before = allocations.load();
  for (int read = 0; read < 1000; ++read) failures += read_source_once(port, request) ? 0 : 1;
  const uint64_t allocated = allocations.load() - before;

  REQUIRE(failures == 0);
  INFO("allocations in 1000 reads: " << allocated);
  CHECK(allocated == 0);
  CHECK(observer.path_bytes > 0);
}

TEST_CASE("copying a file into an existing DP folder allocates only its directory entry",
          "[allocation]") {
  // Goal: the manager's copy loop allocates no path (the file's node and its entry in the
  // folder are the only new state). Method: copy 500 files into four package folders of a DP,
  // then the same names into a fifth, counting operator new.
  // Each new file inserts one entry into its folder's ordered listing: 500 entries outgrow the
  // sorted vector (ChildList::kFlatMax), so the listing ends as a tree of one node per entry,
  // after a vector that grew by doubling; that, the node store and the name index growing by
  // doubling or by chunks are what the 1/16 allows for.
  ManualClock clock;
  VirtualFileSystem vfs(clock, VfsOptions{false, false});
  PathReadingObserver observer;
  vfs.set_observer(&observer);
  REQUIRE(vfs.add_volume({"\\\\DP01\\SMSPKGD$"}) == Win32Error::ok);
  ActorFileSystem port(vfs, vfs.register_actor("distmgr"));
  constexpr int kFiles = 500;
  OpenRequest request;
  request.access = kGenericWrite;
  request.share = kShareNone;
  request.disposition = CreateDisposition::create_always;
  std::string folder;
  int failures = 0;
  const auto copy_package = [&](const std::string& package_folder) {
    folder = package_folder;
    for (int file = 0; file < kFiles; ++file) {
      if (port.create_directories(folder) != Win32Error::ok) ++failures;
      request.path = folder;
      request.path += "\\install-component-";
      request.path += std::to_string(1000 + file);  // fits inline: allocates nothing
      request.path += ".cab";
      const model::Result<model::HandleId> opened = port.open(request);
      if (!opened.ok()) {
        ++failures;
        continue;
      }
      if (port.write(opened.value(), {1024, 7}) != Win32Error::ok) ++failures;
      port.close(opened.value());
    }
  };
  // Warm-up: the names become known and the path cache's slots have held paths of this shape.
  for (const char* package : {"S0100001", "S0100002", "S0100003", "S0100004"}) {
    copy_package(std::string("\\\\DP01\\SMSPKGD$\\") + package);
  }

  const uint64_t before = allocations.load();
  copy_package("\\\\DP01\\SMSPKGD$\\S0100005");
  const uint64_t allocated = allocations.load() - before;

  REQUIRE(failures == 0);
  CHECK(allocated >= kFiles);  // the folder entries: the count sees the copy loop at all
  INFO("allocations while copying " << kFiles << " files: " << allocated);
  CHECK(allocated <= kFiles + kFiles / 16);
  CHECK(vfs.files_under("\\\\DP01\\SMSPKGD$\\S0100005").size() == kFiles);
}

}  // namespace
}  // namespace distsim::sim
