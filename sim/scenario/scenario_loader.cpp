// The scenario loader. yaml-cpp's event parser feeds a small tree of our own that keeps every
// value's position and catches duplicate keys (yaml-cpp 0.7 keeps them silently); per-section
// readers then fill the Scenario and report every problem with its position.
#include "sim/scenario/scenario_loader.h"

#include <fmt/format.h>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <sstream>
#include <tuple>
#include <variant>

#include "model/assert.h"
#include "model/status_message.h"
#include "sim/core/limits.h"
#include "sim/fs/windows_path.h"
#include "sim/scenario/value_parse.h"

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
  std::string value;               // scalar text
  bool plain = true;               // a scalar written without quotes
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
  std::vector<Frame> frames_;      // at most kYamlDepthMax
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
      current[column] = std::min(
          {previous[column] + 1, current[column - 1] + 1, previous[column - 1] + (same ? 0 : 1)});
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
  Context(const YamlTree& tree_in, Diagnostics& diagnostics_in)
      : tree(tree_in), diagnostics(diagnostics_in) {}

  const YamlTree& tree;
  Diagnostics& diagnostics;
  TimeUs until_us = kRunHorizonDefaultUs;
  std::optional<std::string> site_code = "S01";  // nullopt when the written code was invalid
  std::map<std::string, uint32_t> dp_lines;      // upper-cased DP name -> line of its entry
  std::vector<std::string> dp_share_keys;        // upper-cased shares, explicit or default
  std::vector<std::string> dp_names;             // as written, in file order
  std::map<std::string, PackageInfo, std::less<>> packages;  // created package id -> its entry

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
  KeyList reported_elsewhere = {};   // other action keys, already refused by find_action_key
};

// "a 'close' step", "an 'open' step": the article the phrase needs.
std::string with_article(std::string_view phrase) {
  DISTSIM_ASSERT(!phrase.empty());
  const char first = phrase[0] == '\'' && phrase.size() > 1 ? phrase[1] : phrase[0];
  const bool vowel = std::string_view("aeiou").find(first) != std::string_view::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", phrase);
}

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
  return read_text(ctx, index, key, kNameLengthMax, "kNameLengthMax");
}

bool is_yaml11_boolean(std::string_view text) {
  constexpr std::array<std::string_view, 19> kWords{
      "y",  "Y",  "yes", "Yes", "YES", "n",   "N",    "no",   "No",   "NO",
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

constexpr std::array<std::string_view, 9> kErrorNames{"ok",
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
    ctx.error(index,
              fmt::format("'{}' is not a valid Windows path for '{}': {}", *text, key, *problem));
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

// Calls `read(key, value)` for every accepted entry, in file order, so that a section's optional
// keys are read in one place and each reports its own errors.
template <typename Reader>
void for_each_entry(const MapView& map, Reader&& read) {
  for (const MapEntry& entry : map.entries()) read(entry.key, entry.value_index);
}

// ---------------------------------------------------------------------------------------------
// Top level and site.

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
  retry.count =
      read_uint32(ctx, index, "count", Bounds{0, model::kRetryCountMax, "kRetryCountMax"});
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

// A severity's [warning_at, critical_at] pair of `status_thresholds`.
std::optional<model::SeverityThresholds> read_threshold_pair(const Context& ctx, uint32_t index,
                                                             std::string_view key) {
  const auto items = read_list(ctx, index, key, Bounds{2, 2, "[warning, critical]"});
  if (!items) return std::nullopt;
  const Bounds bounds{0, std::numeric_limits<uint32_t>::max(), "uint32"};
  const auto warning_at = read_uint32(ctx, (*items)[0], key, bounds);
  const auto critical_at = read_uint32(ctx, (*items)[1], key, bounds);
  if (!warning_at || !critical_at) return std::nullopt;
  if (*warning_at > *critical_at) {
    ctx.error(index, fmt::format("'{}': the warning count {} is above the critical count {}", key,
                                 *warning_at, *critical_at));
    return std::nullopt;
  }
  return model::SeverityThresholds{*warning_at, *critical_at};
}

void load_status_thresholds(const Context& ctx, uint32_t index, SiteSpec& site) {
  constexpr std::array<std::string_view, 3> kKeys{"errors", "warnings", "informational"};
  const MapView map =
      read_map(ctx, index, "'status_thresholds'", KeySet{"status_thresholds", kKeys});
  model::ComponentStatusThresholds thresholds;
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    const auto pair = read_threshold_pair(ctx, value, key);
    if (!pair) return;
    if (key == "errors") thresholds.errors = *pair;
    if (key == "warnings") thresholds.warnings = *pair;
    if (key == "informational") thresholds.informational = *pair;
  });
  site.status_thresholds = thresholds;
}

void load_compression(const Context& ctx, uint32_t index, SiteSpec& site) {
  const auto text = read_scalar(ctx, index, "compression");
  if (!text) return;
  const auto parsed = parse_multiplier_milli(*text);
  if (!parsed.ok() || *parsed.value == 0 || *parsed.value > 1000) {
    ctx.error(index, fmt::format("bad value for 'compression': '{}' is not a ratio in (0, 1] such "
                                 "as 0.5",
                                 *text));
    return;
  }
  site.compression_per_mille = *parsed.value;
}

constexpr std::array<std::string_view, 13> kSiteKeys{"code",
                                                     "server",
                                                     "profile",
                                                     "retry",
                                                     "max_packages",
                                                     "threads_per_package",
                                                     "source_open",
                                                     "read_bandwidth",
                                                     "log_format",
                                                     "retry_on_wake",
                                                     "dp_update",
                                                     "compression",
                                                     "status_thresholds"};

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
    if (key == "log_format") {
      site.log_format = read_enum(ctx, value, key, kLogFormatNames, "log format");
    }
    if (key == "retry_on_wake") site.retry_on_wake = read_bool(ctx, value, key);
    if (key == "dp_update") {
      site.update_deletes_dp_folder = read_enum(ctx, value, key, kDpUpdateNames, "DP update mode");
    }
    if (key == "compression") load_compression(ctx, value, site);
    if (key == "status_thresholds") load_status_thresholds(ctx, value, site);
  });
}

