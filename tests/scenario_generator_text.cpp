// Text for generated scenarios: names, descriptions and path components built from pieces that
// stress YAML quoting, so that the writer and the schema see every awkward character.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "scenario_generator_draws.h"
#include "sim/core/limits.h"

namespace distsim::testing::generator_draws {
namespace {

// Pieces of text that stress quoting: YAML indicators, quotes, backslashes, words YAML reads as
// null or booleans, non-ASCII letters, a Unicode line separator, and (for multi-line text)
// newlines, tabs and carriage returns.
const std::vector<std::string>& line_pieces() {
  static const std::vector<std::string> kPieces{"a",
                                                "Z",
                                                "0",
                                                "9",
                                                " ",
                                                "-",
                                                "_",
                                                ".",
                                                ":",
                                                ": ",
                                                "#",
                                                " #",
                                                "'",
                                                "\"",
                                                "\\",
                                                "/",
                                                "{",
                                                "}",
                                                "[",
                                                "]",
                                                ",",
                                                "&",
                                                "*",
                                                "!",
                                                "|",
                                                ">",
                                                "%",
                                                "@",
                                                "`",
                                                "?",
                                                "~",
                                                "null",
                                                "yes",
                                                "false",
                                                "\xC3\xA9",
                                                "\xE6\x97\xA5",
                                                "\xE2\x80\xA8",
                                                "Office 2000",
                                                "Error 32",
                                                "S0100001"};
  return kPieces;
}

const std::vector<std::string>& multiline_pieces() {
  static const std::vector<std::string> kPieces = [] {
    std::vector<std::string> pieces = line_pieces();
    for (const char* extra : {"\n", "\n", "\n\n", "\t", "\r", "  "}) pieces.emplace_back(extra);
    return pieces;
  }();
  return kPieces;
}

}  // namespace

// Non-empty text of at most `length_max` bytes.
std::string draw_text(size_t length_max, bool multiline) {
  const auto& pieces = multiline ? multiline_pieces() : line_pieces();
  const size_t count = *rc::gen::inRange<size_t>(1, 12);
  std::string text;
  for (size_t index = 0; index < count; ++index) {
    const std::string& piece = pieces[draw_index(pieces.size())];
    if (text.size() + piece.size() <= length_max) text += piece;
  }
  return text.empty() ? "x" : text;
}

// A name of a holder or handle: usually an identifier, sometimes any text of one line.
std::string draw_name() {
  if (draw_bool()) return draw_text(sim::kNameLengthMax, false);
  constexpr std::array<const char*, 8> kWords{"h", "setup", "null", "yes", "Y", "a-b", "x.y", "1"};
  return fmt::format("{}{}", draw_from(kWords), draw_count(20));
}

std::string draw_holder_name() {
  std::string name = draw_name();
  std::replace(name.begin(), name.end(), ' ', '_');
  return name;
}

// One path component: characters Windows allows in names, with a non-ASCII letter now and then.
std::string draw_component() {
  constexpr std::array<const char*, 14> kPieces{
      "WINNT", "Temp", "a", "0", " ", "_", "-", "~", "$", "'", "#", "(1)", "\xC3\xA9", "x.txt"};
  std::string component;
  const size_t count = *rc::gen::inRange<size_t>(1, 4);
  for (size_t index = 0; index < count; ++index) component += draw_from(kPieces);
  return component == "." || component == ".." ? "dot" : component;
}

std::string draw_drive_path() {
  std::string path = fmt::format(
      "{}:", static_cast<char>((draw_bool() ? 'A' : 'a') + static_cast<int>(draw_index(26))));
  const size_t components = *rc::gen::inRange<size_t>(1, 4);
  for (size_t index = 0; index < components; ++index) path += "\\" + draw_component();
  return path;
}

}  // namespace distsim::testing::generator_draws
