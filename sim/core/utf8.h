// UTF-8 as the report writers need it: the well-formed sequence at a position, and text made
// well-formed for JSON, HTML and XML, which must not carry the raw bytes of a file name that is
// not UTF-8 (a Linux file name is any bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace distsim::sim {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

struct Utf8Sequence {
  size_t length = 0;  // 0: no well-formed sequence starts here
  uint32_t code_point = 0;
};

// The sequence at `index` (which must be inside `text`) when it is well formed: the shortest
// encoding of a code point up to U+10FFFF that is no surrogate. An ASCII byte is a sequence of 1.
[[nodiscard]] Utf8Sequence utf8_sequence_at(std::string_view text, size_t index);

// `text` with each byte that starts no well-formed sequence replaced by U+FFFD; `text` itself
// when it is well formed.
[[nodiscard]] std::string valid_utf8(std::string_view text);

// Whether `text` is well-formed UTF-8.
[[nodiscard]] bool is_valid_utf8(std::string_view text);

}  // namespace distsim::sim
