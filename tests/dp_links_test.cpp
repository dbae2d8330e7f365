// DpLinks: fair shares of DP and site bandwidth. Its completion times are checked against a
// reference written here from the definition (every copy's progress brought up to date and every
// share recomputed at each start and stop), over random sequences of starts, stops and restarts
// (a restart is a stop and a start of the same copy at the same time).
#include "model/dp_links.h"

#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace distsim::model {
namespace {

// The definition, with nothing left out: at every change, every copy advances at its old rate,
// then every copy gets its new share.
class ReferenceLinks {
 public:
  explicit ReferenceLinks(std::optional<uint64_t> site) : site_(site) {}

  void start(DpLinks::Key key, uint32_t dp, uint64_t dp_rate, uint64_t size, TimeUs now) {
    advance(now);
    copies_[key] = {dp, dp_rate, size * 1'000'000, 1, now};
    share();
  }
  void stop(DpLinks::Key key, TimeUs now) {
    advance(now);
    copies_.erase(key);
    share();
  }
  [[nodiscard]] TimeUs completion(DpLinks::Key key) const {
    const Copy& copy = copies_.at(key);
    return copy.since + static_cast<TimeUs>(copy.remaining / copy.rate +
                                            (copy.remaining % copy.rate != 0 ? 1 : 0));
  }
  [[nodiscard]] uint64_t rate(DpLinks::Key key) const { return copies_.at(key).rate; }

