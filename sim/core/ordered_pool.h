// Parallelism across independent runs: a fixed number of threads take indices in turn, and the
// results come back to the calling thread in index order, whatever the number of threads. Each
// piece of work must share nothing mutable with the others (every run builds its own world).
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "model/assert.h"

namespace distsim::sim {

// Calls work(index) for every index in [0, count) on `jobs` threads, the calling thread being one
// of them, and on_result(index, result) on the calling thread for each index in order, as soon as
// it and those before it are done and the calling thread is between two pieces of its own work.
// Returns when every thread has been joined. The calling thread works rather than waits: a
// thread that only hands results over would need a wake-up per index, taking a core from the
// workers each time, which for small pieces of work (an explored world) costs a tenth of them.
// At most `window` results wait for their turn: a thread that would start an index `window` or
// more past the next one to hand over first waits (the calling thread hands results over
// meanwhile), so the memory is bounded whatever `count` is, and one slow index stalls the other
// threads only after they have run `window` indices past it.
template <typename Result, typename Work, typename OnResult>
void run_in_order(size_t count, size_t jobs, const Work& work, const OnResult& on_result,
                  size_t window = 1024) {
  DISTSIM_ASSERT(jobs >= 1);
  DISTSIM_ASSERT(window >= 1);
  window = std::min(window, std::max<size_t>(count, 1));
  std::vector<std::optional<Result>> waiting(window);  // slot index % window; by `mutex`
  std::mutex mutex;
  std::condition_variable done_changed;  // a result arrived that the calling thread awaits
  std::condition_variable room_changed;  // the next result to hand over moved on
  size_t next_result = 0;                // the next index to hand over; by `mutex`
  size_t awaited = count;                // the index the calling thread sleeps for (count: none)
  size_t room_waiters = 0;               // threads waiting for room; by `mutex`
  bool abandoned = false;                // the calling thread left by an exception; by `mutex`
  std::atomic<size_t> next_index{0};
  const auto store = [&](size_t index, Result&& result) {
    const std::lock_guard lock(mutex);
    waiting[index % window].emplace(std::move(result));
    if (index == awaited) done_changed.notify_one();
  };
  std::vector<std::jthread> workers;  // joined when this function returns
  const size_t worker_count = std::min(jobs, std::max<size_t>(count, 1));
  for (size_t worker = 1; worker < worker_count; ++worker) {
    workers.emplace_back([&] {
      for (size_t index = next_index++; index < count; index = next_index++) {
        {
          std::unique_lock lock(mutex);
          if (index >= next_result + window) {
            ++room_waiters;
            room_changed.wait(lock, [&] { return abandoned || index < next_result + window; });
            --room_waiters;
          }
          if (abandoned) return;
        }
        store(index, work(index));
      }
    });
  }
  // Only the calling thread makes room: if it leaves by an exception (its work or on_result
  // threw), the workers waiting for room are told to stop before they are joined, not left to
  // wait forever.
  struct StopWorkersOnExit {
    std::function<void()> stop;
    ~StopWorkersOnExit() { stop(); }
  } stop_workers{[&] {
    next_index.store(count);
    {
      const std::lock_guard lock(mutex);
      abandoned = true;
    }
    room_changed.notify_all();
  }};
  // Hands over the next result; with `wait`, waits for it. False when it is not done yet.
  const auto deliver_one = [&](bool wait) {
    std::unique_lock lock(mutex);
    std::optional<Result>& slot = waiting[next_result % window];
    if (!slot) {
      if (!wait) return false;
      awaited = next_result;
      done_changed.wait(lock, [&] { return slot.has_value(); });
      awaited = count;
    }
    Result result = std::move(*slot);
    slot.reset();
    const size_t index = next_result++;
    const bool wake = room_waiters > 0;
    lock.unlock();
    if (wake) room_changed.notify_all();
    on_result(index, result);
    return true;
  };
  for (size_t index = next_index++; index < count; index = next_index++) {
    // No other thread hands results over, so the calling thread makes its own room.
    while (index >= next_result + window) deliver_one(true);
    store(index, work(index));
    while (next_result < count && deliver_one(false)) {
    }
  }
  while (next_result < count) deliver_one(true);
}

}  // namespace distsim::sim
