// The JUnit XML writer: escaping that keeps any text well formed, and the document's structure
// and totals.
#include "sim/report/junit_report.h"

#include <catch2/catch.hpp>
#include <string>

namespace distsim::sim {
namespace {

TEST_CASE("xml_escape writes markup as entities and keeps newlines of attributes", "[junit]") {
  // Goal: the escaping rules of each context. Method: one string with every special character.
  const std::string text = "a & b < c > d \" e ' f\tg\nh\ri";
  CHECK(xml_escape(text, XmlContext::text) == "a &amp; b &lt; c &gt; d \" e ' f\tg\nh&#13;i");
  CHECK(xml_escape(text, XmlContext::attribute) ==
        "a &amp; b &lt; c &gt; d &quot; e &apos; f&#9;g&#10;h&#13;i");
}

TEST_CASE("xml_escape replaces what XML 1.0 cannot hold and keeps valid UTF-8", "[junit]") {
  // Goal: no scenario text can make the report unreadable. Method: control characters, valid
  // multi-byte characters, a stray continuation byte, a truncated sequence, an overlong form and
  // U+FFFE.
  CHECK(xml_escape("\x01-\x1f", XmlContext::text) == "\\x01-\\x1F");
  CHECK(xml_escape("caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80", XmlContext::text) ==
        "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80");
  CHECK(xml_escape("a\x80z", XmlContext::text) == "a\xEF\xBF\xBDz");
  CHECK(xml_escape("a\xE6\x97", XmlContext::text) == "a\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(xml_escape("\xC0\xAF", XmlContext::text) == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(xml_escape("\xEF\xBF\xBE", XmlContext::text) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("a JUnit document has one testcase per case and the totals of each suite", "[junit]") {
  // Goal: the structure reporters read. Method: a suite with a pass, a failure, an error and a
  // skip; compare the whole document.
  JUnitSuite suite{"s", {}};
  suite.cases.push_back({"dir", "a.yaml", "dir/a.yaml", JUnitCase::Result::passed, "", "", "", ""});
  suite.cases.push_back({"dir", "b.yaml", "", JUnitCase::Result::failure, "expectation", "x <1>",
                         "x <1>\nrepro\n", ""});
  suite.cases.push_back({"dir", "c.yaml", "", JUnitCase::Result::error, "", "bad", "bad\n", ""});
  suite.cases.push_back({"dir", "d.yaml", "", JUnitCase::Result::skipped, "", "why", "", ""});
  CHECK(junit_xml("top", {suite}) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"top\" tests=\"4\" failures=\"1\" errors=\"1\">\n"
        "  <testsuite name=\"s\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\">\n"
        "    <testcase classname=\"dir\" name=\"a.yaml\" file=\"dir/a.yaml\"/>\n"
        "    <testcase classname=\"dir\" name=\"b.yaml\">\n"
        "      <failure type=\"expectation\" message=\"x &lt;1&gt;\">x &lt;1&gt;\nrepro\n"
        "</failure>\n"
        "    </testcase>\n"
        "    <testcase classname=\"dir\" name=\"c.yaml\">\n"
        "      <error message=\"bad\">bad\n</error>\n"
        "    </testcase>\n"
        "    <testcase classname=\"dir\" name=\"d.yaml\">\n"
        "      <skipped message=\"why\"/>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
}

TEST_CASE("a failed testcase's system-out follows its failure and is escaped", "[junit]") {
  JUnitSuite suite{"s", {}};
  suite.cases.push_back({"dir", "b.yaml", "", JUnitCase::Result::failure, "expectation", "x", "x\n",
                         "attempts\n  held by <w>\n"});
  const std::string xml = junit_xml("top", {suite});
  CHECK(xml.find("<failure type=\"expectation\" message=\"x\">x\n</failure>\n"
                 "      <system-out>attempts\n  held by &lt;w&gt;\n</system-out>\n"
                 "    </testcase>\n") != std::string::npos);
}

}  // namespace
}  // namespace distsim::sim
