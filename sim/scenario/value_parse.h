// The scalar value syntax of scenario files (SCENARIO-FORMAT.md, "Values"): durations, sizes,
// bandwidths, strict integers and multipliers, parsed from text and formatted back so that
// parse(format(x)) == x. Pure functions with no YAML in sight; errors are values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "model/time.h"

namespace distsim::sim {

// A parsed value, or the reason the text is not one (a lowercase phrase that quotes the text).
template <typename T>
struct [[nodiscard]] ParsedValue {
  std::optional<T> value;
  std::string error;  // empty exactly when value is set
  // The text is well formed but its value is past what the type holds: a caller that bounds the
  // value lower names its own bound instead of `error`.
  bool too_large = false;

  [[nodiscard]] bool ok() const { return value.has_value(); }
  [[nodiscard]] static ParsedValue success(T parsed) { return ParsedValue{parsed, {}}; }
  [[nodiscard]] static ParsedValue failure(std::string message) {
    return ParsedValue{std::nullopt, std::move(message)};
  }
  [[nodiscard]] static ParsedValue overflow(std::string message) {
    return ParsedValue{std::nullopt, std::move(message), true};
  }
};

// "250ms", "90s", "30m", "2h", "1d", "15us", and sums written largest unit first ("2h30m", as the
// format's own `installed_by` example does). Refuses a bare number, fractions, a sign, spaces,
// unknown units, units out of order or repeated, and values past the range of TimeUs.
[[nodiscard]] ParsedValue<model::TimeUs> parse_duration(std::string_view text);

// The largest unit that divides the value exactly: 5400s -> "90m", 0 -> "0s". Requires >= 0.
[[nodiscard]] std::string format_duration(model::TimeUs duration_us);

// "512B", "64KB", "4MB", "1GB", "2TB" with 1 KB = 1024 B. A bare number is refused.
[[nodiscard]] ParsedValue<uint64_t> parse_size(std::string_view text);

// The largest binary unit that divides the value exactly: 1536 -> "1536B", 4194304 -> "4MB".
[[nodiscard]] std::string format_size(uint64_t size_bytes);

// Bits per second from "100Mbps" (bits; decimal prefixes as networks count: 1 Mbps = 10^6 bit/s)
// or "10MBps" (bytes; binary prefixes as sizes count: 1 MBps = 1024^2 B/s). Units: bps, Kbps
// (or kbps), Mbps, Gbps, Bps, KBps, MBps, GBps.
[[nodiscard]] ParsedValue<uint64_t> parse_bandwidth(std::string_view text);

// The shorter of the exact bit and byte spellings (bits on a tie): 100000000 -> "100Mbps",
// 838860800 -> "100MBps".
[[nodiscard]] std::string format_bandwidth(uint64_t bits_per_second);

// A plain decimal integer: "0" or digits without a leading zero. Refuses what YAML 1.1 would read
// as something else or what looks like a mistake: "010" (octal), "0x10", "1e3", "+5", "-1",
// "1_000", "1.0".
[[nodiscard]] ParsedValue<uint64_t> parse_unsigned(std::string_view text);

// A multiplier such as "2" or "1.5" in thousandths (2000, 1500); at most three decimals.
[[nodiscard]] ParsedValue<uint32_t> parse_multiplier_milli(std::string_view text);

// 2000 -> "2", 1500 -> "1.5", 1125 -> "1.125".
[[nodiscard]] std::string format_multiplier_milli(uint32_t multiplier_milli);

}  // namespace distsim::sim
