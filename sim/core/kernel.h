// The discrete-event kernel: integer virtual time, one future-event set ordered by (time,
// sequence number), a bounded run. Events are plain values (a target and a 64-bit payload), so
// scheduling allocates nothing beyond the heap's own storage.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "model/time.h"
#include "sim/core/clock.h"

namespace distsim::sim {

using model::TimeUs;

// Something that reacts to its own events; the payload means what the target says it means.
class EventTarget {
 public:
  virtual ~EventTarget() = default;
  virtual void on_event(uint64_t payload) = 0;
};

enum class RunOutcome {
  horizon_reached,    // ran every event up to the horizon
  queue_empty,        // nothing left to do before the horizon (now() is still the horizon)
  budget_exhausted,   // the event budget ran out first: a reported outcome, not a hang
  pending_limit_hit,  // more than kEventsPendingMax events were pending at once
  record_limit_hit,   // the run kept as many records of one kind as a run may (sim/core/limits.h)
  abandoned,          // its caller asked it to end (a campaign's wall-clock stop): nothing to judge
};

[[nodiscard]] std::string_view run_outcome_name(RunOutcome outcome);

class Kernel final : public Clock {
 public:
  Kernel();

  [[nodiscard]] TimeUs now() const override { return now_us_; }

  // Requires at_us >= now(). Events at the same time run in the order they were scheduled:
  // the sequence number breaks ties, so the order is documented and reproducible.
  void schedule(TimeUs at_us, EventTarget& target, uint64_t payload);

  // Runs events with time <= horizon_us, at most event_budget of them, then leaves now() at the
  // horizon (unless the budget or the pending limit stopped the run first). `abandon`, when
  // given, is asked every kAbandonCheckEvents events whether to end the run at once.
  static constexpr uint64_t kAbandonCheckEvents = 4096;
  [[nodiscard]] RunOutcome run_until(TimeUs horizon_us, uint64_t event_budget,
                                     const std::function<bool()>& abandon = {});

  // Ends the run after the event under way, with `outcome` (a limit reached), unless an earlier
  // stop already gave one.
  void stop(RunOutcome outcome);

  [[nodiscard]] uint64_t events_executed() const { return events_executed_; }
  [[nodiscard]] size_t events_pending() const { return heap_.size(); }

 private:
  struct Event {
    TimeUs at_us;
    uint64_t sequence;
    EventTarget* target;
    uint64_t payload;
  };
  // The heap's order, as a type rather than a function pointer so that the heap's sifting inlines
  // it: through a pointer, the element being sifted lives on the stack for each call, and loading
  // it back whole waits for its stores.
  struct Later {
    bool operator()(const Event& left, const Event& right) const {
      if (left.at_us != right.at_us) return left.at_us > right.at_us;
      return left.sequence > right.sequence;
    }
  };

  std::vector<Event> heap_;  // a binary min-heap on (at_us, sequence)
  TimeUs now_us_ = 0;
  uint64_t next_sequence_ = 0;
  uint64_t events_executed_ = 0;
  std::optional<RunOutcome> stopped_;  // set by stop(), or by schedule() past kEventsPendingMax
};

}  // namespace distsim::sim
