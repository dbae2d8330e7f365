// The readers of scalar values (text, names, booleans, numbers, durations, sizes, bandwidths), of
// lists, flag sets and Win32 error names, and of the drawn durations and count ranges built on
// them. Each reports its own error at the value and returns nullopt after one.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>

#include "model/assert.h"
#include "sim/scenario/loader_context.h"
#include "sim/scenario/value_parse.h"

namespace distsim::sim::loader_internal {
namespace {

bool is_yaml11_boolean(std::string_view text) {
  constexpr std::array<std::string_view, 19> kWords{
      "y",  "Y",  "yes", "Yes", "YES", "n",   "N",    "no",   "No",   "NO",
      "on", "On", "ON",  "off", "Off", "OFF", "True", "TRUE", "False"};
  return contains(kWords, text) || text == "FALSE";
}

bool check_bounds(const Context& ctx, uint32_t index, std::string_view key, uint64_t value,
                  const Bounds& bounds) {
  if (value < bounds.min) {
    ctx.error(index, fmt::format("'{}' must be at least {}, got {}", key, bounds.min, value));
    return false;
  }
  if (value > bounds.max) {
    if (bounds.limit_name.empty()) {
      ctx.error(index, fmt::format("'{}' must be at most {}, got {}", key, bounds.max, value));
    } else {
      ctx.error(index, fmt::format("'{}' is {}, more than {} ({})", key, value, bounds.limit_name,
                                   bounds.max));
    }
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> read_text(const Context& ctx, uint32_t index, std::string_view key,
                                     uint32_t length_max, std::string_view limit_name) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  if (text->empty()) {
    ctx.error(index, fmt::format("'{}' must not be empty", key));
    return std::nullopt;
  }
  if (text->size() > length_max) {
    ctx.error(index,
              fmt::format("'{}' is longer than {} ({} characters)", key, limit_name, length_max));
    return std::nullopt;
  }
  return std::string(*text);
}

std::optional<std::string> read_name(const Context& ctx, uint32_t index, std::string_view key) {
  auto name = read_text(ctx, index, key, kNameLengthMax, "kNameLengthMax");
  if (!name) return std::nullopt;
  // A name is one line of every report, log line and status message that shows it: a line
  // break (a `|` block) or a tab would split or shift those lines.
  const auto control = std::find_if(name->begin(), name->end(), [](char each) {
    const auto code = static_cast<unsigned char>(each);
    return code < 0x20 || code == 0x7f;
  });
  if (control != name->end()) {
    ctx.error(index, fmt::format("'{}' contains a control character (U+{:04X}, {}); a name is one "
                                 "line of plain text",
                                 key, static_cast<unsigned char>(*control),
                                 *control == '\n' ? "a line break" : "not a printable character"));
    return std::nullopt;
  }
  return name;
}

std::optional<bool> read_bool(const Context& ctx, uint32_t index, std::string_view key) {
  const auto text = read_plain(ctx, index, key, "true or false");
  if (!text) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  if (is_yaml11_boolean(*text)) {
    ctx.error(index, fmt::format("'{}' is not accepted as a boolean for '{}'; write true or false",
                                 *text, key));
  } else {
    ctx.error(index, fmt::format("expected true or false for '{}', got '{}'", key, *text));
  }
  return std::nullopt;
}

std::optional<uint64_t> read_uint(const Context& ctx, uint32_t index, std::string_view key,
                                  const Bounds& bounds) {
  const auto text = read_plain(ctx, index, key, "a whole number");
  if (!text) return std::nullopt;
  const auto parsed = parse_unsigned(*text);
  if (parsed.too_large && bounds.max < std::numeric_limits<uint64_t>::max()) {
    // Past 64 bits, and so past the key's own bound: say that bound.
    ctx.error(index, bounds.limit_name.empty()
                         ? fmt::format("'{}' must be at most {}, got {}", key, bounds.max, *text)
                         : fmt::format("'{}' is {}, more than {} ({})", key, *text,
                                       bounds.limit_name, bounds.max));
    return std::nullopt;
  }
  if (!parsed.ok()) {
    ctx.error(index, fmt::format("bad value for '{}': {}", key, parsed.error));
    return std::nullopt;
  }
  if (!check_bounds(ctx, index, key, *parsed.value, bounds)) return std::nullopt;
  return parsed.value;
}

std::optional<uint32_t> read_uint32(const Context& ctx, uint32_t index, std::string_view key,
                                    Bounds bounds) {
  bounds.max = std::min<uint64_t>(bounds.max, std::numeric_limits<uint32_t>::max());
  const auto value = read_uint(ctx, index, key, bounds);
  if (!value) return std::nullopt;
  return static_cast<uint32_t>(*value);
}

std::optional<TimeUs> read_duration(const Context& ctx, uint32_t index, std::string_view key) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  const auto parsed = parse_duration(*text);
  if (!parsed.ok() && !parsed.too_large) {
    ctx.error(index, fmt::format("bad value for '{}': {}", key, parsed.error));
    return std::nullopt;
  }
  // No time of a run is longer than the longest run, and sums of such times cannot wrap.
  if (parsed.too_large || *parsed.value > kRunHorizonMaxUs) {
    ctx.error(index, fmt::format("'{}' is {}, more than kRunHorizonMaxUs ({})", key, *text,
                                 format_duration(kRunHorizonMaxUs)));
    return std::nullopt;
  }
  return parsed.value;
}

std::optional<TimeUs> read_positive_duration(const Context& ctx, uint32_t index,
                                             std::string_view key) {
  const auto value = read_duration(ctx, index, key);
  if (value && *value == 0) {
    ctx.error(index, fmt::format("'{}' must be longer than 0s", key));
    return std::nullopt;
  }
  return value;
}

bool check_within_run(const Context& ctx, uint32_t index, std::string_view key, TimeUs time_us) {
  if (time_us <= ctx.until_us) return true;
  ctx.error(index, fmt::format("'{}' {} is past the end of the run (until {})", key,
                               format_duration(time_us), format_duration(ctx.until_us)));
  return false;
}

// A time of the run ("at", "until", "installed_by"): a duration from t = 0, at most `until`.
std::optional<TimeUs> read_time(const Context& ctx, uint32_t index, std::string_view key) {
  const auto value = read_duration(ctx, index, key);
  if (!value || !check_within_run(ctx, index, key, *value)) return std::nullopt;
  return value;
}

std::optional<uint64_t> read_size(const Context& ctx, uint32_t index, std::string_view key,
                                  const Bounds& bounds) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  const auto parsed = parse_size(*text);
  if (!parsed.ok() && (!parsed.too_large || bounds.limit_name.empty())) {
    ctx.error(index, fmt::format("bad value for '{}': {}", key, parsed.error));
    return std::nullopt;
  }
  if (parsed.too_large || *parsed.value > bounds.max) {
    ctx.error(index, fmt::format("'{}' is {}, more than {} ({})", key, *text, bounds.limit_name,
                                 format_size(bounds.max)));
    return std::nullopt;
  }
  return parsed.value;
}

// A byte count written as a size ("4KB") or, for offsets, a plain number of bytes ("0").
std::optional<uint64_t> read_byte_count(const Context& ctx, uint32_t index, std::string_view key) {
  const YamlNode& node = ctx.node(index);
  const bool digits_only = node.kind == YamlNode::Kind::scalar && node.plain &&
                           !node.value.empty() &&
                           std::all_of(node.value.begin(), node.value.end(),
                                       [](char c) { return c >= '0' && c <= '9'; });
  if (digits_only) return read_uint(ctx, index, key);
  return read_size(ctx, index, key, Bounds{});
}

std::optional<uint64_t> read_bandwidth(const Context& ctx, uint32_t index, std::string_view key) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  const auto parsed = parse_bandwidth(*text);
  if (!parsed.ok()) {
    ctx.error(index, fmt::format("bad value for '{}': {}", key, parsed.error));
    return std::nullopt;
  }
  if (*parsed.value == 0) {
    ctx.error(index, fmt::format("'{}' must be more than 0bps", key));
    return std::nullopt;
  }
  // Slower links would make the transfer time of a full volume overflow the time type.
  if (*parsed.value < kBandwidthBitsPerSecondMin) {
    ctx.error(index,
              fmt::format("'{}' is {}, less than the smallest bandwidth, {}bps ({}Bps; "
                          "scenarios/FORMAT.md, Limits)",
                          key, *text, kBandwidthBitsPerSecondMin, kBandwidthBitsPerSecondMin / 8));
    return std::nullopt;
  }
  return parsed.value;
}

