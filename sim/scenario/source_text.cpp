// The text rule of scenario files (UTF-8 without control characters) and the escaping of text
// quoted in messages. Columns count bytes from the start of the line (after a byte order mark on
// the first line), as yaml-cpp's positions do, so that every error of a file counts alike.
#include "sim/scenario/source_text.h"

#include <fmt/format.h>

#include <cstdint>

namespace distsim::sim {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

uint8_t byte_at(std::string_view text, size_t position) {
  return static_cast<uint8_t>(text[position]);
}

bool is_continuation(uint8_t byte) { return (byte & 0xC0U) == 0x80U; }

// The code point of the well-formed sequence of `length` bytes at `position`.
uint32_t code_point_at(std::string_view text, size_t position, size_t length) {
  const uint8_t lead = byte_at(text, position);
  if (length == 1) return lead;
  const uint32_t lead_bits = length == 2 ? 0x1FU : length == 3 ? 0x0FU : 0x07U;
  uint32_t value = lead & lead_bits;
  for (size_t index = 1; index < length; ++index) {
    value = (value << 6U) | (byte_at(text, position + index) & 0x3FU);
  }
  return value;
}

bool is_line_break(uint32_t code_point) { return code_point == '\n' || code_point == '\r'; }

// C0 controls other than tab and line breaks, DEL and the C1 controls: YAML's printable set
// excludes them, and none belongs in a name, path or message.
bool is_forbidden_control(uint32_t code_point) {
  if (code_point == '\t' || is_line_break(code_point)) return false;
  return code_point < 0x20U || code_point == 0x7FU || (code_point >= 0x80U && code_point <= 0x9FU);
}

std::string escaped_bytes(std::string_view bytes) {
  std::string text;
  for (const char byte : bytes) text += fmt::format("\\x{:02X}", static_cast<uint8_t>(byte));
  return text;
}

// The problem of the character at `position`, whose well-formed length is `length` (0: none).
std::optional<std::string> character_problem(std::string_view text, size_t position,
                                             size_t length) {
  if (length == 0) {
    return fmt::format("invalid UTF-8 (byte \\x{:02X}); scenario and policy files are UTF-8 text",
                       byte_at(text, position));
  }
  const uint32_t code_point = code_point_at(text, position, length);
  if (code_point == 0) return std::string("a NUL byte (\\x00) is not allowed in the text");
  if (!is_forbidden_control(code_point)) return std::nullopt;
  return fmt::format("control character {} (U+{:04X}) is not allowed; only tab and line breaks are",
                     escaped_bytes(text.substr(position, length)), code_point);
}

}  // namespace

size_t utf8_sequence_length(std::string_view text, size_t position) {
  const uint8_t lead = byte_at(text, position);
  if (lead < 0x80U) return 1;
  size_t length = 0;
  uint32_t minimum = 0;
  if (lead >= 0xC2U && lead <= 0xDFU) {
    length = 2;
    minimum = 0x80U;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    minimum = 0x800U;
  } else if (lead >= 0xF0U && lead <= 0xF4U) {
    length = 4;
    minimum = 0x10000U;
  } else {
    return 0;  // a continuation byte, an overlong two-byte lead (C0, C1) or past F4
  }
  if (text.size() - position < length) return 0;
  for (size_t index = 1; index < length; ++index) {
    if (!is_continuation(byte_at(text, position + index))) return 0;
  }
  const uint32_t code_point = code_point_at(text, position, length);
  if (code_point < minimum || code_point > 0x10FFFFU) return 0;
  if (code_point >= 0xD800U && code_point <= 0xDFFFU) return 0;  // UTF-16 surrogates
  return length;
}

PreparedSourceText prepare_source_text(std::string_view text) {
  PreparedSourceText prepared;
  prepared.text.assign(text);
  size_t position = text.starts_with(kByteOrderMark) ? kByteOrderMark.size() : 0;
  uint32_t line = 1;
  size_t line_start = position;
  while (position < text.size()) {
    const size_t length = utf8_sequence_length(text, position);
    if (auto problem = character_problem(text, position, length)) {
      const auto column = static_cast<uint32_t>(position - line_start + 1);
      prepared.problem = SourceTextProblem{SourcePosition{line, column}, std::move(*problem)};
      return prepared;
    }
    const char byte = text[position];
    position += length;
    if (byte == '\r' && (position == text.size() || text[position] != '\n')) {
      prepared.text[position - 1] = '\n';  // a lone CR ends a line, as YAML defines it
    }
    if (prepared.text[position - 1] == '\n') {
      ++line;
      line_start = position;
    }
  }
  return prepared;
}

std::optional<std::string> scalar_text_problem(std::string_view value) {
  size_t position = 0;
  while (position < value.size()) {
    const size_t length = utf8_sequence_length(value, position);
    if (length == 0) {
      return fmt::format("the value is not valid UTF-8 (byte \\x{:02X})", byte_at(value, position));
    }
    const uint32_t code_point = code_point_at(value, position, length);
    if (is_forbidden_control(code_point)) {
      return fmt::format(
          "the value holds control character U+{:04X} (written as an escape); "
          "only tab and line breaks are allowed",
          code_point);
    }
    position += length;
  }
  return std::nullopt;
}

std::string character_text(std::string_view text, size_t position) {
  const size_t length = utf8_sequence_length(text, position);
  if (length == 0) return escaped_bytes(text.substr(position, 1));
  const std::string_view character = text.substr(position, length);
  const uint32_t code_point = code_point_at(text, position, length);
  if (code_point == '\t' || is_line_break(code_point) || is_forbidden_control(code_point)) {
    return escaped_bytes(character);
  }
  return std::string(character);
}

std::string printable_text(std::string_view text) {
  std::string printable;
  printable.reserve(text.size());
  size_t position = 0;
  while (position < text.size()) {
    const size_t length = utf8_sequence_length(text, position);
    printable += character_text(text, position);
    position += length == 0 ? 1 : length;
  }
  return printable;
}

}  // namespace distsim::sim
