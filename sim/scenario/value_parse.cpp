// Parsing and formatting of durations, sizes, bandwidths, integers and multipliers. Every parser
// reads digits with explicit overflow checks and names the offending text in its error.
#include "sim/scenario/value_parse.h"

#include <fmt/format.h>

#include <array>
#include <limits>

#include "model/assert.h"
#include "sim/scenario/source_text.h"

namespace distsim::sim {
namespace {

struct Unit {
  std::string_view name;
  uint64_t factor;
};

constexpr uint64_t kSecondUs = static_cast<uint64_t>(model::kMicrosecondsPerSecond);

// Largest first: the order format_duration tries them in and parse_duration requires.
constexpr std::array kDurationUnits{
    Unit{"d", static_cast<uint64_t>(model::kMicrosecondsPerDay)},
    Unit{"h", static_cast<uint64_t>(model::kMicrosecondsPerHour)},
    Unit{"m", static_cast<uint64_t>(model::kMicrosecondsPerMinute)},
    Unit{"s", kSecondUs},
    Unit{"ms", static_cast<uint64_t>(model::kMicrosecondsPerMillisecond)},
    Unit{"us", 1},
};

constexpr uint64_t kKibi = 1024;
constexpr std::array kSizeUnits{
    Unit{"TB", kKibi* kKibi* kKibi* kKibi},
    Unit{"GB", kKibi* kKibi* kKibi},
    Unit{"MB", kKibi* kKibi},
    Unit{"KB", kKibi},
    Unit{"B", 1},
};

// Factors in bits per second.
constexpr std::array kBitRateUnits{
    Unit{"Gbps", 1'000'000'000}, Unit{"Mbps", 1'000'000}, Unit{"Kbps", 1'000},
    Unit{"kbps", 1'000},         Unit{"bps", 1},
};
constexpr std::array kByteRateUnits{
    Unit{"GBps", 8 * kKibi* kKibi* kKibi},
    Unit{"MBps", 8 * kKibi* kKibi},
    Unit{"KBps", 8 * kKibi},
    Unit{"Bps", 8},
};

constexpr std::string_view kDurationUnitList = "us, ms, s, m, h, d";
constexpr std::string_view kSizeUnitList = "B, KB, MB, GB, TB";
constexpr std::string_view kBandwidthUnitList = "bps, Kbps, Mbps, Gbps, Bps, KBps, MBps, GBps";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads the digits at `position`, advancing it. nullopt on overflow of uint64_t.
std::optional<uint64_t> read_digits(std::string_view text, size_t& position) {
  uint64_t value = 0;
  while (position < text.size() && is_digit(text[position])) {
    const auto digit = static_cast<uint64_t>(text[position] - '0');
    if (__builtin_mul_overflow(value, uint64_t{10}, &value)) return std::nullopt;
    if (__builtin_add_overflow(value, digit, &value)) return std::nullopt;
    ++position;
  }
  return value;
}

std::string_view read_letters(std::string_view text, size_t& position) {
  const size_t start = position;
  while (position < text.size() && is_letter(text[position])) ++position;
  return text.substr(start, position - start);
}

template <typename Table>
std::optional<size_t> find_unit(const Table& table, std::string_view name) {
  for (size_t index = 0; index < table.size(); ++index) {
    if (table[index].name == name) return index;
  }
  return std::nullopt;
}

// The checks every "integer + unit" value shares before its first digit.
std::optional<std::string> sign_error(std::string_view what, std::string_view text) {
  if (text.empty()) return fmt::format("empty {}", what);
  if (text[0] == '-') return fmt::format("negative {} '{}' is not allowed", what, text);
  if (text[0] == '+') return fmt::format("a leading '+' is not allowed in {} '{}'", what, text);
  if (!is_digit(text[0])) {
    return fmt::format("{} '{}' must start with a whole number, e.g. '{}'", what, text,
                       what == "duration" ? "90s" : (what == "size" ? "64KB" : "100Mbps"));
  }
  return std::nullopt;
}

std::optional<std::string> fraction_error(std::string_view what, std::string_view text,
                                          size_t position, std::string_view example) {
  if (position < text.size() && (text[position] == '.' || text[position] == ',')) {
    return fmt::format("fractions are not allowed in {} '{}'; use a smaller unit ({})", what, text,
                       example);
  }
  return std::nullopt;
}

// One "<digits><unit>" part of a size or bandwidth: the whole text.
struct NumberAndUnit {
  uint64_t number = 0;
  std::string_view unit;
};

ParsedValue<NumberAndUnit> split_number_and_unit(std::string_view what, std::string_view text,
                                                 std::string_view example,
                                                 std::string_view unit_list) {
  using Result = ParsedValue<NumberAndUnit>;
  if (auto error = sign_error(what, text)) return Result::failure(*error);
  size_t position = 0;
  const auto number = read_digits(text, position);
  if (!number) return Result::overflow(fmt::format("{} '{}' is too large", what, text));
  if (auto error = fraction_error(what, text, position, example)) return Result::failure(*error);
  const std::string_view unit = read_letters(text, position);
  if (position < text.size()) {
    return Result::failure(fmt::format("unexpected character '{}' in {} '{}'",
                                       character_text(text, position), what, text));
  }
  if (unit.empty()) {
    return Result::failure(fmt::format("{} '{}' has no unit; units are {}", what, text, unit_list));
  }
  return Result::success(NumberAndUnit{*number, unit});
}

std::optional<uint64_t> multiply(uint64_t number, uint64_t factor) {
  uint64_t product = 0;
  if (__builtin_mul_overflow(number, factor, &product)) return std::nullopt;
  return product;
}

}  // namespace

ParsedValue<model::TimeUs> parse_duration(std::string_view text) {
  using Result = ParsedValue<model::TimeUs>;
  if (auto error = sign_error("duration", text)) return Result::failure(*error);
  constexpr auto kTotalMax = static_cast<uint64_t>(std::numeric_limits<model::TimeUs>::max());
  uint64_t total_us = 0;
  size_t position = 0;
  std::optional<size_t> previous_unit;
  while (position < text.size()) {
    if (!is_digit(text[position])) {
      return Result::failure(fmt::format("unexpected character '{}' in duration '{}'",
                                         character_text(text, position), text));
    }
    const auto number = read_digits(text, position);
    if (!number) return Result::overflow(fmt::format("duration '{}' is too large", text));
    if (auto error = fraction_error("duration", text, position, "e.g. '90m' rather than '1.5h'")) {
      return Result::failure(*error);
    }
    const std::string_view unit = read_letters(text, position);
    if (unit.empty()) {
      if (position < text.size()) {
        return Result::failure(fmt::format("unexpected character '{}' in duration '{}'",
                                           character_text(text, position), text));
      }
      if (!previous_unit) {
        return Result::failure(
            fmt::format("duration '{}' has no unit; write e.g. '{}s' (units: {})", text, text,
                        kDurationUnitList));
      }
      return Result::failure(fmt::format("missing unit at the end of duration '{}'", text));
    }
    const auto unit_index = find_unit(kDurationUnits, unit);
    if (!unit_index) {
      return Result::failure(fmt::format("unknown unit '{}' in duration '{}'; units are {}", unit,
                                         text, kDurationUnitList));
    }
    if (previous_unit && *unit_index <= *previous_unit) {
      return Result::failure(fmt::format(
          "units out of order in duration '{}'; write each unit once, largest first", text));
    }
    previous_unit = unit_index;
    const auto part_us = multiply(*number, kDurationUnits[*unit_index].factor);
    if (!part_us || __builtin_add_overflow(total_us, *part_us, &total_us) || total_us > kTotalMax) {
      return Result::overflow(fmt::format("duration '{}' is too large", text));
    }
  }
  return Result::success(static_cast<model::TimeUs>(total_us));
}

std::string format_duration(model::TimeUs duration_us) {
  DISTSIM_ASSERT(duration_us >= 0);
  if (duration_us == 0) return "0s";
  const auto value = static_cast<uint64_t>(duration_us);
  for (const Unit& unit : kDurationUnits) {
    if (value % unit.factor == 0) return fmt::format("{}{}", value / unit.factor, unit.name);
  }
  DISTSIM_ASSERT(false);  // "us" divides everything
}

ParsedValue<uint64_t> parse_size(std::string_view text) {
  using Result = ParsedValue<uint64_t>;
  const auto split =
      split_number_and_unit("size", text, "e.g. '1536KB' rather than '1.5MB'", kSizeUnitList);
  if (!split.ok())
    return split.too_large ? Result::overflow(split.error) : Result::failure(split.error);
  const auto unit_index = find_unit(kSizeUnits, split.value->unit);
  if (!unit_index) {
    return Result::failure(fmt::format("unknown unit '{}' in size '{}'; units are {}",
                                       split.value->unit, text, kSizeUnitList));
  }
  const auto bytes = multiply(split.value->number, kSizeUnits[*unit_index].factor);
  if (!bytes) return Result::overflow(fmt::format("size '{}' is too large", text));
  return Result::success(*bytes);
}

std::string format_size(uint64_t size_bytes) {
  if (size_bytes == 0) return "0B";
  for (const Unit& unit : kSizeUnits) {
    if (size_bytes % unit.factor == 0)
      return fmt::format("{}{}", size_bytes / unit.factor, unit.name);
  }
  DISTSIM_ASSERT(false);  // "B" divides everything
}

ParsedValue<uint64_t> parse_bandwidth(std::string_view text) {
  using Result = ParsedValue<uint64_t>;
  const auto split = split_number_and_unit(
      "bandwidth", text, "e.g. '1500Kbps' rather than '1.5Mbps'", kBandwidthUnitList);
  if (!split.ok())
    return split.too_large ? Result::overflow(split.error) : Result::failure(split.error);
  std::optional<uint64_t> factor;
  if (const auto bit_index = find_unit(kBitRateUnits, split.value->unit)) {
    factor = kBitRateUnits[*bit_index].factor;
  } else if (const auto byte_index = find_unit(kByteRateUnits, split.value->unit)) {
    factor = kByteRateUnits[*byte_index].factor;
  }
  if (!factor) {
    return Result::failure(fmt::format("unknown unit '{}' in bandwidth '{}'; units are {}",
                                       split.value->unit, text, kBandwidthUnitList));
  }
  const auto bits = multiply(split.value->number, *factor);
  if (!bits) return Result::overflow(fmt::format("bandwidth '{}' is too large", text));
  return Result::success(*bits);
}

std::string format_bandwidth(uint64_t bits_per_second) {
  if (bits_per_second == 0) return "0bps";
  std::string bit_text;
  for (const Unit& unit : kBitRateUnits) {
    if (unit.name != "kbps" && bits_per_second % unit.factor == 0) {
      bit_text = fmt::format("{}{}", bits_per_second / unit.factor, unit.name);
      break;
    }
  }
  for (const Unit& unit : kByteRateUnits) {
    if (bits_per_second % unit.factor == 0) {
      std::string byte_text = fmt::format("{}{}", bits_per_second / unit.factor, unit.name);
      return byte_text.size() < bit_text.size() ? byte_text : bit_text;
    }
  }
  return bit_text;
}

ParsedValue<uint64_t> parse_unsigned(std::string_view text) {
  using Result = ParsedValue<uint64_t>;
  if (text.empty()) return Result::failure("expected a whole number, got nothing");
  if (text[0] == '+') {
    return Result::failure(fmt::format("a leading '+' is not allowed in '{}'", text));
  }
  if (text[0] == '-')
    return Result::failure(fmt::format("negative number '{}' is not allowed", text));
  if (text.size() > 1 && text[0] == '0' && is_letter(text[1])) {
    return Result::failure(
        fmt::format("'{}' is not a decimal number; write the value in decimal", text));
  }
  size_t position = 0;
  const auto value = read_digits(text, position);
  if (!value) {
    return Result::overflow(fmt::format("number '{}' is too large; the largest is {}", text,
                                        std::numeric_limits<uint64_t>::max()));
  }
  if (position == 0 || position < text.size()) {
    return Result::failure(fmt::format("'{}' is not a whole decimal number", text));
  }
  if (text.size() > 1 && text[0] == '0') {
    return Result::failure(fmt::format(
        "'{}' has a leading zero, which YAML 1.1 and C read as octal; write it without the zero",
        text));
  }
  return Result::success(*value);
}

ParsedValue<uint32_t> parse_multiplier_milli(std::string_view text) {
  using Result = ParsedValue<uint32_t>;
  const size_t dot = text.find('.');
  const std::string_view whole_text = text.substr(0, dot);
  const auto whole = parse_unsigned(whole_text);
  if (!whole.ok()) {
    return Result::failure(fmt::format("'{}' is not a number like 2 or 1.5", text));
  }
  uint64_t milli = 0;
  if (dot != std::string_view::npos) {
    const std::string_view fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.size() > 3) {
      return Result::failure(
          fmt::format("multiplier '{}' needs one to three digits after the point", text));
    }
    size_t position = 0;
    const auto digits = read_digits(fraction, position);
    if (position < fraction.size() || !digits) {
      return Result::failure(fmt::format("'{}' is not a number like 2 or 1.5", text));
    }
    milli = *digits;
    for (size_t scale = fraction.size(); scale < 3; ++scale) milli *= 10;
  }
  constexpr uint64_t kMilliMax = std::numeric_limits<uint32_t>::max();
  if (*whole.value > kMilliMax / 1000 || *whole.value * 1000 + milli > kMilliMax) {
    return Result::failure(fmt::format("multiplier '{}' is too large", text));
  }
  return Result::success(static_cast<uint32_t>(*whole.value * 1000 + milli));
}

std::string format_multiplier_milli(uint32_t multiplier_milli) {
  const uint32_t whole = multiplier_milli / 1000;
  uint32_t fraction = multiplier_milli % 1000;
  if (fraction == 0) return fmt::format("{}", whole);
  int digits = 3;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  return fmt::format("{}.{:0{}}", whole, fraction, digits);
}

}  // namespace distsim::sim
