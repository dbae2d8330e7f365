// The JSON Lines writer of the trace (sim/core/trace.cpp): every value type, the escapes RFC 8259
// requires, the header and end records, and the hash over the bytes before the end record. The
// golden traces cover whole runs; these cover the values a golden run may never produce.
#include "sim/core/trace_jsonl.h"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/core/trace.h"
#include "sim/core/utf8.h"
#include "sim/core/xxh64.h"

namespace distsim::sim {
namespace {

// The lines of a JSON Lines text, without their newlines.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST_CASE("json_quote escapes quotes, backslashes and control characters and nothing else",
          "[trace]") {
  CHECK(json_quote("") == "\"\"");
  CHECK(json_quote("C:\\WINNT\\TEMP") == "\"C:\\\\WINNT\\\\TEMP\"");
  CHECK(json_quote("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(json_quote("a\nb\rc\td") == "\"a\\nb\\rc\\td\"");
  CHECK(json_quote(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(json_quote(std::string(1, '\0')) == "\"\\u0000\"");
  // DEL, '/' and bytes above 0x7F (UTF-8) need no escape.
  CHECK(json_quote("\x7f/\xc3\xa9") == "\"\x7f/\xc3\xa9\"");
  // Texts are scanned sixteen bytes at a time: escapes in every position of a block, and
  // UTF-8 bytes (above 0x7F) next to them, must still be found.
  CHECK(json_quote("abcdefghijklmnop\x01q") == "\"abcdefghijklmnop\\u0001q\"");
  CHECK(json_quote("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 text\"") ==
        "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 text\\\"\"");
  for (size_t size = 1; size <= 40; ++size) {
    for (size_t position = 0; position < size; ++position) {
      std::string text(size, 'x');
      text[position] = '\\';
      const std::string expected =
          "\"" + std::string(position, 'x') + "\\\\" + std::string(size - 1 - position, 'x') + "\"";
      INFO("size " << size << ", backslash at " << position);
      CHECK(json_quote(text) == expected);
    }
  }
}

// RFC 8259 escaping one character at a time, the plain way: the reference for json_quote of
// well-formed UTF-8.
std::string reference_quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

TEST_CASE("json_quote agrees with plain escaping for short and long texts of every byte",
          "[trace]") {
  // Every size up to three blocks of 16 (whole blocks, a last part looked at in the block that
  // ends the text, a short text looked at through its first and last words) and some long ones,
  // with every byte value somewhere in them, and each short size with one escape at each place.
  std::vector<size_t> sizes{255, 256, 257, 1000, 5000};
  for (size_t size = 0; size <= 48; ++size) sizes.push_back(size);
  for (const size_t size : sizes) {
    std::string text(size, 'a');
    for (size_t index = 0; index < size; ++index) {
      text[index] = static_cast<char>((index * 37 + size) % 256);
    }
    INFO("size " << size);
    // Bytes that are not UTF-8 become U+FFFD before the escaping.
    CHECK(json_quote(text) == reference_quote(valid_utf8(text)));
    const std::string path(size, '\\');
    CHECK(json_quote(path) == reference_quote(path));
  }
  for (size_t size = 1; size < 16; ++size) {
    for (size_t at = 0; at < size; ++at) {
      for (const char escaped : {'"', '\\', '\n', '\x01'}) {
        std::string text(size, 'a');
        text[at] = escaped;
        INFO("size " << size << ", escape at " << at);
        CHECK(json_quote(text) == reference_quote(text));
      }
    }
  }
}

TEST_CASE("trace_to_jsonl writes each value type, a header and an end record with the hash",
          "[trace]") {
  Trace trace(true);
  trace.add(5, "distmgr", "sample",
            {{"number", int64_t{-42}},
             {"largest", std::numeric_limits<int64_t>::max()},
             {"yes", true},
             {"no", false},
             {"text", std::string("line\n\"two\"")},
             {"list", std::vector<std::string>{"GENERIC_READ", "a\\b"}},
             {"empty", std::vector<std::string>{}}});
  trace.add(7, "holder \"x\"", "bare", {});
  const std::string jsonl = trace_to_jsonl(trace, {"the \"name\"", 17, "1.2.3"});
  const std::vector<std::string> lines = lines_of(jsonl);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] ==
        R"({"t_us":0,"seq":0,"actor":"world","event":"header","scenario":"the \"name\"",)"
        R"("seed":17,"version":"1.2.3"})");
  CHECK(lines[1] == R"({"t_us":5,"seq":1,"actor":"distmgr","event":"sample","number":-42,)"
                    R"("largest":9223372036854775807,"yes":true,"no":false,"text":"line\n\"two\"",)"
                    R"("list":["GENERIC_READ","a\\b"],"empty":[]})");
  CHECK(lines[2] == R"({"t_us":7,"seq":2,"actor":"holder \"x\"","event":"bare"})");
  const std::string hashed = jsonl.substr(0, jsonl.find(lines[3]));
  const std::string hash = fmt::format("{:016x}", xxh64(hashed));
  CHECK(lines[3] == R"({"t_us":7,"seq":3,"actor":"world","event":"end","events":2,)"
                    R"("truncated":false,"trace_hash":")" +
                        hash + "\"}");
}

