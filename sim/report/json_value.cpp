// The JSON reader: a recursive descent over the text with a depth limit, positions in errors.
#include "sim/report/json_value.h"

#include <charconv>

namespace distsim::sim {
namespace {

// The value of four hex digits at `text`, or nullopt.
std::optional<uint32_t> hex4(std::string_view text) {
  if (text.size() < 4) return std::nullopt;
  uint32_t code = 0;
  for (size_t index = 0; index < 4; ++index) {
    const char c = text[index];
    uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    code = code * 16 + digit;
  }
  return code;
}

void append_utf8(std::string& out, uint32_t code) {
  const auto byte = [&out](uint32_t value) { out += static_cast<char>(value); };
  if (code < 0x80) {
    byte(code);
  } else if (code < 0x800) {
    byte(0xC0 | (code >> 6));
    byte(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    byte(0xE0 | (code >> 12));
    byte(0x80 | ((code >> 6) & 0x3F));
    byte(0x80 | (code & 0x3F));
  } else {
    byte(0xF0 | (code >> 18));
    byte(0x80 | ((code >> 12) & 0x3F));
    byte(0x80 | ((code >> 6) & 0x3F));
    byte(0x80 | (code & 0x3F));
  }
}

}  // namespace

int64_t JsonValue::integer() const {
  int64_t value = 0;
  const char* end = number_text.data() + number_text.size();
  const auto [stopped, error] = std::from_chars(number_text.data(), end, value);
  return error == std::errc() && stopped == end ? value : 0;
}

std::optional<uint64_t> JsonValue::unsigned_integer() const {
  if (kind != Kind::number || number_text.empty()) return std::nullopt;
  // The reader has checked the grammar: a sign, digits, then maybe a fraction, then maybe an
  // exponent. The value is digits x 10^shift, with the fraction's digits folded into `digits`.
  std::string_view mantissa = number_text;
  const bool negative = mantissa.front() == '-';
  if (negative) mantissa.remove_prefix(1);
  std::string_view exponent;
  if (const size_t at = mantissa.find_first_of("eE"); at != std::string_view::npos) {
    exponent = mantissa.substr(at + 1);
    mantissa = mantissa.substr(0, at);
  }
  std::string digits(mantissa);
  int64_t shift = 0;
  if (const size_t point = mantissa.find('.'); point != std::string_view::npos) {
    digits.erase(point, 1);
    shift = -static_cast<int64_t>(mantissa.size() - point - 1);
  }
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;  // zero, -0 and 0e99 included, whatever the exponent
  if (negative) return std::nullopt;
  digits.erase(0, first);
  while (digits.back() == '0') {
    digits.pop_back();
    ++shift;
  }
  if (!exponent.empty()) {
    if (exponent.front() == '+') exponent.remove_prefix(1);
    int64_t power = 0;
    const auto [stopped, error] =
        std::from_chars(exponent.data(), exponent.data() + exponent.size(), power);
    // An exponent past int64 either way leaves a nonzero value far too large or with a fraction.
    if (error != std::errc()) return std::nullopt;
    // UINT64_MAX has 20 digits: a shift this far either way cannot give a whole number in range,
    // whatever the (bounded) length of the digits.
    constexpr int64_t kShiftFar = int64_t{1} << 40;
    if (power > kShiftFar || power < -kShiftFar) return std::nullopt;
    shift += power;
  }
  if (shift < 0) return std::nullopt;  // a nonzero digit after the point
  if (digits.size() + static_cast<uint64_t>(shift) > 20) return std::nullopt;
  uint64_t value = 0;
  const auto [stopped, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc()) return std::nullopt;
  for (int64_t index = 0; index < shift; ++index) {
    if (value > UINT64_MAX / 10) return std::nullopt;
    value *= 10;
  }
  return value;
}

std::optional<JsonValue> JsonReader::read() {
  JsonValue value;
  if (!value_at(value, 0)) return std::nullopt;
  skip_space();
  if (at_ != text_.size()) {
    fail("text after the value");
    return std::nullopt;
  }
  return value;
}

bool JsonReader::fail(const std::string& what) {
  error_ = what + " at offset " + std::to_string(at_);
  return false;
}

void JsonReader::skip_space() {
  while (at_ < text_.size() &&
         (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t')) {
    ++at_;
  }
}

bool JsonReader::literal(std::string_view word) {
  if (text_.substr(at_, word.size()) != word) return fail("bad literal");
  at_ += word.size();
  return true;
}

bool JsonReader::value_at(JsonValue& value, int depth) {
  if (depth > kDepthMax) return fail("too deep");
  skip_space();
  if (at_ >= text_.size()) return fail("unexpected end");
  const char c = text_[at_];
  if (c == '{') return object_at(value, depth);
  if (c == '[') return array_at(value, depth);
  if (c == '"') {
    value.kind = JsonValue::Kind::string;
    return string_at(value.text);
  }
  if (c == 't' || c == 'f') {
    value.kind = JsonValue::Kind::boolean;
    value.boolean = c == 't';
    return literal(c == 't' ? "true" : "false");
  }
  if (c == 'n') return literal("null");
  return number_at(value);
}

bool JsonReader::object_at(JsonValue& value, int depth) {
  value.kind = JsonValue::Kind::object;
  ++at_;
  skip_space();
  if (at_ < text_.size() && text_[at_] == '}') return ++at_, true;
  while (true) {
    skip_space();
    std::string key;
    if (at_ >= text_.size() || text_[at_] != '"') return fail("expected a key");
    if (!string_at(key)) return false;
    if (value.members.count(key) != 0) return fail("duplicate key '" + key + "'");
    skip_space();
    if (at_ >= text_.size() || text_[at_] != ':') return fail("expected ':'");
    ++at_;
    if (!value_at(value.members[key], depth + 1)) return false;
    skip_space();
    if (at_ < text_.size() && text_[at_] == ',') {
      ++at_;
      continue;
    }
    if (at_ < text_.size() && text_[at_] == '}') return ++at_, true;
    return fail("expected ',' or '}'");
  }
}

bool JsonReader::array_at(JsonValue& value, int depth) {
  value.kind = JsonValue::Kind::array;
  ++at_;
  skip_space();
  if (at_ < text_.size() && text_[at_] == ']') return ++at_, true;
  while (true) {
    value.items.emplace_back();
    if (!value_at(value.items.back(), depth + 1)) return false;
    skip_space();
    if (at_ < text_.size() && text_[at_] == ',') {
      ++at_;
      continue;
    }
    if (at_ < text_.size() && text_[at_] == ']') return ++at_, true;
    return fail("expected ',' or ']'");
  }
}

bool JsonReader::string_at(std::string& out) {
  ++at_;
  while (at_ < text_.size() && text_[at_] != '"') {
    const char c = text_[at_++];
    if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
    if (c != '\\') {
      out += c;
      continue;
    }
    if (!escape_at(out)) return false;
  }
  if (at_ >= text_.size()) return fail("unfinished string");
  ++at_;
  return true;
}

// After a backslash: one escape, \uXXXX (with a surrogate pair) as UTF-8.
bool JsonReader::escape_at(std::string& out) {
  if (at_ >= text_.size()) return fail("unfinished escape");
  const char escaped = text_[at_++];
  const std::string_view simple = "\"\\/bfnrt";
  const std::string_view meaning = "\"\\/\b\f\n\r\t";
  if (const size_t index = simple.find(escaped); index != std::string_view::npos) {
    out += meaning[index];
    return true;
  }
  if (escaped != 'u') return fail("bad escape");
  auto code = hex4(text_.substr(at_));
  if (!code) return fail("bad \\u escape");
  at_ += 4;
  if (*code >= 0xD800 && *code < 0xDC00) {
    const auto low = text_.substr(at_, 2) == "\\u" ? hex4(text_.substr(at_ + 2)) : std::nullopt;
    if (!low || *low < 0xDC00 || *low >= 0xE000) return fail("unpaired surrogate");
    at_ += 6;
    code = 0x10000 + ((*code - 0xD800) << 10) + (*low - 0xDC00);
  } else if (*code >= 0xDC00 && *code < 0xE000) {
    return fail("unpaired surrogate");
  }
  append_utf8(out, *code);
  return true;
}

bool JsonReader::number_at(JsonValue& value) {
  const size_t start = at_;
  if (at_ < text_.size() && text_[at_] == '-') ++at_;
  const size_t digits = at_;
  while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
  if (at_ == digits) return fail("expected a value");
  if (text_[digits] == '0' && at_ - digits > 1) return fail("leading zero");
  if (at_ < text_.size() && text_[at_] == '.') {
    ++at_;
    const size_t fraction = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    if (at_ == fraction) return fail("bad fraction");
  }
  if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
    ++at_;
    if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
    const size_t exponent = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    if (at_ == exponent) return fail("bad exponent");
  }
  value.kind = JsonValue::Kind::number;
  value.number_text = std::string(text_.substr(start, at_ - start));
  return true;
}

}  // namespace distsim::sim
