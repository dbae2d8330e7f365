// The ordered worker pool: every index runs once, results reach the calling thread in index
// order whatever the number of threads, and the calling thread is one of the workers.
#include "sim/core/ordered_pool.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

namespace distsim::sim {
namespace {

TEST_CASE("run_in_order hands every result to the calling thread in index order", "[pool]") {
  for (const size_t jobs : {size_t{1}, size_t{2}, size_t{4}}) {
    DYNAMIC_SECTION("with " << jobs << " jobs") {
      constexpr size_t kCount = 500;
      const std::thread::id caller = std::this_thread::get_id();
      std::vector<std::atomic<int>> runs(kCount);
      std::vector<size_t> delivered;
      bool all_on_caller = true;
      run_in_order<size_t>(
          kCount, jobs,
          [&](size_t index) {
            ++runs[index];
            // Uneven work, so that later indices often finish before earlier ones.
            volatile size_t spin = 0;
            for (size_t step = 0; step < (index % 7) * 2000; ++step) spin = spin + step;
            return index * 3;
          },
          [&](size_t index, size_t result) {
            all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
            CHECK(result == index * 3);
            delivered.push_back(index);
          });
      CHECK(all_on_caller);
      REQUIRE(delivered.size() == kCount);
      for (size_t index = 0; index < kCount; ++index) {
        CHECK(delivered[index] == index);
        CHECK(runs[index].load() == 1);
      }
    }
  }
}

TEST_CASE("run_in_order with one job works on the calling thread", "[pool]") {
  const std::thread::id caller = std::this_thread::get_id();
  bool on_caller = true;
  run_in_order<int>(
      20, 1,
      [&](size_t) {
        on_caller = on_caller && std::this_thread::get_id() == caller;
        return 0;
      },
      [](size_t, int) {});
  CHECK(on_caller);
}

TEST_CASE("results finished while the calling thread works are handed over after its piece",
          "[pool]") {
  // Whichever thread takes index 0 holds it until the other one has finished every other index;
  // the results finished meanwhile must all arrive, in order, after index 0's.
  constexpr size_t kCount = 50;
  std::atomic<size_t> finished{0};
  std::vector<size_t> delivered;
  bool waited_out = true;
  run_in_order<size_t>(
      kCount, 2,
      [&](size_t index) {
        if (index == 0) {
          // Bounded: a pool that never runs the others fails the check instead of hanging.
          for (size_t spin = 0; spin < 200'000'000 && finished.load() < kCount - 1; ++spin) {
            std::this_thread::yield();
          }
          waited_out = finished.load() == kCount - 1;
        } else {
          ++finished;
        }
        return index;
      },
      [&](size_t index, size_t) { delivered.push_back(index); });
  CHECK(waited_out);
  REQUIRE(delivered.size() == kCount);
  for (size_t index = 0; index < kCount; ++index) CHECK(delivered[index] == index);
}

TEST_CASE("no index starts a window or more past the next result to hand over", "[pool]") {
  // Goal: the results waiting for their turn stay bounded, whatever the count. Method: the
  // first index another thread takes is held until the calling thread has started the last
  // index the window allows, and a while after; no index beyond it may start meanwhile, and
  // every index still runs once, in order.
  constexpr size_t kCount = 300;
  constexpr size_t kWindow = 8;
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<size_t> handed_over{0};
  std::atomic<size_t> furthest_ahead{0};
  std::atomic<bool> held{false};
  std::vector<size_t> delivered;
  run_in_order<size_t>(
      kCount, 2,
      [&](size_t index) {
        const size_t ahead = index - handed_over.load();
        size_t seen = furthest_ahead.load();
        while (ahead > seen && !furthest_ahead.compare_exchange_weak(seen, ahead)) {
        }
        if (std::this_thread::get_id() == caller) {
          // Until a worker holds its index, so that the caller cannot run every index alone.
          for (size_t spin = 0; spin < 20'000'000 && !held.load(); ++spin) {
            std::this_thread::yield();
          }
        } else if (!held.exchange(true)) {
          // Bounded: a pool that stops the caller too early fails the check below instead.
          for (size_t spin = 0; spin < 20'000'000 && furthest_ahead.load() < kWindow - 1; ++spin) {
            std::this_thread::yield();
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return index;
      },
      [&](size_t index, size_t result) {
        CHECK(result == index);
        delivered.push_back(index);
        ++handed_over;
      },
      kWindow);
  CHECK(held.load());
  // The pool moves on before on_result counts the last result: one more is allowed here.
  CHECK(furthest_ahead.load() >= kWindow - 1);
  CHECK(furthest_ahead.load() <= kWindow);
  REQUIRE(delivered.size() == kCount);
  for (size_t index = 0; index < kCount; ++index) CHECK(delivered[index] == index);
}

TEST_CASE("an exception on the calling thread reaches its caller while workers wait for room",
          "[pool]") {
  // Goal: never a hang. Method: a worker holds index 0, so the other worker and the calling
  // thread fill the window of 2; on_result then throws at the first index handed over.
  struct HandOverFailed {};
  CHECK_THROWS_AS(run_in_order<size_t>(
                      50, 3,
                      [](size_t index) {
                        if (index == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
                        return index;
                      },
                      [](size_t, size_t) { throw HandOverFailed{}; }, 2),
                  HandOverFailed);
}

}  // namespace
}  // namespace distsim::sim
