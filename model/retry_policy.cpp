// Retry policy arithmetic: base delays, jitter, the retry decision and the analytic bounds.
// All arithmetic is on integer microseconds with saturation, so no policy can overflow time.
#include "model/retry_policy.h"

#include <algorithm>
#include <limits>

#include "model/assert.h"

namespace distsim::model {
namespace {

constexpr TimeUs kTimeSaturated = std::numeric_limits<TimeUs>::max() / 4;

TimeUs saturating_add(TimeUs a, TimeUs b) {
  DISTSIM_ASSERT(a >= 0);
  DISTSIM_ASSERT(b >= 0);
  return a > kTimeSaturated - b ? kTimeSaturated : a + b;
}

TimeUs cap_delay(const RetryPolicy& policy, TimeUs delay_us) {
  const TimeUs capped_us = std::min(delay_us, kRetryDelayMaxUs);
  return policy.max_delay_us ? std::min(capped_us, *policy.max_delay_us) : capped_us;
}

TimeUs uniform_between(RandomPort& random, TimeUs low_us, TimeUs high_us) {
  DISTSIM_ASSERT(low_us <= high_us);
  const auto span = static_cast<uint64_t>(high_us - low_us) + 1;
  return low_us + static_cast<TimeUs>(random.uniform_below(span));
}

}  // namespace

std::string_view backoff_name(Backoff backoff) {
  return backoff == Backoff::fixed ? "fixed" : "exponential";
}

std::string_view jitter_name(Jitter jitter) {
  switch (jitter) {
    case Jitter::none:
      return "none";
    case Jitter::full:
      return "full";
    case Jitter::equal:
      return "equal";
    case Jitter::decorrelated:
      return "decorrelated";
  }
  DISTSIM_ASSERT(false);
}

std::string_view delay_from_name(DelayFrom from) {
  return from == DelayFrom::attempt_end ? "attempt_end" : "attempt_start";
}

std::string_view due_while_down_name(DueWhileDown due) {
  return due == DueWhileDown::at_restart ? "at_restart" : "wait_again";
}

std::string_view dp_retry_decided_name(DpRetryDecided decided) {
  return decided == DpRetryDecided::work_end ? "work_end" : "copy_end";
}

bool is_retryable(const RetryPolicy& policy, Win32Error error) {
  DISTSIM_ASSERT(error != Win32Error::ok);
  if (policy.retry_on.empty()) return true;
  return std::find(policy.retry_on.begin(), policy.retry_on.end(), error) != policy.retry_on.end();
}

TimeUs base_delay_us(const RetryPolicy& policy, uint32_t retry_number) {
  DISTSIM_ASSERT(retry_number >= 1);
  DISTSIM_ASSERT(policy.delay_us >= 0);
  if (policy.backoff == Backoff::fixed) {
    // `max_delay` is the cap of backoff and jitter (the format's "exponential only"): with a
    // fixed delay and no jitter it has nothing to cap.
    return policy.jitter == Jitter::none ? std::min(policy.delay_us, kRetryDelayMaxUs)
                                         : cap_delay(policy, policy.delay_us);
  }
  // A multiplier under 1 would shrink the delays; the scenario loader refuses it.
  DISTSIM_ASSERT(policy.multiplier_milli >= 1000);
  TimeUs delay_us = policy.delay_us;
  // Multiply step by step with saturation: the loop ends once the cap or saturation is reached.
  for (uint32_t step = 1; step < retry_number; ++step) {
    const TimeUs capped_us = cap_delay(policy, delay_us);
    if (capped_us < delay_us || delay_us >= kTimeSaturated) return capped_us;
    const TimeUs whole = delay_us / 1000;
    const TimeUs rest = delay_us % 1000;
    const auto multiplier = static_cast<TimeUs>(policy.multiplier_milli);
    if (whole > kTimeSaturated / std::max<TimeUs>(multiplier, 1)) {
      delay_us = kTimeSaturated;
    } else {
      delay_us = whole * multiplier + rest * multiplier / 1000;
    }
    if (multiplier <= 1000 && step > 64) break;  // a multiplier of 1 leaves the delay as it is
  }
  return cap_delay(policy, delay_us);
}

TimeUs jittered_delay_us(const RetryPolicy& policy, uint32_t retry_number, TimeUs previous_delay_us,
                         RandomPort& random) {
  const TimeUs base_us = base_delay_us(policy, retry_number);
  DISTSIM_ASSERT(base_us <= kRetryDelayMaxUs);
  switch (policy.jitter) {
    case Jitter::none:
      return base_us;
    case Jitter::full:
      return uniform_between(random, 0, base_us);
    case Jitter::equal:
      return base_us / 2 + uniform_between(random, 0, base_us - base_us / 2);
    case Jitter::decorrelated: {
      const TimeUs low_us = policy.delay_us;
      const TimeUs previous_us = std::max(previous_delay_us, policy.delay_us);
      const TimeUs high_us = previous_us > kTimeSaturated / 3 ? kTimeSaturated : previous_us * 3;
      return cap_delay(policy, uniform_between(random, low_us, std::max(low_us, high_us)));
    }
  }
  DISTSIM_ASSERT(false);
}

RetryDecision decide_retry(const RetryPolicy& policy, Win32Error error, const RetryContext& context,
                           RandomPort& random) {
  DISTSIM_ASSERT(context.now_us >= context.first_attempt_start_us);
  if (!is_retryable(policy, error)) return {false, 0, "not retryable"};
  if (policy.retry_count_max && context.retries_done >= *policy.retry_count_max) {
    return {false, 0, "retry count exhausted"};
  }
  const TimeUs delay_us =
      jittered_delay_us(policy, context.retries_done + 1, context.previous_delay_us, random);
  DISTSIM_ASSERT(delay_us >= 0);
  TimeUs due_us = saturating_add(context.now_us, delay_us);
  if (policy.delay_from == DelayFrom::attempt_start) {
    DISTSIM_ASSERT(context.attempt_start_us <= context.now_us);
    due_us = std::max(context.now_us, saturating_add(context.attempt_start_us, delay_us));
  }
  if (policy.deadline_us && due_us - context.first_attempt_start_us > *policy.deadline_us) {
    return {false, 0, "deadline"};
  }
  return {true, delay_us, "", due_us};
}

RetryBounds retry_bounds(const RetryPolicy& policy) {
  RetryBounds bounds;
  if (!policy.retry_count_max) {
    bounds.total_wait_max_us = policy.deadline_us;  // unbounded unless a deadline caps it
    return bounds;
  }
  const uint32_t retries = *policy.retry_count_max;
  bounds.attempt_count_max = uint64_t{retries} + 1;
  TimeUs minimum_us = 0;
  TimeUs maximum_us = 0;
  for (uint32_t retry = 1; retry <= retries; ++retry) {
    const TimeUs base_us = base_delay_us(policy, retry);
    switch (policy.jitter) {
      case Jitter::none:
        minimum_us = saturating_add(minimum_us, base_us);
        maximum_us = saturating_add(maximum_us, base_us);
        break;
      case Jitter::full:
        maximum_us = saturating_add(maximum_us, base_us);
        break;
      case Jitter::equal:
        minimum_us = saturating_add(minimum_us, base_us / 2);
        maximum_us = saturating_add(maximum_us, base_us);
        break;
      case Jitter::decorrelated:
        minimum_us = saturating_add(minimum_us, cap_delay(policy, policy.delay_us));
        maximum_us = saturating_add(maximum_us, cap_delay(policy, kTimeSaturated));
        break;
    }
  }
  bounds.total_wait_min_us = minimum_us;
  bounds.total_wait_max_us = maximum_us;
  if (policy.deadline_us) {
    bounds.total_wait_max_us = std::min(*bounds.total_wait_max_us, *policy.deadline_us);
    bounds.total_wait_min_us = std::min(bounds.total_wait_min_us, *policy.deadline_us);
  }
  return bounds;
}

}  // namespace distsim::model
