// The YAML tree the scenario loader reads, and the errors of one file. yaml-cpp's event parser
// feeds a small tree of our own that keeps every value's position and catches duplicate keys
// (yaml-cpp 0.7 keeps them silently). Only the loader's files include it; nothing else sees YAML.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_loader.h"

namespace distsim::sim::loader_internal {

inline constexpr uint32_t kNoNode = std::numeric_limits<uint32_t>::max();

// Appended where a Windows path was written in double quotes, where YAML reads `\t` as a tab
// and refuses `\W`: the most common first mistake in a scenario.
inline constexpr std::string_view kDoubleQuotedPathHint =
    "; in double quotes YAML reads a backslash as the start of an escape (\\t is a tab): write "
    "Windows paths in single quotes, like 'C:\\WINNT\\TEMP'";

// Whether the tree's reading of a scalar already gave kDoubleQuotedPathHint: a double-quoted
// value that starts like a Windows path and holds a character a scenario may not
// (scalar_text_problem). The path check then names the path's own problem without giving the
// hint a second time.
[[nodiscard]] bool text_problem_hinted(std::string_view value, bool double_quoted);

// The errors of one file, at most kScenarioErrorsMax of them.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  // Requires a non-empty message. Past kScenarioErrorsMax the error is dropped and counted.
  void add(SourcePosition position, std::string message);

  [[nodiscard]] bool empty() const { return errors_.empty(); }

  // Ordered by position; stable, so that two errors of one value keep the order they were found.
  // A last error without a position says when some were dropped.
  [[nodiscard]] std::vector<ScenarioError> take_sorted();

 private:
  std::string file_;
  std::vector<ScenarioError> errors_;
  bool truncated_ = false;
};

// Nodes in one vector, children by index; an alias shares the anchored node.
struct YamlNode {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  SourcePosition position;
  std::string value;               // scalar text
  bool plain = true;               // a scalar written without quotes
  bool double_quoted = false;      // a scalar in "...", whose backslashes start escapes
  std::vector<uint32_t> children;  // sequence: items; mapping: key, value, key, value, ...
  // Values in this node's subtree with every alias in it expanded (this node included): what
  // reading the value costs, known once the node is complete.
  uint64_t expanded_size = 1;
};

struct YamlTree {
  std::vector<YamlNode> nodes;
  uint32_t root = kNoNode;  // kNoNode: the document is empty
};

// "a mapping", "a list"...: the kind as a message names it.
[[nodiscard]] std::string_view describe(YamlNode::Kind kind);

// "10,000,000": a count in a message about a limit.
[[nodiscard]] std::string grouped(uint64_t count);

// The tree of the first document of `text`, or nullopt after a syntax error, a value past
// kYamlNodesMax or kYamlDepthMax, or a document of more than kYamlExpandedNodesMax values once its
// aliases are expanded (counted as the tree is built, never expanded). A scalar that is not valid
// UTF-8 or holds a control character (YAML escapes can write both) is reported. Every problem,
// including a second document, goes to `diagnostics`.
[[nodiscard]] std::optional<YamlTree> build_tree(std::string_view text, Diagnostics& diagnostics);

}  // namespace distsim::sim::loader_internal