// ---------------------------------------------------------------------------------------------
// The action key of an entry: exactly one of `keys` (dir/file/tree, open/close/...).

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
  const std::string applies_to = with_article(fmt::format("'{}' entry", *action));
  const MapView map = read_map(ctx, index, "each entry of 'filesystem'",
                               KeySet{"filesystem entry", filesystem_keys(entry.kind),
                                      kFilesystemKeys, applies_to, kFilesystemActions});
  entry.path = read_path(ctx, map.value(*action), *action).value_or("");
  if (entry.kind == FilesystemEntry::Kind::tree) {
    if (const uint32_t files = require(ctx, map, "files", applies_to); files != kNoNode) {
      entry.file_count =
          read_uint32(ctx, files, "files", Bounds{1, kTreeFilesMax, "kTreeFilesMax"}).value_or(0);
    }
    entry.size_bytes = uint64_t{entry.file_count} * 1024;  // default: 1KB a file
  }
  if (const uint32_t size = map.value("size"); size != kNoNode) {
    entry.size_bytes = read_size(ctx, size, "size").value_or(entry.size_bytes);
  }
  return entry;
}

bool check_filesystem_shape(const Context& ctx, uint32_t item, const FilesystemEntry& entry,
                            std::map<std::string, bool>& is_file_by_key) {
  const auto path = parse_windows_path(entry.path);
  if (!path.ok()) return true;  // reported by the entry's own checks
  const bool is_file = entry.kind == FilesystemEntry::Kind::file;
  WindowsPath ancestor = path.value();
  while (!ancestor.is_root()) {
    ancestor = ancestor.parent();
    const auto found = is_file_by_key.find(ancestor.key());
    if (found != is_file_by_key.end() && found->second) {
      ctx.error(item, fmt::format("'{}' is below '{}', which an earlier entry makes a file",
                                  entry.path, ancestor.display()));
      return false;
    }
  }
  const auto [found, inserted] = is_file_by_key.emplace(path.value().key(), is_file);
  if (!inserted && (found->second || is_file)) {
    ctx.error(item, fmt::format("'{}' is declared again as a {}; an earlier entry made it a {}",
                                entry.path, is_file ? "file" : "directory",
                                found->second ? "file" : "directory"));
    return false;
  }
  if (!inserted) return true;                       // the same directory twice is harmless
  for (const auto& [key, file] : is_file_by_key) {  // an earlier entry below this new file
    if (is_file && key.size() > found->first.size() && key.rfind(found->first + "\\", 0) == 0) {
      ctx.error(item, fmt::format("'{}' is declared a file, but an earlier entry puts something "
                                  "below it",
                                  entry.path));
      return false;
    }
  }
  return true;
}

void load_filesystem(const Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items = read_list(ctx, index, "filesystem",
                               Bounds{0, kFilesystemNodesMax, "kFilesystemNodesMax"}, true);
  if (!items) return;
  uint64_t node_count = 0;
  // Upper-cased path -> whether it names a file, for the entries seen so far: a path may not be a
  // file in one entry and a directory in another, and nothing may sit below a file.
  std::map<std::string, bool> is_file_by_key;
  for (const uint32_t item : *items) {
    auto entry = load_filesystem_entry(ctx, item);
    if (!entry) continue;
    if (!check_filesystem_shape(ctx, item, *entry, is_file_by_key)) continue;
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

// The DP of an entry, or nullopt when it has no valid name (then nothing can refer to it). Errors
// in other fields are reported and leave their defaults.
std::optional<DistributionPointSpec> load_dp(const Context& ctx, uint32_t index) {
  const MapView map = read_map(ctx, index, "each entry of 'distribution_points'",
                               KeySet{"distribution point", kDpKeys});
  std::optional<std::string> name;
  if (const uint32_t name_index = require(ctx, map, "name", "a distribution point");
      name_index != kNoNode) {
    name = read_dp_name(ctx, name_index, "name");
  }
  DistributionPointSpec dp;
  dp.position = ctx.node(index).position;
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "share") dp.share = read_path(ctx, value, key, PathKind::unc_root);
    if (key == "bandwidth") {
      dp.bandwidth_bits_per_second =
          read_bandwidth(ctx, value, key).value_or(dp.bandwidth_bits_per_second);
    }
    if (key == "free") dp.free_bytes = read_size(ctx, value, key).value_or(dp.free_bytes);
  });
  if (!name) return std::nullopt;
  dp.name = *name;
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
  if (std::find(ctx.dp_share_keys.begin(), ctx.dp_share_keys.end(), share_key) !=
      ctx.dp_share_keys.end()) {
    ctx.error(index, fmt::format("distribution point '{}' uses share '{}', which another "
                                 "distribution point already uses",
                                 dp.name, dp.share.value_or(default_share(dp.name))));
    return false;
  }
  ctx.dp_lines.emplace(key, ctx.node(index).position.line);
  ctx.dp_names.push_back(dp.name);
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

// "; did you mean 'X'?" for a reference to a name the scenario does not declare; nothing when no
// declared name is close (or there are too many to compare cheaply).
std::string reference_hint(std::string_view word, const std::vector<std::string_view>& names) {
  constexpr size_t kCandidatesMax = 1'000;
  if (names.empty()) return "; the scenario declares none";
  if (names.size() > kCandidatesMax) return "";
  const auto suggestion = suggest(word, names);
  return suggestion ? fmt::format("; did you mean '{}'?", *suggestion) : "";
}

std::string package_hint(const Context& ctx, std::string_view id) {
  std::vector<std::string_view> ids;
  for (const auto& [known, info] : ctx.packages) ids.push_back(known);
  return reference_hint(id, ids);
}

// A DP name that refers to a declared DP, else nullopt after an error.
std::optional<std::string> read_dp_reference(const Context& ctx, uint32_t index,
                                             std::string_view key) {
  auto name = read_name(ctx, index, key);
  if (!name) return std::nullopt;
  if (ctx.dp_lines.count(upper_ascii(*name)) == 0) {
    std::vector<std::string_view> names(ctx.dp_names.begin(), ctx.dp_names.end());
    ctx.error(index, fmt::format("unknown distribution point '{}'{}", *name,
                                 reference_hint(*name, names)));
    return std::nullopt;
  }
  return name;
}

// ---------------------------------------------------------------------------------------------
// packages

constexpr std::array<std::string_view, 3> kPackageActions{"id", "update", "refresh"};
constexpr std::array<std::string_view, 8> kPackageKeys{
    "id", "update", "refresh", "name", "source", "at", "distribution_points", "compressed"};

