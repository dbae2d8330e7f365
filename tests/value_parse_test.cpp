// The scalar syntax of scenario files: durations, sizes, bandwidths, strict integers and
// multipliers, each accepted, refused with a message naming the text, and formatted back.
#include "sim/scenario/value_parse.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace distsim::sim {
namespace {

using model::kMicrosecondsPerDay;
using model::kMicrosecondsPerHour;
using model::kMicrosecondsPerMillisecond;
using model::kMicrosecondsPerMinute;
using model::kMicrosecondsPerSecond;

TEST_CASE("durations in every unit parse to microseconds", "[value_parse]") {
  // Goal: each unit of the format has its factor. Method: one value per unit.
  CHECK(parse_duration("15us").value == 15);
  CHECK(parse_duration("250ms").value == 250 * kMicrosecondsPerMillisecond);
  CHECK(parse_duration("90s").value == 90 * kMicrosecondsPerSecond);
  CHECK(parse_duration("30m").value == 30 * kMicrosecondsPerMinute);
  CHECK(parse_duration("2h").value == 2 * kMicrosecondsPerHour);
  CHECK(parse_duration("1d").value == kMicrosecondsPerDay);
  CHECK(parse_duration("0s").value == 0);
}

TEST_CASE("a duration may sum units written largest first, as in 2h30m", "[value_parse]") {
  // Goal: the format's own `installed_by: 2h30m` parses. Method: sums, and refused orders.
  CHECK(parse_duration("2h30m").value == 150 * kMicrosecondsPerMinute);
  CHECK(parse_duration("1d2h3m4s5ms6us").value ==
        kMicrosecondsPerDay + 2 * kMicrosecondsPerHour + 3 * kMicrosecondsPerMinute +
            4 * kMicrosecondsPerSecond + 5 * kMicrosecondsPerMillisecond + 6);
  CHECK(parse_duration("30m2h").error ==
        "units out of order in duration '30m2h'; write each unit once, largest first");
  CHECK(parse_duration("1h1h").error ==
        "units out of order in duration '1h1h'; write each unit once, largest first");
  CHECK(parse_duration("1h30").error == "missing unit at the end of duration '1h30'");
}

TEST_CASE("a bare number, a fraction, a sign or an unknown unit is not a duration",
          "[value_parse]") {
  // Goal: every refusal of scenarios/FORMAT.md "Values" with a message naming the text.
  // Method: one bad text per rule, checking the exact message.
  CHECK(parse_duration("30").error ==
        "duration '30' has no unit; write e.g. '30s' (units: us, "
        "ms, s, m, h, d)");
  CHECK(parse_duration("1.5h").error ==
        "fractions are not allowed in duration '1.5h'; use a "
        "smaller unit (e.g. '90m' rather than '1.5h')");
  CHECK(parse_duration("-5s").error == "negative duration '-5s' is not allowed");
  CHECK(parse_duration("+5s").error == "a leading '+' is not allowed in duration '+5s'");
  CHECK(parse_duration("5M").error ==
        "unknown unit 'M' in duration '5M'; units are us, ms, s, m, h, d");
  CHECK(parse_duration("5 s").error == "unexpected character ' ' in duration '5 s'");
  CHECK(parse_duration("").error == "empty duration");
  CHECK(parse_duration("s").error == "duration 's' must start with a whole number, e.g. '90s'");
  CHECK_FALSE(parse_duration("1e3s").ok());
}

TEST_CASE("a duration past the range of virtual time is refused", "[value_parse]") {
  // Goal: no silent wrap-around. Method: values just inside and outside int64 microseconds.
  CHECK(parse_duration("9223372036854775807us").value == std::numeric_limits<model::TimeUs>::max());
  CHECK(parse_duration("9223372036854775808us").error ==
        "duration '9223372036854775808us' is too large");
  CHECK(parse_duration("106751992d").error == "duration '106751992d' is too large");
  CHECK(parse_duration("99999999999999999999999s").error ==
        "duration '99999999999999999999999s' is too large");
  CHECK(parse_duration("106751991d").ok());
}

TEST_CASE("a duration is formatted in the largest unit that divides it", "[value_parse]") {
  // Goal: the writer's spelling. Method: values with and without a larger exact unit.
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(5400 * kMicrosecondsPerSecond) == "90m");
  CHECK(format_duration(150 * kMicrosecondsPerMinute) == "150m");
  CHECK(format_duration(3 * kMicrosecondsPerDay) == "3d");
  CHECK(format_duration(1500 * kMicrosecondsPerMillisecond) == "1500ms");
  CHECK(format_duration(7) == "7us");
}

