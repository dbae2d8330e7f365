// distsim_heap_hold: the hold model on a bare binary heap, a peer for distsim's kernel
// (tools/bench/README.md). N events pending, keyed by (time, sequence) as distsim orders them;
// each step pops the earliest and pushes one at now + uniform[1, 2e6 - 1] (the xorshift64 draws
// of kernel_bench.cpp). No targets, no payloads, no budget: the floor an event queue can reach.
// Prints one line per pending count, in the format of simpy_hold.py:
//   peer name=heap_hold pending=N events=E wall_s=W events_per_s=R   (median of the repetitions)
// Usage: distsim_heap_hold [--events E] [--repetitions R] [N...]   (default N: 16 1024)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

namespace {

constexpr uint64_t kIncrementMax = 2'000'000 - 1;

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

struct Entry {
  uint64_t time;
  uint64_t sequence;
  [[nodiscard]] bool before(const Entry& other) const {
    return time != other.time ? time < other.time : sequence < other.sequence;
  }
};

// A 0-based binary min-heap in a vector, with the earliest entry at the front.
class BinaryHeap {
 public:
  [[nodiscard]] const Entry& top() const { return entries_.front(); }
  [[nodiscard]] size_t size() const { return entries_.size(); }
  void push(Entry entry) {
    size_t index = entries_.size();
    entries_.push_back(entry);
    while (index > 0) {
      const size_t parent = (index - 1) / 2;
      if (!entry.before(entries_[parent])) break;
      entries_[index] = entries_[parent];
      index = parent;
    }
    entries_[index] = entry;
  }
  // Replaces the earliest entry with `entry` (a pop and a push in one sift-down).
  void replace_top(Entry entry) {
    const size_t count = entries_.size();
    size_t index = 0;
    for (;;) {
      size_t child = 2 * index + 1;
      if (child >= count) break;
      if (child + 1 < count && entries_[child + 1].before(entries_[child])) ++child;
      if (!entries_[child].before(entry)) break;
      entries_[index] = entries_[child];
      index = child;
    }
    entries_[index] = entry;
  }

 private:
  std::vector<Entry> entries_;
};

// Seconds to run `events` holds with `pending` events queued, after a warm-up.
double run_once(uint64_t pending, uint64_t events) {
  BinaryHeap heap;
  HoldIncrements increments;
  uint64_t sequence = 0;
  for (uint64_t index = 0; index < pending; ++index) heap.push({increments.next(), sequence++});
  const auto hold = [&](uint64_t count) {
    for (uint64_t index = 0; index < count; ++index) {
      const uint64_t now = heap.top().time;
      heap.replace_top({now + increments.next(), sequence++});
    }
  };
  hold(4 * pending);
  const auto start = std::chrono::steady_clock::now();
  hold(events);
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  // Keep the result observable, so the loop cannot be dropped.
  if (heap.size() != pending || heap.top().time == 0) std::abort();
  return wall.count();
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t events = 20'000'000;
  int repetitions = 3;
  std::vector<uint64_t> pendings;
  for (int index = 1; index < argc; ++index) {
    const std::string_view arg = argv[index];
    if (arg == "--events" && index + 1 < argc) {
      events = std::strtoull(argv[++index], nullptr, 10);
    } else if (arg == "--repetitions" && index + 1 < argc) {
      repetitions = std::max(1, std::atoi(argv[++index]));
    } else {
      pendings.push_back(std::strtoull(argv[index], nullptr, 10));
    }
  }
  if (pendings.empty()) pendings = {16, 1'024};
  for (const uint64_t pending : pendings) {
    if (pending == 0 || events == 0) {
      fmt::print(stderr, "distsim_heap_hold: pending counts and --events must be positive\n");
      return 2;
    }
    std::vector<double> walls;
    for (int repetition = 0; repetition < repetitions; ++repetition) {
      walls.push_back(run_once(pending, events));
    }
    std::sort(walls.begin(), walls.end());
    const double wall = walls[walls.size() / 2];
    fmt::print("peer name=heap_hold pending={} events={} wall_s={:.4f} events_per_s={:.0f}\n",
               pending, events, wall, static_cast<double>(events) / wall);
  }
  return 0;
}
