// JUnit XML as Jenkins, GitLab and GitHub test reporters read it (testsuites / testsuite /
// testcase / failure | error | skipped), valid against the common junit-10.xsd. Deterministic:
// no timestamps, host names or durations.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace distsim::sim {

struct JUnitCase {
  enum class Result { passed, failure, error, skipped };
  std::string classname;
  std::string name;
  std::string file;  // the `file` attribute; omitted when empty
  Result result = Result::passed;
  std::string type;        // failure / error: the `type` attribute
  std::string message;     // failure / error / skipped: the short `message` attribute
  std::string text;        // failure / error: the element's text
  std::string system_out;  // the testcase's <system-out>; omitted when empty
};

struct JUnitSuite {
  std::string name;
  std::vector<JUnitCase> cases;
};

// The whole document: an XML declaration, <testsuites> with totals, one <testsuite> per suite.
[[nodiscard]] std::string junit_xml(std::string_view name, const std::vector<JUnitSuite>& suites);

enum class XmlContext { text, attribute };

// Text made safe for XML 1.0: &, <, > as entities (quotes too in attributes); carriage return,
// and in attributes tab and newline, as character references, which parsers keep where they
// would normalise the characters away; other control characters, which XML 1.0 cannot hold at
// all, as a visible "\xNN"; bytes that are not valid UTF-8 (or code points XML forbids) as
// U+FFFD.
[[nodiscard]] std::string xml_escape(std::string_view text, XmlContext context);

}  // namespace distsim::sim
