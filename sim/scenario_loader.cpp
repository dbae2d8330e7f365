// The scenario loader. yaml-cpp's event parser feeds a small tree of our own that keeps every
// value's position and catches duplicate keys (yaml-cpp 0.7 keeps them silently); per-section
// readers then fill the Scenario and report every problem with its position.
#include "sim/scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <limits>
#include <map>
#include <span>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "model/assert.h"
#include "model/status_message.h"
#include "sim/limits.h"
#include "sim/value_parse.h"

namespace distsim::sim {
namespace {

using model::TimeUs;
using KeyList = std::span<const std::string_view>;

constexpr uint32_t kNoNode = std::numeric_limits<uint32_t>::max();

// ---------------------------------------------------------------------------------------------
// Diagnostics: the errors of one file.

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void add(SourcePosition position, std::string message) {
    DISTSIM_ASSERT(!message.empty());
    if (errors_.size() >= kScenarioErrorsMax) {
      truncated_ = true;
      return;
    }
    errors_.push_back(ScenarioError{file_, position.line, position.column, std::move(message)});
  }

  [[nodiscard]] bool empty() const { return errors_.empty(); }

  // Ordered by position; stable, so that two errors of one value keep the order they were found.
  [[nodiscard]] std::vector<ScenarioError> take_sorted() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& left, const auto& right) {
      return std::tie(left.line, left.column) < std::tie(right.line, right.column);
    });
    if (truncated_) {
      errors_.push_back(ScenarioError{
          file_, 0, 0,
          fmt::format("more errors not shown (kScenarioErrorsMax is {})", kScenarioErrorsMax)});
    }
    return std::move(errors_);
  }

 private:
  std::string file_;
  std::vector<ScenarioError> errors_;
  bool truncated_ = false;
};

// ---------------------------------------------------------------------------------------------
// The YAML tree: nodes in one vector, children by index; an alias shares the anchored node.

struct YamlNode {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  SourcePosition position;
  std::string value;  // scalar text
  bool plain = true;  // a scalar written without quotes
  std::vector<uint32_t> children;  // sequence: items; mapping: key, value, key, value, ...
};

struct YamlTree {
  std::vector<YamlNode> nodes;
  uint32_t root = kNoNode;
};

std::string_view describe(YamlNode::Kind kind) {
  switch (kind) {
    case YamlNode::Kind::null:
      return "nothing";
    case YamlNode::Kind::scalar:
      return "a single value";
    case YamlNode::Kind::sequence:
      return "a list";
    case YamlNode::Kind::mapping:
      return "a mapping";
  }
  DISTSIM_ASSERT(false);
}

SourcePosition position_of(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return SourcePosition{1, 1};
  return SourcePosition{static_cast<uint32_t>(mark.line) + 1,
                        static_cast<uint32_t>(mark.column) + 1};
}

// Thrown by the builder to stop the parse: a bound was exceeded (the error is reported), or a
// second document began (reported; the first is still loaded).
struct ParseAbort {
  SourcePosition position;
  std::string message;
};
struct StopAfterFirstDocument {};

