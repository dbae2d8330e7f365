// The progress line of explore on a terminal.
#include "tools/cli/progress_line.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "sim/report/explore_report.h"

namespace distsim::cli {
namespace {

constexpr double kIntervalSeconds = 0.25;  // at most four updates a second

}  // namespace

ProgressLine::ProgressLine(std::ostream& err, const WallClock& clock, uint64_t total,
                           double time_limit_seconds)
    : err_(err),
      clock_(clock),
      time_limit_seconds_(time_limit_seconds),
      enabled_(isatty(fileno(stderr)) != 0) {
  progress_.total = total;
  if (enabled_) {
    redraw_ = std::jthread([this](const std::stop_token& stop) { redraw_until_stopped(stop); });
  }
}

ProgressLine::~ProgressLine() { erase(); }

void ProgressLine::update(const sim::ExploreProgress& progress) {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  progress_.done = progress.done;
  progress_.total = progress.total;
  progress_.failures = progress.failures;
  progress_.next_seed = progress.next_seed;
  // Failures whose seeds are now counted are in `failures`.
  failing_.erase(failing_.begin(), failing_.lower_bound(progress.next_seed));
  progress_.failures_pending = failing_.size();
  draw_locked(false);
}

void ProgressLine::shrinking(const sim::ShrinkProgress& shrink) {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  // Shrinks start before their seed's outcome is counted, so the seed is not below next_seed.
  failing_.insert(shrink.seed);
  progress_.failures_pending = failing_.size();
  if (shrink.done) {
    // Another thread's shrink may still run; it shows again with its next world.
    if (progress_.shrinking_seed == shrink.seed) progress_.shrinking = false;
    return;
  }
  progress_.shrinking = true;
  progress_.shrinking_seed = shrink.seed;
  progress_.shrink_runs = shrink.runs;
}

void ProgressLine::erase() {
  if (redraw_.joinable()) {
    redraw_.request_stop();
    redraw_.join();
  }
  const std::lock_guard lock(mutex_);
  if (shown_ && !erased_) err_ << "\r\x1b[K" << std::flush;
  erased_ = true;
}

void ProgressLine::draw_locked(bool force) {
  if (erased_) return;
  const double now = clock_.elapsed_seconds();
  if (!force && now - shown_at_ < kIntervalSeconds) return;
  shown_at_ = now;
  err_ << '\r' << sim::explore_progress_line(progress_, now, time_limit_seconds_) << "\x1b[K"
       << std::flush;
  shown_ = true;
}

void ProgressLine::redraw_until_stopped(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    // Woken only by the stop: a line the seeds redrew recently is left alone. The first world
    // may be the long one, so the line is drawn before any world is done.
    wake_.wait_for(lock, stop, std::chrono::duration<double>(kIntervalSeconds),
                   [] { return false; });
    if (stop.stop_requested()) continue;
    draw_locked(false);
  }
}

}  // namespace distsim::cli