void report_unknown_name(const Context& ctx, uint32_t index, std::string_view what,
                         std::string_view text, KeyList names) {
  ctx.error(index, fmt::format("unknown {} '{}'; expected one of {}", what, text, join(names)));
}

// The items of a list. A null value is an empty list when `null_is_empty` (an optional section
// written as `holders:` with nothing after it).
std::optional<std::span<const uint32_t>> read_list(const Context& ctx, uint32_t index,
                                                   std::string_view key, const Bounds& bounds,
                                                   bool null_is_empty) {
  const YamlNode& node = ctx.node(index);
  if (node.kind == YamlNode::Kind::null && null_is_empty) return std::span<const uint32_t>{};
  if (node.kind != YamlNode::Kind::sequence) {
    ctx.error(index, fmt::format("expected a list for '{}', got {}", key, describe(node.kind)));
    return std::nullopt;
  }
  if (node.children.size() < bounds.min) {
    ctx.error(index, fmt::format("'{}' needs at least {} entr{}", key, bounds.min,
                                 bounds.min == 1 ? "y" : "ies"));
    return std::nullopt;
  }
  if (node.children.size() > bounds.max) {
    ctx.error(index, fmt::format("'{}' has {} entries, more than {} ({})", key,
                                 node.children.size(), bounds.limit_name, bounds.max));
    return std::nullopt;
  }
  return std::span<const uint32_t>(node.children);
}

