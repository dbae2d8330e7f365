// The scenario loader's entry points: a file or text to a Scenario (or every error of the file at
// once), and a retry policy file for `distsim compare` and `run --policy`. The top level is read
// here in the order later sections depend on; each section has its own loader_*.cpp. yaml-cpp's
// exceptions and any other failure short of a bug in distsim become positioned errors here.
#include "sim/scenario/scenario_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <variant>
#include <vector>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/scenario/loader_context.h"
#include "sim/scenario/source_text.h"
#include "sim/scenario/value_parse.h"

namespace distsim::sim::loader_internal {
namespace {

constexpr std::array<std::string_view, 12> kTopKeys{
    "version",  "name",    "description", "seed",
    "until",    "site",    "filesystem",  "distribution_points",
    "packages", "holders", "faults",      "expect"};

void load_header(Context& ctx, const MapView& top, Scenario& scenario) {
  if (const uint32_t version = require(ctx, top, "version", "the scenario"); version != kNoNode) {
    const auto value = read_uint(ctx, version, "version");
    if (value && *value != 1) {
      ctx.error(version,
                fmt::format("unsupported version {}; this distsim reads version 1", *value));
    }
  }
  if (const uint32_t name = require(ctx, top, "name", "the scenario"); name != kNoNode) {
    scenario.name = read_name(ctx, name, "name").value_or("");
  }
  if (const uint32_t description = top.value("description"); description != kNoNode) {
    if (ctx.node(description).kind != YamlNode::Kind::null) {
      scenario.description = read_scalar(ctx, description, "description").value_or("");
    }
  }
  if (const uint32_t seed = top.value("seed"); seed != kNoNode) {
    scenario.seed = read_uint(ctx, seed, "seed").value_or(0);
  }
  if (const uint32_t until = top.value("until"); until != kNoNode) {
    const auto value = read_positive_duration(ctx, until, "until");
    if (value && *value > kRunHorizonMaxUs) {
      ctx.error(until, fmt::format("'until' is {}, more than kRunHorizonMaxUs ({})",
                                   format_duration(*value), format_duration(kRunHorizonMaxUs)));
    } else if (value) {
      scenario.until_us = *value;
    }
  }
  ctx.until_us = scenario.until_us;
}

// The value of an optional section, or kNoNode when absent or written with nothing after it.
uint32_t section(const Context& ctx, const MapView& top, std::string_view key) {
  const uint32_t value = top.value(key);
  if (value == kNoNode || ctx.node(value).kind == YamlNode::Kind::null) return kNoNode;
  return value;
}

// The top-level keys of the document and their values, in order; the document is a mapping.
struct TopKey {
  std::string_view key;
  uint32_t value = kNoNode;
};
std::vector<TopKey> top_keys(const Context& ctx) {
  std::vector<TopKey> keys;
  const YamlNode& root = ctx.node(ctx.tree.root);
  for (size_t index = 0; index + 1 < root.children.size(); index += 2) {
    const YamlNode& key = ctx.node(root.children[index]);
    if (key.kind == YamlNode::Kind::scalar) keys.push_back({key.value, root.children[index + 1]});
  }
  return keys;
}

const TopKey* find_key(const std::vector<TopKey>& keys, std::string_view key) {
  const auto found =
      std::find_if(keys.begin(), keys.end(), [key](const TopKey& each) { return each.key == key; });
  return found == keys.end() ? nullptr : &*found;
}

void load_sections(Context& ctx, Scenario& scenario) {
  const uint32_t root = ctx.tree.root;
  if (root == kNoNode) {
    ctx.diagnostics.add(SourcePosition{1, 1},
                        "the file is empty; a scenario needs at least 'version' and 'name'");
    return;
  }
  if (ctx.node(root).kind != YamlNode::Kind::mapping) {
    ctx.error(root,
              "the top level of a scenario must be a mapping of keys such as 'version' "
              "and 'name'");
    return;
  }
  // A policy file given as a scenario would give a line per key; one line says what it is. Only
  // a file with nothing but a policy's keys is taken for one: a scenario with a stray 'retry'
  // gets all its errors.
  if (const auto keys = top_keys(ctx);
      find_key(keys, "retry") != nullptr &&
      std::all_of(keys.begin(), keys.end(),
                  [](const TopKey& each) { return each.key == "retry" || each.key == "name"; })) {
    ctx.error(root,
              "this is a retry policy file (it has 'retry' and no 'version'), not a scenario: "
              "give it to distsim run or distsim compare with --policy");
    return;
  }
  const MapView top = read_map(ctx, root, "the scenario", KeySet{"the scenario", kTopKeys});
  // Order matters: `until` bounds every time, the site code checks package ids, DPs and
  // packages are referred to by everything after them.
  load_header(ctx, top, scenario);
  if (const uint32_t site = section(ctx, top, "site"); site != kNoNode) {
    load_site(ctx, site, scenario.site);
  }
  if (const uint32_t dps = top.value("distribution_points"); dps != kNoNode) {
    load_distribution_points(ctx, dps, scenario);
  }
  if (const uint32_t packages = top.value("packages"); packages != kNoNode) {
    load_packages(ctx, packages, scenario);
  }
  if (const uint32_t filesystem = top.value("filesystem"); filesystem != kNoNode) {
    load_filesystem(ctx, filesystem, scenario);
  }
  if (const uint32_t holders = top.value("holders"); holders != kNoNode) {
    load_holders(ctx, holders, scenario);
  }
  if (const uint32_t faults = top.value("faults"); faults != kNoNode) {
    load_faults(ctx, faults, scenario);
  }
  if (const uint32_t expect = section(ctx, top, "expect"); expect != kNoNode) {
    load_expect(ctx, expect, scenario.expect);
  }
}

// The text of a file of at most kScenarioFileBytesMax bytes, or the reason it cannot be had.
std::variant<std::string, std::string> read_whole_file(const std::string& path) {
  // A directory opens as a stream on Linux and fails only at the first read, without a reason.
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return std::variant<std::string, std::string>(std::in_place_index<1>,
                                                  "this is a directory; give a file");
  }
  // Opening a FIFO would wait for a writer; a device may never end.
  const auto status = std::filesystem::status(path, ignored);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    return std::variant<std::string, std::string>(
        std::in_place_index<1>,
        "this is not a regular file (a FIFO, device or socket); give a file");
  }
  std::ifstream input(path, std::ios::binary);
  if (!input.is_open()) {
    const int open_errno = errno;  // read before anything else can change it
    if (path == "-" && open_errno == ENOENT) {
      return std::variant<std::string, std::string>(std::in_place_index<1>,
                                                    std::string(kStandardInputRefused));
    }
    return std::variant<std::string, std::string>(
        std::in_place_index<1>, fmt::format("cannot open the file: {}", std::strerror(open_errno)));
  }
  std::string text;
  std::array<char, 64 * 1024> buffer{};
  while (input.read(buffer.data(), buffer.size()) || input.gcount() > 0) {
    text.append(buffer.data(), static_cast<size_t>(input.gcount()));
    if (text.size() > kScenarioFileBytesMax) {
      return std::variant<std::string, std::string>(
          std::in_place_index<1>,
          fmt::format("the file is larger than kScenarioFileBytesMax ({} bytes)",
                      kScenarioFileBytesMax));
    }
  }
  if (input.bad()) {
    return std::variant<std::string, std::string>(std::in_place_index<1>, "cannot read the file");
  }
  return std::variant<std::string, std::string>(std::in_place_index<0>, std::move(text));
}

