// The table of fuzz targets and the report of a broken property.
#include "tools/fuzz/fuzz_targets.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace distsim::fuzz {
namespace {

constexpr size_t kShownInputBytesMax = 400;

constexpr std::array<Target, 5> kTargets{{
    {"scenario_loader", &scenario_loader},
    {"scenario_run", &scenario_run},
    {"windows_path", &windows_path},
    {"value_parse", &value_parse},
    {"trace_jsonl", &trace_jsonl},
}};

std::string escaped(std::string_view input) {
  std::string text;
  for (const char character : input.substr(0, kShownInputBytesMax)) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      text += character;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      text += "\\x";
      text += kHex[byte >> 4];
      text += kHex[byte & 0xf];
    }
  }
  if (input.size() > kShownInputBytesMax) text += "...";
  return text;
}

}  // namespace

std::span<const Target> all_targets() { return kTargets; }

void property_failed(std::string_view what, std::string_view input) {
  std::fprintf(stderr, "fuzz property failed: %.*s\ninput (%zu bytes): %s\n",
               static_cast<int>(what.size()), what.data(), input.size(), escaped(input).c_str());
  std::abort();
}

}  // namespace distsim::fuzz
