// Writes JUnit XML by hand: the format is small, and writing it here keeps the bytes under our
// control (attribute order, escaping, no timestamps), which makes the file reproducible.
#include "sim/report/junit_report.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>

#include "model/assert.h"
#include "sim/core/utf8.h"

namespace distsim::sim {
namespace {

// The length of the UTF-8 sequence at `index` when it is well formed and encodes a code point
// XML 1.0 allows (not U+FFFE or U+FFFF); 0 otherwise.
size_t xml_utf8_length(std::string_view text, size_t index) {
  const Utf8Sequence sequence = utf8_sequence_at(text, index);
  const bool excluded = sequence.code_point == 0xFFFE || sequence.code_point == 0xFFFF;
  return excluded ? 0 : sequence.length;
}

// The escape of an ASCII character, or an empty view when it stands for itself.
std::string_view ascii_escape(char c, XmlContext context) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return context == XmlContext::attribute ? "&quot;" : "";
    case '\'':
      return context == XmlContext::attribute ? "&apos;" : "";
    case '\r':
      return "&#13;";
    case '\t':
      return context == XmlContext::attribute ? "&#9;" : "";
    case '\n':
      return context == XmlContext::attribute ? "&#10;" : "";
    default:
      return "";
  }
}

std::string attribute(std::string_view name, std::string_view value) {
  return fmt::format(" {}=\"{}\"", name, xml_escape(value, XmlContext::attribute));
}

std::string_view result_element(JUnitCase::Result result) {
  switch (result) {
    case JUnitCase::Result::passed:
      return "";
    case JUnitCase::Result::failure:
      return "failure";
    case JUnitCase::Result::error:
      return "error";
    case JUnitCase::Result::skipped:
      return "skipped";
  }
  DISTSIM_ASSERT(false);
}

std::string testcase_xml(const JUnitCase& testcase) {
  DISTSIM_ASSERT(!testcase.name.empty());
  std::string out = "    <testcase" + attribute("classname", testcase.classname) +
                    attribute("name", testcase.name);
  if (!testcase.file.empty()) out += attribute("file", testcase.file);
  const std::string_view element = result_element(testcase.result);
  if (element.empty()) return out + "/>\n";
  out += ">\n      <" + std::string(element);
  if (!testcase.type.empty()) out += attribute("type", testcase.type);
  out += attribute("message", testcase.message);
  if (testcase.text.empty()) {
    out += "/>\n";
  } else {
    out += fmt::format(">{}</{}>\n", xml_escape(testcase.text, XmlContext::text), element);
  }
  if (!testcase.system_out.empty()) {
    out += fmt::format("      <system-out>{}</system-out>\n",
                       xml_escape(testcase.system_out, XmlContext::text));
  }
  return out + "    </testcase>\n";
}

struct Totals {
  size_t tests = 0;
  size_t failures = 0;
  size_t errors = 0;
  size_t skipped = 0;
};

Totals totals_of(const std::vector<JUnitCase>& cases) {
  Totals totals;
  for (const JUnitCase& testcase : cases) {
    ++totals.tests;
    totals.failures += testcase.result == JUnitCase::Result::failure ? 1 : 0;
    totals.errors += testcase.result == JUnitCase::Result::error ? 1 : 0;
    totals.skipped += testcase.result == JUnitCase::Result::skipped ? 1 : 0;
  }
  return totals;
}

}  // namespace

std::string xml_escape(std::string_view text, XmlContext context) {
  std::string out;
  out.reserve(text.size());
  size_t index = 0;
  while (index < text.size()) {
    const char c = text[index];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      const size_t length = xml_utf8_length(text, index);
      out += length == 0 ? kReplacementCharacter : text.substr(index, length);
      index += length == 0 ? 1 : length;
      continue;
    }
    if (const std::string_view escape = ascii_escape(c, context); !escape.empty()) {
      out += escape;
    } else if (byte < 0x20 && c != '\t' && c != '\n') {
      out += fmt::format("\\x{:02X}", byte);  // XML 1.0 cannot hold it, even as a reference
    } else {
      out += c;
    }
    ++index;
  }
  return out;
}

std::string junit_xml(std::string_view name, const std::vector<JUnitSuite>& suites) {
  Totals all;
  std::string body;
  for (const JUnitSuite& suite : suites) {
    const Totals totals = totals_of(suite.cases);
    body += "  <testsuite" + attribute("name", suite.name) +
            attribute("tests", fmt::format("{}", totals.tests)) +
            attribute("failures", fmt::format("{}", totals.failures)) +
            attribute("errors", fmt::format("{}", totals.errors)) +
            attribute("skipped", fmt::format("{}", totals.skipped)) + ">\n";
    for (const JUnitCase& testcase : suite.cases) body += testcase_xml(testcase);
    body += "  </testsuite>\n";
    all.tests += totals.tests;
    all.failures += totals.failures;
    all.errors += totals.errors;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attribute("name", name) +
         attribute("tests", fmt::format("{}", all.tests)) +
         attribute("failures", fmt::format("{}", all.failures)) +
         attribute("errors", fmt::format("{}", all.errors)) + ">\n" + body + "</testsuites>\n";
}

}  // namespace distsim::sim
