// Fuzz target: the JSON Lines writer of the trace. Its quoting, which scans texts sixteen bytes at
// a time and writes past the end of what it keeps, agrees with escaping one byte at a time (after
// json_quote's replacement of bytes that are not UTF-8), and a record written whole is its pieces
// quoted that way.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/core/utf8.h"
#include "tools/fuzz/fuzz_targets.h"

namespace distsim::fuzz {
namespace {

// RFC 8259 escaping, one byte at a time: the short escapes where JSON has them, \u00XX for the
// other control bytes, every other byte as it is.
std::string quoted_byte_by_byte(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

void trace_jsonl(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // json_quote first turns bytes that are not UTF-8 into U+FFFD (the summaries' file names); the
  // trace writer quotes its texts as they are.
  if (sim::json_quote(text) != quoted_byte_by_byte(sim::valid_utf8(text))) {
    property_failed("json_quote differs from escaping byte by byte", text);
  }
  // One record whose actor, text field and list items are pieces of the input, so that the
  // writer's cache of actor names and its list and number paths see the same bytes.
  const std::string_view actor = text.substr(0, size / 3);
  const std::vector<std::string_view> items{text.substr(size / 3, size / 3),
                                            text.substr(2 * (size / 3))};
  sim::Trace trace(true);
  trace.add(1, actor, "fuzz",
            {{"text", text},
             {"items", std::span<const std::string_view>(items)},
             {"size", static_cast<int64_t>(size)}});
  trace.add(2, actor, "fuzz", {});
  const std::string jsonl = sim::trace_to_jsonl(trace, {std::string(text), 1, "fuzz"});
  const std::string header =
      fmt::format(R"({{"t_us":0,"seq":0,"actor":"world","event":"header","scenario":{},"seed":1,)"
                  R"("version":"fuzz"}})"
                  "\n",
                  quoted_byte_by_byte(text));
  const std::string first = fmt::format(
      R"({{"t_us":1,"seq":1,"actor":{},"event":"fuzz","text":{},"items":[{},{}],"size":{}}})"
      "\n",
      quoted_byte_by_byte(actor), quoted_byte_by_byte(text), quoted_byte_by_byte(items[0]),
      quoted_byte_by_byte(items[1]), size);
  const std::string second = fmt::format(R"({{"t_us":2,"seq":2,"actor":{},"event":"fuzz"}})"
                                         "\n",
                                         quoted_byte_by_byte(actor));
  if (jsonl.compare(0, header.size() + first.size() + second.size(), header + first + second) !=
      0) {
    property_failed("a trace record is not its pieces quoted byte by byte", text);
  }
}

}  // namespace distsim::fuzz
