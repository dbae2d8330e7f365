// The text rule of scenario files: UTF-8 without control characters, refused at the byte's line
// and column before YAML parses anything; CR-only line endings read as line breaks; messages that
// quote the file never carry an invalid byte; a quote must close; a name is one line.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/source_text.h"
#include "tests/cli_runner.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using namespace loader_test;

// Whether `text` is valid UTF-8 (what every message and output must be).
TEST_CASE("a Latin-1 byte in a name is refused at its line and column", "[scenario_loader]") {
  // Goal: a file saved as Latin-1 cannot put invalid UTF-8 into --json or the traces. Method:
  // 0xE9 (é in Latin-1) in the name on line 2.
  CHECK(
      errors_of("version: 1\nname: Caf\xE9\n") ==
      Errors{"t.yaml:2:10: invalid UTF-8 (byte \\xE9); scenario and policy files are UTF-8 text"});
  CHECK(load_valid("version: 1\nname: Caf\xC3\xA9\n").name == "Caf\xC3\xA9");
}

TEST_CASE("overlong forms, surrogates and cut-off sequences are invalid UTF-8",
          "[scenario_loader]") {
  // Goal: the decoder is strict. Method: each malformed form as the description's first byte.
  for (const std::string bad :
       {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x80"}) {
    INFO(printable_text(bad));
    const Errors errors = errors_after_header("description: x" + bad + "\n");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].rfind("t.yaml:3:15: invalid UTF-8 (byte \\x", 0) == 0);
  }
}

TEST_CASE("a raw NUL is refused instead of loading a different name", "[scenario_loader]") {
  // Goal: yaml-cpp read "Pack\0age" as "Pack\x07ge"; the loader must refuse the NUL. Method: a
  // NUL in a plain scalar on line 2.
  constexpr char kText[] = "version: 1\nname: Pack\0age\n";
  CHECK(errors_of(std::string(kText, sizeof(kText) - 1)) ==
        Errors{"t.yaml:2:11: a NUL byte (\\x00) is not allowed in the text"});
}

TEST_CASE("control characters other than tab and line breaks are refused", "[scenario_loader]") {
  // Goal: no control character reaches a name or an output. Method: BEL and ESC in the text, a
  // C1 control (U+0085), tab accepted, and a control written as a YAML escape.
  CHECK(errors_after_header("description: a\x07z\n") ==
        Errors{"t.yaml:3:15: control character \\x07 (U+0007) is not allowed; only tab and "
               "line breaks are"});
  CHECK(errors_after_header("description: \x1B[31m\n") ==
        Errors{"t.yaml:3:14: control character \\x1B (U+001B) is not allowed; only tab and "
               "line breaks are"});
  CHECK(errors_after_header("description: a\xC2\x85z\n") ==
        Errors{"t.yaml:3:15: control character \\xC2\\x85 (U+0085) is not allowed; only tab and "
               "line breaks are"});
  CHECK(load_valid("version: 1\nname: t\ndescription: 'a\tb'\n").description == "a\tb");
  CHECK(errors_after_header("description: \"bell\\a\"\n") ==
        Errors{"t.yaml:3:14: the value holds control character U+0007 (written as an escape); "
               "only tab and line breaks are allowed"});
  CHECK(errors_after_header("description: \"nul\\0\"\n") ==
        Errors{"t.yaml:3:14: the value holds control character U+0000 (written as an escape); "
               "only tab and line breaks are allowed"});
}

TEST_CASE("a byte order mark is accepted and columns after it count from the text",
          "[scenario_loader]") {
  // Goal: editors that write a BOM produce loadable files with the same positions. Method: a
  // BOM before a valid file, and before a file with an error on line 1.
  CHECK(load_valid("\xEF\xBB\xBFversion: 1\nname: t\n").name == "t");
  CHECK(
      errors_of("\xEF\xBB\xBFversion: 1\xFF\nname: t\n") ==
      Errors{"t.yaml:1:11: invalid UTF-8 (byte \\xFF); scenario and policy files are UTF-8 text"});
}

TEST_CASE("CR-only line endings are read as line breaks with positions counted by them",
          "[scenario_loader]") {
  // Goal: an old Mac file is not "empty" and its errors point at the right line. Method: a
  // valid file with CR endings, one with an unknown key on line 3, and CRLF endings.
  const Scenario scenario = load_valid("# old Mac file\rversion: 1\rname: t\rseed: 5\r");
  CHECK(scenario.name == "t");
  CHECK(scenario.seed == 5);
  CHECK(errors_of("version: 1\rname: t\rsed: 5\r") ==
        Errors{"t.yaml:3:1: unknown key 'sed' in the scenario; did you mean 'seed'?"});
  CHECK(errors_of("version: 1\r\nname: t\r\nsed: 5\r\n") ==
        Errors{"t.yaml:3:1: unknown key 'sed' in the scenario; did you mean 'seed'?"});
  CHECK(errors_of("version: 1\rname: t\r\x01") ==
        Errors{"t.yaml:3:1: control character \\x01 (U+0001) is not allowed; only tab and line "
               "breaks are"});
}

