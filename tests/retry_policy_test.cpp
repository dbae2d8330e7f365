// The retry policy: decisions for counts, unlimited, retryable errors and deadlines; delays for
// fixed and exponential backoff with a cap; jitter inside its documented range; analytic bounds.
#include "model/retry_policy.h"

#include <rapidcheck/catch.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <set>
#include <tuple>

#include "sim/core/prng.h"

namespace distsim::model {
namespace {

constexpr TimeUs kMinute = kMicrosecondsPerMinute;
constexpr TimeUs kHour = kMicrosecondsPerHour;

RetryPolicy fixed_policy(std::optional<uint32_t> count, TimeUs delay_us) {
  RetryPolicy policy;
  policy.retry_count_max = count;
  policy.delay_us = delay_us;
  return policy;
}

TEST_CASE("a fixed policy with count 2 retries twice and then gives up", "[retry]") {
  // Goal: `count` is the number of retries after the first attempt.
  sim::Prng random(0);
  const RetryPolicy policy = fixed_policy(2, 30 * kMinute);
  for (uint32_t done = 0; done < 2; ++done) {
    const RetryDecision decision =
        decide_retry(policy, Win32Error::sharing_violation, {done, 0, 0, 0}, random);
    CHECK(decision.retry);
    CHECK(decision.delay_us == 30 * kMinute);
  }
  const RetryDecision last =
      decide_retry(policy, Win32Error::sharing_violation, {2, 0, 0, 0}, random);
  CHECK_FALSE(last.retry);
  CHECK(last.reason == "retry count exhausted");
}

TEST_CASE("an unlimited policy keeps retrying at the same delay", "[retry]") {
  // Goal: the sms2 default (no cap, 60 minutes) never runs out.
  sim::Prng random(0);
  const RetryPolicy policy = fixed_policy(std::nullopt, 60 * kMinute);
  const RetryDecision decision =
      decide_retry(policy, Win32Error::sharing_violation, {100000, 0, 0, 0}, random);
  CHECK(decision.retry);
  CHECK(decision.delay_us == 60 * kMinute);
  CHECK_FALSE(retry_bounds(policy).attempt_count_max.has_value());
}

TEST_CASE("an error outside retry_on fails without a retry", "[retry]") {
  // Goal: retry_on selects the retryable Win32 errors.
  sim::Prng random(0);
  RetryPolicy policy = fixed_policy(5, kMinute);
  policy.retry_on = {Win32Error::sharing_violation, Win32Error::lock_violation};
  CHECK(decide_retry(policy, Win32Error::lock_violation, {0, 0, 0, 0}, random).retry);
  const RetryDecision refused =
      decide_retry(policy, Win32Error::access_denied, {0, 0, 0, 0}, random);
  CHECK_FALSE(refused.retry);
  CHECK(refused.reason == "not retryable");
}

TEST_CASE("a retry that would start after the deadline is not scheduled", "[retry]") {
  // Goal: the deadline counts from the start of the first attempt to the next attempt's start.
  sim::Prng random(0);
  RetryPolicy policy = fixed_policy(std::nullopt, 60 * kMinute);
  policy.deadline_us = 150 * kMinute;
  CHECK(decide_retry(policy, Win32Error::sharing_violation, {1, 0, 90 * kMinute, 0}, random).retry);
  const RetryDecision late =
      decide_retry(policy, Win32Error::sharing_violation, {2, 0, 91 * kMinute, 0}, random);
  CHECK_FALSE(late.retry);
  CHECK(late.reason == "deadline");
}

TEST_CASE("a delay counted from the attempt's start falls due at start plus delay, or as it ends",
          "[retry]") {
  // Goal: delay_from attempt_start moves the due time, not the delay drawn; attempt_end keeps
  // counting from the end of the failed attempt.
  sim::Prng random(0);
  RetryPolicy policy = fixed_policy(std::nullopt, 60 * kMinute);
  const RetryContext short_attempt{0, 0, 10 * kMinute, 0, 0};
  CHECK(decide_retry(policy, Win32Error::sharing_violation, short_attempt, random).due_us ==
        70 * kMinute);
  policy.delay_from = DelayFrom::attempt_start;
  const RetryDecision from_start =
      decide_retry(policy, Win32Error::sharing_violation, short_attempt, random);
  CHECK(from_start.due_us == 60 * kMinute);
  CHECK(from_start.delay_us == 60 * kMinute);
  const RetryContext long_attempt{1, 0, 3 * kHour, 0, 90 * kMinute};
  const RetryDecision ran_out =
      decide_retry(policy, Win32Error::sharing_violation, long_attempt, random);
  CHECK(ran_out.due_us == 3 * kHour);
  CHECK(ran_out.delay_us == 60 * kMinute);
}

TEST_CASE("the deadline judges the due time the delay_from anchor gives", "[retry]") {
  // Goal: counted from the start, a retry that would pass the deadline counted from the end is
  // still scheduled.
  sim::Prng random(0);
  RetryPolicy policy = fixed_policy(std::nullopt, 60 * kMinute);
  policy.deadline_us = 150 * kMinute;
  const RetryContext context{1, 0, 100 * kMinute, 0, 80 * kMinute};
  CHECK_FALSE(decide_retry(policy, Win32Error::sharing_violation, context, random).retry);
  policy.delay_from = DelayFrom::attempt_start;
  const RetryDecision decision =
      decide_retry(policy, Win32Error::sharing_violation, context, random);
  CHECK(decision.retry);
  CHECK(decision.due_us == 140 * kMinute);
}

TEST_CASE("a fixed policy without jitter ignores max_delay and the multiplier", "[retry]") {
  // Goal: the format's "exponential only" for both keys, which its own example writes next to
  // fixed backoff. With jitter, max_delay caps the base as it caps every jittered wait.
  RetryPolicy policy = fixed_policy(std::nullopt, 30 * kMinute);
  policy.multiplier_milli = 3000;
  policy.max_delay_us = 10 * kMinute;
  CHECK(base_delay_us(policy, 1) == 30 * kMinute);
  CHECK(base_delay_us(policy, 5) == 30 * kMinute);
  policy.jitter = Jitter::full;
  CHECK(base_delay_us(policy, 1) == 10 * kMinute);
}

TEST_CASE("exponential backoff doubles the delay until the cap", "[retry]") {
  // Goal: delay * multiplier^(n-1), capped by max_delay.
  RetryPolicy policy = fixed_policy(10, kMinute);
  policy.backoff = Backoff::exponential;
  policy.multiplier_milli = 2000;
  policy.max_delay_us = 10 * kMinute;
  CHECK(base_delay_us(policy, 1) == kMinute);
  CHECK(base_delay_us(policy, 2) == 2 * kMinute);
  CHECK(base_delay_us(policy, 4) == 8 * kMinute);
  CHECK(base_delay_us(policy, 5) == 10 * kMinute);
  CHECK(base_delay_us(policy, 60) == 10 * kMinute);
}

TEST_CASE("a fractional multiplier grows the delay by that factor", "[retry]") {
  // Goal: multipliers are exact in thousandths (1.5 = 1500).
  RetryPolicy policy = fixed_policy(10, 1000 * kMicrosecondsPerMillisecond);
  policy.backoff = Backoff::exponential;
  policy.multiplier_milli = 1500;
  CHECK(base_delay_us(policy, 2) == 1'500'000);
  CHECK(base_delay_us(policy, 3) == 2'250'000);
}

TEST_CASE("jittered delays stay within each jitter kind's range", "[retry][property]") {
  // Goal: full in [0, base], equal in [base/2, base], decorrelated in [delay, cap]; for any
  // seed, retry number and base delay (RapidCheck).
  rc::prop("jitter ranges hold", [](uint64_t seed, uint8_t retry_small, uint32_t delay_ms) {
    const uint32_t retry = static_cast<uint32_t>(retry_small % 20) + 1;
    RetryPolicy policy = fixed_policy(100, (TimeUs{delay_ms % 100000} + 1) * 1000);
    policy.backoff = Backoff::exponential;
    policy.max_delay_us = 4 * kMicrosecondsPerHour;
    sim::Prng random(seed);
    const TimeUs base = base_delay_us(policy, retry);
    policy.jitter = Jitter::full;
    const TimeUs full = jittered_delay_us(policy, retry, 0, random);
    RC_ASSERT(full >= 0);
    RC_ASSERT(full <= base);
    policy.jitter = Jitter::equal;
    const TimeUs equal = jittered_delay_us(policy, retry, 0, random);
    RC_ASSERT(equal >= base / 2);
    RC_ASSERT(equal <= base);
    policy.jitter = Jitter::decorrelated;
    const TimeUs decorrelated = jittered_delay_us(policy, retry, full, random);
    RC_ASSERT(decorrelated >= std::min(policy.delay_us, *policy.max_delay_us));
    RC_ASSERT(decorrelated <= *policy.max_delay_us);
  });
}

TEST_CASE("decorrelated jitter draws across its whole range, up to three times the last wait",
          "[retry]") {
  // Goal: the range itself, not only its bounds: a narrower draw would pass the bound checks.
  // Method: 2,000 draws after a 10-minute wait with a 1-minute delay and no cap in reach; the
  // range is [1 min, 30 min], so the extremes must come near both ends.
  RetryPolicy policy = fixed_policy(100, kMinute);
  policy.jitter = Jitter::decorrelated;
  sim::Prng random(20001116);
  TimeUs lowest = kHour;
  TimeUs highest = 0;
  for (int draw = 0; draw < 2000; ++draw) {
    const TimeUs wait = jittered_delay_us(policy, 2, 10 * kMinute, random);
    REQUIRE(wait >= kMinute);
    REQUIRE(wait <= 30 * kMinute);
    lowest = std::min(lowest, wait);
    highest = std::max(highest, wait);
  }
  CHECK(lowest < 2 * kMinute);
  CHECK(highest > 28 * kMinute);
}

TEST_CASE("full and equal jitter reach both ends of their ranges exactly", "[retry]") {
  // Goal: the ends themselves (full jitter from no wait at all, equal jitter from half the
  // delay), which a range narrowed by one microsecond would miss while passing every bound check.
  // Method: a 3-microsecond delay, so each of the few values in range is drawn many times in 400
  // draws.
  for (const Jitter jitter : {Jitter::full, Jitter::equal}) {
    RetryPolicy policy = fixed_policy(100, 3);
    policy.jitter = jitter;
    sim::Prng random(20001116);
    std::set<TimeUs> drawn;
    for (int draw = 0; draw < 400; ++draw) drawn.insert(jittered_delay_us(policy, 1, 0, random));
    INFO("jitter " << jitter_name(jitter));
    CHECK(drawn ==
          (jitter == Jitter::full ? std::set<TimeUs>{0, 1, 2, 3} : std::set<TimeUs>{1, 2, 3}));
  }
}

TEST_CASE("the analytic bounds of a fixed policy are count x delay", "[retry]") {
  // Goal: retry_bounds gives the most attempts and the exact total wait without jitter.
  const RetryBounds bounds = retry_bounds(fixed_policy(100, 30 * kMinute));
  REQUIRE(bounds.attempt_count_max.has_value());
  CHECK(*bounds.attempt_count_max == 101);
  CHECK(bounds.total_wait_min_us == 100 * 30 * kMinute);
  CHECK(bounds.total_wait_max_us == 100 * 30 * kMinute);
}

TEST_CASE("the analytic bounds of each jitter kind are its tightest range", "[retry]") {
  // Goal: the bounds are not merely safe but exact, so that a checker built on them cannot
  // accept a wait the policy never draws. Method: four retries of 30 minutes: no jitter waits
  // exactly 2 h, full jitter 0 to 2 h, equal jitter 1 h (half of each) to 2 h.
  RetryPolicy policy = fixed_policy(4, 30 * kMinute);
  const std::array<std::tuple<Jitter, TimeUs, TimeUs>, 3> expected{
      {{Jitter::none, 2 * kHour, 2 * kHour},
       {Jitter::full, 0, 2 * kHour},
       {Jitter::equal, kHour, 2 * kHour}}};
  for (const auto& [jitter, minimum_us, maximum_us] : expected) {
    policy.jitter = jitter;
    const RetryBounds bounds = retry_bounds(policy);
    INFO(static_cast<int>(jitter));
    CHECK(bounds.total_wait_min_us == minimum_us);
    CHECK(bounds.total_wait_max_us == std::optional<TimeUs>(maximum_us));
  }
}

TEST_CASE("every policy kind keeps its attempts and total wait within its analytic bounds",
          "[retry][property]") {
  // Goal: retry_bounds() is a true bound for fixed and exponential backoff with every jitter
  // kind, a cap and a deadline. Method: replay decide_retry() until it refuses, sum the waits.
  rc::prop("attempts and waits stay within retry_bounds", [] {
    RetryPolicy policy;
    policy.retry_count_max = *rc::gen::inRange<uint32_t>(0, 60);
    policy.delay_us = *rc::gen::inRange<TimeUs>(1, 120) * kMinute;
    policy.backoff = *rc::gen::element(Backoff::fixed, Backoff::exponential);
    policy.multiplier_milli = *rc::gen::inRange<uint32_t>(1000, 4001);
    policy.jitter =
        *rc::gen::element(Jitter::none, Jitter::full, Jitter::equal, Jitter::decorrelated);
    if (*rc::gen::arbitrary<bool>())
      policy.max_delay_us = *rc::gen::inRange<TimeUs>(1, 600) * kMinute;
    if (policy.jitter == Jitter::decorrelated && !policy.max_delay_us) {
      policy.max_delay_us = 10 * policy.delay_us;
    }
    if (*rc::gen::arbitrary<bool>()) policy.deadline_us = *rc::gen::inRange<TimeUs>(1, 200) * kHour;
    sim::Prng random(*rc::gen::arbitrary<uint64_t>());
    const RetryBounds bounds = retry_bounds(policy);
    uint32_t retries = 0;
    TimeUs now_us = 0;
    TimeUs waited_us = 0;
    TimeUs previous_us = 0;
    for (;;) {
      const RetryDecision decision = decide_retry(policy, Win32Error::sharing_violation,
                                                  {retries, 0, now_us, previous_us}, random);
      if (!decision.retry) break;
      RC_ASSERT(decision.delay_us >= 0);
      ++retries;
      waited_us += decision.delay_us;
      previous_us = decision.delay_us;
      now_us += decision.delay_us;
    }
    RC_ASSERT(bounds.attempt_count_max.has_value());
    RC_ASSERT(uint64_t{retries} + 1 <= *bounds.attempt_count_max);
    RC_ASSERT(bounds.total_wait_max_us.has_value());
    RC_ASSERT(waited_us <= *bounds.total_wait_max_us);
    if (!policy.deadline_us) {
      RC_ASSERT(retries == *policy.retry_count_max);
      RC_ASSERT(waited_us >= bounds.total_wait_min_us);
    }
  });
}

}  // namespace
}  // namespace distsim::model