KeyList package_keys(PackageEvent::Kind kind) {
  static constexpr std::array<std::string_view, 6> kCreate{
      "id", "name", "source", "at", "distribution_points", "compressed"};
  static constexpr std::array<std::string_view, 2> kUpdate{"update", "at"};
  static constexpr std::array<std::string_view, 3> kRefresh{"refresh", "at", "distribution_points"};
  switch (kind) {
    case PackageEvent::Kind::create:
      return kCreate;
    case PackageEvent::Kind::update:
      return kUpdate;
    case PackageEvent::Kind::refresh:
      return kRefresh;
  }
  DISTSIM_ASSERT(false);
}

bool is_upper_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// The id of a new package: the site code and five upper-case hex digits, as SMS numbers them.
std::optional<std::string> read_new_package_id(const Context& ctx, uint32_t index) {
  auto id = read_name(ctx, index, "id");
  if (!id || !ctx.site_code) return id;
  const bool valid = id->size() == 8 && id->compare(0, 3, *ctx.site_code) == 0 &&
                     std::all_of(id->begin() + 3, id->end(), is_upper_hex);
  if (!valid) {
    ctx.error(index, fmt::format("package id '{}' must be the site code '{}' followed by five "
                                 "upper-case hex digits, e.g. '{}00001'",
                                 *id, *ctx.site_code, *ctx.site_code));
  }
  return id;
}

// A list of declared DP names without repeats; at least one (omit the key to mean all).
std::optional<std::vector<std::string>> read_dp_list(const Context& ctx, uint32_t index,
                                                     std::string_view key) {
  const auto items =
      read_list(ctx, index, key, Bounds{1, kDistributionPointsMax, "kDistributionPointsMax"});
  if (!items) return std::nullopt;
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const uint32_t item : *items) {
    auto name = read_dp_reference(ctx, item, key);
    if (!name) continue;
    if (!seen.insert(upper_ascii(*name)).second) {
      ctx.error(item, fmt::format("distribution point '{}' appears twice in '{}'", *name, key));
      continue;
    }
    names.push_back(std::move(*name));
  }
  return names;
}

// Where the references of an update or refresh were written, for the checks once every package
// is known.
struct PackageReference {
  size_t event_index = 0;
  uint32_t id_index = kNoNode;
  uint32_t at_index = kNoNode;
  uint32_t dps_index = kNoNode;
};

std::optional<PackageEvent> load_package_event(const Context& ctx, uint32_t index,
                                               PackageReference& reference) {
  const auto action = find_action_key(ctx, index, kPackageActions, "'packages'");
  if (!action) return std::nullopt;
  PackageEvent event;
  event.kind = *action == "id" ? PackageEvent::Kind::create
                               : (*action == "update" ? PackageEvent::Kind::update
                                                      : PackageEvent::Kind::refresh);
  event.position = ctx.node(index).position;
  const std::string applies_to = *action == "id" ? std::string("a new package")
                                                 : with_article(fmt::format("'{}' entry", *action));
  const MapView map = read_map(
      ctx, index, "each entry of 'packages'",
      KeySet{"package", package_keys(event.kind), kPackageKeys, applies_to, kPackageActions});
  reference.id_index = map.value(*action);
  reference.at_index = map.value("at");
  reference.dps_index = map.value("distribution_points");
  const auto id = event.kind == PackageEvent::Kind::create
                      ? read_new_package_id(ctx, reference.id_index)
                      : read_name(ctx, reference.id_index, *action);
  event.id = id.value_or("");
  if (event.kind == PackageEvent::Kind::create) {
    event.name = event.id;  // default: the id
    const uint32_t source = require(ctx, map, "source", applies_to);
    if (source != kNoNode) event.source = read_path(ctx, source, "source").value_or("");
  }
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "name") event.name = read_name(ctx, value, key).value_or(event.name);
    if (key == "at") event.at_us = read_time(ctx, value, key).value_or(0);
    if (key == "distribution_points")
      event.distribution_points =
          read_dp_list(ctx, value, key).value_or(std::vector<std::string>{});
    if (key == "compressed") event.compressed = read_bool(ctx, value, key).value_or(false);
  });
  if (!id) return std::nullopt;
  return event;
}

void register_package(Context& ctx, const PackageEvent& event, uint32_t id_index) {
  PackageInfo info{ctx.node(id_index).position.line, event.at_us, {}};
  for (const std::string& dp : event.distribution_points) info.dp_keys.push_back(upper_ascii(dp));
  const auto [first, inserted] = ctx.packages.emplace(event.id, std::move(info));
  if (!inserted) {
    ctx.error(id_index, fmt::format("duplicate package id '{}' (first at line {})", event.id,
                                    first->second.line));
  }
}

// Names the DP of `dp_index` is not one of the package's, or nothing when it is.
bool check_package_on_dp(const Context& ctx, const PackageInfo& package, std::string_view id,
                         uint32_t dp_index) {
  const std::string dp_key = upper_ascii(ctx.node(dp_index).value);
  if (package.dp_keys.empty() ||
      std::find(package.dp_keys.begin(), package.dp_keys.end(), dp_key) != package.dp_keys.end()) {
    return true;
  }
  ctx.error(dp_index, fmt::format("package '{}' is not sent to distribution point '{}'", id,
                                  ctx.node(dp_index).value));
  return false;
}

void check_package_reference(const Context& ctx, const PackageEvent& event,
                             const PackageReference& reference) {
  const auto package = ctx.packages.find(event.id);
  if (package == ctx.packages.end()) {
    ctx.error(reference.id_index,
              fmt::format("unknown package '{}'; no entry of 'packages' creates it{}", event.id,
                          package_hint(ctx, event.id)));
    return;
  }
  if (event.at_us < package->second.at_us) {
    const uint32_t at = reference.at_index != kNoNode ? reference.at_index : reference.id_index;
    ctx.error(at, fmt::format("'at' {} is before package '{}' is created (at {})",
                              format_duration(event.at_us), event.id,
                              format_duration(package->second.at_us)));
  }
  if (reference.dps_index == kNoNode ||
      ctx.node(reference.dps_index).kind != YamlNode::Kind::sequence) {
    return;
  }
  for (const uint32_t dp : ctx.node(reference.dps_index).children) {
    if (ctx.node(dp).kind == YamlNode::Kind::scalar &&
        ctx.dp_lines.count(upper_ascii(ctx.node(dp).value)) != 0) {
      check_package_on_dp(ctx, package->second, event.id, dp);
    }
  }
}