TEST_CASE("an error quoting non-ASCII text prints whole characters, never a lone byte",
          "[scenario_loader]") {
  // Goal: the message about '95é' printed the lone byte 0xC3. Method: a duration and a size
  // with a non-ASCII character, checked to be valid UTF-8 and to quote the whole character.
  const Errors duration = errors_after_header("until: 95\xC3\xA9\n");
  CHECK(duration == Errors{"t.yaml:3:8: bad value for 'until': unexpected character '\xC3\xA9' in "
                           "duration '95\xC3\xA9'"});
  CHECK(valid_utf8(duration.at(0)));
  const Errors size =
      errors_after_header("filesystem:\n  - file: 'C:\\a'\n    size: 5\xE2\x82\xAC\n");
  CHECK(size == Errors{"t.yaml:5:11: bad value for 'size': unexpected character '\xE2\x82\xAC' in "
                       "size '5\xE2\x82\xAC'"});
  CHECK(valid_utf8(size.at(0)));
}

TEST_CASE("printable_text escapes invalid bytes and control characters as \\xNN",
          "[scenario_loader]") {
  // Goal: the escaping every loader message goes through. Method: each kind of byte.
  CHECK(printable_text("plain \xC3\xA9 text") == "plain \xC3\xA9 text");
  CHECK(printable_text(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(printable_text("\xC3") == "\\xC3");
  CHECK(printable_text("x\xE9y") == "x\\xE9y");
  CHECK(printable_text("tab\tnew\n") == "tab\\x09new\\x0A");
  CHECK(printable_text("\x7F\xC2\x85") == "\\x7F\\xC2\\x85");
  CHECK(character_text("95\xC3\xA9", 2) == "\xC3\xA9");
  CHECK(character_text("95\xC3", 2) == "\\xC3");
}

#ifdef DISTSIM_CLI_PATH
TEST_CASE("distsim validate refuses a Latin-1 file with exit status 2 and valid UTF-8 output",
          "[scenario_loader][cli]") {
  // Goal: the contract "what validate accepts, run runs" holds for the text rule, and nothing
  // the CLI prints carries the invalid byte. Method: validate and run --json on the file.
  const std::string directory = testing::scratch_directory("latin1");
  testing::write_text_file(directory + "/latin1.yaml", "version: 1\nname: Caf\xE9\n");
  const testing::CliResult validate = testing::run_distsim("validate latin1.yaml", directory);
  CHECK(validate.status == 2);
  CHECK(validate.err.find("latin1.yaml:2:10: invalid UTF-8 (byte \\xE9)") != std::string::npos);
  CHECK(valid_utf8(validate.out + validate.err));
  const testing::CliResult run = testing::run_distsim("run latin1.yaml --json", directory);
  CHECK(run.status == 2);
  CHECK(valid_utf8(run.out + run.err));
}
#endif

TEST_CASE("a quote that nothing closes is refused where it opens, not read to the end of the file",
          "[scenario_loader]") {
  // Goal: yaml-cpp lets a quoted value that a line break follows run to the end of the file; the
  // loader names the quote instead. Method: each kind of quote, as the last value and as an
  // earlier one, in a scenario and in a policy; escaped and doubled quotes still close nothing.
  const std::string never_closed =
      "invalid YAML: the quote ({}) that opens this value is never "
      "closed; the value would run to the end of the file";
  CHECK(errors_of("version: 1\nname: \"t\n") ==
        Errors{"t.yaml:2:7: " + fmt::format(fmt::runtime(never_closed), '"')});
  CHECK(errors_of("version: 1\nname: 'it''s\nuntil: 1d\n") ==
        Errors{"t.yaml:2:7: " + fmt::format(fmt::runtime(never_closed), '\'')});
  CHECK(errors_after_header("expect:\n  log: {contains: [\"abc \\\" x]}\n") ==
        Errors{"t.yaml:4:20: " + fmt::format(fmt::runtime(never_closed), '"')});
  CHECK(policy_errors_of("retry:\n  count: 3\nname: \"abc\n") ==
        Errors{"p.yml:3:7: " + fmt::format(fmt::runtime(never_closed), '"')});
  // After an anchor too; and a byte order mark, which yaml-cpp's positions leave out, moves
  // nothing.
  CHECK(errors_of("version: 1\nname: &a \"t\n") ==
        Errors{"t.yaml:2:7: " + fmt::format(fmt::runtime(never_closed), '"')});
  CHECK(errors_of("\xEF\xBB\xBFversion: 1\n'name': \"Example\"\n").empty());
  // Closed ones load: a doubled quote in single quotes, an escaped one in double quotes.
  CHECK(errors_of("version: 1\nname: 'it''s'\ndescription: \"a \\\" b\"\n").empty());
}

TEST_CASE("a name with a line break or another control character is refused", "[scenario_loader]") {
  // Goal: a name is one line of every report, Distmgr.log line and status message; a `|` block
  // ends with a line break. Method: the scenario's name as a block, a package name with an
  // escaped line break, a policy name with a tab, and a name with other punctuation kept.
  CHECK(errors_of("version: 1\nname: |\n  Package source\n  in TEMP\n") ==
        Errors{"t.yaml:2:7: 'name' contains a control character (U+000A, a line break); a name is "
               "one line of plain text"});
  CHECK(errors_after_header("filesystem:\n  - dir: 'C:\\Src'\npackages:\n"
                            "  - {id: S0100001, name: \"App\\n2.0\", source: 'C:\\Src'}\n") ==
        Errors{"t.yaml:6:26: 'name' contains a control character (U+000A, a line break); a name is "
               "one line of plain text"});
  CHECK(policy_errors_of("name: \"a\\tb\"\nretry: {}\n") ==
        Errors{"p.yml:1:7: 'name' contains a control character (U+0009, not a printable "
               "character); a name is one line of plain text"});
  CHECK(errors_of("version: 1\nname: 'Office 2000 (SR-1): \"x\" & y'\n").empty());
}

}  // namespace
}  // namespace distsim::sim
