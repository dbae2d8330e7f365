// Parallelism across independent runs: a fixed number of threads take indices in turn, and the
// results come back to the calling thread in index order, whatever the number of threads. Each
// piece of work must share nothing mutable with the others (every run builds its own world).
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "model/assert.h"

namespace distsim::sim {

// Calls work(index) for every index in [0, count) on up to `jobs` threads, and on_result(index,
// result) on the calling thread for each index in order, as soon as it and those before it are
// done. Returns when every thread has been joined.
template <typename Result, typename Work, typename OnResult>
void run_in_order(size_t count, size_t jobs, const Work& work, const OnResult& on_result) {
  DISTSIM_ASSERT(jobs >= 1);
  std::vector<Result> results(count);
  std::vector<bool> done(count, false);  // guarded by `mutex`
  std::mutex mutex;
  std::condition_variable changed;
  std::atomic<size_t> next_index{0};
  const auto take_indices = [&] {
    for (size_t index = next_index++; index < count; index = next_index++) {
      Result result = work(index);
      const std::lock_guard lock(mutex);
      results[index] = std::move(result);
      done[index] = true;
      changed.notify_all();
    }
  };
  std::vector<std::jthread> workers;  // joined when this function returns
  const size_t worker_count = std::min(jobs, std::max<size_t>(count, 1));
  for (size_t worker = 0; worker < worker_count; ++worker) workers.emplace_back(take_indices);
  for (size_t index = 0; index < count; ++index) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return done[index]; });
    lock.unlock();
    on_result(index, results[index]);  // no worker touches this element any more
  }
}

}  // namespace distsim::sim