TEST_CASE("formatting then parsing a duration gives it back", "[value_parse]") {
  // Goal: the writer's output loads to the same value. Method: a spread of values, including
  // awkward ones and the largest.
  for (const model::TimeUs value :
       {model::TimeUs{0}, model::TimeUs{1}, model::TimeUs{999}, 61 * kMicrosecondsPerSecond,
        25 * kMicrosecondsPerHour, 90061 * kMicrosecondsPerMillisecond + 1,
        std::numeric_limits<model::TimeUs>::max()}) {
    CHECK(parse_duration(format_duration(value)).value == value);
  }
}

TEST_CASE("sizes use binary units and refuse a bare number", "[value_parse]") {
  // Goal: 1 KB = 1024 B as the format says. Method: each unit, then refusals.
  CHECK(parse_size("512B").value == 512u);
  CHECK(parse_size("64KB").value == 64u * 1024);
  CHECK(parse_size("4MB").value == 4u * 1024 * 1024);
  CHECK(parse_size("1GB").value == 1024ull * 1024 * 1024);
  CHECK(parse_size("2TB").value == 2ull * 1024 * 1024 * 1024 * 1024);
  CHECK(parse_size("512").error == "size '512' has no unit; units are B, KB, MB, GB, TB");
  CHECK(parse_size("1.5MB").error ==
        "fractions are not allowed in size '1.5MB'; use a smaller unit (e.g. '1536KB' rather "
        "than '1.5MB')");
  CHECK(parse_size("4mb").error == "unknown unit 'mb' in size '4mb'; units are B, KB, MB, GB, TB");
  CHECK(parse_size("-1KB").error == "negative size '-1KB' is not allowed");
  CHECK(parse_size("99999999999TB").error == "size '99999999999TB' is too large");
  CHECK(parse_size("99999999999TB").too_large);
  CHECK(parse_size("184467440737095516160B").too_large);
  CHECK_FALSE(parse_size("4mb").too_large);
}

TEST_CASE("a size is formatted in the largest exact unit and parses back", "[value_parse]") {
  // Goal: round trip of sizes. Method: exact and inexact multiples.
  CHECK(format_size(0) == "0B");
  CHECK(format_size(1536) == "1536B");
  CHECK(format_size(4u * 1024 * 1024) == "4MB");
  CHECK(format_size(600ull * 1024 * 1024) == "600MB");
  for (const uint64_t value : {uint64_t{0}, uint64_t{1}, uint64_t{1024}, uint64_t{1536},
                               uint64_t{5} << 40, std::numeric_limits<uint64_t>::max()}) {
    CHECK(parse_size(format_size(value)).value == value);
  }
}