// The tree of `text` once it passes the text rule (source_text.h), which is checked first so that
// YAML never sees an invalid byte or a control character and a lone CR still ends a line.
std::optional<YamlTree> build_checked_tree(std::string_view text, Diagnostics& diagnostics) {
  const PreparedSourceText prepared = prepare_source_text(text);
  if (prepared.problem) {
    diagnostics.add(prepared.problem->position, prepared.problem->message);
    return std::nullopt;
  }
  return build_tree(prepared.text, diagnostics);
}

constexpr std::array<std::string_view, 2> kPolicyKeys{"name", "retry"};

void load_policy_sections(Context& ctx, PolicyFile& policy) {
  const uint32_t root = ctx.tree.root;
  if (root == kNoNode || ctx.node(root).kind != YamlNode::Kind::mapping) {
    ctx.diagnostics.add(SourcePosition{1, 1},
                        "a policy file is a mapping with 'retry' (and an optional 'name')");
    return;
  }
  // A scenario given as a policy, or retry keys written at the top level, would give a line per
  // key; one line says what is wrong.
  const auto keys = top_keys(ctx);
  const TopKey* retry_key = find_key(keys, "retry");
  if (find_key(keys, "version") != nullptr && retry_key == nullptr) {
    ctx.error(root,
              "this is a scenario (it has 'version'), not a retry policy file: a policy file holds "
              "a 'retry' mapping and an optional 'name', like scenarios/policies/sms2-hourly.yml");
    return;
  }
  // Retry keys at the top level, with no 'retry' or an empty one above them: not indented.
  if (retry_key == nullptr || ctx.node(retry_key->value).kind == YamlNode::Kind::null) {
    std::vector<std::string_view> flat;
    for (const TopKey& each : keys) {
      if (is_retry_key(each.key) && std::find(flat.begin(), flat.end(), each.key) == flat.end()) {
        flat.push_back(each.key);
      }
    }
    if (!flat.empty()) {
      ctx.error(root,
                fmt::format("'{}' belong{} under a 'retry' mapping: {} the retry keys below it",
                            fmt::join(flat, "', '"), flat.size() == 1 ? "s" : "",
                            retry_key == nullptr ? "write 'retry:' and indent" : "indent"));
      return;
    }
  }
  const MapView top = read_map(ctx, root, "the policy", KeySet{"the policy", kPolicyKeys});
  if (const uint32_t name = top.value("name"); name != kNoNode) {
    if (auto text = read_name(ctx, name, "name")) policy.name = std::move(*text);
  }
  const uint32_t retry = top.value("retry");
  if (retry == kNoNode) {
    ctx.diagnostics.add(ctx.node(root).position, "a policy file needs a 'retry' mapping");
    return;
  }
  load_retry(ctx, retry, policy.retry);
}

}  // namespace
}  // namespace distsim::sim::loader_internal

