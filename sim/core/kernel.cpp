// The event loop: pop the earliest (time, sequence) event, advance the clock, dispatch.
#include "sim/core/kernel.h"

#include <algorithm>

#include "model/assert.h"
#include "sim/core/limits.h"

namespace distsim::sim {

std::string_view run_outcome_name(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::horizon_reached:
      return "horizon_reached";
    case RunOutcome::queue_empty:
      return "queue_empty";
    case RunOutcome::budget_exhausted:
      return "budget_exhausted";
    case RunOutcome::pending_limit_hit:
      return "pending_limit_hit";
    case RunOutcome::record_limit_hit:
      return "record_limit_hit";
    case RunOutcome::abandoned:
      return "abandoned";
  }
  DISTSIM_ASSERT(false);
}

Kernel::Kernel() { heap_.reserve(1024); }

void Kernel::schedule(TimeUs at_us, EventTarget& target, uint64_t payload) {
  DISTSIM_ASSERT(at_us >= now_us_);
  if (heap_.size() >= kEventsPendingMax) {
    stop(RunOutcome::pending_limit_hit);
    return;
  }
  heap_.push_back(Event{at_us, next_sequence_++, &target, payload});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

void Kernel::stop(RunOutcome outcome) {
  DISTSIM_ASSERT(outcome == RunOutcome::pending_limit_hit ||
                 outcome == RunOutcome::record_limit_hit);
  if (!stopped_) stopped_ = outcome;
}

RunOutcome Kernel::run_until(TimeUs horizon_us, uint64_t event_budget,
                             const std::function<bool()>& abandon) {
  DISTSIM_ASSERT(horizon_us >= now_us_);
  uint64_t executed_here = 0;
  while (!heap_.empty() && heap_.front().at_us <= horizon_us) {
    if (stopped_) return *stopped_;
    if (executed_here == event_budget) return RunOutcome::budget_exhausted;
    if (abandon && executed_here % kAbandonCheckEvents == kAbandonCheckEvents - 1 && abandon()) {
      return RunOutcome::abandoned;
    }
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const Event event = heap_.back();
    heap_.pop_back();
    DISTSIM_ASSERT(event.at_us >= now_us_);
    now_us_ = event.at_us;
    ++executed_here;
    ++events_executed_;
    event.target->on_event(event.payload);
  }
  if (stopped_) return *stopped_;
  const bool drained = heap_.empty();
  now_us_ = horizon_us;
  return drained ? RunOutcome::queue_empty : RunOutcome::horizon_reached;
}

}  // namespace distsim::sim
