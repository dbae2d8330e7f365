// YAML text output for the scenario writer: scalars quoted so that any YAML reader reads them back
// as the same string (never as a number, a boolean or null), literal blocks for multi-line text,
// flow lists, and YamlOut, which builds the text line by line at given indents.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distsim::sim {

// A string as a quoted scalar: single quotes where every character can stand as itself, double
// quotes with escapes otherwise (control characters, and UTF-8 sequences YAML reads as a line
// break or a byte order mark).
[[nodiscard]] std::string quoted(std::string_view text);

// An identifier (package id, DP, holder or handle name) plain where no YAML reader can take it
// for a number, a boolean or null, quoted otherwise.
[[nodiscard]] std::string identifier(std::string_view text);

// The lines of a literal block scalar (`|` or `|-`, then the lines at `indent` spaces) for
// multi-line text, or nullopt where only a quoted scalar keeps the text exact (leading spaces,
// trailing spaces, control characters, more than one final newline).
[[nodiscard]] std::optional<std::string> literal_block(std::string_view text, size_t indent);

// `[a, b, c]` from items that are already scalars.
[[nodiscard]] std::string flow_list(const std::vector<std::string>& items);

// A YAML document built line by line; every value passed in is already a scalar or flow text.
class YamlOut {
 public:
  // `key: value` at `indent` spaces.
  void field(size_t indent, std::string_view key, std::string_view value);
  // `key:` that opens a nested mapping or list.
  void open(size_t indent, std::string_view key);
  // `- key: value`: the first field of a list item; its other fields go at indent + 2.
  void item(size_t indent, std::string_view key, std::string_view value);
  // `- value`: a list item that is a single value.
  void item(size_t indent, std::string_view value);
  // `key: ` followed by a block that already ends with its newline.
  void block(size_t indent, std::string_view key, std::string_view block_text);
  [[nodiscard]] std::string take();

 private:
  std::string text_;
};

}  // namespace distsim::sim