namespace {

constexpr std::array<std::string_view, 20> kAccessRightNames{"GENERIC_READ",
                                                             "GENERIC_WRITE",
                                                             "GENERIC_EXECUTE",
                                                             "GENERIC_ALL",
                                                             "DELETE",
                                                             "FILE_READ_DATA",
                                                             "FILE_WRITE_DATA",
                                                             "FILE_APPEND_DATA",
                                                             "FILE_EXECUTE",
                                                             "FILE_READ_ATTRIBUTES",
                                                             "FILE_WRITE_ATTRIBUTES",
                                                             "FILE_READ_EA",
                                                             "FILE_WRITE_EA",
                                                             "FILE_DELETE_CHILD",
                                                             "SYNCHRONIZE",
                                                             "READ_CONTROL",
                                                             "FILE_LIST_DIRECTORY",
                                                             "FILE_TRAVERSE",
                                                             "FILE_ADD_FILE",
                                                             "FILE_ADD_SUBDIRECTORY"};
constexpr std::array<std::string_view, 3> kShareFlagNames{"FILE_SHARE_READ", "FILE_SHARE_WRITE",
                                                          "FILE_SHARE_DELETE"};

// Reads a list of flag names into their OR; `lookup` maps one name to its bits.
template <size_t kSize>
std::optional<uint32_t> read_flags(const Context& ctx, uint32_t index, std::string_view key,
                                   std::optional<uint32_t> (*lookup)(std::string_view),
                                   const std::array<std::string_view, kSize>& names,
                                   std::string_view what) {
  const auto items = read_list(ctx, index, key, kFlagListBounds);
  if (!items) return std::nullopt;
  uint32_t bits = 0;
  bool all_known = true;
  for (const uint32_t item : *items) {
    const auto name = read_scalar(ctx, item, key);
    if (!name) {
      all_known = false;
      continue;
    }
    if (const auto flag = lookup(*name)) {
      bits |= *flag;
    } else {
      ctx.error(item, fmt::format("unknown {} '{}'{}", what, *name, hint(*name, names)));
      all_known = false;
    }
  }
  if (!all_known) return std::nullopt;
  return bits;
}

}  // namespace

std::optional<model::AccessMask> read_access(const Context& ctx, uint32_t index,
                                             std::string_view key) {
  const auto bits = read_flags(ctx, index, key, &model::access_right_from_name, kAccessRightNames,
                               "access right");
  if (!bits) return std::nullopt;
  return model::AccessMask{*bits};
}

std::optional<model::ShareMode> read_share(const Context& ctx, uint32_t index,
                                           std::string_view key) {
  const auto bits =
      read_flags(ctx, index, key, &model::share_flag_from_name, kShareFlagNames, "share flag");
  if (!bits) return std::nullopt;
  return model::ShareMode{*bits};
}

// A Win32 error name as winerror.h spells it, or `ok` where `allow_ok`.
std::optional<model::Win32Error> read_error(const Context& ctx, uint32_t index,
                                            std::string_view key, bool allow_ok) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  const auto error = model::win32_error_from_name(*text);
  if (!error) {
    const KeyList names =
        allow_ok ? model::win32_error_names() : model::win32_error_names().subspan(1);
    ctx.error(index,
              fmt::format("unknown error name '{}' in '{}'{}", *text, key, hint(*text, names)));
    return std::nullopt;
  }
  if (*error == model::Win32Error::ok && !allow_ok) {
    ctx.error(index, fmt::format("'ok' is not an error; '{}' lists error names", key));
    return std::nullopt;
  }
  return error;
}

