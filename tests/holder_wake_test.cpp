// HolderWake, the one packing of a holder's event kind and index into the kernel's payload, and
// the holder's wake_at / wake_after, which never schedule a wake past the end of the run.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "sim/core/kernel.h"
#include "sim/core/limits.h"
#include "sim/core/trace.h"
#include "sim/fs/vfs.h"
#include "sim/holders/holder.h"

namespace distsim::sim {
namespace {

enum class TestWake : uint8_t { first, second, third, fourth };
using Wake = HolderWake<TestWake>;

// A holder that does nothing but schedule the wakes a test asks for and record those that fire.
class WakeProbe final : public Holder {
 public:
  WakeProbe(HolderContext context, HolderSpec spec) : Holder(context, std::move(spec)) {}
  void start() override {}
  void on_event(uint64_t payload) override {
    fired.emplace_back(context_.kernel.now(), Wake::from_payload(payload));
  }
  using Holder::wake_after;
  using Holder::wake_at;

  std::vector<std::pair<TimeUs, Wake>> fired;
};

HolderSpec probe_spec() {
  HolderSpec spec;
  spec.kind = HolderKind::script;
  spec.name = "probe";
  return spec;
}

TEST_CASE("a holder wake reads back the kind and index it was packed with", "[holders]") {
  rc::prop("from_payload(payload()) is the same wake", [] {
    const auto kind = static_cast<TestWake>(*rc::gen::inRange<uint8_t>(0, 4));
    const uint64_t index = *rc::gen::arbitrary<uint64_t>() >> Wake::kKindBits;
    const Wake back = Wake::from_payload(Wake{kind, index}.payload());
    RC_ASSERT(back.kind == kind);
    RC_ASSERT(back.index == index);
  });
  // The extremes, and two wakes that differ only in their kind.
  const Wake last = Wake::from_payload(Wake{TestWake::fourth, Wake::kIndexMax}.payload());
  CHECK(last.kind == TestWake::fourth);
  CHECK(last.index == Wake::kIndexMax);
  CHECK(Wake{TestWake::first, 0}.payload() == 0);
  CHECK(Wake{TestWake::first, 5}.payload() != Wake{TestWake::second, 5}.payload());
}

TEST_CASE("a holder schedules a wake up to the end of the run and none after it", "[holders]") {
  constexpr TimeUs kHorizonUs = 1000;
  Kernel kernel;
  VirtualFileSystem vfs(kernel, VfsOptions{});
  Trace trace{true};
  std::vector<HolderFinding> findings;
  WakeProbe probe({kernel, vfs, trace, findings, kHorizonUs, 0}, probe_spec());

  probe.wake_at(kHorizonUs, Wake{TestWake::second, 7});
  probe.wake_at(kHorizonUs + 1, Wake{TestWake::third, 8});
  probe.wake_after(std::numeric_limits<TimeUs>::max(), Wake{TestWake::fourth, 9});
  probe.wake_after(400, Wake{TestWake::first, 10});
  CHECK(kernel.events_pending() == 2);

  REQUIRE(kernel.run_until(kHorizonUs, kEventsPerRunDefault) == RunOutcome::queue_empty);
  REQUIRE(probe.fired.size() == 2);
  CHECK(probe.fired[0].first == 400);
  CHECK(probe.fired[0].second.kind == TestWake::first);
  CHECK(probe.fired[0].second.index == 10);
  CHECK(probe.fired[1].first == kHorizonUs);
  CHECK(probe.fired[1].second.kind == TestWake::second);
  CHECK(probe.fired[1].second.index == 7);
}

}  // namespace
}  // namespace distsim::sim
