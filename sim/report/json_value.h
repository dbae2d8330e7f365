// A small strict JSON reader (RFC 8259: objects, arrays, strings with escapes, integer and decimal
// numbers, true/false/null) for the JSON distsim itself writes: campaign result files read back by
// `explore --merge`, and test assertions on the structure of JSON outputs. Rejects trailing commas,
// bare words and text after the value; never throws. (Writing uses json_quote,
// sim/core/trace_jsonl.h.)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distsim::sim {

struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  std::string number_text;  // as written, so that integers compare exactly
  std::string text;
  std::vector<JsonValue> items;
  std::map<std::string, JsonValue> members;

  [[nodiscard]] bool has(const std::string& key) const {
    return kind == Kind::object && members.count(key) == 1;
  }
  [[nodiscard]] const JsonValue& at(const std::string& key) const { return members.at(key); }
  // The number as a signed integer; 0 when it is not one (a fraction, or out of range).
  [[nodiscard]] int64_t integer() const;
  // The number as an unsigned integer, in any form JSON writes one (5000, 5e3, 5000.0, -0);
  // nullopt when it is below zero, has a fraction, or passes UINT64_MAX.
  [[nodiscard]] std::optional<uint64_t> unsigned_integer() const;
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  // The value, or nullopt with error() saying where the text stopped being JSON.
  [[nodiscard]] std::optional<JsonValue> read();
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  static constexpr int kDepthMax = 64;

  bool fail(const std::string& what);
  void skip_space();
  bool literal(std::string_view word);
  bool value_at(JsonValue& value, int depth);
  bool object_at(JsonValue& value, int depth);
  bool array_at(JsonValue& value, int depth);
  bool string_at(std::string& out);
  bool escape_at(std::string& out);
  bool number_at(JsonValue& value);

  std::string_view text_;
  size_t at_ = 0;
  std::string error_;
};

}  // namespace distsim::sim
