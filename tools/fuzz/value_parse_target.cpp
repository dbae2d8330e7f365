// Fuzz target: the scalar value parsers of scenario files. Each either refuses with a message or
// gives a value that formats back to text parsing to the same value.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "sim/scenario/value_parse.h"
#include "tools/fuzz/fuzz_targets.h"

namespace distsim::fuzz {
namespace {

// One parser and its formatter: a refusal says why; a value survives format and parse.
template <typename Value, typename Parse, typename Format>
void round_trip(std::string_view name, std::string_view text, Parse parse, Format format) {
  const sim::ParsedValue<Value> parsed = parse(text);
  if (parsed.ok() == !parsed.error.empty()) {
    property_failed(fmt::format("{}: a value or a message, never both or neither", name), text);
  }
  if (!parsed.ok()) return;
  const std::string formatted = format(*parsed.value);
  const sim::ParsedValue<Value> again = parse(formatted);
  if (!again.ok() || *again.value != *parsed.value) {
    property_failed(fmt::format("{}: '{}' does not parse back to the same value", name, formatted),
                    text);
  }
}

}  // namespace

void value_parse(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  round_trip<model::TimeUs>("duration", text, sim::parse_duration, sim::format_duration);
  round_trip<uint64_t>("size", text, sim::parse_size, sim::format_size);
  round_trip<uint64_t>("bandwidth", text, sim::parse_bandwidth, sim::format_bandwidth);
  round_trip<uint32_t>("multiplier", text, sim::parse_multiplier_milli,
                       sim::format_multiplier_milli);
  round_trip<uint64_t>("unsigned", text, sim::parse_unsigned,
                       [](uint64_t value) { return std::to_string(value); });
}

}  // namespace distsim::fuzz
