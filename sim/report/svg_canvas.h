// The building blocks of the report's SVG drawings: coordinates in tenths of a unit written as
// decimals, shapes of one lane merged when closer than a drawable width (which bounds a drawing
// of a long run), and a canvas that writes markup and records every text's box so that tests can
// prove no two texts overlap.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"
#include "sim/report/label_layout.h"

namespace distsim::sim {

// The font every SVG text uses: monospace, so that label_layout's width estimate holds.
inline constexpr std::string_view kSvgFontFamily =
    "DejaVu Sans Mono, Liberation Mono, Menlo, Consolas, Courier New, monospace";
// Anything shorter is drawn this wide (tenths).
inline constexpr int64_t kShapeWidthMinTenths = 20;

// Integer tenths written as "12" or "12.5" (or "-3.5").
[[nodiscard]] std::string px(int64_t tenths);

// A rectangle, line or marker of one lane, x in tenths.
struct Shape {
  int64_t x1 = 0;
  int64_t x2 = 0;
  std::string css_class;
  std::string title;
  std::string text;  // a label, drawn where it fits
  uint32_t merged_count = 0;
  model::TimeUs last_us = 0;
  std::vector<size_t> refs;  // what it stands for: handle indices, or a refusal's blockers
};

// The shapes of one lane, added in x order. A shape that starts before the previous shape of the
// same class ends (once widened to kShapeWidthMinTenths) is merged into it, so that a lane holds
// at most a few shapes per unit of width and class however long the run.
class ShapeLane {
 public:
  void add(Shape shape);
  [[nodiscard]] const std::vector<Shape>& shapes() const { return shapes_; }

 private:
  std::vector<Shape> shapes_;
  std::map<std::string, size_t> last_of_class_;
};

// True for a merged shape wider than one drawable width: drawn as a strip.
[[nodiscard]] bool is_strip(const Shape& shape);

// The markup of a drawing, with the box of every text in it.
class SvgCanvas {
 public:
  void add(std::string_view markup) { body_ += markup; }
  // A text starting at x (tenths) with its baseline at y (units); `title` becomes its tooltip.
  void text(int64_t x_tenths, int64_t baseline, std::string_view content, int64_t font_size,
            std::string_view css_class, std::string_view title = {});
  [[nodiscard]] const std::string& body() const { return body_; }
  [[nodiscard]] const std::vector<TextBox>& texts() const { return texts_; }

 private:
  std::string body_;
  std::vector<TextBox> texts_;
};

// A <title> element holding `text` escaped.
[[nodiscard]] std::string svg_title(std::string_view text);

// `text` cut to fit `width_tenths` at `font_size`, with an ellipsis when cut (never splitting a
// UTF-8 sequence); empty when not even one character and the ellipsis fit.
[[nodiscard]] std::string fitted(const std::string& text, int64_t width_tenths, int64_t font_size);

}  // namespace distsim::sim
