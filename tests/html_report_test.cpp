// The HTML report: an SVG timeline with a bar per pass, the holders, status message IDs, the
// summary with PASS/FAIL, escaping, no network resource, time axes from seconds to days, stable
// bytes, and the `distsim run --report` flag.
#include "sim/report/html_report.h"

#include <catch2/catch.hpp>
#include <string>

#include "sim/report/run_report.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "tests/cli_runner.h"
#include "tests/world_fixture.h"

namespace distsim::sim {
namespace {

constexpr TimeUs kSecond = model::kMicrosecondsPerSecond;
constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;
constexpr TimeUs kHour = model::kMicrosecondsPerHour;
constexpr TimeUs kDay = model::kMicrosecondsPerDay;

std::string report_of(const Scenario& scenario) {
  RunOptions options;
  options.trace = true;
  const RunResult run = run_world(scenario, options);
  return html_report(scenario, run, judge_run(scenario, run));
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

Scenario kb_scenario_file() {
  LoadResult loaded =
      load_scenario_file(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/q207416-temp-source.yaml");
  REQUIRE(loaded.errors.empty());
  return *loaded.scenario;
}

TEST_CASE("the report of the KB world draws an SVG timeline with one bar per pass",
          "[html_report]") {
  // Goal: the manager's attempts on the timeline. Method: the KB world has three passes (two
  // retries, one success); count the pass rectangles by class.
  const std::string html = report_of(testing::kb_world({}));
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(count_of(html, "<svg ") == 1);
  CHECK(count_of(html, "</svg>") == 1);
  CHECK(count_of(html, "<rect class=\"pass ") == 3);
  CHECK(count_of(html, "<rect class=\"pass retry\"") == 2);
  CHECK(count_of(html, "<rect class=\"pass success\"") == 1);
  CHECK(count_of(html, "<path class=\"wait\"") == 2);
}

TEST_CASE("the report names the holders and marks the status messages with their IDs",
          "[html_report]") {
  // Goal: who held what, and which messages the manager raised. Method: look for the holder's
  // name and handle bar, and the ID labels of 2300, 2302 and 2301.
  const std::string html = report_of(testing::kb_world({}));
  CHECK(html.find(">setup-program<") != std::string::npos);
  CHECK(count_of(html, "<rect class=\"hold data\"") == 1);
  CHECK(html.find("C:\\WINNT\\TEMP\\~setup1.tmp") != std::string::npos);
  CHECK(count_of(html, "<circle class=\"msg msg-I id-2300\"") == 3);
  CHECK(count_of(html, "<circle class=\"msg msg-E id-2302\"") == 2);
  CHECK(html.find(">2302</text>") != std::string::npos);
  CHECK(html.find(">2301</text>") != std::string::npos);
  CHECK(count_of(html, "<path class=\"refusal\"") == 2);
}

TEST_CASE("the report shows the summary and each expectation with PASS or FAIL", "[html_report]") {
  // Goal: the page stands alone as the run's record. Method: the KB scenario file as written
  // (all pass), then with a wrong attempt count (a FAIL and the repro command).
  Scenario scenario = kb_scenario_file();
  std::string html = report_of(scenario);
  CHECK(html.find("PASS: 9 expectations held") != std::string::npos);
  CHECK(count_of(html, "<td class=\"ok\">PASS</td>") == 9);
  CHECK(html.find("<td>S0100001</td><td>Office 2000 SR1</td><td>installed</td>") !=
        std::string::npos);
  scenario.expect.packages.front().attempts = CountRange{2, 2};
  html = report_of(scenario);
  CHECK(html.find("FAIL: 1 of 9 expectations failed") != std::string::npos);
  CHECK(count_of(html, "<td class=\"bad\">FAIL</td>") == 1);
  CHECK(html.find("Reproduce with: <code>distsim run &#39;") != std::string::npos);
}

TEST_CASE("the report loads nothing from the network", "[html_report]") {
  // Goal: a self-contained page. Method: the only URL is the SVG namespace; no script, link or
  // source attribute.
  const std::string html = report_of(testing::kb_world({}));
  CHECK(count_of(html, "http://") == 1);
  CHECK(html.find("xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
}

TEST_CASE("two runs of the same seed give the same report bytes", "[html_report]") {
  // Goal: deterministic output. Method: the same world twice, with a seed of its own.
  testing::KbWorldOptions options;
  options.seed = 42;
  CHECK(report_of(testing::kb_world(options)) == report_of(testing::kb_world(options)));
}

TEST_CASE("text from the scenario is escaped in the page and in the SVG", "[html_report]") {
  // Goal: no scenario text becomes markup. Method: a package and a holder named with markup.
  Scenario scenario = testing::kb_world({});
  scenario.name = "<script>alert('x')</script>";
  scenario.packages.front().name = "A & B <i>\"quoted\"</i>";
  scenario.holders.front().name = "<b>holder</b>";
  const std::string html = report_of(scenario);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<i>") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("A &amp; B &lt;i&gt;&quot;quoted&quot;&lt;/i&gt;") != std::string::npos);
  CHECK(html.find("&lt;b&gt;holder&lt;/b&gt;") != std::string::npos);
  CHECK(html_escape("a\x01<'>\t") == "a\xEF\xBF\xBD&lt;&#39;&gt;\t");
}

TEST_CASE("the time axis steps and labels fit runs of seconds, hours and days", "[html_report]") {
  // Goal: a readable axis at any scale. Method: the step chosen for typical spans, and labels.
  CHECK(axis_step_us(2 * kSecond + 500'000) == 500'000);
  CHECK(axis_step_us(10 * kSecond) == kSecond);
  CHECK(axis_step_us(2 * kHour + 6 * kMinute) == 15 * kMinute);
  CHECK(axis_step_us(2 * kDay + 2 * kHour) == 6 * kHour);
  CHECK(axis_step_us(30 * kDay) == 7 * kDay);
  CHECK(axis_label(0, 15 * kMinute) == "00:00");
  CHECK(axis_label(kHour + 15 * kMinute, 15 * kMinute) == "01:15");
  CHECK(axis_label(kDay + 6 * kHour, 6 * kHour) == "1d 06:00");
  CHECK(axis_label(5 * kSecond, kSecond) == "00:00:05");
  CHECK(axis_label(1'500'000, 500'000) == "00:00:01.500");
}

TEST_CASE("the axis spans the run's activity, from seconds to days", "[html_report]") {
  // Goal: the timeline is scaled to what happened, not to an idle horizon. Method: a lock that
  // never blocks (installed within seconds, horizon 2 days), and a lock of 2.5 days.
  const std::string quick = report_of(testing::kb_world(testing::lock_for(0)));
  CHECK(quick.find(">00:00:01.000</text>") != std::string::npos);
  CHECK(quick.find("the horizon is 2d") != std::string::npos);
  testing::KbWorldOptions long_lock = testing::lock_for(2 * kDay + 12 * kHour);
  long_lock.until_us = 4 * kDay;
  const std::string slow = report_of(testing::kb_world(long_lock));
  CHECK(slow.find(">1d 00:00</text>") != std::string::npos);
  CHECK(slow.find(">2d 00:00</text>") != std::string::npos);
  CHECK(slow.find(">3d 00:00</text>") == std::string::npos);
  CHECK(count_of(slow, "<rect class=\"pass success\"") == 1);
}

TEST_CASE("distsim run --report writes the page beside the other outputs", "[html_report][cli]") {
  // Goal: the CLI flag, as a user runs it, together with --chrome-trace. Method: run the KB
  // scenario into a scratch directory; both files exist; the help text lists both flags.
  const std::string directory = testing::scratch_directory("html-report");
  const std::string scenario =
      "'" + std::string(DISTSIM_SOURCE_DIR) + "/scenarios/q207416-temp-source.yaml'";
  const auto result = testing::run_distsim(
      "run " + scenario + " --report report.html --chrome-trace trace.json", directory);
  CHECK(result.status == 0);
  CHECK(result.out.find("PASS: 9 expectations held") != std::string::npos);
  const std::string html = testing::read_text_file(directory + "/report.html");
  CHECK(html.find("<svg ") != std::string::npos);
  CHECK(html.find("PASS: 9 expectations held") != std::string::npos);
  CHECK_FALSE(testing::read_text_file(directory + "/trace.json").empty());
  const auto again = testing::run_distsim("run " + scenario + " --report again.html", directory);
  CHECK(testing::read_text_file(directory + "/again.html") == html);
  const auto help = testing::run_distsim("run --help", directory);
  CHECK(help.out.find("--report") != std::string::npos);
  CHECK(help.out.find("--chrome-trace") != std::string::npos);
}

}  // namespace
}  // namespace distsim::sim