void load_packages(Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items =
      read_list(ctx, index, "packages", Bounds{0, kPackagesMax, "kPackagesMax"}, true);
  if (!items) return;
  std::vector<PackageReference> references;
  for (const uint32_t item : *items) {
    PackageReference reference;
    auto event = load_package_event(ctx, item, reference);
    if (!event) continue;
    reference.event_index = scenario.packages.size();
    if (event->kind == PackageEvent::Kind::create) {
      register_package(ctx, *event, reference.id_index);
    } else {
      references.push_back(reference);
    }
    scenario.packages.push_back(std::move(*event));
  }
  for (const PackageReference& reference : references) {
    check_package_reference(ctx, scenario.packages[reference.event_index], reference);
  }
}

// A reference to a package some entry of `packages` creates.
std::optional<std::string> read_package_reference(const Context& ctx, uint32_t index,
                                                  std::string_view key) {
  auto id = read_name(ctx, index, key);
  if (id && ctx.packages.count(*id) == 0) {
    ctx.error(index, fmt::format("unknown package '{}'; no entry of 'packages' creates it{}", *id,
                                 package_hint(ctx, *id)));
    return std::nullopt;
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// holders

constexpr std::array<std::string_view, 18> kAllHolderKeys{
    "kind",       "name", "at",     "for",   "until", "every",  "count", "path", "scope",
    "thumbnails", "size", "access", "share", "on",    "per_mb", "delay", "mode", "steps"};

KeyList holder_keys(HolderKind kind) {
  static constexpr std::array<std::string_view, 11> kExplorerWindow{
      "kind",  "name", "at",         "for",    "until", "every",
      "count", "path", "thumbnails", "access", "share"};
  static constexpr std::array<std::string_view, 11> kTempUser{
      "kind", "name", "at", "for", "until", "every", "count", "path", "size", "access", "share"};
  static constexpr std::array<std::string_view, 12> kAntivirus{
      "kind",  "name",  "at", "for",    "until",  "every",
      "count", "scope", "on", "per_mb", "access", "share"};
  static constexpr std::array<std::string_view, 11> kIndexer{
      "kind", "name", "at", "for", "until", "every", "count", "scope", "delay", "access", "share"};
  static constexpr std::array<std::string_view, 12> kBackup{"kind",  "name",   "at",     "for",
                                                            "until", "every",  "count",  "scope",
                                                            "mode",  "per_mb", "access", "share"};
  static constexpr std::array<std::string_view, 10> kDpClient{
      "kind", "name", "at", "for", "until", "every", "count", "path", "access", "share"};
  static constexpr std::array<std::string_view, 8> kScript{"kind",  "name",  "at",    "for",
                                                           "until", "every", "count", "steps"};
  switch (kind) {
    case HolderKind::explorer_window:
      return kExplorerWindow;
    case HolderKind::temp_user:
      return kTempUser;
    case HolderKind::antivirus:
      return kAntivirus;
    case HolderKind::indexer:
      return kIndexer;
    case HolderKind::backup:
      return kBackup;
    case HolderKind::dp_client:
      return kDpClient;
    case HolderKind::script:
      return kScript;
  }
  DISTSIM_ASSERT(false);
}

bool written_before(const Context& ctx, uint32_t left, uint32_t right) {
  const SourcePosition& a = ctx.node(left).position;
  const SourcePosition& b = ctx.node(right).position;
  return std::tie(a.line, a.column) < std::tie(b.line, b.column);
}

void check_holder_span(const Context& ctx, const MapView& map, const HolderSpec& holder) {
  const MapEntry* for_entry = map.find("for");
  const MapEntry* until_entry = map.find("until");
  if (for_entry != nullptr && until_entry != nullptr) {
    const bool for_first = written_before(ctx, for_entry->key_index, until_entry->key_index);
    ctx.error(for_first ? until_entry->key_index : for_entry->key_index,
              "a holder takes 'for' or 'until', not both");
  }
  if (until_entry != nullptr && holder.until_us && holder.at.kind == DurationSpec::Kind::constant &&
      *holder.until_us < holder.at.value_us) {
    ctx.error(until_entry->value_index,
              fmt::format("'until' {} is before 'at' {}", format_duration(*holder.until_us),
                          format_duration(holder.at.value_us)));
  }
  const MapEntry* count_entry = map.find("count");
  if (count_entry != nullptr && holder.count > 1 && !holder.every) {
    ctx.error(count_entry->value_index,
              fmt::format("'count' {} needs 'every', the time between holds", holder.count));
  }
  const MapEntry* every_entry = map.find("every");
  if (every_entry != nullptr && count_entry == nullptr) {  // `every` alone would do nothing
    ctx.error(every_entry->value_index,
              "'every' repeats a hold 'count' times; give 'count' too, or leave 'every' out");
  }
}

void load_holder_at(const Context& ctx, uint32_t index, HolderSpec& holder) {
  const auto at = read_duration_spec(ctx, index, "at");
  if (!at) return;
  holder.at = *at;
  if (const auto latest_us = latest_value_us(*at)) check_within_run(ctx, index, "at", *latest_us);
}

void load_holder_timing(const Context& ctx, const MapView& map, HolderSpec& holder) {
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "at") load_holder_at(ctx, value, holder);
    if (key == "for") holder.hold_for = read_positive_duration_spec(ctx, value, key);
    if (key == "until") holder.until_us = read_time(ctx, value, key);
    if (key == "every") holder.every = read_positive_duration_spec(ctx, value, key);
    if (key == "count") {
      holder.count = read_uint32(ctx, value, key, Bounds{1, kHolderRepeatsMax, "kHolderRepeatsMax"})
                         .value_or(holder.count);
    }
  });
  check_holder_span(ctx, map, holder);
}

// A dp_client runs setup from a DP: its path must lie on a declared DP's share.
void check_on_dp_share(const Context& ctx, uint32_t index, const std::string& path) {
  const std::string root_key = upper_ascii(std::string_view(path).substr(0, root_length(path)));
  if (std::find(ctx.dp_share_keys.begin(), ctx.dp_share_keys.end(), root_key) !=
      ctx.dp_share_keys.end()) {
    return;
  }
  ctx.error(index, fmt::format("path '{}' is not on the share of a distribution point{}", path,
                               ctx.dp_share_keys.empty() ? "; the scenario declares none" : ""));
}