 private:
  struct Copy {
    uint32_t dp;
    uint64_t dp_rate;
    uint64_t remaining;  // micro-bytes
    uint64_t rate;
    TimeUs since;
  };
  void advance(TimeUs now) {
    for (auto& [key, copy] : copies_) {
      const auto elapsed = static_cast<uint64_t>(now - copy.since);
      copy.remaining =
          elapsed > copy.remaining / copy.rate ? 0 : copy.remaining - copy.rate * elapsed;
      copy.since = now;
    }
  }
  void share() {
    std::map<uint32_t, uint64_t> per_dp;
    for (const auto& [key, copy] : copies_) ++per_dp[copy.dp];
    for (auto& [key, copy] : copies_) {
      uint64_t rate = copy.dp_rate / per_dp[copy.dp];
      if (site_) rate = std::min<uint64_t>(rate, *site_ / copies_.size());
      copy.rate = std::max<uint64_t>(rate, 1);
    }
  }
  std::optional<uint64_t> site_;
  std::map<DpLinks::Key, Copy> copies_;
};

// A key no earlier step used; both halves vary, so the search's key order is exercised whole.
DpLinks::Key key_of_step(int step) {
  return {static_cast<uint32_t>(step) / 3, static_cast<uint32_t>(step) % 3};
}

// What a step does to the links: start a new copy, or stop or restart one under way.
enum class Step { start, stop, restart };

Step arbitrary_step(bool any_under_way) {
  if (!any_under_way) return Step::start;
  return *rc::gen::element(Step::start, Step::stop, Step::restart);
}

// The site's outgoing limit, or none (half the time).
std::optional<uint64_t> arbitrary_site_limit() {
  if (!*rc::gen::arbitrary<bool>()) return std::nullopt;
  return *rc::gen::inRange<uint64_t>(1, 5'000'000);
}

TEST_CASE("DpLinks finishes every copy when the definition's every-copy update does", "[links]") {
  rc::prop("completion times and rates agree with the reference after every change", [] {
    const std::optional<uint64_t> site = arbitrary_site_limit();
    DpLinks links(site);
    ReferenceLinks reference(site);
    std::vector<DpLinks::Key> active;
    std::map<DpLinks::Key, std::pair<uint32_t, uint64_t>> links_of;  // key -> its DP and DP rate
    TimeUs now = 0;
    const auto steps = *rc::gen::inRange<int>(1, 120);
    for (int step = 0; step < steps; ++step) {
      now += *rc::gen::inRange<TimeUs>(0, 3'000'000);
      const Step action = arbitrary_step(!active.empty());
      if (action == Step::stop) {
        const auto at = *rc::gen::inRange<size_t>(0, active.size());
        links.stop(active[at], now);
        reference.stop(active[at], now);
        active.erase(active.begin() + static_cast<std::ptrdiff_t>(at));
      } else if (action == Step::restart) {
        const DpLinks::Key key = active[*rc::gen::inRange<size_t>(0, active.size())];
        const auto size = *rc::gen::inRange<uint64_t>(0, 20'000'000);
        links.restart(key, size, now);
        reference.stop(key, now);
        reference.start(key, links_of[key].first, links_of[key].second, size, now);
      } else {
        const DpLinks::Key key = key_of_step(step);
        const auto dp = *rc::gen::inRange<uint32_t>(0, 4);
        const auto dp_rate = *rc::gen::inRange<uint64_t>(1, 2'000'000);
        const auto size = *rc::gen::inRange<uint64_t>(0, 20'000'000);
        links.start(key, dp, dp_rate, size, now);
        reference.start(key, dp, dp_rate, size, now);
        links_of[key] = {dp, dp_rate};
        active.push_back(key);
      }
      for (const DpLinks::Key key : active) {
        RC_ASSERT(links.completion_us(key) == reference.completion(key));
        RC_ASSERT(links.rate(key) == reference.rate(key));
      }
    }
  });
}

TEST_CASE("a copy a microsecond from done when another starts keeps its last fraction of a byte",
          "[links]") {
  // Goal: progress is counted in micro-bytes to the last one. Method: 1 byte at 3 bytes a second
  // ends after 333,334 us (333,333.3 rounded up); a second copy to the same DP starts at
  // 333,333 us, when 1 micro-byte is left, which at the halved rate (1 byte a second) takes 1 us.
  DpLinks links(std::nullopt);
  const DpLinks::Key first{0, 0};
  links.start(first, 0, 3, 1, 0);
  CHECK(links.completion_us(first) == 333'334);
  links.start({1, 0}, 0, 3, 1, 333'333);
  CHECK(links.rate(first) == 1);
  CHECK(links.completion_us(first) == 333'334);
}

TEST_CASE("a share of less than a byte a second is a byte a second", "[links]") {
  // Goal: a link shared by more copies than its bytes a second still moves each copy. Method:
  // three copies of one byte on a DP of 2 bytes a second.
  DpLinks links(std::nullopt);
  for (uint32_t package = 0; package < 3; ++package) links.start({package, 0}, 0, 2, 1, 0);
  for (uint32_t package = 0; package < 3; ++package) {
    CHECK(links.rate({package, 0}) == 1);
    CHECK(links.completion_us({package, 0}) == 1'000'000);
  }
}

TEST_CASE("DpLinks names every copy whose completion changed since it was last asked", "[links]") {
  rc::prop("a copy visit_changed leaves out keeps the completion it had", [] {
    const std::optional<uint64_t> site = arbitrary_site_limit();
    DpLinks links(site);
    std::vector<DpLinks::Key> active;
    std::map<DpLinks::Key, TimeUs> told;  // at the last visit_changed that named the copy
    TimeUs now = 0;
    const auto steps = *rc::gen::inRange<int>(1, 150);
    for (int step = 0; step < steps; ++step) {
      // Long gaps and small files: copies often pass their completion before the next change.
      now += *rc::gen::inRange<TimeUs>(0, 6'000'000);
      const Step action = arbitrary_step(!active.empty());
      if (action == Step::stop) {
        const auto at = *rc::gen::inRange<size_t>(0, active.size());
        links.stop(active[at], now);
        told.erase(active[at]);
        active.erase(active.begin() + static_cast<std::ptrdiff_t>(at));
      } else if (action == Step::restart) {
        links.restart(active[*rc::gen::inRange<size_t>(0, active.size())],
                      *rc::gen::inRange<uint64_t>(0, 8'000'000), now);
      } else {
        const DpLinks::Key key = key_of_step(step);
        links.start(key, *rc::gen::inRange<uint32_t>(0, 4),
                    *rc::gen::inRange<uint64_t>(1, 2'000'000),
                    *rc::gen::inRange<uint64_t>(0, 8'000'000), now);
        active.push_back(key);
      }
      if (!*rc::gen::arbitrary<bool>()) continue;  // several changes may pile up between visits
      std::vector<DpLinks::Key> visited;
      // Sometimes twice in a row: the second visit follows no change at all.
      const int visits = *rc::gen::inRange(1, 3);
      for (int visit = 0; visit < visits; ++visit) {
        links.visit_changed([&](DpLinks::Key key, TimeUs completion_us) {
          RC_ASSERT(completion_us == links.completion_us(key));
          if (visit == 0) visited.push_back(key);
          told[key] = completion_us;
        });
      }
      RC_ASSERT(std::is_sorted(visited.begin(), visited.end()));
      for (const DpLinks::Key key : active) {
        const auto found = told.find(key);
        RC_ASSERT(found != told.end());  // a started copy is always named
        RC_ASSERT(found->second == links.completion_us(key));
      }
    }
  });
}

}  // namespace
}  // namespace distsim::model
