// Text widths by counting code points, boxes from fixed ascent and descent, and first-fit
// placement on stacked lines kept as ordered maps of taken intervals.
#include "sim/report/label_layout.h"

#include <algorithm>
#include <utility>

#include "model/assert.h"

namespace distsim::sim {
namespace {

constexpr int64_t kAscentPerMille = 950;
constexpr int64_t kDescentPerMille = 300;
constexpr int64_t kLineGapTenths = 10;

// True for code points most fonts draw two columns wide (CJK, Hangul, full-width forms, emoji).
bool is_wide(uint32_t code_point) {
  if (code_point < 0x1100) return false;
  if (code_point <= 0x115F) return true;                          // Hangul Jamo
  if (code_point >= 0x2E80 && code_point <= 0xA4CF) return true;  // CJK ... Yi
  if (code_point >= 0xAC00 && code_point <= 0xD7A3) return true;  // Hangul syllables
  if (code_point >= 0xF900 && code_point <= 0xFAFF) return true;  // CJK compatibility
  if (code_point >= 0xFE30 && code_point <= 0xFE4F) return true;  // CJK compatibility forms
  if (code_point >= 0xFF00 && code_point <= 0xFF60) return true;  // full-width forms
  if (code_point >= 0xFFE0 && code_point <= 0xFFE6) return true;  // full-width signs
  return code_point >= 0x1F000;                                   // emoji and beyond
}

}  // namespace

int64_t text_width_tenths(std::string_view text, int64_t font_size) {
  DISTSIM_ASSERT(font_size > 0);
  int64_t columns = 0;
  for (size_t at = 0; at < text.size();) {
    const auto lead = static_cast<unsigned char>(text[at]);
    size_t length = 1;
    uint32_t code_point = lead;
    if (lead >= 0xF0) {
      length = 4;
      code_point = lead & 0x07u;
    } else if (lead >= 0xE0) {
      length = 3;
      code_point = lead & 0x0Fu;
    } else if (lead >= 0xC0) {
      length = 2;
      code_point = lead & 0x1Fu;
    }
    for (size_t next = 1; next < length && at + next < text.size(); ++next) {
      code_point = (code_point << 6) | (static_cast<unsigned char>(text[at + next]) & 0x3Fu);
    }
    columns += is_wide(code_point) ? 2 : 1;
    at += length;
  }
  return columns * font_size * kGlyphAdvancePerMille / 100;
}

TextBox text_box(int64_t x_tenths, int64_t baseline_tenths, std::string_view text,
                 int64_t font_size) {
  return {x_tenths, x_tenths + text_width_tenths(text, font_size),
          baseline_tenths - font_size * kAscentPerMille / 100,
          baseline_tenths + font_size * kDescentPerMille / 100};
}

bool boxes_overlap(const TextBox& a, const TextBox& b) {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

int64_t line_pitch_tenths(int64_t font_size) {
  return font_size * (kAscentPerMille + kDescentPerMille) / 100 + kLineGapTenths;
}

bool LabelLine::is_free(int64_t x1, int64_t x2) const {
  DISTSIM_ASSERT(x1 <= x2);
  auto after = taken_.lower_bound(x2);  // the first interval starting at or after x2
  if (after == taken_.begin()) return true;
  --after;  // the last interval starting before x2
  return after->second <= x1;
}

void LabelLine::take(int64_t x1, int64_t x2) {
  DISTSIM_ASSERT(is_free(x1, x2));
  taken_[x1] = x2;
}

std::optional<size_t> LabelStack::place(int64_t x1, int64_t x2) {
  for (size_t line = 0; line < lines_.size(); ++line) {
    if (!lines_[line].is_free(x1, x2)) continue;
    lines_[line].take(x1, x2);
    return line;
  }
  return std::nullopt;
}

std::pair<int64_t, int64_t> centred_within(int64_t centre, int64_t width, int64_t left,
                                           int64_t right) {
  DISTSIM_ASSERT(width >= 0 && left <= right);
  int64_t x1 = centre - width / 2;
  x1 = std::min(x1, right - width);
  x1 = std::max(x1, left);
  return {x1, x1 + width};
}

}  // namespace distsim::sim