void load_holder_target(const Context& ctx, const MapView& map, std::string_view applies_to,
                        HolderSpec& holder) {
  switch (holder.kind) {
    case HolderKind::explorer_window:
    case HolderKind::temp_user:
    case HolderKind::dp_client: {
      const uint32_t path = require(ctx, map, "path", applies_to);
      if (path == kNoNode) return;
      const PathKind kind = holder.kind == HolderKind::dp_client ? PathKind::unc : PathKind::any;
      holder.path = read_path(ctx, path, "path", kind).value_or("");
      if (holder.kind == HolderKind::dp_client && !holder.path.empty()) {
        check_on_dp_share(ctx, path, holder.path);
      }
      return;
    }
    case HolderKind::antivirus:
    case HolderKind::indexer:
    case HolderKind::backup: {
      const uint32_t scope = require(ctx, map, "scope", applies_to);
      if (scope != kNoNode) holder.scope = read_path(ctx, scope, "scope").value_or("");
      return;
    }
    case HolderKind::script:
      return;
  }
}

std::optional<std::vector<AntivirusTrigger>> read_triggers(const Context& ctx, uint32_t index) {
  const auto items = read_list(ctx, index, "on", kFlagListBounds);
  if (!items) return std::nullopt;
  std::vector<AntivirusTrigger> triggers;
  for (const uint32_t item : *items) {
    const auto trigger = read_enum(ctx, item, "on", kAntivirusTriggerNames, "scan trigger");
    if (!trigger) continue;
    if (std::find(triggers.begin(), triggers.end(), *trigger) != triggers.end()) {
      ctx.error(item, fmt::format("'{}' appears twice in 'on'", ctx.node(item).value));
      continue;
    }
    triggers.push_back(*trigger);
  }
  return triggers;
}

void load_holder_options(const Context& ctx, const MapView& map, HolderSpec& holder) {
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "thumbnails") holder.thumbnails = read_bool(ctx, value, key).value_or(true);
    if (key == "size") holder.size_bytes = read_size(ctx, value, key).value_or(holder.size_bytes);
    if (key == "access") holder.access = read_access(ctx, value, key);
    if (key == "share") holder.share = read_share(ctx, value, key);
    if (key == "on") holder.antivirus_on = read_triggers(ctx, value);
    if (key == "per_mb") holder.per_mb = read_duration_spec(ctx, value, key);
    if (key == "delay") holder.delay = read_duration_spec(ctx, value, key);
    if (key == "mode") {
      holder.backup_mode =
          read_enum(ctx, value, key, kBackupModeNames, "backup mode").value_or(holder.backup_mode);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// script steps

constexpr std::array<std::string_view, 7> kStepActions{"open",  "close",  "lock",  "unlock",
                                                       "write", "delete", "rename"};
constexpr std::array<std::string_view, 16> kStepKeys{
    "at",     "open",  "close", "lock",   "unlock", "write",  "delete",    "rename",
    "access", "share", "as",    "expect", "offset", "length", "exclusive", "to"};

KeyList step_keys(ScriptStep::Action action) {
  static constexpr std::array<std::string_view, 6> kOpen{"at",    "open", "access",
                                                         "share", "as",   "expect"};
  static constexpr std::array<std::string_view, 3> kClose{"at", "close", "expect"};
  static constexpr std::array<std::string_view, 6> kLock{"at",     "lock",      "offset",
                                                         "length", "exclusive", "expect"};
  static constexpr std::array<std::string_view, 5> kUnlock{"at", "unlock", "offset", "length",
                                                           "expect"};
  static constexpr std::array<std::string_view, 3> kWrite{"at", "write", "expect"};
  static constexpr std::array<std::string_view, 3> kDelete{"at", "delete", "expect"};
  static constexpr std::array<std::string_view, 4> kRename{"at", "rename", "to", "expect"};
  switch (action) {
    case ScriptStep::Action::open:
      return kOpen;
    case ScriptStep::Action::close:
      return kClose;
    case ScriptStep::Action::lock:
      return kLock;
    case ScriptStep::Action::unlock:
      return kUnlock;
    case ScriptStep::Action::write:
      return kWrite;
    case ScriptStep::Action::delete_file:
      return kDelete;
    case ScriptStep::Action::rename:
      return kRename;
  }
  DISTSIM_ASSERT(false);
}

// What the steps read so far did to each handle name, to refuse a use the script cannot make.
struct HandleState {
  bool open = true;
  uint32_t line = 0;  // of the open, or of the close once closed
};

struct ScriptState {
  std::map<std::string, HandleState, std::less<>> handles;
  TimeUs previous_at_us = 0;
};

void bind_handle(const Context& ctx, uint32_t index, ScriptState& state, ScriptStep& step) {
  const auto name = read_name(ctx, index, "as");
  if (!name) return;
  step.handle_name = *name;
  const uint32_t line = ctx.node(index).position.line;
  const auto [handle, inserted] = state.handles.emplace(*name, HandleState{true, line});
  if (inserted) return;
  if (handle->second.open) {
    ctx.error(index, fmt::format("handle '{}' is already open (opened at line {})", *name,
                                 handle->second.line));
    return;
  }
  handle->second = HandleState{true, line};
}

void use_handle(const Context& ctx, uint32_t index, std::string_view key, ScriptState& state,
                ScriptStep& step) {
  const auto name = read_name(ctx, index, key);
  if (!name) return;
  step.handle_name = *name;
  const auto handle = state.handles.find(*name);
  if (handle == state.handles.end()) {
    ctx.error(index, fmt::format("handle '{}' is not opened by an earlier step of this script "
                                 "(open: ... as: {})",
                                 *name, *name));
    return;
  }
  if (!handle->second.open) {
    ctx.error(index, fmt::format("handle '{}' was closed at line {}", *name, handle->second.line));
    return;
  }
  if (step.action == ScriptStep::Action::close) {
    handle->second = HandleState{false, ctx.node(index).position.line};
  }
}

void load_step_target(const Context& ctx, const MapView& map, std::string_view action,
                      ScriptState& state, ScriptStep& step) {
  const uint32_t target = map.value(action);
  switch (step.action) {
    case ScriptStep::Action::open:
      step.path = read_path(ctx, target, action).value_or("");
      if (const uint32_t as = map.value("as"); as != kNoNode) bind_handle(ctx, as, state, step);
      return;
    case ScriptStep::Action::close:
    case ScriptStep::Action::lock:
    case ScriptStep::Action::unlock:
    case ScriptStep::Action::write:
      use_handle(ctx, target, action, state, step);
      return;
    case ScriptStep::Action::delete_file:
      step.path = read_path(ctx, target, action).value_or("");
      return;
    case ScriptStep::Action::rename: {
      step.path = read_path(ctx, target, action).value_or("");
      const uint32_t to = require(ctx, map, "to", "a 'rename' step");
      if (to != kNoNode) step.to = read_path(ctx, to, "to").value_or("");
      return;
    }
  }
}

void load_step_options(const Context& ctx, const MapView& map, std::string_view applies_to,
                       ScriptStep& step) {
  const bool ranged =
      step.action == ScriptStep::Action::lock || step.action == ScriptStep::Action::unlock;
  if (ranged && require(ctx, map, "length", applies_to) != kNoNode) {
    const uint32_t length = map.value("length");
    step.length = read_byte_count(ctx, length, "length").value_or(0);
    if (ctx.node(length).kind == YamlNode::Kind::scalar && step.length == 0 &&
        parse_unsigned(ctx.node(length).value).value == uint64_t{0}) {
      ctx.error(length, "'length' must be more than 0 bytes");
    }
  }
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "access") step.access = read_access(ctx, value, key).value_or(step.access);
    if (key == "share") step.share = read_share(ctx, value, key).value_or(step.share);
    if (key == "offset") step.offset = read_byte_count(ctx, value, key).value_or(0);
    if (key == "exclusive") step.exclusive = read_bool(ctx, value, key).value_or(true);
    if (key == "expect") step.expect = read_error(ctx, value, key, true);
  });
}

