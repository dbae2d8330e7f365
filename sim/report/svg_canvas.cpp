// Shape merging per class, text markup with recorded boxes, and fitting text to a width.
#include "sim/report/svg_canvas.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "model/assert.h"
#include "sim/report/html_report.h"

namespace distsim::sim {

std::string px(int64_t tenths) {
  const int64_t magnitude = tenths < 0 ? -tenths : tenths;
  const std::string sign = tenths < 0 ? "-" : "";
  if (magnitude % 10 == 0) return sign + std::to_string(magnitude / 10);
  return fmt::format("{}{}.{}", sign, magnitude / 10, magnitude % 10);
}

void ShapeLane::add(Shape shape) {
  shape.x2 = std::max(shape.x2, shape.x1 + kShapeWidthMinTenths);
  const auto last = last_of_class_.find(shape.css_class);
  if (last != last_of_class_.end() && shape.x1 < shapes_[last->second].x2) {
    Shape& merged = shapes_[last->second];
    merged.x2 = std::max(merged.x2, shape.x2);
    merged.merged_count += 1 + shape.merged_count;
    merged.last_us = std::max(merged.last_us, shape.last_us);
    if (merged.text != shape.text) merged.text.clear();
    for (const size_t ref : shape.refs) {
      if (std::find(merged.refs.begin(), merged.refs.end(), ref) == merged.refs.end()) {
        merged.refs.push_back(ref);
      }
    }
    return;
  }
  last_of_class_[shape.css_class] = shapes_.size();
  shapes_.push_back(std::move(shape));
}

bool is_strip(const Shape& shape) {
  return shape.merged_count > 0 && shape.x2 - shape.x1 > kShapeWidthMinTenths;
}

void SvgCanvas::text(int64_t x_tenths, int64_t baseline, std::string_view content,
                     int64_t font_size, std::string_view css_class, std::string_view title) {
  if (content.empty()) return;
  texts_.push_back(text_box(x_tenths, baseline * 10, content, font_size));
  body_ += fmt::format("<text class=\"{}\" x=\"{}\" y=\"{}\" font-size=\"{}\">{}{}</text>\n",
                       css_class, px(x_tenths), baseline, font_size, html_escape(content),
                       title.empty() ? std::string() : svg_title(title));
}

std::string svg_title(std::string_view text) { return "<title>" + html_escape(text) + "</title>"; }

std::string fitted(const std::string& text, int64_t width_tenths, int64_t font_size) {
  if (text_width_tenths(text, font_size) <= width_tenths) return text;
  const std::string ellipsis = "\xE2\x80\xA6";
  size_t cut = text.size();
  while (cut > 0) {
    --cut;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    const std::string candidate = text.substr(0, cut) + ellipsis;
    if (cut > 0 && text_width_tenths(candidate, font_size) <= width_tenths) return candidate;
  }
  return {};
}

}  // namespace distsim::sim
