// Small values for generated scenarios: times and duration specs that show every unit, sizes,
// bandwidths, count ranges, access masks, share modes and Win32 errors.
#include <rapidcheck.h>

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

#include "scenario_generator_draws.h"
#include "sim/core/limits.h"

namespace distsim::testing::generator_draws {
namespace {

using model::TimeUs;
using sim::DurationSpec;

constexpr std::array<TimeUs, 6> kDurationUnitsUs{1,
                                                 model::kMicrosecondsPerMillisecond,
                                                 model::kMicrosecondsPerSecond,
                                                 model::kMicrosecondsPerMinute,
                                                 model::kMicrosecondsPerHour,
                                                 model::kMicrosecondsPerDay};

}  // namespace

TimeUs draw_time(TimeUs low_us, TimeUs high_us) {
  const TimeUs span_us = high_us - low_us;
  std::vector<TimeUs> units;
  for (const TimeUs unit : kDurationUnitsUs) {
    if (unit <= std::max<TimeUs>(span_us, 1)) units.push_back(unit);
  }
  const TimeUs unit = units[draw_index(units.size())];
  return low_us + *rc::gen::inRange<TimeUs>(0, span_us / unit + 1) * unit;
}

TimeUs draw_positive_duration(TimeUs high_us) { return draw_time(1, high_us); }

DurationSpec draw_duration_spec(TimeUs high_us, bool positive) {
  switch (draw_index(3)) {
    case 0:
      return {DurationSpec::Kind::constant,
              positive ? draw_positive_duration(high_us) : draw_time(0, high_us), 0};
    case 1: {
      const TimeUs low_us = draw_time(0, high_us);
      return {DurationSpec::Kind::uniform, low_us, draw_time(low_us, high_us)};
    }
    default:
      return {DurationSpec::Kind::exponential, draw_positive_duration(kWeekUs), 0};
  }
}

uint64_t draw_size() {
  constexpr std::array<uint64_t, 5> kUnits{1, 1024, 1024 * 1024, 1024 * 1024 * 1024, 1000};
  return *rc::gen::inRange<uint64_t>(0, 10'001) * draw_from(kUnits);
}

uint64_t draw_bandwidth(bool bytes) {
  constexpr std::array<uint64_t, 6> kUnits{1, 1000, 1'000'000, 8, 8 * 1024, 8 * 1024 * 1024};
  const uint64_t bits = std::max(*rc::gen::inRange<uint64_t>(1, 100'000) * draw_from(kUnits),
                                 sim::kBandwidthBitsPerSecondMin);
  return bytes ? bits * 8 : bits;
}

sim::CountRange draw_count_range() {
  constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();
  const uint64_t low = *rc::gen::inRange<uint64_t>(0, 200);
  switch (draw_index(5)) {
    case 0:
      return {low, low};
    case 1:
      return {low, low + *rc::gen::inRange<uint64_t>(1, 200)};
    case 2:
      return {low, kUnbounded};
    case 3:
      return {0, low};
    default:
      return {kUnbounded, kUnbounded};
  }
}

model::AccessMask draw_access() {
  namespace bits = model::access_bits;
  constexpr std::array<uint32_t, 16> kBits{
      bits::kGenericRead,        bits::kGenericWrite,   bits::kGenericExecute,
      bits::kGenericAll,         bits::kDelete,         bits::kFileReadData,
      bits::kFileWriteData,      bits::kFileAppendData, bits::kFileExecute,
      bits::kFileReadEa,         bits::kFileWriteEa,    bits::kFileDeleteChild,
      bits::kSynchronize,        bits::kReadControl,    bits::kFileReadAttributes,
      bits::kFileWriteAttributes};
  uint32_t mask = 0;
  for (size_t count = draw_count(4); count > 0; --count) mask |= draw_from(kBits);
  return model::AccessMask{mask};
}

model::ShareMode draw_share() { return model::ShareMode{static_cast<uint32_t>(draw_index(8))}; }

model::Win32Error draw_error(bool allow_ok) {
  using model::Win32Error;
  constexpr std::array<Win32Error, 9> kErrors{Win32Error::ok,
                                              Win32Error::sharing_violation,
                                              Win32Error::lock_violation,
                                              Win32Error::access_denied,
                                              Win32Error::file_not_found,
                                              Win32Error::path_not_found,
                                              Win32Error::bad_netpath,
                                              Win32Error::disk_full,
                                              Win32Error::dir_not_empty};
  return kErrors[allow_ok ? draw_index(kErrors.size()) : 1 + draw_index(kErrors.size() - 1)];
}

}  // namespace distsim::testing::generator_draws