void load_step_time(const Context& ctx, const MapView& map, ScriptState& state, ScriptStep& step) {
  step.at_us = state.previous_at_us;  // default: right after the previous step
  const uint32_t at = map.value("at");
  if (at == kNoNode) return;
  const auto at_us = read_time(ctx, at, "at");
  if (!at_us) return;
  if (*at_us < state.previous_at_us) {
    ctx.error(at, fmt::format("step 'at' {} is before the previous step's {}; steps run in order",
                              format_duration(*at_us), format_duration(state.previous_at_us)));
    return;
  }
  step.at_us = *at_us;
  state.previous_at_us = *at_us;
}

std::optional<ScriptStep> load_step(const Context& ctx, uint32_t index, ScriptState& state) {
  const auto action = find_action_key(ctx, index, kStepActions, "'steps'");
  if (!action) return std::nullopt;
  ScriptStep step;
  step.action = *enum_from_name(kScriptActionKeys, *action);
  step.position = ctx.node(index).position;
  const std::string applies_to = with_article(fmt::format("'{}' step", *action));
  const MapView map =
      read_map(ctx, index, "each entry of 'steps'",
               KeySet{"step", step_keys(step.action), kStepKeys, applies_to, kStepActions});
  load_step_time(ctx, map, state, step);
  load_step_target(ctx, map, *action, state, step);
  load_step_options(ctx, map, applies_to, step);
  return step;
}

void load_script(const Context& ctx, const MapView& map, HolderSpec& holder) {
  const uint32_t steps = require(ctx, map, "steps", "a script holder");
  if (steps == kNoNode) return;
  const auto items = read_list(ctx, steps, "steps", Bounds{1, kScriptStepsMax, "kScriptStepsMax"});
  if (!items) return;
  ScriptState state;
  for (const uint32_t item : *items) {
    if (auto step = load_step(ctx, item, state)) holder.steps.push_back(std::move(*step));
  }
}

// ---------------------------------------------------------------------------------------------
// holders, continued: one holder and the list

// The holder of an entry, with `number` (1-based) for its default name; nullopt when the entry
// is not a mapping or has no valid kind.
std::optional<HolderSpec> load_holder(const Context& ctx, uint32_t index, size_t number,
                                      uint32_t& name_index) {
  const MapView raw = read_any_map(ctx, index, "each entry of 'holders'");
  if (!raw.valid()) return std::nullopt;
  std::optional<HolderKind> kind;
  if (const uint32_t kind_index = require(ctx, raw, "kind", "a holder"); kind_index != kNoNode) {
    kind = read_enum(ctx, kind_index, "kind", kHolderKindNames, "holder kind");
  }
  const std::string applies_to =
      kind ? with_article(fmt::format("{} holder", enum_name(kHolderKindNames, *kind)))
           : std::string();
  const KeySet keys = kind ? KeySet{"holder", holder_keys(*kind), kAllHolderKeys, applies_to}
                           : KeySet{"holder", kAllHolderKeys};
  const MapView map = read_map(ctx, index, "each entry of 'holders'", keys);
  if (!kind) return std::nullopt;
  HolderSpec holder;
  holder.kind = *kind;
  holder.position = ctx.node(index).position;
  holder.name = fmt::format("{}{}", enum_name(kHolderKindNames, *kind), number);
  name_index = map.value("name");
  if (name_index != kNoNode) holder.name = read_name(ctx, name_index, "name").value_or(holder.name);
  load_holder_timing(ctx, map, holder);
  load_holder_target(ctx, map, applies_to, holder);
  load_holder_options(ctx, map, holder);
  if (holder.kind == HolderKind::script) load_script(ctx, map, holder);
  return holder;
}

void load_holders(const Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items = read_list(ctx, index, "holders", Bounds{0, kHoldersMax, "kHoldersMax"}, true);
  if (!items) return;
  std::map<std::string, uint32_t> name_lines;
  for (size_t number = 1; number <= items->size(); ++number) {
    const uint32_t item = (*items)[number - 1];
    uint32_t name_index = kNoNode;
    auto holder = load_holder(ctx, item, number, name_index);
    if (!holder) continue;
    const uint32_t position_index = name_index != kNoNode ? name_index : item;
    const auto [first, inserted] =
        name_lines.emplace(holder->name, ctx.node(position_index).position.line);
    if (!inserted) {
      ctx.error(position_index, fmt::format("duplicate holder name '{}' (first at line {})",
                                            holder->name, first->second));
    }
    scenario.holders.push_back(std::move(*holder));
  }
}

// ---------------------------------------------------------------------------------------------
// faults

constexpr std::array<std::string_view, 3> kFaultActions{"dp_unreachable", "dp_disk_full", "crash"};
constexpr std::array<std::string_view, 6> kFaultKeys{
    "at", "dp_unreachable", "dp_disk_full", "crash", "for", "restart_after"};

