// Fuzz target: the scenario and policy loaders on arbitrary text, and the writer on whatever the
// scenario loader accepts.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "sim/core/limits.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "tools/fuzz/fuzz_targets.h"

namespace distsim::fuzz {
namespace {

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF). The loader refuses other text, and the writer relies on that.
bool valid_utf8(std::string_view text) {
  size_t at = 0;
  while (at < text.size()) {
    const auto lead = static_cast<unsigned char>(text[at]);
    size_t length = 0;
    uint32_t minimum = 0;
    uint32_t code = 0;
    if (lead < 0x80) {
      ++at;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2, minimum = 0x80, code = lead & 0x1fu;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3, minimum = 0x800, code = lead & 0x0fu;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4, minimum = 0x10000, code = lead & 0x07u;
    } else {
      return false;
    }
    if (at + length > text.size()) return false;
    for (size_t index = 1; index < length; ++index) {
      const auto next = static_cast<unsigned char>(text[at + index]);
      if ((next & 0xc0u) != 0x80u) return false;
      code = (code << 6) | (next & 0x3fu);
    }
    if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    at += length;
  }
  return true;
}

template <typename Result>
void check_shape(const Result& result, bool loaded, std::string_view what, std::string_view text) {
  if (loaded == !result.errors.empty()) {
    property_failed(fmt::format("{}: a load gives either a value or errors", what), text);
  }
  if (result.errors.size() > sim::kScenarioErrorsMax) {
    property_failed(fmt::format("{}: more than kScenarioErrorsMax errors", what), text);
  }
  for (const auto& error : result.errors) {
    if (error.message.empty()) property_failed(fmt::format("{}: an empty message", what), text);
  }
}

}  // namespace

void scenario_loader(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const sim::PolicyLoadResult policy = sim::load_policy_text(text, "fuzz.yml");
  check_shape(policy, policy.policy.has_value(), "policy loader", text);
  const sim::LoadResult loaded = sim::load_scenario_text(text, "fuzz.yaml");
  check_shape(loaded, loaded.scenario.has_value(), "scenario loader", text);
  if (!loaded.scenario) return;
  if (!valid_utf8(text)) property_failed("the loader accepted text that is not UTF-8", text);
  const std::string written = sim::write_scenario_yaml(*loaded.scenario);
  const sim::LoadResult again = sim::load_scenario_text(written, "fuzz.yaml");
  if (!again.scenario) {
    property_failed(fmt::format("the writer's YAML does not load again: {}\n--- written:\n{}",
                                again.errors.front().to_string(), written),
                    text);
  }
  const std::string rewritten = sim::write_scenario_yaml(*again.scenario);
  if (rewritten != written) {
    property_failed(fmt::format("writing the reloaded scenario changes the YAML\n--- first:\n{}"
                                "--- second:\n{}",
                                written, rewritten),
                    text);
  }
}

}  // namespace distsim::fuzz
