// The retry policy: how many retries, how long between them, which errors are retryable and how
// long the whole effort may take. Covers the Distribution Manager's own settings (count, delay)
// and the vocabulary of modern retry libraries (exponential backoff, cap, jitter, deadline; the
// formulas of AWS's "Exponential Backoff and Jitter"). Pure functions; randomness comes through
// RandomPort.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/random_port.h"
#include "model/time.h"
#include "model/win32_error.h"

namespace distsim::model {

enum class Backoff { fixed, exponential };
enum class Jitter { none, full, equal, decorrelated };
// Where a retry's delay is counted from. No source settles it for Distribution Manager: KB
// Q319207's "at least once an hour" reads as an hour from the start of the failed attempt, SMS
// 2003's "Sleep 3600 seconds" after its work as an hour from its end (model/README.md).
// From the start, a retry whose delay has run out while the attempt ran is due when it ends.
enum class DelayFrom { attempt_end, attempt_start };
// What a retry that fell due while the manager process was down does after the restart (no source
// says; model/README.md): run at once, or wait again, from the restart, as long as it was meant to
// wait when it was decided.
enum class DueWhileDown { at_restart, wait_again };
// When a per-DP profile decides a failed DP copy's retry (no source says; model/README.md): once
// every copy of the same pass or span of DP retries has ended, or as the copy fails.
enum class DpRetryDecided { work_end, copy_end };

[[nodiscard]] std::string_view backoff_name(Backoff backoff);
[[nodiscard]] std::string_view jitter_name(Jitter jitter);
[[nodiscard]] std::string_view delay_from_name(DelayFrom from);
[[nodiscard]] std::string_view due_while_down_name(DueWhileDown due);
[[nodiscard]] std::string_view dp_retry_decided_name(DpRetryDecided decided);

inline constexpr uint32_t kRetryCountMax = 1'000'000;     // largest finite `count`
inline constexpr uint32_t kMultiplierMilliMax = 100'000;  // multiplier 100.0
// No single wait exceeds ten years, whatever the backoff: keeps every "now + delay" far from
// overflow, which an uncapped exponential backoff would otherwise reach past int64.
inline constexpr TimeUs kRetryDelayMaxUs = 3650 * kMicrosecondsPerDay;

struct RetryPolicy {
  std::optional<uint32_t> retry_count_max;  // retries after the first attempt; nullopt: unlimited
  TimeUs delay_us = 60 * kMicrosecondsPerMinute;
  Backoff backoff = Backoff::fixed;
  uint32_t multiplier_milli = 2000;    // exponential only: 2000 = x2.0
  std::optional<TimeUs> max_delay_us;  // cap on one delay (exponential and jitter)
  Jitter jitter = Jitter::none;
  std::optional<TimeUs> deadline_us;  // total budget measured from the start of the first attempt
  DelayFrom delay_from = DelayFrom::attempt_end;
  // Whether a pass or DP copy that a crash of the manager cut short uses a retry (no source says;
  // model/README.md). Without, the work is redone after the restart as the same attempt's
  // continuation: it neither uses a retry nor can exhaust the retries.
  bool crash_uses_retry = true;
  // Whether an update or refresh starts the retry counts afresh (no source says; model/README.md).
  // Without, the unit's retries, backoff position and deadline go on counting across updates and
  // refreshes until it succeeds or its retry history is deleted; the update's own pass uses no
  // retry, but fails without one when none is left.
  bool update_resets_retries = true;
  DueWhileDown due_while_down = DueWhileDown::at_restart;
  // Per-DP profiles only: with copy_end a failed copy's 2328, its retry and the delay's count
  // come as it fails, not once the copies beside it have ended too.
  DpRetryDecided dp_retry_decided = DpRetryDecided::work_end;
  // Errors that schedule a retry; an error not in the list fails without retry. Empty means
  // every error is retryable (ConfigMgr 2007 documents no per-error distinction; CM07-DP).
  std::vector<Win32Error> retry_on;
};

[[nodiscard]] bool is_retryable(const RetryPolicy& policy, Win32Error error);

// The delay before retry number `retry_number` (1 for the first retry), before jitter:
// fixed: delay (capped by max_delay only with jitter); exponential:
// delay * multiplier^(retry_number-1), capped by max_delay.
[[nodiscard]] TimeUs base_delay_us(const RetryPolicy& policy, uint32_t retry_number);

// The delay actually waited, with jitter drawn from `random` (AWS's formulas):
// full: U[0, base]; equal: base/2 + U[0, base/2]; decorrelated: min(cap, U[delay, prev*3]).
// `previous_delay_us` is the delay before the previous retry (0 before the first).
[[nodiscard]] TimeUs jittered_delay_us(const RetryPolicy& policy, uint32_t retry_number,
                                       TimeUs previous_delay_us, RandomPort& random);

struct RetryDecision {
  bool retry = false;
  TimeUs delay_us = 0;      // the delay drawn (jitter's "previous delay" next time)
  std::string_view reason;  // why not: "not retryable", "retry count exhausted", "deadline"
  TimeUs due_us = 0;        // with retry: when it falls due, counted as delay_from says
};

struct RetryContext {
  uint32_t retries_done = 0;          // retries already made (attempts - 1)
  TimeUs first_attempt_start_us = 0;  // for the deadline
  TimeUs now_us = 0;                  // the end of the failed attempt
  TimeUs previous_delay_us = 0;
  TimeUs attempt_start_us = 0;  // the start of the failed attempt (delay_from attempt_start)
};

// Decides whether a failed attempt is retried and when: due at now + delay, or with delay_from
// attempt_start at the later of attempt start + delay and now.
[[nodiscard]] RetryDecision decide_retry(const RetryPolicy& policy, Win32Error error,
                                         const RetryContext& context, RandomPort& random);

// Analytic bounds a checker asserts on every run: the most attempts the policy allows and the
// least and most total of the delays drawn between them (the waits themselves, with delay_from
// attempt_start, are shorter by the attempts' lengths). nullopt attempts means unbounded.
struct RetryBounds {
  std::optional<uint64_t> attempt_count_max;
  TimeUs total_wait_min_us = 0;
  std::optional<TimeUs> total_wait_max_us;  // nullopt when unbounded
};

[[nodiscard]] RetryBounds retry_bounds(const RetryPolicy& policy);

}  // namespace distsim::model
