// explore's progress line on a terminal: rewritten in place at most four times a second and
// erased at the end, so that only the summary stays; nothing at all when stderr is not a
// terminal. A thread redraws it while a world or a shrink runs long (the rate and time left move
// on, and a shrink shows its runs), since the seeds alone may not move for many seconds.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <set>
#include <stop_token>
#include <thread>

#include "sim/check/swarm_explorer.h"
#include "tools/cli/wall_clock.h"

namespace distsim::cli {

class ProgressLine {
 public:
  // `total`: the worlds to explore; `time_limit_seconds`: explore's --time-limit, 0 for none (the
  // time left counts it).
  ProgressLine(std::ostream& err, const WallClock& clock, uint64_t total,
               double time_limit_seconds);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // The seeds done (the calling thread of sim::explore, after each seed).
  void update(const sim::ExploreProgress& progress);
  // A shrink's progress, from any thread.
  void shrinking(const sim::ShrinkProgress& shrink);
  // Stops the redrawing and erases the line; the summary may follow.
  void erase();

 private:
  void draw_locked(bool force);  // by mutex_
  void redraw_until_stopped(const std::stop_token& stop);

  std::ostream& err_;
  const WallClock& clock_;
  double time_limit_seconds_;
  bool enabled_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  sim::ExploreProgress progress_;  // by mutex_
  std::set<uint64_t> failing_;     // by mutex_: seeds shrinking or shrunk, not yet counted
  bool shown_ = false;             // by mutex_
  double shown_at_ = -1;           // by mutex_
  bool erased_ = false;            // by mutex_
  std::jthread redraw_;            // last: stopped and joined first
};

}  // namespace distsim::cli
