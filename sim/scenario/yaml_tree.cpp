// The YAML tree of a scenario or policy file: yaml-cpp's events become YamlNodes with positions.
// Duplicate keys, explicit tags, an alias to a mapping or list that contains it and a second
// document are reported, and the node count, the count with aliases expanded and the depth are
// bounded so that no file can exhaust memory or time, however it reuses its values.
#include "sim/scenario/yaml_tree.h"

#include <fmt/format.h>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <functional>
#include <map>
#include <sstream>
#include <tuple>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/scenario/source_text.h"

namespace distsim::sim::loader_internal {

bool text_problem_hinted(std::string_view value, bool double_quoted) {
  // The file's own text was checked before YAML read it, so only an escape of double quotes can
  // have made the character: in something that starts like a Windows path ("C:\Notes": \N is
  // U+0085), most likely by accident.
  const bool path_like = (value.size() >= 2 && value[1] == ':') || value.rfind('\\', 0) == 0;
  return double_quoted && path_like && scalar_text_problem(value).has_value();
}
namespace {

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
  TreeBuilder(YamlTree& tree, Diagnostics& diagnostics, std::string_view text)
      : tree_(tree), diagnostics_(diagnostics), text_(text) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (document_seen_) {
      diagnostics_.add(
          position_of(mark),
          "a distsim file (a scenario or a policy) holds one YAML document; remove the second one");
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
    count_expanded(tree_.nodes[index].expanded_size, position_of(mark));
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
    if (!node.plain) node.double_quoted = require_closing_quote(mark) == '"';
    if (const auto problem = scalar_text_problem(value)) {
      diagnostics_.add(node.position, text_problem_hinted(value, node.double_quoted)
                                          ? *problem + std::string(kDoubleQuotedPathHint)
                                          : *problem);
    }
    attach(add(std::move(node), anchor), mark);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(YamlNode::Kind::sequence, mark, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(YamlNode::Kind::mapping, mark, tag, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  // yaml-cpp ends a quoted value that no quote closes at the end of the file, when a line break
  // ends the file, without a word: the rest of the file becomes its text. A quote at the value's
  // start must have its closing quote: an unescaped " for a double-quoted value, a ' not doubled
  // for a single-quoted one. Returns the opening quote, or 0 for a block scalar.
  char require_closing_quote(const YAML::Mark& mark) const {
    // yaml-cpp's positions do not count a byte order mark.
    const size_t bom = text_.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) + bom >= text_.size()) return 0;
    size_t start = static_cast<size_t>(mark.pos) + bom;
    // An anchor or a tag before the value: the value starts after it and its spaces.
    while (start < text_.size() && (text_[start] == '&' || text_[start] == '!')) {
      while (start < text_.size() && text_[start] != ' ' && text_[start] != '\n') ++start;
      while (start < text_.size() && text_[start] == ' ') ++start;
    }
    if (start >= text_.size()) return 0;
    const char quote = text_[start];
    if (quote != '"' && quote != '\'') return 0;  // a block scalar (| or >)
    for (size_t at = start + 1; at < text_.size(); ++at) {
      if (quote == '"' && text_[at] == '\\') {
        ++at;  // the escaped character
      } else if (text_[at] == quote) {
        if (quote == '"' || at + 1 == text_.size() || text_[at + 1] != '\'') return quote;
        ++at;  // '' is a quote inside single quotes
      }
    }
    throw ParseAbort{position_of(mark),
                     fmt::format("invalid YAML: the quote ({}) that opens this value is never "
                                 "closed; the value would run to the end of the file",
                                 quote)};
  }

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
    count_expanded(1, node.position);
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

  // Counts `size` more values of the expanded document, stopping the parse past the bound. Every
  // node's expanded_size is then at most the bound, so the sums cannot overflow.
  void count_expanded(uint64_t size, SourcePosition position) {
    expanded_total_ += size;
    if (expanded_total_ > kYamlExpandedNodesMax) {
      throw ParseAbort{position,
                       fmt::format("too many YAML values after alias expansion: {} > {} "
                                   "(kYamlExpandedNodesMax)",
                                   grouped(expanded_total_), grouped(kYamlExpandedNodesMax))};
    }
  }

  void close() {
    YamlNode& node = tree_.nodes[frames_.back().index];
    for (const uint32_t child : node.children)
      node.expanded_size += tree_.nodes[child].expanded_size;
    frames_.pop_back();
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
  std::string_view text_;          // the whole file, for what yaml-cpp does not check
  std::vector<Frame> frames_;      // at most kYamlDepthMax
  std::vector<uint32_t> anchors_;  // anchor id -> node
  uint64_t expanded_total_ = 0;    // values so far, aliases expanded
  bool document_seen_ = false;
};

}  // namespace

void Diagnostics::add(SourcePosition position, std::string message) {
  DISTSIM_ASSERT(!message.empty());
  if (errors_.size() >= kScenarioErrorsMax) {
    truncated_ = true;
    return;
  }
  // Messages quote the file's text; no control character or invalid byte may reach the output.
  errors_.push_back(ScenarioError{file_, position.line, position.column, printable_text(message)});
}

std::vector<ScenarioError> Diagnostics::take_sorted() {
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

std::string grouped(uint64_t count) {
  const std::string digits = fmt::format("{}", count);
  std::string text;
  for (size_t index = 0; index < digits.size(); ++index) {
    if (index > 0 && (digits.size() - index) % 3 == 0) text.push_back(',');
    text.push_back(digits[index]);
  }
  return text;
}

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

namespace {

// The 1-based number of the line (of `line_index`, 0-based, and the one before it, where YAML
// errors about indentation point) whose indentation holds a tab; nullopt when neither's does.
// yaml-cpp's messages for a tab in the indentation ("illegal map value", "end of map not
// found") do not say that a tab is the cause.
std::optional<size_t> tab_indented_line(std::string_view text, size_t line_index) {
  size_t start = 0;
  for (size_t line = 0; line <= line_index && start <= text.size(); ++line) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (line + 1 >= line_index) {
      for (size_t at = start; at < end && (text[at] == ' ' || text[at] == '\t'); ++at) {
        if (text[at] == '\t') return line + 1;
      }
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

// The tree of the first document, or nullopt after a syntax error or an exceeded bound.
std::optional<YamlTree> build_tree(std::string_view text, Diagnostics& diagnostics) {
  YamlTree tree;
  std::istringstream input{std::string(text)};
  try {
    YAML::Parser parser(input);
    TreeBuilder builder(tree, diagnostics, text);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const StopAfterFirstDocument&) {
    // Reported by the builder; the first document is complete.
  } catch (const ParseAbort& abort) {
    diagnostics.add(abort.position, abort.message);
    return std::nullopt;
  } catch (const YAML::Exception& error) {
    // "\W" is no escape, "\x.t" no hex number: both only in double quotes.
    const bool escape = error.msg.find("unknown escape character") != std::string::npos ||
                        error.msg.find("while scanning hex number") != std::string::npos;
    const auto tab_line = error.mark.line >= 0 && error.msg.find("tab") == std::string::npos
                              ? tab_indented_line(text, static_cast<size_t>(error.mark.line))
                              : std::nullopt;
    const std::string tab_hint =
        tab_line ? fmt::format("; line {} indents with a tab, and YAML indents with spaces only",
                               *tab_line)
                 : std::string();
    diagnostics.add(position_of(error.mark),
                    fmt::format("invalid YAML: {}{}{}", error.msg,
                                escape ? kDoubleQuotedPathHint : "", tab_hint));
    return std::nullopt;
  }
  return tree;
}

}  // namespace distsim::sim::loader_internal