class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(YamlTree& tree, Diagnostics& diagnostics) : tree_(tree), diagnostics_(diagnostics) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (document_seen_) {
      diagnostics_.add(position_of(mark),
                       "a scenario file holds one YAML document; remove the second one");
      throw StopAfterFirstDocument{};
    }
    document_seen_ = true;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode node;
    // A missing value is best shown at its key: yaml-cpp marks it on the next line.
    node.position = pending_key_position().value_or(position_of(mark));
    attach(add(std::move(node), anchor), mark);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= anchors_.size() || anchors_[anchor] == kNoNode) {
      throw ParseAbort{position_of(mark), "the alias refers to no anchor"};
    }
    const uint32_t index = anchors_[anchor];
    for (const Frame& frame : frames_) {
      if (frame.index == index) {
        throw ParseAbort{position_of(mark),
                         "an alias may not refer to a mapping or list that contains it"};
      }
    }
    attach(index, mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_tag(mark, tag);
    YamlNode node;
    node.kind = YamlNode::Kind::scalar;
    node.position = position_of(mark);
    node.value = value;
    node.plain = tag != "!";
    attach(add(std::move(node), anchor), mark);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(YamlNode::Kind::sequence, mark, tag, anchor);
  }
  void OnSequenceEnd() override { frames_.pop_back(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(YamlNode::Kind::mapping, mark, tag, anchor);
  }
  void OnMapEnd() override { frames_.pop_back(); }

 private:
  struct Frame {
    uint32_t index = kNoNode;
    std::map<std::string, SourcePosition, std::less<>> keys;  // for duplicate detection
    SourcePosition last_key_position;
  };

  uint32_t add(YamlNode node, YAML::anchor_t anchor) {
    if (tree_.nodes.size() >= kYamlNodesMax) {
      throw ParseAbort{node.position, fmt::format("the file holds more than kYamlNodesMax ({}) "
                                                  "values",
                                                  kYamlNodesMax)};
    }
    const auto index = static_cast<uint32_t>(tree_.nodes.size());
    tree_.nodes.push_back(std::move(node));
    if (anchor != 0) {
      if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, kNoNode);
      anchors_[anchor] = index;
    }
    return index;
  }

  void open(YamlNode::Kind kind, const YAML::Mark& mark, const std::string& tag,
            YAML::anchor_t anchor) {
    check_tag(mark, tag);
    if (frames_.size() >= kYamlDepthMax) {
      throw ParseAbort{position_of(mark),
                       fmt::format("values nested deeper than kYamlDepthMax ({})", kYamlDepthMax)};
    }
    YamlNode node;
    node.kind = kind;
    node.position = position_of(mark);
    const uint32_t index = add(std::move(node), anchor);
    attach(index, mark);
    frames_.push_back(Frame{index, {}, {}});
  }

  [[nodiscard]] std::optional<SourcePosition> pending_key_position() const {
    if (frames_.empty()) return std::nullopt;
    const YamlNode& parent = tree_.nodes[frames_.back().index];
    if (parent.kind != YamlNode::Kind::mapping || parent.children.size() % 2 == 0) {
      return std::nullopt;
    }
    return frames_.back().last_key_position;
  }

  void attach(uint32_t index, const YAML::Mark& mark) {
    if (frames_.empty()) {
      tree_.root = index;
      return;
    }
    Frame& frame = frames_.back();
    const YamlNode& parent = tree_.nodes[frame.index];
    if (parent.kind == YamlNode::Kind::mapping && parent.children.size() % 2 == 0) {
      check_key(frame, index, mark);
    }
    tree_.nodes[frame.index].children.push_back(index);
  }

  void check_key(Frame& frame, uint32_t index, const YAML::Mark& mark) {
    const YamlNode& key = tree_.nodes[index];
    frame.last_key_position = position_of(mark);
    if (key.kind != YamlNode::Kind::scalar) {
      diagnostics_.add(position_of(mark), "a mapping key must be a single value");
      return;
    }
    const auto [first, inserted] = frame.keys.emplace(key.value, position_of(mark));
    if (!inserted) {
      diagnostics_.add(position_of(mark), fmt::format("duplicate key '{}' (first at line {})",
                                                      key.value, first->second.line));
    }
  }

  void check_tag(const YAML::Mark& mark, const std::string& tag) {
    if (tag.empty() || tag == "?" || tag == "!") return;
    diagnostics_.add(position_of(mark),
                     fmt::format("explicit tag '{}' is not supported; remove it", tag));
  }

  YamlTree& tree_;
  Diagnostics& diagnostics_;
  std::vector<Frame> frames_;       // at most kYamlDepthMax
  std::vector<uint32_t> anchors_;  // anchor id -> node
  bool document_seen_ = false;
};

// The tree of the first document, or nullopt after a syntax error or an exceeded bound.
std::optional<YamlTree> build_tree(std::string_view text, Diagnostics& diagnostics) {
  YamlTree tree;
  std::istringstream input{std::string(text)};
  try {
    YAML::Parser parser(input);
    TreeBuilder builder(tree, diagnostics);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const StopAfterFirstDocument&) {
    // Reported by the builder; the first document is complete.
  } catch (const ParseAbort& abort) {
    diagnostics.add(abort.position, abort.message);
    return std::nullopt;
  } catch (const YAML::Exception& error) {
    diagnostics.add(position_of(error.mark), fmt::format("invalid YAML: {}", error.msg));
    return std::nullopt;
  }
  return tree;
}

// ---------------------------------------------------------------------------------------------
// Suggestions for misspelt names.

