// The text rule of scenario and policy files: UTF-8 (a byte order mark is accepted) without NUL or
// other control characters than tab and line breaks, checked before YAML sees the text; and text
// made safe to quote in a message (every message of the loader goes through it), so that no error
// and no output of a run can carry an invalid byte.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sim/scenario/scenario.h"

namespace distsim::sim {

struct SourceTextProblem {
  SourcePosition position;  // line and column (in bytes, as YAML positions count) of the problem
  std::string message;
};

// The text YAML parses: `text` with each lone carriage return (old Mac line endings) made a line
// feed, so that YAML sees the line breaks the file has and positions stay right; CRLF is kept.
// Or the first problem of `text`: an invalid UTF-8 sequence, NUL or another control character.
struct PreparedSourceText {
  std::string text;
  std::optional<SourceTextProblem> problem;
};
[[nodiscard]] PreparedSourceText prepare_source_text(std::string_view text);

// The bytes of the well-formed UTF-8 sequence that starts at `position` (1 to 4), or 0 when the
// bytes there are not one (stray continuation, overlong form, surrogate, past U+10FFFF, cut off).
[[nodiscard]] size_t utf8_sequence_length(std::string_view text, size_t position);

// Why a scalar value (after YAML escapes such as "\0" or "\x07") cannot be used, or nothing: it
// must be valid UTF-8 without control characters other than tab and line breaks.
[[nodiscard]] std::optional<std::string> scalar_text_problem(std::string_view value);

// `text` with every byte that is not part of printable UTF-8 written as \xNN: invalid bytes,
// control characters (tab and line breaks too) and DEL. Valid text without them is unchanged.
[[nodiscard]] std::string printable_text(std::string_view text);

// The character at `position` for a message: its whole UTF-8 sequence, or \xNN for a byte that
// starts none or a control character.
[[nodiscard]] std::string character_text(std::string_view text, size_t position);

}  // namespace distsim::sim