TEST_CASE("sequence numbers count up through every added digit, and times repeat as written",
          "[trace]") {
  // Goal: the writer's kept texts of the sequence number (incremented in a word) and of the last
  // time stay those of the record, across 9 -> 10, 99 -> 100, 999 -> 1000 and 1999 -> 2000.
  Trace trace(true);
  constexpr size_t kRecords = 2100;
  for (size_t index = 0; index < kRecords; ++index) {
    trace.record(static_cast<model::TimeUs>(1000 * (index / 3)), "distmgr", "open");
  }
  const std::vector<std::string> lines = lines_of(trace_to_jsonl(trace, {"seq", 1, "test"}));
  REQUIRE(lines.size() == kRecords + 2);
  for (size_t seq = 1; seq <= kRecords; ++seq) {
    INFO("record " << seq);
    REQUIRE(lines[seq] == fmt::format(R"({{"t_us":{},"seq":{},"actor":"distmgr","event":"open"}})",
                                      1000 * ((seq - 1) / 3), seq));
  }
  CHECK(lines.back().find(fmt::format(R"("seq":{},)", kRecords + 1)) != std::string::npos);
}

TEST_CASE("write_trace_jsonl streams a long trace in bounded pieces that make up trace_to_jsonl",
          "[trace]") {
  // Goal: a trace of any length is written through bounded storage, and the pieces, wherever
  // they fall, carry the same text and hash as the whole.
  Trace trace(true);
  for (int64_t index = 0; index < 20000; ++index) {
    trace.add(index, "distmgr", "log_line",
              {{"text", std::string(40, static_cast<char>('a' + index % 26))}});
  }
  trace.add(20000, "distmgr", "log_line", {{"text", std::string(600 * 1024, 'z')}});
  std::vector<size_t> piece_sizes;
  std::string streamed;
  write_trace_jsonl(trace, {"long", 1, "test"}, [&](std::string_view piece) {
    piece_sizes.push_back(piece.size());
    streamed.append(piece);
  });
  CHECK(streamed == trace_to_jsonl(trace, {"long", 1, "test"}));
  CHECK(piece_sizes.size() > 4);
  // Only the piece holding the one text longer than the storage is longer than the storage.
  CHECK(std::count_if(piece_sizes.begin(), piece_sizes.end(),
                      [](size_t size) { return size > 256 * 1024; }) == 1);
  const size_t end_record = streamed.rfind("{\"t_us\"");
  CHECK(streamed.find(fmt::format("\"trace_hash\":\"{:016x}\"",
                                  xxh64(std::string_view(streamed).substr(0, end_record)))) !=
        std::string::npos);
}

}  // namespace
}  // namespace distsim::sim