char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance (a transposition counts as one edit), ignoring ASCII case.
size_t edit_distance(std::string_view left, std::string_view right) {
  std::vector<size_t> before(right.size() + 1);
  std::vector<size_t> previous(right.size() + 1);
  std::vector<size_t> current(right.size() + 1);
  for (size_t column = 0; column <= right.size(); ++column) previous[column] = column;
  for (size_t row = 1; row <= left.size(); ++row) {
    current[0] = row;
    for (size_t column = 1; column <= right.size(); ++column) {
      const bool same = lower_ascii(left[row - 1]) == lower_ascii(right[column - 1]);
      current[column] = std::min({previous[column] + 1, current[column - 1] + 1,
                                  previous[column - 1] + (same ? 0 : 1)});
      if (row > 1 && column > 1 && lower_ascii(left[row - 1]) == lower_ascii(right[column - 2]) &&
          lower_ascii(left[row - 2]) == lower_ascii(right[column - 1])) {
        current[column] = std::min(current[column], before[column - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[right.size()];
}

std::optional<std::string_view> suggest(std::string_view word, KeyList candidates) {
  constexpr size_t kCompareLengthMax = 64;  // longer words are not typos of our names
  if (word.size() > kCompareLengthMax) return std::nullopt;
  const size_t threshold = word.size() <= 4 ? 1 : 2;
  std::optional<std::string_view> best;
  size_t best_distance = threshold + 1;
  for (const std::string_view candidate : candidates) {
    if (candidate.size() > kCompareLengthMax) continue;
    const size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

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

// ---------------------------------------------------------------------------------------------
// Reading values: each reader reports its own errors and returns nullopt after one.

struct PackageInfo {
  uint32_t line = 0;
  TimeUs at_us = 0;
  std::vector<std::string> dp_keys;  // upper-cased DP names; empty: every DP
};

struct Context {
  const YamlTree& tree;
  Diagnostics& diagnostics;
  TimeUs until_us = kRunHorizonDefaultUs;
  std::optional<std::string> site_code = "S01";  // nullopt when the written code was invalid
  std::map<std::string, uint32_t> dp_lines;      // upper-cased DP name -> line of its entry
  std::vector<std::string> dp_share_keys;        // upper-cased shares, explicit or default
  std::map<std::string, PackageInfo> packages;   // created package id -> its entry

  [[nodiscard]] const YamlNode& node(uint32_t index) const { return tree.nodes[index]; }
  void error(uint32_t index, std::string message) const {
    diagnostics.add(node(index).position, std::move(message));
  }
};

std::string upper_ascii(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return upper;
}

// The keys a mapping accepts. `not_applicable` are keys of the same family that do not apply to
// this kind of entry (a clearer message than "unknown"); `applies_to` names the kind.
struct KeySet {
  std::string_view what;  // "holder": "unknown key 'fro' in holder"
  KeyList allowed;
  KeyList not_applicable = {};
  std::string_view applies_to = {};  // "a temp_user holder"
};

struct MapEntry {
  std::string_view key;
  uint32_t key_index = kNoNode;
  uint32_t value_index = kNoNode;
};

// The accepted entries of a mapping, first occurrence of each key only.
class MapView {
 public:
  MapView() = default;
  MapView(uint32_t index, std::vector<MapEntry> entries)
      : index_(index), entries_(std::move(entries)) {}

  [[nodiscard]] bool valid() const { return index_ != kNoNode; }
  [[nodiscard]] uint32_t index() const { return index_; }
  [[nodiscard]] const std::vector<MapEntry>& entries() const { return entries_; }
  [[nodiscard]] const MapEntry* find(std::string_view key) const {
    for (const MapEntry& entry : entries_) {
      if (entry.key == key) return &entry;
    }
    return nullptr;
  }
  [[nodiscard]] uint32_t value(std::string_view key) const {
    const MapEntry* entry = find(key);
    return entry == nullptr ? kNoNode : entry->value_index;
  }
  [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }

 private:
  uint32_t index_ = kNoNode;
  std::vector<MapEntry> entries_;
};

bool contains(KeyList keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// All entries of a mapping (keys chosen by the user, e.g. package ids), or an invalid view after
// reporting that the value is not a mapping. `subject` is "'site'" or "each entry of 'holders'".
MapView read_any_map(const Context& ctx, uint32_t index, std::string_view subject) {
  const YamlNode& node = ctx.node(index);
  if (node.kind != YamlNode::Kind::mapping) {
    ctx.error(index, fmt::format("expected a mapping for {}, got {}", subject, describe(node.kind)));
    return MapView{};
  }
  std::vector<MapEntry> entries;
  for (size_t child = 0; child + 1 < node.children.size(); child += 2) {
    const uint32_t key_index = node.children[child];
    const YamlNode& key = ctx.node(key_index);
    if (key.kind != YamlNode::Kind::scalar) continue;  // reported by the builder
    const bool duplicate = std::any_of(entries.begin(), entries.end(),
                                       [&](const MapEntry& entry) { return entry.key == key.value; });
    if (duplicate) continue;  // reported by the builder
    entries.push_back(MapEntry{key.value, key_index, node.children[child + 1]});
  }
  return MapView{index, std::move(entries)};
}

MapView read_map(const Context& ctx, uint32_t index, std::string_view subject,
                 const KeySet& keys) {
  MapView all = read_any_map(ctx, index, subject);
  if (!all.valid()) return all;
  std::vector<MapEntry> accepted;
  for (const MapEntry& entry : all.entries()) {
    if (contains(keys.allowed, entry.key)) {
      accepted.push_back(entry);
    } else if (contains(keys.not_applicable, entry.key)) {
      ctx.error(entry.key_index,
                fmt::format("key '{}' does not apply to {}", entry.key, keys.applies_to));
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
  if (value == kNoNode) ctx.error(map.index(), fmt::format("missing required key '{}' in {}", key, what));
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

std::optional<std::string> read_text(const Context& ctx, uint32_t index, std::string_view key,
                                     uint32_t length_max, std::string_view limit_name) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  if (text->empty()) {
    ctx.error(index, fmt::format("'{}' must not be empty", key));
    return std::nullopt;
  }
  if (text->size() > length_max) {
    ctx.error(index, fmt::format("'{}' is longer than {} ({} characters)", key, limit_name,
                                 length_max));
    return std::nullopt;
  }
  return std::string(*text);
}

std::optional<std::string> read_name(const Context& ctx, uint32_t index, std::string_view key) {
  return read_text(ctx, index, key, kNameLengthMax, "kNameLengthMax");
}

bool is_yaml11_boolean(std::string_view text) {
  constexpr std::array<std::string_view, 19> kWords{
      "y",  "Y",  "yes", "Yes", "YES", "n",   "N",   "no",   "No",   "NO",
      "on", "On", "ON",  "off", "Off", "OFF", "True", "TRUE", "False"};
  return contains(kWords, text) || text == "FALSE";
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

struct Bounds {
  uint64_t min = 0;
  uint64_t max = std::numeric_limits<uint64_t>::max();
  std::string_view limit_name = {};  // the limits.h constant behind max, if any
};

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

std::optional<uint64_t> read_uint(const Context& ctx, uint32_t index, std::string_view key,
                                  const Bounds& bounds = {}) {
  const auto text = read_plain(ctx, index, key, "a whole number");
  if (!text) return std::nullopt;
  const auto parsed = parse_unsigned(*text);
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
  if (!parsed.ok()) {
    ctx.error(index, fmt::format("bad value for '{}': {}", key, parsed.error));
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

std::optional<uint64_t> read_size(const Context& ctx, uint32_t index, std::string_view key) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  const auto parsed = parse_size(*text);
  if (!parsed.ok()) {
    ctx.error(index, fmt::format("bad value for '{}': {}", key, parsed.error));
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
  return read_size(ctx, index, key);
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
  return parsed.value;
}

template <typename Enum, size_t kSize>
std::optional<Enum> read_enum(const Context& ctx, uint32_t index, std::string_view key,
                              const std::array<EnumName<Enum>, kSize>& table,
                              std::string_view what) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  if (const auto value = enum_from_name(table, *text)) return value;
  std::array<std::string_view, kSize> names{};
  for (size_t row = 0; row < kSize; ++row) names[row] = table[row].name;
  ctx.error(index, fmt::format("unknown {} '{}'; expected one of {}", what, *text, join(names)));
  return std::nullopt;
}

// The items of a list. A null value is an empty list when `null_is_empty` (an optional section
// written as `holders:` with nothing after it).
std::optional<std::span<const uint32_t>> read_list(const Context& ctx, uint32_t index,
                                                   std::string_view key, const Bounds& bounds,
                                                   bool null_is_empty = false) {
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

constexpr Bounds kFlagListBounds{0, kFlagNamesMax, "kFlagNamesMax"};

constexpr std::array<std::string_view, 22> kAccessRightNames{
    "GENERIC_READ",          "GENERIC_WRITE",        "GENERIC_EXECUTE",     "GENERIC_ALL",
    "DELETE",                "FILE_READ_DATA",       "FILE_WRITE_DATA",     "FILE_APPEND_DATA",
    "FILE_EXECUTE",          "FILE_READ_ATTRIBUTES", "FILE_WRITE_ATTRIBUTES", "FILE_READ_EA",
    "FILE_WRITE_EA",         "FILE_DELETE_CHILD",    "SYNCHRONIZE",         "READ_CONTROL",
    "FILE_LIST_DIRECTORY",   "FILE_TRAVERSE",        "FILE_ADD_FILE",       "FILE_ADD_SUBDIRECTORY",
    "FILE_READ_DATA",        "GENERIC_READ"};  // the last two repeat only to keep the size even
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

std::optional<model::AccessMask> read_access(const Context& ctx, uint32_t index,
                                             std::string_view key) {
  const auto bits = read_flags(ctx, index, key, &model::access_right_from_name,
                               kAccessRightNames, "access right");
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

constexpr std::array<std::string_view, 9> kErrorNames{
    "ok",
    "ERROR_SHARING_VIOLATION",
    "ERROR_LOCK_VIOLATION",
    "ERROR_ACCESS_DENIED",
    "ERROR_FILE_NOT_FOUND",
    "ERROR_PATH_NOT_FOUND",
    "ERROR_BAD_NETPATH",
    "ERROR_DISK_FULL",
    "ERROR_DIR_NOT_EMPTY"};

// A Win32 error name as winerror.h spells it, or `ok` where `allow_ok`.
std::optional<model::Win32Error> read_error(const Context& ctx, uint32_t index,
                                            std::string_view key, bool allow_ok) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  const auto error = model::win32_error_from_name(*text);
  if (!error) {
    const KeyList names = allow_ok ? KeyList(kErrorNames) : KeyList(kErrorNames).subspan(1);
    ctx.error(index, fmt::format("unknown error name '{}' in '{}'{}", *text, key, hint(*text, names)));
    return std::nullopt;
  }
  if (*error == model::Win32Error::ok && !allow_ok) {
    ctx.error(index, fmt::format("'ok' is not an error; '{}' lists error names", key));
    return std::nullopt;
  }
  return error;
}

// ---------------------------------------------------------------------------------------------
// Paths: a light syntactic check; the VFS parses them fully when the world is built.

bool is_drive_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Why the normalised path `path` (separators already '\') of `root_length` characters of root is
// not a Windows path, or nullopt.
std::optional<std::string> component_problem(std::string_view path, size_t root_length) {
  size_t start = root_length;
  while (start < path.size()) {
    size_t end = path.find('\\', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view component = path.substr(start, end - start);
    if (component.empty()) return "it has an empty component ('\\\\')";
    if (component == "." || component == "..") return "it has a '.' or '..' component";
    if (component.size() > kPathComponentLengthMax) {
      return fmt::format("a component is longer than kPathComponentLengthMax ({})",
                         kPathComponentLengthMax);
    }
    for (const char c : component) {
      if (std::string_view("<>:\"|?*").find(c) != std::string_view::npos ||
          static_cast<unsigned char>(c) < 32) {
        return fmt::format("'{}' is a character Windows forbids in names", c);
      }
    }
    start = end + 1;
  }
  return std::nullopt;
}

// The length of the root ("C:\" or "\\server\share"), or 0 when there is none.
size_t root_length(std::string_view path) {
  if (path.size() >= 3 && is_drive_letter(path[0]) && path[1] == ':' && path[2] == '\\') return 3;
  if (path.size() < 5 || path[0] != '\\' || path[1] != '\\') return 0;
  const size_t server_end = path.find('\\', 2);
  if (server_end == std::string_view::npos || server_end == 2) return 0;
  size_t share_end = path.find('\\', server_end + 1);
  if (share_end == std::string_view::npos) share_end = path.size();
  if (share_end == server_end + 1) return 0;
  return share_end;
}

enum class PathKind { any, unc, unc_root };

std::optional<std::string> read_path(const Context& ctx, uint32_t index, std::string_view key,
                                     PathKind kind = PathKind::any) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  std::string path(*text);
  std::replace(path.begin(), path.end(), '/', '\\');
  const size_t root = root_length(path);
  std::optional<std::string> problem;
  if (root == 0) {
    problem = "write a drive path like 'C:\\Dir\\file' or a UNC path like '\\\\SERVER\\share\\dir'";
  } else if (path.size() > kPathLengthMax) {
    problem = fmt::format("it is longer than kPathLengthMax ({})", kPathLengthMax);
  } else if (kind != PathKind::any && path[0] != '\\') {
    problem = "it must be a UNC path like '\\\\SERVER\\share'";
  } else if (kind == PathKind::unc_root && root != path.size()) {
    problem = "it must be a share root like '\\\\SERVER\\share', with nothing after the share";
  } else {
    problem = component_problem(path, root == 3 ? 3 : root + 1);
  }
  if (problem) {
    ctx.error(index, fmt::format("'{}' is not a valid Windows path for '{}': {}", *text, key,
                                 *problem));
    return std::nullopt;
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// Durations that may be drawn: a constant, {uniform: [low, high]} or {exponential: mean}.

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

// Calls `read` for every key of the map that `read` knows, so that optional keys read in one
// place; returns nothing.
template <typename Reader>
void for_each_entry(const MapView& map, Reader&& read) {
  for (const MapEntry& entry : map.entries()) read(entry.key, entry.value_index);
}

// ---------------------------------------------------------------------------------------------
// Top level and site.

constexpr std::array<std::string_view, 12> kTopKeys{
    "version", "name",     "description", "seed",   "until",  "site",
    "filesystem", "distribution_points", "packages", "holders", "faults", "expect"};

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

const std::array<EnumName<model::Profile>, 3>& profile_names() {
  static const std::array<EnumName<model::Profile>, 3> kTable{
      EnumName<model::Profile>{model::Profile::sms2, model::profile_name(model::Profile::sms2)},
      EnumName<model::Profile>{model::Profile::configmgr2007,
                               model::profile_name(model::Profile::configmgr2007)},
      EnumName<model::Profile>{model::Profile::configmgr2012,
                               model::profile_name(model::Profile::configmgr2012)},
  };
  return kTable;
}

const std::array<EnumName<model::Backoff>, 2>& backoff_names() {
  static const std::array<EnumName<model::Backoff>, 2> kTable{
      EnumName<model::Backoff>{model::Backoff::fixed, model::backoff_name(model::Backoff::fixed)},
      EnumName<model::Backoff>{model::Backoff::exponential,
                               model::backoff_name(model::Backoff::exponential)},
  };
  return kTable;
}

const std::array<EnumName<model::Jitter>, 4>& jitter_names() {
  static const std::array<EnumName<model::Jitter>, 4> kTable{
      EnumName<model::Jitter>{model::Jitter::none, model::jitter_name(model::Jitter::none)},
      EnumName<model::Jitter>{model::Jitter::full, model::jitter_name(model::Jitter::full)},
      EnumName<model::Jitter>{model::Jitter::equal, model::jitter_name(model::Jitter::equal)},
      EnumName<model::Jitter>{model::Jitter::decorrelated,
                              model::jitter_name(model::Jitter::decorrelated)},
  };
  return kTable;
}

void load_retry_count(const Context& ctx, uint32_t index, RetrySpec& retry) {
  const YamlNode& node = ctx.node(index);
  retry.count_given = true;
  if (node.kind == YamlNode::Kind::scalar && node.plain && node.value == "unlimited") {
    retry.count = std::nullopt;
    return;
  }
  retry.count = read_uint32(ctx, index, "count", Bounds{0, model::kRetryCountMax, "kRetryCountMax"});
  if (!retry.count) retry.count_given = false;  // the error is reported; leave the default
}

void load_retry_list(const Context& ctx, uint32_t index, RetrySpec& retry) {
  const auto items = read_list(ctx, index, "retry_on", kFlagListBounds);
  if (!items) return;
  std::vector<model::Win32Error> errors;
  for (const uint32_t item : *items) {
    if (const auto error = read_error(ctx, item, "retry_on", false)) errors.push_back(*error);
  }
  if (errors.size() == items->size()) retry.retry_on = std::move(errors);
}

void load_multiplier(const Context& ctx, uint32_t index, RetrySpec& retry) {
  const auto text = read_plain(ctx, index, "multiplier", "a number like 2 or 1.5");
  if (!text) return;
  const auto parsed = parse_multiplier_milli(*text);
  if (!parsed.ok()) {
    ctx.error(index, fmt::format("bad value for 'multiplier': {}", parsed.error));
  } else if (*parsed.value < 1000 || *parsed.value > model::kMultiplierMilliMax) {
    ctx.error(index, fmt::format("'multiplier' must be from 1 to {}, got {}",
                                 format_multiplier_milli(model::kMultiplierMilliMax), *text));
  } else {
    retry.multiplier_milli = parsed.value;
  }
}

constexpr std::array<std::string_view, 8> kRetryKeys{
    "count", "delay", "backoff", "multiplier", "max_delay", "jitter", "deadline", "retry_on"};

// `multiplier` means something only with exponential backoff, `max_delay` only with exponential
// backoff or jitter; written elsewhere they would be silently ignored, so they are refused.
void check_retry_consistency(const Context& ctx, const MapView& map, const RetrySpec& retry) {
  const bool exponential = retry.backoff == model::Backoff::exponential;
  const bool jitter = retry.jitter.has_value() && *retry.jitter != model::Jitter::none;
  if (const MapEntry* entry = map.find("multiplier"); entry != nullptr && !exponential) {
    ctx.error(entry->key_index, "'multiplier' applies only with 'backoff: exponential'");
  }
  if (const MapEntry* entry = map.find("max_delay"); entry != nullptr && !exponential && !jitter) {
    ctx.error(entry->key_index,
              "'max_delay' applies only with 'backoff: exponential' or a 'jitter' other than none");
  }
}

void load_retry(const Context& ctx, uint32_t index, RetrySpec& retry) {
  const MapView map = read_map(ctx, index, "'retry'", KeySet{"retry", kRetryKeys});
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "count") load_retry_count(ctx, value, retry);
    if (key == "delay") retry.delay_us = read_positive_duration(ctx, value, key);
    if (key == "backoff") retry.backoff = read_enum(ctx, value, key, backoff_names(), "backoff");
    if (key == "multiplier") load_multiplier(ctx, value, retry);
    if (key == "max_delay") retry.max_delay_us = read_positive_duration(ctx, value, key);
    if (key == "jitter") retry.jitter = read_enum(ctx, value, key, jitter_names(), "jitter");
    if (key == "deadline") retry.deadline_us = read_positive_duration(ctx, value, key);
    if (key == "retry_on") load_retry_list(ctx, value, retry);
  });
  if (map.valid()) check_retry_consistency(ctx, map, retry);
}

void load_source_open(const Context& ctx, uint32_t index, SiteSpec& site) {
  constexpr std::array<std::string_view, 2> kKeys{"access", "share"};
  const MapView map = read_map(ctx, index, "'source_open'", KeySet{"source_open", kKeys});
  if (const uint32_t access = map.value("access"); access != kNoNode) {
    site.source_open_access = read_access(ctx, access, "access");
  }
  if (const uint32_t share = map.value("share"); share != kNoNode) {
    site.source_open_share = read_share(ctx, share, "share");
  }
}

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

void load_site_code(Context& ctx, uint32_t index, SiteSpec& site) {
  const auto code = read_name(ctx, index, "code");
  ctx.site_code = std::nullopt;  // no prefix check of package ids against a bad code
  if (!code) return;
  if (code->size() != 3 || !std::all_of(code->begin(), code->end(), is_upper_alnum)) {
    ctx.error(index, fmt::format("site code '{}' must be three upper-case letters or digits, "
                                 "e.g. 'S01'",
                                 *code));
    return;
  }
  site.code = code;
  ctx.site_code = code;
}

std::optional<uint64_t> read_bandwidth_bytes(const Context& ctx, uint32_t index,
                                             std::string_view key) {
  const auto bits = read_bandwidth(ctx, index, key);
  if (!bits) return std::nullopt;
  if (*bits % 8 != 0) {
    ctx.error(index, fmt::format("'{}' must be a whole number of bytes per second", key));
    return std::nullopt;
  }
  return *bits / 8;
}

constexpr std::array<std::string_view, 8> kSiteKeys{
    "code",   "server", "profile", "retry", "max_packages", "threads_per_package",
    "source_open", "read_bandwidth"};

void load_site(Context& ctx, uint32_t index, SiteSpec& site) {
  const MapView map = read_map(ctx, index, "'site'", KeySet{"site", kSiteKeys});
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "code") load_site_code(ctx, value, site);
    if (key == "server") site.server = read_name(ctx, value, key);
    if (key == "profile") {
      site.profile = read_enum(ctx, value, key, profile_names(), "profile").value_or(site.profile);
    }
    if (key == "retry") load_retry(ctx, value, site.retry);
    if (key == "max_packages") {
      site.max_packages =
          read_uint32(ctx, value, key, Bounds{1, kConcurrentPackagesMax, "kConcurrentPackagesMax"});
    }
    if (key == "threads_per_package") {
      site.threads_per_package =
          read_uint32(ctx, value, key, Bounds{1, kThreadsPerPackageMax, "kThreadsPerPackageMax"});
    }
    if (key == "source_open") load_source_open(ctx, value, site);
    if (key == "read_bandwidth") {
      site.read_bandwidth_bytes_per_second = read_bandwidth_bytes(ctx, value, key);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The action key of an entry: exactly one of `keys` (dir/file/tree, open/close/...).

// The first of `keys` present in the raw mapping at `index`, reporting none or several.
std::optional<std::string_view> find_action_key(const Context& ctx, uint32_t index,
                                                KeyList keys, std::string_view what) {
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

// ---------------------------------------------------------------------------------------------
// filesystem

constexpr std::array<std::string_view, 3> kFilesystemActions{"dir", "file", "tree"};
constexpr std::array<std::string_view, 5> kFilesystemKeys{"dir", "file", "tree", "size", "files"};

KeyList filesystem_keys(FilesystemEntry::Kind kind) {
  static constexpr std::array<std::string_view, 1> kDir{"dir"};
  static constexpr std::array<std::string_view, 2> kFile{"file", "size"};
  static constexpr std::array<std::string_view, 3> kTree{"tree", "files", "size"};
  switch (kind) {
    case FilesystemEntry::Kind::dir:
      return kDir;
    case FilesystemEntry::Kind::file:
      return kFile;
    case FilesystemEntry::Kind::tree:
      return kTree;
  }
  DISTSIM_ASSERT(false);
}

std::optional<FilesystemEntry> load_filesystem_entry(const Context& ctx, uint32_t index) {
  const auto action = find_action_key(ctx, index, kFilesystemActions, "'filesystem'");
  if (!action) return std::nullopt;
  FilesystemEntry entry;
  entry.kind = *enum_from_name(kFilesystemKindKeys, *action);
  entry.position = ctx.node(index).position;
  const std::string applies_to = fmt::format("a '{}' entry", *action);
  const MapView map = read_map(ctx, index, "each entry of 'filesystem'",
                               KeySet{"filesystem entry", filesystem_keys(entry.kind),
                                      kFilesystemKeys, applies_to});
  const auto path = read_path(ctx, map.value(*action), *action);
  bool ok = path.has_value();
  entry.path = path.value_or("");
  if (entry.kind == FilesystemEntry::Kind::tree) {
    const uint32_t files = require(ctx, map, "files", applies_to);
    const auto count =
        files == kNoNode ? std::nullopt
                         : read_uint32(ctx, files, "files", Bounds{1, kTreeFilesMax, "kTreeFilesMax"});
    ok = ok && count.has_value();
    entry.file_count = count.value_or(0);
    entry.size_bytes = uint64_t{entry.file_count} * 1024;  // default: 1KB a file
  }
  if (const uint32_t size = map.value("size"); size != kNoNode) {
    const auto bytes = read_size(ctx, size, "size");
    ok = ok && bytes.has_value();
    entry.size_bytes = bytes.value_or(entry.size_bytes);
  }
  if (!ok) return std::nullopt;
  return entry;
}

void load_filesystem(const Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items =
      read_list(ctx, index, "filesystem", Bounds{0, kFilesystemNodesMax, "kFilesystemNodesMax"},
                true);
  if (!items) return;
  uint64_t node_count = 0;
  for (const uint32_t item : *items) {
    auto entry = load_filesystem_entry(ctx, item);
    if (!entry) continue;
    node_count += 1 + entry->file_count;
    scenario.filesystem.push_back(std::move(*entry));
  }
  if (node_count > kFilesystemNodesMax) {
    ctx.error(index, fmt::format("'filesystem' asks for {} files and directories, more than "
                                 "kFilesystemNodesMax ({})",
                                 node_count, kFilesystemNodesMax));
  }
}

// ---------------------------------------------------------------------------------------------
// distribution_points

bool is_host_char(char c) {
  return is_upper_alnum(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.';
}

std::optional<std::string> read_dp_name(const Context& ctx, uint32_t index, std::string_view key) {
  auto name = read_name(ctx, index, key);
  if (name && !std::all_of(name->begin(), name->end(), is_host_char)) {
    ctx.error(index, fmt::format("distribution point name '{}' may hold only letters, digits, "
                                 "'-', '_' and '.'",
                                 *name));
    return std::nullopt;
  }
  return name;
}

std::string default_share(std::string_view dp_name) {
  return fmt::format("\\\\{}\\SMSPKGC$", dp_name);
}

constexpr std::array<std::string_view, 4> kDpKeys{"name", "share", "bandwidth", "free"};

std::optional<DistributionPointSpec> load_dp(Context& ctx, uint32_t index) {
  const MapView map =
      read_map(ctx, index, "each entry of 'distribution_points'", KeySet{"distribution point", kDpKeys});
  const uint32_t name_index = require(ctx, map, "name", "a distribution point");
  if (name_index == kNoNode) return std::nullopt;
  const auto name = read_dp_name(ctx, name_index, "name");
  DistributionPointSpec dp;
  dp.position = ctx.node(index).position;
  bool ok = name.has_value();
  dp.name = name.value_or("");
  if (const uint32_t share = map.value("share"); share != kNoNode) {
    dp.share = read_path(ctx, share, "share", PathKind::unc_root);
    ok = ok && dp.share.has_value();
  }
  if (const uint32_t bandwidth = map.value("bandwidth"); bandwidth != kNoNode) {
    const auto bits = read_bandwidth(ctx, bandwidth, "bandwidth");
    ok = ok && bits.has_value();
    dp.bandwidth_bits_per_second = bits.value_or(dp.bandwidth_bits_per_second);
  }
  if (const uint32_t free = map.value("free"); free != kNoNode) {
    const auto bytes = read_size(ctx, free, "free");
    ok = ok && bytes.has_value();
    dp.free_bytes = bytes.value_or(dp.free_bytes);
  }
  if (!ok) return std::nullopt;
  return dp;
}

// Registers a loaded DP for the references that follow, refusing a second DP of the same name
// or share (both compare case-insensitively, as Windows does).
bool register_dp(Context& ctx, uint32_t index, const DistributionPointSpec& dp) {
  const std::string key = upper_ascii(dp.name);
  if (const auto first = ctx.dp_lines.find(key); first != ctx.dp_lines.end()) {
    ctx.error(index, fmt::format("duplicate distribution point '{}' (first at line {})", dp.name,
                                 first->second));
    return false;
  }
  const std::string share_key = upper_ascii(dp.share.value_or(default_share(dp.name)));
  if (contains_share(ctx, share_key)) {
    ctx.error(index, fmt::format("distribution point '{}' uses share '{}', which another "
                                 "distribution point already uses",
                                 dp.name, dp.share.value_or(default_share(dp.name))));
    return false;
  }
  ctx.dp_lines.emplace(key, ctx.node(index).position.line);
  ctx.dp_share_keys.push_back(share_key);
  return true;
}

void load_distribution_points(Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items = read_list(ctx, index, "distribution_points",
                               Bounds{0, kDistributionPointsMax, "kDistributionPointsMax"}, true);
  if (!items) return;
  for (const uint32_t item : *items) {
    auto dp = load_dp(ctx, item);
    if (dp && register_dp(ctx, item, *dp)) scenario.distribution_points.push_back(std::move(*dp));
  }
}

// A DP name that refers to a declared DP, else nullopt after an error.
std::optional<std::string> read_dp_reference(const Context& ctx, uint32_t index,
                                             std::string_view key) {
  auto name = read_name(ctx, index, key);
  if (!name) return std::nullopt;
  if (ctx.dp_lines.count(upper_ascii(*name)) == 0) {
    ctx.error(index, fmt::format("unknown distribution point '{}'{}", *name,
                                 ctx.dp_lines.empty() ? "; the scenario declares none" : ""));
    return std::nullopt;
  }
  return name;
}

}  // namespace
}  // namespace distsim::sim
