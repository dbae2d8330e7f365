// The kernel on the classic hold model (peers.md section 1): N events pending; each operation
// pops the earliest and schedules one at now + uniform[1, 2e6 - 1]. The same loop over a bare
// std::priority_queue of (time, sequence) pairs runs in this binary as the yardstick.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

#include "model/assert.h"
#include "sim/core/kernel.h"

namespace distsim::bench {
namespace {

constexpr int64_t kEventsPerIteration = 1'024;
constexpr uint64_t kIncrementMax = 2'000'000 - 1;
constexpr model::TimeUs kHorizonUs = std::numeric_limits<model::TimeUs>::max() / 2;

// xorshift64: a couple of nanoseconds per draw, identical for both queues.
class HoldIncrements {
 public:
  [[nodiscard]] uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return 1 + state_ % kIncrementMax;
  }

 private:
  uint64_t state_ = 0x9E3779B97F4A7C15ull;
};

// One pending event of the hold model: when it runs, it schedules its successor.
class HoldTarget final : public sim::EventTarget {
 public:
  explicit HoldTarget(sim::Kernel& kernel) : kernel_(kernel) {}
  void on_event(uint64_t payload) override {
    kernel_.schedule(kernel_.now() + static_cast<model::TimeUs>(increments_.next()), *this,
                     payload);
  }
  [[nodiscard]] uint64_t draw() { return increments_.next(); }

 private:
  sim::Kernel& kernel_;
  HoldIncrements increments_;
};

void BM_KernelHold(benchmark::State& state) {
  const auto pending = static_cast<uint64_t>(state.range(0));
  sim::Kernel kernel;
  HoldTarget target(kernel);
  for (uint64_t index = 0; index < pending; ++index) {
    kernel.schedule(static_cast<model::TimeUs>(target.draw()), target, index);
  }
  // Warm up until the queue's time distribution is stationary.
  const sim::RunOutcome warm_up = kernel.run_until(kHorizonUs, 4 * pending);
  DISTSIM_ASSERT(warm_up == sim::RunOutcome::budget_exhausted);
  for (auto _ : state) {
    const sim::RunOutcome outcome = kernel.run_until(kHorizonUs, kEventsPerIteration);
    benchmark::DoNotOptimize(outcome);
  }
  DISTSIM_ASSERT(kernel.events_pending() == pending);
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kEventsPerIteration), benchmark::Counter::kIsRate);
}

void BM_BareHeapHold(benchmark::State& state) {
  const auto pending = static_cast<uint64_t>(state.range(0));
  using Entry = std::pair<uint64_t, uint64_t>;  // (time, sequence)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  HoldIncrements increments;
  uint64_t sequence = 0;
  for (uint64_t index = 0; index < pending; ++index) heap.push({increments.next(), sequence++});
  const auto hold_once = [&] {
    const uint64_t now = heap.top().first;
    heap.pop();
    heap.push({now + increments.next(), sequence++});
  };
  for (uint64_t index = 0; index < 4 * pending; ++index) hold_once();
  for (auto _ : state) {
    for (int64_t index = 0; index < kEventsPerIteration; ++index) hold_once();
    benchmark::DoNotOptimize(heap.top());
  }
  DISTSIM_ASSERT(heap.size() == pending);
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kEventsPerIteration), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_KernelHold)->ArgName("pending")->Arg(16)->Arg(1'024)->Arg(65'536);
BENCHMARK(BM_BareHeapHold)->ArgName("pending")->Arg(16)->Arg(1'024)->Arg(65'536);

}  // namespace
}  // namespace distsim::bench
