// Where the report's SVG texts go, decided in C++ before anything is drawn, so that no two texts
// overlap in any browser: widths come from a fixed per-character estimate for the monospace font
// the SVG asks for (every common monospace face advances 0.6 em per character), and each text is
// either given a free place or dropped (its shape keeps the full text as a tooltip).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace distsim::sim {

// Coordinates in tenths of an SVG user unit (integers, so the layout is the same everywhere).
struct TextBox {
  int64_t x1 = 0;
  int64_t x2 = 0;
  int64_t y1 = 0;
  int64_t y2 = 0;
};

// The estimated advance of one character, per mille of the font size: 0.6 em plus a margin.
inline constexpr int64_t kGlyphAdvancePerMille = 630;

// The width of `text` at `font_size` user units, in tenths: UTF-8 code points times the advance,
// East Asian wide code points (U+1100 and up, but for a few narrow blocks) counted twice.
[[nodiscard]] int64_t text_width_tenths(std::string_view text, int64_t font_size);

// The box a text with its baseline at `baseline_tenths` occupies from `x_tenths` on: from 0.95 em
// above the baseline to 0.3 em below (the font's ascent and descent with a margin).
[[nodiscard]] TextBox text_box(int64_t x_tenths, int64_t baseline_tenths, std::string_view text,
                               int64_t font_size);

// True when the two boxes share more than a line (touching edges do not count).
[[nodiscard]] bool boxes_overlap(const TextBox& a, const TextBox& b);

// The distance between the baselines of stacked lines of one font size, in tenths, so that their
// boxes never overlap.
[[nodiscard]] int64_t line_pitch_tenths(int64_t font_size);

// Horizontal intervals taken on one line of text, in tenths; intervals are half-open [x1, x2).
class LabelLine {
 public:
  [[nodiscard]] bool is_free(int64_t x1, int64_t x2) const;
  void take(int64_t x1, int64_t x2);

 private:
  std::map<int64_t, int64_t> taken_;  // start -> end, disjoint
};

// Several stacked lines (0 first); a label goes on the first line where it is free, or nowhere.
class LabelStack {
 public:
  explicit LabelStack(size_t lines) : lines_(lines) {}
  // Takes [x1, x2) on the first free line and returns that line, or nullopt when none is free.
  std::optional<size_t> place(int64_t x1, int64_t x2);
  [[nodiscard]] size_t size() const { return lines_.size(); }

 private:
  std::vector<LabelLine> lines_;
};

// [x1, x2) of a label `width` wide centred on `centre`, moved inside [left, right) when it would
// stick out (and left at `left` when it is wider than the whole range).
[[nodiscard]] std::pair<int64_t, int64_t> centred_within(int64_t centre, int64_t width,
                                                         int64_t left, int64_t right);

}  // namespace distsim::sim
