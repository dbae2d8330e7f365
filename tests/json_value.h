// A small strict JSON reader for tests (RFC 8259: objects, arrays, strings with escapes, integer
// and decimal numbers, true/false/null), so that tests assert on the structure of JSON outputs
// instead of on substrings. Rejects trailing commas, bare words and text after the value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distsim::testing {

struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  std::string number_text;  // as written: tests compare integers exactly
  std::string text;
  std::vector<JsonValue> items;
  std::map<std::string, JsonValue> members;

  [[nodiscard]] bool has(const std::string& key) const {
    return kind == Kind::object && members.count(key) == 1;
  }
  [[nodiscard]] const JsonValue& at(const std::string& key) const { return members.at(key); }
  [[nodiscard]] int64_t integer() const { return std::stoll(number_text); }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  // The value, or nullopt with error() saying where the text stopped being JSON.
  [[nodiscard]] std::optional<JsonValue> read() {
    JsonValue value;
    if (!value_at(value, 0)) return std::nullopt;
    skip_space();
    if (at_ != text_.size()) return fail("text after the value");
    return value;
  }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  static constexpr int kDepthMax = 64;

  std::nullopt_t fail(const std::string& what) {
    error_ = what + " at offset " + std::to_string(at_);
    return std::nullopt;
  }
  bool fail_bool(const std::string& what) {
    fail(what);
    return false;
  }
  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t'))
      ++at_;
  }
  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return fail_bool("bad literal");
    at_ += word.size();
    return true;
  }

  bool value_at(JsonValue& value, int depth) {
    if (depth > kDepthMax) return fail_bool("too deep");
    skip_space();
    if (at_ >= text_.size()) return fail_bool("unexpected end");
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

  bool object_at(JsonValue& value, int depth) {
    value.kind = JsonValue::Kind::object;
    ++at_;
    skip_space();
    if (at_ < text_.size() && text_[at_] == '}') return ++at_, true;
    while (true) {
      skip_space();
      std::string key;
      if (at_ >= text_.size() || text_[at_] != '"') return fail_bool("expected a key");
      if (!string_at(key)) return false;
      skip_space();
      if (at_ >= text_.size() || text_[at_] != ':') return fail_bool("expected ':'");
      ++at_;
      if (!value_at(value.members[key], depth + 1)) return false;
      skip_space();
      if (at_ < text_.size() && text_[at_] == ',') {
        ++at_;
        continue;
      }
      if (at_ < text_.size() && text_[at_] == '}') return ++at_, true;
      return fail_bool("expected ',' or '}'");
    }
  }

  bool array_at(JsonValue& value, int depth) {
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
      return fail_bool("expected ',' or ']'");
    }
  }

  bool string_at(std::string& out) {
    ++at_;
    while (at_ < text_.size() && text_[at_] != '"') {
      const char c = text_[at_++];
      if (static_cast<unsigned char>(c) < 0x20) return fail_bool("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= text_.size()) return fail_bool("unfinished escape");
      const char escaped = text_[at_++];
      const std::string_view simple = "\"\\/bfnrt";
      const std::string_view meaning = "\"\\/\b\f\n\r\t";
      if (const size_t index = simple.find(escaped); index != std::string_view::npos) {
        out += meaning[index];
      } else if (escaped == 'u' && at_ + 4 <= text_.size()) {
        const unsigned code =
            static_cast<unsigned>(std::stoul(std::string(text_.substr(at_, 4)), nullptr, 16));
        at_ += 4;
        out += code < 0x80 ? static_cast<char>(code) : '?';  // tests only meet ASCII escapes
      } else {
        return fail_bool("bad escape");
      }
    }
    if (at_ >= text_.size()) return fail_bool("unfinished string");
    ++at_;
    return true;
  }

  bool number_at(JsonValue& value) {
    const size_t start = at_;
    if (at_ < text_.size() && text_[at_] == '-') ++at_;
    const size_t digits = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    if (at_ == digits) return fail_bool("expected a value");
    if (text_[digits] == '0' && at_ - digits > 1) return fail_bool("leading zero");
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      const size_t fraction = at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
      if (at_ == fraction) return fail_bool("bad fraction");
    }
    value.kind = JsonValue::Kind::number;
    value.number_text = std::string(text_.substr(start, at_ - start));
    return true;
  }

  std::string_view text_;
  size_t at_ = 0;
  std::string error_;
};

}  // namespace distsim::testing
