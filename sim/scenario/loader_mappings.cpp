// Access to the YAML tree with positioned errors: mappings and the keys they accept, scalars,
// the action key of an entry, and the suggestions that follow an unknown or misspelt name.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "model/assert.h"
#include "sim/core/spelling.h"
#include "sim/scenario/loader_context.h"

namespace distsim::sim::loader_internal {

std::string join(KeyList names) {
  std::string text;
  for (const std::string_view name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

// "; did you mean 'X'?" or "; expected one of A, B".
std::string hint(std::string_view word, KeyList candidates) {
  if (const auto suggestion = suggest(word, candidates)) {
    return fmt::format("; did you mean '{}'?", *suggestion);
  }
  return fmt::format("; expected one of {}", join(candidates));
}

// "; did you mean 'X'?" for a reference to a name the scenario does not declare; nothing when no
// declared name is close (or there are too many to compare cheaply).
std::string reference_hint(std::string_view word, const std::vector<std::string_view>& names) {
  constexpr size_t kCandidatesMax = 1'000;
  if (names.empty()) return "; the scenario declares none";
  if (names.size() > kCandidatesMax) return "";
  const auto suggestion = suggest(word, names);
  return suggestion ? fmt::format("; did you mean '{}'?", *suggestion) : "";
}

// "a 'close' step", "an 'open' step": the article the phrase needs.
std::string with_article(std::string_view phrase) {
  DISTSIM_ASSERT(!phrase.empty());
  const char first = phrase[0] == '\'' && phrase.size() > 1 ? phrase[1] : phrase[0];
  const bool vowel = std::string_view("aeiou").find(first) != std::string_view::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", phrase);
}

bool contains(KeyList keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// All entries of a mapping (keys chosen by the user, e.g. package ids), or an invalid view after
// reporting that the value is not a mapping. `subject` is "'site'" or "each entry of 'holders'".
MapView read_any_map(const Context& ctx, uint32_t index, std::string_view subject) {
  const YamlNode& node = ctx.node(index);
  if (node.kind != YamlNode::Kind::mapping) {
    ctx.error(index,
              fmt::format("expected a mapping for {}, got {}", subject, describe(node.kind)));
    return MapView{};
  }
  std::vector<MapEntry> entries;
  std::set<std::string_view> seen;
  for (size_t child = 0; child + 1 < node.children.size(); child += 2) {
    const uint32_t key_index = node.children[child];
    const YamlNode& key = ctx.node(key_index);
    if (key.kind != YamlNode::Kind::scalar) continue;  // reported by the builder
    if (!seen.insert(key.value).second) continue;      // a duplicate, reported by the builder
    entries.push_back(MapEntry{key.value, key_index, node.children[child + 1]});
  }
  return MapView{index, std::move(entries)};
}

MapView read_map(const Context& ctx, uint32_t index, std::string_view subject, const KeySet& keys) {
  MapView all = read_any_map(ctx, index, subject);
  if (!all.valid()) return all;
  std::vector<MapEntry> accepted;
  for (const MapEntry& entry : all.entries()) {
    if (contains(keys.allowed, entry.key)) {
      accepted.push_back(entry);
    } else if (contains(keys.reported_elsewhere, entry.key)) {
      continue;
    } else if (contains(keys.not_applicable, entry.key)) {
      ctx.error(entry.key_index,
                fmt::format("key '{}' does not apply to {}{}", entry.key, keys.applies_to,
                            keys.kinds_taking == nullptr
                                ? std::string()
                                : fmt::format("; it belongs to {}", keys.kinds_taking(entry.key))));
    } else if (entry.key == "<<") {
      // YAML 1.1's merge key, which YAML 1.2 (the loader's) does not have.
      ctx.error(entry.key_index,
                fmt::format("YAML merge keys ('<<') are not supported in {}; write the keys out, "
                            "or alias the whole mapping (key: *name)",
                            keys.what));
    } else {
      ctx.error(entry.key_index, fmt::format("unknown key '{}' in {}{}", entry.key, keys.what,
                                             hint(entry.key, keys.allowed)));
    }
  }
  return MapView{index, std::move(accepted)};
}

// The value of a required key, or kNoNode after reporting it missing at the mapping.
uint32_t require(const Context& ctx, const MapView& map, std::string_view key,
                 std::string_view what) {
  if (!map.valid()) return kNoNode;
  const uint32_t value = map.value(key);
  if (value == kNoNode)
    ctx.error(map.index(), fmt::format("missing required key '{}' in {}", key, what));
  return value;
}

std::optional<std::string_view> read_scalar(const Context& ctx, uint32_t index,
                                            std::string_view key) {
  const YamlNode& node = ctx.node(index);
  if (node.kind == YamlNode::Kind::scalar) return std::string_view(node.value);
  if (node.kind == YamlNode::Kind::null) {
    ctx.error(index, fmt::format("missing value for '{}'", key));
  } else {
    ctx.error(index,
              fmt::format("expected a single value for '{}', got {}", key, describe(node.kind)));
  }
  return std::nullopt;
}

// A scalar written without quotes: numbers and booleans, which quotes would make strings.
std::optional<std::string_view> read_plain(const Context& ctx, uint32_t index, std::string_view key,
                                           std::string_view expected) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  if (!ctx.node(index).plain) {
    ctx.error(index, fmt::format("expected {} for '{}', got the quoted string '{}'", expected, key,
                                 *text));
    return std::nullopt;
  }
  return text;
}

// The first of `keys` present in the raw mapping at `index`, reporting none or several.
std::optional<std::string_view> find_action_key(const Context& ctx, uint32_t index, KeyList keys,
                                                std::string_view what) {
  const MapView all = read_any_map(ctx, index, fmt::format("each entry of {}", what));
  if (!all.valid()) return std::nullopt;
  const MapEntry* first = nullptr;
  for (const MapEntry& entry : all.entries()) {
    if (!contains(keys, entry.key)) continue;
    if (first == nullptr) {
      first = &entry;
    } else {
      ctx.error(entry.key_index, fmt::format("an entry of {} takes one of {}; '{}' follows '{}'",
                                             what, join(keys), entry.key, first->key));
    }
  }
  if (first == nullptr) {
    ctx.error(index, fmt::format("an entry of {} needs one of {}", what, join(keys)));
    return std::nullopt;
  }
  return first->key;
}

}  // namespace distsim::sim::loader_internal
