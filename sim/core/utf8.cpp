// Well-formed UTF-8: the sequence at a position, and text with ill-formed bytes replaced.
#include "sim/core/utf8.h"

#include <array>

#include "model/assert.h"

namespace distsim::sim {

Utf8Sequence utf8_sequence_at(std::string_view text, size_t index) {
  DISTSIM_ASSERT(index < text.size());
  const auto byte = [text](size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(index);
  if (lead < 0x80) return {1, lead};
  size_t length = 0;
  uint32_t code = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07u;
  } else {
    return {};
  }
  if (index + length > text.size()) return {};
  for (size_t at = index + 1; at < index + length; ++at) {
    if ((byte(at) & 0xC0) != 0x80) return {};
    code = (code << 6) | (byte(at) & 0x3Fu);
  }
  constexpr std::array<uint32_t, 5> kSmallest{0, 0, 0x80, 0x800, 0x10000};  // by length
  const bool overlong = code < kSmallest[length];
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  if (overlong || surrogate || code > 0x10FFFF) return {};
  return {length, code};
}

bool is_valid_utf8(std::string_view text) {
  for (size_t index = 0; index < text.size();) {
    const size_t length = utf8_sequence_at(text, index).length;
    if (length == 0) return false;
    index += length;
  }
  return true;
}

std::string valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t index = 0; index < text.size();) {
    const size_t length = utf8_sequence_at(text, index).length;
    if (length == 0) {
      out += kReplacementCharacter;
      ++index;
    } else {
      out.append(text.substr(index, length));
      index += length;
    }
  }
  return out;
}

}  // namespace distsim::sim