namespace distsim::sim {
namespace {

using loader_internal::build_checked_tree;
using loader_internal::Context;
using loader_internal::Diagnostics;
using loader_internal::load_policy_sections;
using loader_internal::load_sections;
using loader_internal::read_whole_file;

LoadResult single_error(const std::string& file, std::string message) {
  LoadResult result;
  result.errors.push_back(ScenarioError{file, 0, 0, std::move(message)});
  return result;
}

}  // namespace

std::string ScenarioError::to_string() const {
  if (line == 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

LoadResult load_scenario_text(std::string_view text, const std::string& file_name) {
  if (text.size() > kScenarioFileBytesMax) {
    return single_error(file_name, fmt::format("the file is larger than kScenarioFileBytesMax "
                                               "({} bytes)",
                                               kScenarioFileBytesMax));
  }
  Diagnostics diagnostics(file_name);
  Scenario scenario;
  scenario.file = file_name;
  try {
    if (const auto tree = build_checked_tree(text, diagnostics)) {
      Context ctx(*tree, diagnostics);
      load_sections(ctx, scenario);
    }
  } catch (const AssertionFailure&) {
    throw;  // a bug in distsim, not in the file: the CLI reports it with exit status 3
  } catch (const std::exception& error) {
    diagnostics.add(SourcePosition{1, 1},
                    fmt::format("cannot load the scenario: {}", error.what()));
  }
  LoadResult result;
  if (diagnostics.empty()) {
    result.scenario = std::move(scenario);
  } else {
    result.errors = diagnostics.take_sorted();
  }
  return result;
}

LoadResult load_scenario_file(const std::string& path) {
  auto text = read_whole_file(path);
  if (text.index() == 1) return single_error(path, std::get<1>(std::move(text)));
  return load_scenario_text(std::get<0>(text), path);
}

PolicyLoadResult load_policy_text(std::string_view text, const std::string& file_name) {
  Diagnostics diagnostics(file_name);
  PolicyFile policy;
  policy.file = file_name;
  policy.name = file_name.substr(file_name.find_last_of('/') + 1);
  try {
    if (const auto tree = build_checked_tree(text, diagnostics)) {
      Context ctx(*tree, diagnostics);
      load_policy_sections(ctx, policy);
    }
  } catch (const AssertionFailure&) {
    throw;
  } catch (const std::exception& error) {
    diagnostics.add(SourcePosition{1, 1}, fmt::format("cannot load the policy: {}", error.what()));
  }
  PolicyLoadResult result;
  if (diagnostics.empty()) {
    result.policy = std::move(policy);
  } else {
    result.errors = diagnostics.take_sorted();
  }
  return result;
}

PolicyLoadResult load_policy_file(const std::string& path) {
  auto text = read_whole_file(path);
  if (text.index() == 1) {
    PolicyLoadResult result;
    result.errors = single_error(path, std::get<1>(std::move(text))).errors;
    return result;
  }
  return load_policy_text(std::get<0>(text), path);
}

}  // namespace distsim::sim
