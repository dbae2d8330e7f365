// The event kernel: (time, sequence) order, the horizon and the event budget.
#include "sim/core/kernel.h"

#include <catch2/catch.hpp>
#include <vector>

#include "model/assert.h"

namespace distsim::sim {
namespace {

class Recorder final : public EventTarget {
 public:
  explicit Recorder(Kernel& kernel) : kernel_(kernel) {}
  void on_event(uint64_t payload) override {
    seen.push_back({kernel_.now(), payload});
    if (reschedule_every_us > 0)
      kernel_.schedule(kernel_.now() + reschedule_every_us, *this, payload + 1);
  }
  std::vector<std::pair<TimeUs, uint64_t>> seen;
  TimeUs reschedule_every_us = 0;

 private:
  Kernel& kernel_;
};

TEST_CASE("events run in time order and equal times run in the order they were scheduled",
          "[kernel]") {
  // Goal: the documented (time, sequence) order. Method: schedule out of order, with ties.
  Kernel kernel;
  Recorder recorder(kernel);
  kernel.schedule(30, recorder, 1);
  kernel.schedule(10, recorder, 2);
  kernel.schedule(30, recorder, 3);
  kernel.schedule(10, recorder, 4);
  kernel.schedule(20, recorder, 5);
  REQUIRE(kernel.run_until(100, 1000) == RunOutcome::queue_empty);
  const std::vector<std::pair<TimeUs, uint64_t>> expected{
      {10, 2}, {10, 4}, {20, 5}, {30, 1}, {30, 3}};
  CHECK(recorder.seen == expected);
  CHECK(kernel.now() == 100);
}

TEST_CASE("run_until stops at the horizon and leaves later events pending", "[kernel]") {
  // Goal: events after the horizon do not run; events exactly at it do.
  Kernel kernel;
  Recorder recorder(kernel);
  kernel.schedule(50, recorder, 1);
  kernel.schedule(51, recorder, 2);
  REQUIRE(kernel.run_until(50, 1000) == RunOutcome::horizon_reached);
  CHECK(recorder.seen.size() == 1);
  CHECK(kernel.events_pending() == 1);
  CHECK(kernel.now() == 50);
  REQUIRE(kernel.run_until(60, 1000) == RunOutcome::queue_empty);
  CHECK(recorder.seen.size() == 2);
}

TEST_CASE("an endless event chain ends as a reported budget exhaustion, not a hang", "[kernel]") {
  // Goal: the event budget bounds a run. Method: an event that always reschedules itself.
  Kernel kernel;
  Recorder recorder(kernel);
  recorder.reschedule_every_us = 0;
  recorder.reschedule_every_us = 1;
  kernel.schedule(0, recorder, 0);
  CHECK(kernel.run_until(1'000'000'000, 500) == RunOutcome::budget_exhausted);
  CHECK(recorder.seen.size() == 500);
  CHECK(kernel.events_executed() == 500);
}

TEST_CASE("a run asked to abandon ends within kAbandonCheckEvents events, and only when asked",
          "[kernel]") {
  // Goal: a campaign's wall-clock stop ends a long world promptly, and a predicate that never
  // says yes changes nothing. Method: an endless chain, the predicate yes from its second asking.
  Kernel kernel;
  Recorder recorder(kernel);
  recorder.reschedule_every_us = 1;
  kernel.schedule(0, recorder, 0);
  int asked = 0;
  CHECK(kernel.run_until(1'000'000'000, 1'000'000, [&asked] { return ++asked == 2; }) ==
        RunOutcome::abandoned);
  CHECK(asked == 2);
  CHECK(kernel.events_executed() == 2 * Kernel::kAbandonCheckEvents - 1);
  Kernel patient;
  Recorder chain(patient);
  chain.reschedule_every_us = 1;
  patient.schedule(0, chain, 0);
  CHECK(patient.run_until(1'000'000'000, 20'000, [] { return false; }) ==
        RunOutcome::budget_exhausted);
  CHECK(patient.events_executed() == 20'000);
}

TEST_CASE("a stop asked for during an event ends the run after that event, with its outcome",
          "[kernel]") {
  // Goal: a limit reached inside an event (the world's kept records) ends the run there, and a
  // later stop does not rename the outcome. Method: a chain that asks to stop at its third event.
  Kernel kernel;
  class Stopper final : public EventTarget {
   public:
    explicit Stopper(Kernel& kernel) : kernel_(kernel) {}
    void on_event(uint64_t payload) override {
      ++seen;
      if (payload >= 2) kernel_.stop(RunOutcome::record_limit_hit);
      if (payload >= 3) kernel_.stop(RunOutcome::pending_limit_hit);
      kernel_.schedule(kernel_.now() + 1, *this, payload + 1);
    }
    int seen = 0;

   private:
    Kernel& kernel_;
  } stopper(kernel);
  kernel.schedule(0, stopper, 0);
  CHECK(kernel.run_until(1'000, 1'000) == RunOutcome::record_limit_hit);
  CHECK(stopper.seen == 3);
  CHECK(kernel.now() == 2);  // not moved on to the horizon
  CHECK(kernel.run_until(1'000, 1'000) == RunOutcome::record_limit_hit);
  CHECK(stopper.seen == 3);
}

TEST_CASE("scheduling an event in the past is a bug caught by an assertion", "[kernel]") {
  // Goal: negative space of schedule(): time never goes backwards.
  Kernel kernel;
  Recorder recorder(kernel);
  kernel.schedule(10, recorder, 0);
  REQUIRE(kernel.run_until(10, 10) == RunOutcome::queue_empty);
  CHECK_THROWS_AS(kernel.schedule(5, recorder, 0), AssertionFailure);
}

}  // namespace
}  // namespace distsim::sim