namespace {

constexpr std::array<std::string_view, 2> kDistributionKeys{"uniform", "exponential"};

std::optional<DurationSpec> read_uniform(const Context& ctx, uint32_t index) {
  const auto items = read_list(ctx, index, "uniform", Bounds{2, 2, "two bounds"});
  if (!items) return std::nullopt;
  const auto low = read_duration(ctx, (*items)[0], "uniform");
  const auto high = read_duration(ctx, (*items)[1], "uniform");
  if (!low || !high) return std::nullopt;
  if (*low > *high) {
    ctx.error(index, fmt::format("the bounds of 'uniform' are reversed: {} is more than {}",
                                 format_duration(*low), format_duration(*high)));
    return std::nullopt;
  }
  return DurationSpec{DurationSpec::Kind::uniform, *low, *high};
}

}  // namespace

std::optional<DurationSpec> read_duration_spec(const Context& ctx, uint32_t index,
                                               std::string_view key) {
  if (ctx.node(index).kind != YamlNode::Kind::mapping) {
    const auto value = read_duration(ctx, index, key);
    if (!value) return std::nullopt;
    return DurationSpec{DurationSpec::Kind::constant, *value, 0};
  }
  const std::string subject = fmt::format("'{}'", key);
  const MapView map = read_map(ctx, index, subject, KeySet{"a distribution", kDistributionKeys});
  if (map.entries().size() != 1) {
    ctx.error(index, fmt::format("a distribution for '{}' needs exactly one of 'uniform' or "
                                 "'exponential'",
                                 key));
    return std::nullopt;
  }
  if (map.has("uniform")) return read_uniform(ctx, map.value("uniform"));
  const auto mean = read_positive_duration(ctx, map.value("exponential"), "exponential");
  if (!mean) return std::nullopt;
  return DurationSpec{DurationSpec::Kind::exponential, *mean, 0};
}

// The latest value a spec can take, for the check against `until` (exponential: unbounded).
std::optional<TimeUs> latest_value_us(const DurationSpec& spec) {
  switch (spec.kind) {
    case DurationSpec::Kind::constant:
      return spec.value_us;
    case DurationSpec::Kind::uniform:
      return spec.high_us;
    case DurationSpec::Kind::exponential:
      return std::nullopt;
  }
  DISTSIM_ASSERT(false);
}

std::optional<DurationSpec> read_positive_duration_spec(const Context& ctx, uint32_t index,
                                                        std::string_view key) {
  const auto spec = read_duration_spec(ctx, index, key);
  if (spec && spec->kind == DurationSpec::Kind::constant && spec->value_us == 0) {
    ctx.error(index, fmt::format("'{}' must be longer than 0s", key));
    return std::nullopt;
  }
  return spec;
}

// A count expectation: a whole number, or {min: a, max: b} with either bound optional.
std::optional<CountRange> read_count_range(const Context& ctx, uint32_t index,
                                           std::string_view key) {
  if (ctx.node(index).kind != YamlNode::Kind::mapping) {
    const auto exact = read_uint(ctx, index, key);
    if (!exact) return std::nullopt;
    return CountRange{*exact, *exact};
  }
  constexpr std::array<std::string_view, 2> kRangeKeys{"min", "max"};
  const MapView map = read_map(ctx, index, fmt::format("'{}'", key), KeySet{"a range", kRangeKeys});
  CountRange range{0, std::numeric_limits<uint64_t>::max()};
  bool ok = true;
  if (const uint32_t min = map.value("min"); min != kNoNode) {
    const auto value = read_uint(ctx, min, "min");
    ok = ok && value.has_value();
    range.min = value.value_or(0);
  }
  if (const uint32_t max = map.value("max"); max != kNoNode) {
    const auto value = read_uint(ctx, max, "max");
    ok = ok && value.has_value();
    range.max = value.value_or(range.max);
  }
  if (ok && range.min > range.max) {
    ctx.error(index, fmt::format("the range of '{}' is empty: min {} is more than max {}", key,
                                 range.min, range.max));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return range;
}

}  // namespace distsim::sim::loader_internal