KeyList fault_keys(FaultSpec::Kind kind) {
  static constexpr std::array<std::string_view, 3> kUnreachable{"at", "dp_unreachable", "for"};
  static constexpr std::array<std::string_view, 3> kDiskFull{"at", "dp_disk_full", "for"};
  static constexpr std::array<std::string_view, 3> kCrash{"at", "crash", "restart_after"};
  switch (kind) {
    case FaultSpec::Kind::dp_unreachable:
      return kUnreachable;
    case FaultSpec::Kind::dp_disk_full:
      return kDiskFull;
    case FaultSpec::Kind::crash:
      return kCrash;
  }
  DISTSIM_ASSERT(false);
}

void load_fault_target(const Context& ctx, uint32_t index, FaultSpec& fault) {
  if (fault.kind != FaultSpec::Kind::crash) {
    fault.target =
        read_dp_reference(ctx, index, enum_name(kFaultKindKeys, fault.kind)).value_or("");
    return;
  }
  const auto process = read_scalar(ctx, index, "crash");
  if (!process) return;
  if (*process != kCrashTargetName) {
    ctx.error(index, fmt::format("unknown process '{}' for 'crash'; expected {}", *process,
                                 kCrashTargetName));
    return;
  }
  fault.target = std::string(*process);
}

std::optional<FaultSpec> load_fault(const Context& ctx, uint32_t index) {
  const auto action = find_action_key(ctx, index, kFaultActions, "'faults'");
  if (!action) return std::nullopt;
  FaultSpec fault;
  fault.kind = *enum_from_name(kFaultKindKeys, *action);
  fault.position = ctx.node(index).position;
  const std::string applies_to = with_article(fmt::format("'{}' fault", *action));
  const MapView map =
      read_map(ctx, index, "each entry of 'faults'",
               KeySet{"fault", fault_keys(fault.kind), kFaultKeys, applies_to, kFaultActions});
  load_fault_target(ctx, map.value(*action), fault);
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "at") fault.at_us = read_time(ctx, value, key).value_or(0);
    if (key == "for") fault.for_us = read_positive_duration(ctx, value, key);
    if (key == "restart_after") fault.restart_after_us = read_duration(ctx, value, key);
  });
  return fault;
}

void load_faults(const Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items = read_list(ctx, index, "faults", Bounds{0, kFaultsMax, "kFaultsMax"}, true);
  if (!items) return;
  for (const uint32_t item : *items) {
    if (auto fault = load_fault(ctx, item)) scenario.faults.push_back(std::move(*fault));
  }
}

// ---------------------------------------------------------------------------------------------
// expect

const std::array<EnumName<model::PackageState>, 4>& package_state_names() {
  using model::PackageState;
  static const std::array<EnumName<PackageState>, 4> kTable{
      EnumName<PackageState>{PackageState::installed,
                             model::package_state_name(PackageState::installed)},
      EnumName<PackageState>{PackageState::retrying,
                             model::package_state_name(PackageState::retrying)},
      EnumName<PackageState>{PackageState::failed, model::package_state_name(PackageState::failed)},
      EnumName<PackageState>{PackageState::pending,
                             model::package_state_name(PackageState::pending)},
  };
  return kTable;
}

// Short names ("retrying") first; SMS's own ("INSTALL_RETRYING") are accepted too.
const std::array<EnumName<model::DpState>, 8>& dp_state_names() {
  using model::DpState;
  static const std::array<EnumName<DpState>, 8> kTable{
      EnumName<DpState>{DpState::installed, model::dp_state_short_name(DpState::installed)},
      EnumName<DpState>{DpState::install_retrying,
                        model::dp_state_short_name(DpState::install_retrying)},
      EnumName<DpState>{DpState::install_failed,
                        model::dp_state_short_name(DpState::install_failed)},
      EnumName<DpState>{DpState::install_pending,
                        model::dp_state_short_name(DpState::install_pending)},
      EnumName<DpState>{DpState::installed, model::dp_state_name(DpState::installed)},
      EnumName<DpState>{DpState::install_retrying, model::dp_state_name(DpState::install_retrying)},
      EnumName<DpState>{DpState::install_failed, model::dp_state_name(DpState::install_failed)},
      EnumName<DpState>{DpState::install_pending, model::dp_state_name(DpState::install_pending)},
  };
  return kTable;
}

void load_dp_expectations(const Context& ctx, uint32_t index, const PackageInfo& package,
                          PackageExpectation& expectation) {
  const MapView map = read_any_map(ctx, index, "'distribution_points'");
  for (const MapEntry& entry : map.entries()) {
    if (!read_dp_reference(ctx, entry.key_index, "distribution_points")) continue;
    if (!check_package_on_dp(ctx, package, expectation.package_id, entry.key_index)) continue;
    const auto state =
        read_enum(ctx, entry.value_index, entry.key, dp_state_names(), "distribution point state");
    if (!state) continue;
    expectation.distribution_points.push_back(
        DpStateExpectation{std::string(entry.key), *state, ctx.node(entry.key_index).position});
  }
}

constexpr std::array<std::string_view, 5> kPackageExpectationKeys{
    "state", "attempts", "retries", "installed_by", "distribution_points"};

PackageExpectation load_package_expectation(const Context& ctx, const MapEntry& entry,
                                            const PackageInfo& package) {
  PackageExpectation expectation;
  expectation.package_id = std::string(entry.key);
  expectation.position = ctx.node(entry.key_index).position;
  const MapView map = read_map(ctx, entry.value_index, fmt::format("package '{}'", entry.key),
                               KeySet{"a package expectation", kPackageExpectationKeys});
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "state") {
      expectation.state = read_enum(ctx, value, key, package_state_names(), "package state");
    }
    if (key == "attempts") expectation.attempts = read_count_range(ctx, value, key);
    if (key == "retries") expectation.retries = read_count_range(ctx, value, key);
    if (key == "installed_by") expectation.installed_by_us = read_time(ctx, value, key);
    if (key == "distribution_points") load_dp_expectations(ctx, value, package, expectation);
  });
  return expectation;
}

void load_package_expectations(const Context& ctx, uint32_t index, Expectations& expect) {
  const MapView map = read_any_map(ctx, index, "'packages'");
  if (map.entries().size() > kPackagesMax) {
    ctx.error(index, fmt::format("'packages' has {} entries, more than kPackagesMax ({})",
                                 map.entries().size(), kPackagesMax));
    return;
  }
  for (const MapEntry& entry : map.entries()) {
    const auto package = ctx.packages.find(entry.key);
    if (package == ctx.packages.end()) {
      ctx.error(entry.key_index,
                fmt::format("unknown package '{}'; no entry of 'packages' creates it{}", entry.key,
                            package_hint(ctx, entry.key)));
      continue;
    }
    expect.packages.push_back(load_package_expectation(ctx, entry, package->second));
  }
}

