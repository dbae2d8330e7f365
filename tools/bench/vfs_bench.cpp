// VFS opens and closes per second on a file that already has 1, 10 or 1,000 compatible handles
// open (read access, share read/write/delete), without and with an observer (which makes the
// VFS build the display path of every operation, as it does inside a World).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "model/assert.h"
#include "sim/fs/vfs.h"

namespace distsim::bench {
namespace {

namespace access = model::access_bits;
namespace share = model::share_bits;

class FrozenClock final : public sim::Clock {
 public:
  [[nodiscard]] model::TimeUs now() const override { return 0; }
};

class NullObserver final : public sim::VfsObserver {
 public:
  // Reads the path, as the trace does, so that the VFS builds it.
  void on_vfs_event(const sim::VfsEvent& event) override {
    benchmark::DoNotOptimize(event.path().data());
  }
};

void BM_VfsOpenClose(benchmark::State& state) {
  const auto held = static_cast<uint32_t>(state.range(0));
  const bool observed = state.range(1) != 0;
  const FrozenClock clock;
  sim::VirtualFileSystem vfs(clock,
                             sim::VfsOptions{.posix_delete = false, .record_access_log = false});
  NullObserver observer;
  if (observed) vfs.set_observer(&observer);
  const std::string path = "D:\\Sources\\PKG00001\\file00001.dat";
  const model::Win32Error made = vfs.make_file(path, {512 * 1024, vfs.new_content_version()});
  DISTSIM_ASSERT(made == model::Win32Error::ok);
  const sim::ActorId holders = vfs.register_actor("holders");
  const sim::ActorId manager = vfs.register_actor("distmgr");
  const model::OpenRequest held_open{path, model::AccessMask{access::kGenericRead},
                                     model::ShareMode{share::kAll},
                                     model::CreateDisposition::open_existing};
  for (uint32_t index = 0; index < held; ++index) {
    const auto opened = vfs.open(holders, held_open);
    DISTSIM_ASSERT(opened.ok());
  }
  const model::OpenRequest manager_open{path, model::AccessMask{access::kGenericRead},
                                        model::ShareMode{share::kRead | share::kWrite},
                                        model::CreateDisposition::open_existing};
  for (auto _ : state) {
    const auto opened = vfs.open(manager, manager_open);
    DISTSIM_ASSERT(opened.ok());
    vfs.close(manager, opened.value());
  }
  DISTSIM_ASSERT(vfs.open_handle_count(path) == held);
  state.counters["open_close_pairs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_VfsOpenClose)->ArgNames({"held", "observed"})->ArgsProduct({{1, 10, 1'000}, {0, 1}});

}  // namespace
}  // namespace distsim::bench