TEST_CASE("bandwidth tells bits from bytes by the case of the b", "[value_parse]") {
  // Goal: "100Mbps" is bits (decimal prefixes), "10MBps" bytes (binary, like sizes).
  // Method: both spellings in bits per second.
  CHECK(parse_bandwidth("100Mbps").value == 100'000'000u);
  CHECK(parse_bandwidth("10MBps").value == 10u * 1024 * 1024 * 8);
  CHECK(parse_bandwidth("56kbps").value == 56'000u);
  CHECK(parse_bandwidth("56Kbps").value == 56'000u);
  CHECK(parse_bandwidth("1Gbps").value == 1'000'000'000u);
  CHECK(parse_bandwidth("300Bps").value == 2400u);
  CHECK(parse_bandwidth("100").error ==
        "bandwidth '100' has no unit; units are bps, Kbps, Mbps, "
        "Gbps, Bps, KBps, MBps, GBps");
  CHECK(parse_bandwidth("100MB").error ==
        "unknown unit 'MB' in bandwidth '100MB'; units are "
        "bps, Kbps, Mbps, Gbps, Bps, KBps, MBps, GBps");
  CHECK_FALSE(parse_bandwidth("1.5Mbps").ok());
}

TEST_CASE("a bandwidth is formatted in its shorter exact spelling and parses back",
          "[value_parse]") {
  // Goal: the writer keeps "100Mbps" and "100MBps" as users write them. Method: both kinds.
  CHECK(format_bandwidth(100'000'000) == "100Mbps");
  CHECK(format_bandwidth(100ull * 1024 * 1024 * 8) == "100MBps");
  CHECK(format_bandwidth(12) == "12bps");
  CHECK(format_bandwidth(0) == "0bps");
  for (const uint64_t value : {uint64_t{1}, uint64_t{8}, uint64_t{100'000'000},
                               uint64_t{838'860'800}, uint64_t{123'456'789}}) {
    CHECK(parse_bandwidth(format_bandwidth(value)).value == value);
  }
}

TEST_CASE("integers are plain decimals; octal, hex, exponents and signs are refused",
          "[value_parse]") {
  // Goal: what YAML 1.1 reads differently never becomes a surprise. Method: each look-alike.
  CHECK(parse_unsigned("0").value == 0u);
  CHECK(parse_unsigned("42").value == 42u);
  CHECK(parse_unsigned("18446744073709551615").value == std::numeric_limits<uint64_t>::max());
  CHECK(parse_unsigned("18446744073709551616").error ==
        "number '18446744073709551616' is too large; the largest is 18446744073709551615");
  CHECK(parse_unsigned("18446744073709551616").too_large);
  CHECK_FALSE(parse_unsigned("1x").too_large);
  CHECK(parse_unsigned("010").error ==
        "'010' has a leading zero, which YAML 1.1 and C read as octal; write it without the zero");
  CHECK(parse_unsigned("0x10").error ==
        "'0x10' is not a decimal number; write the value in decimal");
  CHECK(parse_unsigned("1e3").error == "'1e3' is not a whole decimal number");
  CHECK(parse_unsigned("+5").error == "a leading '+' is not allowed in '+5'");
  CHECK(parse_unsigned("-1").error == "negative number '-1' is not allowed");
  CHECK(parse_unsigned("1_000").error == "'1_000' is not a whole decimal number");
  CHECK(parse_unsigned("1.0").error == "'1.0' is not a whole decimal number");
  CHECK(parse_unsigned("").error == "expected a whole number, got nothing");
}

TEST_CASE("multipliers take up to three decimals and format back", "[value_parse]") {
  // Goal: `multiplier: 1.5` becomes 1500 thousandths. Method: valid, refused, round trip.
  CHECK(parse_multiplier_milli("2").value == 2000u);
  CHECK(parse_multiplier_milli("1.5").value == 1500u);
  CHECK(parse_multiplier_milli("1.125").value == 1125u);
  CHECK(parse_multiplier_milli("0.5").value == 500u);
  CHECK(parse_multiplier_milli("1.0001").error ==
        "multiplier '1.0001' needs one to three digits after the point");
  CHECK(parse_multiplier_milli("1.").error ==
        "multiplier '1.' needs one to three digits after the point");
  CHECK(parse_multiplier_milli(".5").error == "'.5' is not a number like 2 or 1.5");
  CHECK(parse_multiplier_milli("-2").error == "'-2' is not a number like 2 or 1.5");
  CHECK(parse_multiplier_milli("1e2").error == "'1e2' is not a number like 2 or 1.5");
  CHECK(parse_multiplier_milli("99999999").error == "multiplier '99999999' is too large");
  CHECK(format_multiplier_milli(2000) == "2");
  CHECK(format_multiplier_milli(1500) == "1.5");
  CHECK(format_multiplier_milli(1125) == "1.125");
  CHECK(format_multiplier_milli(1050) == "1.05");
  for (const uint32_t value : {1000u, 1001u, 1010u, 1100u, 2500u, 100000u}) {
    CHECK(parse_multiplier_milli(format_multiplier_milli(value)).value == value);
  }
}

}  // namespace
}  // namespace distsim::sim