std::optional<uint32_t> read_status_id(const Context& ctx, uint32_t index, std::string_view key) {
  const auto id = read_uint32(ctx, index, key, Bounds{});
  if (!id) return std::nullopt;
  if (!model::find_status_definition(model::kDistributionManagerComponent, *id)) {
    std::string known;
    for (const model::StatusMessageDefinition& row : model::status_catalogue()) {
      if (row.component != model::kDistributionManagerComponent) continue;
      known += fmt::format("{}{}", known.empty() ? "" : ", ", row.id);
    }
    ctx.error(index, fmt::format("status message {} is not one distsim raises for {}; known: {}",
                                 *id, model::kDistributionManagerComponent, known));
    return std::nullopt;
  }
  return id;
}

std::optional<std::vector<uint32_t>> read_status_sequence(const Context& ctx, uint32_t index) {
  const auto items = read_list(ctx, index, "sequence",
                               Bounds{1, kStatusSequenceLengthMax, "kStatusSequenceLengthMax"});
  if (!items) return std::nullopt;
  std::vector<uint32_t> ids;
  for (const uint32_t item : *items) {
    if (const auto id = read_status_id(ctx, item, "sequence")) ids.push_back(*id);
  }
  return ids;
}

constexpr std::array<std::string_view, 2> kStatusActions{"id", "sequence"};
constexpr std::array<std::string_view, 4> kStatusKeys{"id", "count", "package", "sequence"};

void load_status_expectation(const Context& ctx, uint32_t index, Expectations& expect) {
  const auto action = find_action_key(ctx, index, kStatusActions, "'status_messages'");
  if (!action) return;
  static constexpr std::array<std::string_view, 3> kCountKeys{"id", "count", "package"};
  static constexpr std::array<std::string_view, 2> kSequenceKeys{"sequence", "package"};
  const bool is_count = *action == "id";
  const MapView map =
      read_map(ctx, index, "each entry of 'status_messages'",
               KeySet{"status message expectation", is_count ? KeyList(kCountKeys) : kSequenceKeys,
                      kStatusKeys, is_count ? "a count of one id" : "a sequence", kStatusActions});
  std::optional<std::string> package;
  if (const uint32_t value = map.value("package"); value != kNoNode) {
    package = read_package_reference(ctx, value, "package");
  }
  const SourcePosition position = ctx.node(index).position;
  if (!is_count) {
    auto ids = read_status_sequence(ctx, map.value("sequence"));
    expect.status_sequences.push_back(
        StatusSequenceExpectation{ids.value_or(std::vector<uint32_t>{}), package, position});
    return;
  }
  StatusCountExpectation expectation{0, CountRange{1, std::numeric_limits<uint64_t>::max()},
                                     package, position};  // default count: at least once
  expectation.id = read_status_id(ctx, map.value("id"), "id").value_or(0);
  if (const uint32_t count = map.value("count"); count != kNoNode) {
    expectation.count = read_count_range(ctx, count, "count").value_or(expectation.count);
  }
  expect.status_counts.push_back(std::move(expectation));
}

std::vector<std::string> read_log_patterns(const Context& ctx, uint32_t index,
                                           std::string_view key) {
  const auto items = read_list(ctx, index, key, Bounds{0, kExpectationsMax, "kExpectationsMax"});
  std::vector<std::string> patterns;
  if (!items) return patterns;
  for (const uint32_t item : *items) {
    if (auto pattern = read_text(ctx, item, key, kLogPatternLengthMax, "kLogPatternLengthMax")) {
      patterns.push_back(std::move(*pattern));
    }
  }
  return patterns;
}

void load_log_expectations(const Context& ctx, uint32_t index, Expectations& expect) {
  constexpr std::array<std::string_view, 2> kLogKeys{"contains", "not_contains"};
  const MapView map = read_map(ctx, index, "'log'", KeySet{"log", kLogKeys});
  if (const uint32_t value = map.value("contains"); value != kNoNode) {
    expect.log_contains = read_log_patterns(ctx, value, "contains");
  }
  if (const uint32_t value = map.value("not_contains"); value != kNoNode) {
    expect.log_not_contains = read_log_patterns(ctx, value, "not_contains");
  }
}

constexpr std::array<std::string_view, 5> kExpectKeys{
    "packages", "status_messages", "component_status", "log", "no_invariant_violations"};

void load_expect(const Context& ctx, uint32_t index, Expectations& expect) {
  const MapView map = read_map(ctx, index, "'expect'", KeySet{"expect", kExpectKeys});
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "packages") load_package_expectations(ctx, value, expect);
    if (key == "status_messages") {
      const auto items =
          read_list(ctx, value, key, Bounds{0, kExpectationsMax, "kExpectationsMax"});
      for (const uint32_t item : items.value_or(std::span<const uint32_t>{})) {
        load_status_expectation(ctx, item, expect);
      }
    }
    if (key == "component_status") {
      expect.component_status =
          read_enum(ctx, value, key, kComponentStatusLevelNames, "component status");
    }
    if (key == "log") load_log_expectations(ctx, value, expect);
    if (key == "no_invariant_violations") {
      expect.no_invariant_violations = read_bool(ctx, value, key).value_or(true);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The whole file.

// The value of an optional section, or kNoNode when absent or written with nothing after it.
uint32_t section(const Context& ctx, const MapView& top, std::string_view key) {
  const uint32_t value = top.value(key);
  if (value == kNoNode || ctx.node(value).kind == YamlNode::Kind::null) return kNoNode;
  return value;
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
    if (const auto tree = build_tree(text, diagnostics)) {
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

namespace {

// The text of a file of at most kScenarioFileBytesMax bytes, or the reason it cannot be had.
std::variant<std::string, std::string> read_whole_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input.is_open()) {
    const int open_errno = errno;  // read before anything else can change it
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

constexpr std::array<std::string_view, 2> kPolicyKeys{"name", "retry"};

void load_policy_sections(Context& ctx, PolicyFile& policy) {
  const uint32_t root = ctx.tree.root;
  if (root == kNoNode || ctx.node(root).kind != YamlNode::Kind::mapping) {
    ctx.diagnostics.add(SourcePosition{1, 1},
                        "a policy file is a mapping with 'retry' (and an optional 'name')");
    return;
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
    if (const auto tree = build_tree(text, diagnostics)) {
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
