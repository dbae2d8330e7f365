// Well-formed UTF-8 for the report writers: which sequences count, and how text that is not UTF-8
// (a file name may be any bytes) reaches JSON, HTML and JUnit XML.
#include "sim/core/utf8.h"

#include <catch2/catch.hpp>
#include <string>

#include "cli_runner.h"
#include "sim/core/trace_jsonl.h"
#include "sim/report/html_report.h"

namespace distsim::sim {
namespace {

TEST_CASE("a UTF-8 sequence counts only in its shortest form and below U+110000", "[utf8]") {
  CHECK(utf8_sequence_at("a", 0).length == 1);
  const Utf8Sequence e_acute = utf8_sequence_at("\xC3\xA9", 0);
  CHECK(e_acute.length == 2);
  CHECK(e_acute.code_point == 0xE9);
  CHECK(utf8_sequence_at("\xF0\x9F\x98\x80", 0).length == 4);  // U+1F600
  CHECK(utf8_sequence_at("\xE9", 0).length == 0);              // Latin-1 é
  CHECK(utf8_sequence_at("\xC0\xAF", 0).length == 0);          // overlong '/'
  CHECK(utf8_sequence_at("\xED\xA0\x80", 0).length == 0);      // a surrogate
  CHECK(utf8_sequence_at("\xF4\x90\x80\x80", 0).length == 0);  // past U+10FFFF
  CHECK(utf8_sequence_at("\xE2\x82", 0).length == 0);          // cut short
  CHECK(utf8_sequence_at("\x80", 0).length == 0);              // a lone continuation byte
}

TEST_CASE("text that is not UTF-8 gets U+FFFD per bad byte and keeps the rest", "[utf8]") {
  CHECK(valid_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(valid_utf8("caf\xE9.yaml") == "caf\xEF\xBF\xBD.yaml");
  CHECK(valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(is_valid_utf8("D:\\Src\\\xC3\xA9t\xC3\xA9"));
  CHECK_FALSE(is_valid_utf8("caf\xE9"));
}

TEST_CASE("JSON and HTML quote a name that is not UTF-8 as valid UTF-8", "[utf8]") {
  CHECK(json_quote("caf\xE9.yaml") == "\"caf\xEF\xBF\xBD.yaml\"");
  CHECK(json_quote("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
  CHECK(html_escape("<caf\xE9>") == "&lt;caf\xEF\xBF\xBD&gt;");
}

TEST_CASE(
    "a scenario file whose name is not UTF-8 gives --json, --report and --chrome-trace in "
    "UTF-8",
    "[utf8][cli]") {
  // Goal: a Latin-1 file name on a Linux disk must not make the JSON summary unreadable to a
  // strict parser, nor the HTML page that declares charset=utf-8.
  const std::string directory = testing::scratch_directory("utf8-file-name");
  const std::string name = "caf\xE9.yaml";
  testing::write_text_file(directory + "/" + name,
                           testing::read_text_file(std::string(DISTSIM_SOURCE_DIR) +
                                                   "/scenarios/q207416-temp-source.yaml"));
  const testing::CliResult json = testing::run_distsim(
      "run '" + name + "' --json --report r.html --chrome-trace c.json", directory);
  INFO(json.err);
  CHECK(json.status == 0);
  CHECK(is_valid_utf8(json.out));
  CHECK(json.out.find("caf\xEF\xBF\xBD.yaml") != std::string::npos);
  CHECK(is_valid_utf8(testing::read_text_file(directory + "/r.html")));
  CHECK(is_valid_utf8(testing::read_text_file(directory + "/c.json")));
}

}  // namespace
}  // namespace distsim::sim
