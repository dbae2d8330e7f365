// The HTML report: an SVG timeline with a bar per pass, the holders with labelled bars, a row per
// package and per distribution point, status message IDs, refusals joined to the handles that
// refused them, the site clock beside virtual time, a view zoomed to the activity with an
// overview of the whole run, no two texts overlapping, the summary with PASS/FAIL, escaping, no
// network resource, stable bytes, and the `distsim run --report` flag.
#include "sim/report/html_report.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/report/run_report.h"
#include "sim/report/svg_overview.h"
#include "sim/report/svg_timeline.h"
#include "sim/report/time_axis.h"
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

RunResult traced_run(const Scenario& scenario) {
  RunOptions options;
  options.trace = true;
  return run_world(scenario, options);
}

std::string report_of(const Scenario& scenario) {
  const RunResult run = traced_run(scenario);
  return html_report(scenario, run, judge_run(scenario, run));
}

// The detailed timeline's <svg> element alone (the page may also hold the overview).
std::string timeline_part(const std::string& html) {
  const size_t start = html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\"");
  REQUIRE(start != std::string::npos);
  return html.substr(start, html.find("</svg>", start) - start);
}

// The row of `lane` (its <g> element) within a drawing.
std::string lane_part(const std::string& svg, const std::string& lane) {
  const size_t start = svg.find("data-lane=\"" + lane + "\"");
  REQUIRE(start != std::string::npos);
  return svg.substr(start, svg.find("</g>", start) - start);
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// The value of the first `name="..."` attribute after `from`.
std::string attribute_after(const std::string& text, size_t from, const std::string& name) {
  const size_t at = text.find(name + "=\"", from);
  REQUIRE(at != std::string::npos);
  const size_t start = at + name.size() + 2;
  return text.substr(start, text.find('"', start) - start);
}

Scenario scenario_file(const std::string& name) {
  LoadResult loaded = load_scenario_file(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" + name);
  REQUIRE(loaded.errors.empty());
  return *loaded.scenario;
}

TEST_CASE("the report of the KB world draws an SVG timeline with one bar per pass",
          "[html_report]") {
  // Goal: the manager's attempts on the timeline. Method: the KB world has three passes (two
  // retries, one success); count the pass rectangles of the detailed timeline by class.
  const std::string html = report_of(testing::kb_world({}));
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  const std::string svg = timeline_part(html);
  CHECK(count_of(svg, "<rect class=\"pass ") == 3);
  CHECK(count_of(svg, "<rect class=\"pass retry\"") == 2);
  CHECK(count_of(svg, "<rect class=\"pass success\"") == 1);
  CHECK(count_of(svg, "<path class=\"wait\"") == 2);
}

TEST_CASE("the report names the holders, labels their bars and marks status message IDs",
          "[html_report]") {
  // Goal: who held what, readable without hovering, and which messages the manager raised.
  // Method: the holder's name, its handle bar labelled with the file name, and the ID labels.
  const std::string svg = timeline_part(report_of(testing::kb_world({})));
  CHECK(svg.find(">setup-program<") != std::string::npos);
  CHECK(count_of(lane_part(svg, "holder:setup-program"), "<rect class=\"hold data") == 1);
  CHECK(svg.find("C:\\WINNT\\TEMP\\~setup1.tmp") != std::string::npos);
  CHECK(svg.find("font-size=\"11\">~setup1.tmp</text>") != std::string::npos);
  CHECK(count_of(svg, "<circle class=\"msg msg-I id-2300\"") == 3);
  CHECK(count_of(svg, "<circle class=\"msg msg-E id-2302\"") == 2);
  CHECK(svg.find(">2302</text>") != std::string::npos);
  CHECK(svg.find(">2301</text>") != std::string::npos);
  CHECK(count_of(svg, "<path class=\"refusal") == 2);
}

TEST_CASE("each refusal is joined to the bar of the handle that refused it", "[html_report]") {
  // Goal: a failed attempt points at its culprit. Method: in the KB world each refused open of
  // ~setup1.tmp names, in data-blockers, the id of the setup program's bar, which carries the
  // blocker class, and a blame line is drawn for each refusal.
  const std::string svg = timeline_part(report_of(testing::kb_world({})));
  const size_t bar = svg.find("<rect class=\"hold data blocker\"");
  REQUIRE(bar != std::string::npos);
  const std::string id = attribute_after(svg, bar, "id");
  size_t refusals = 0;
  for (size_t at = svg.find("<path class=\"refusal"); at != std::string::npos;
       at = svg.find("<path class=\"refusal", at + 1)) {
    CHECK(attribute_after(svg, at, "data-blockers") == id);
    ++refusals;
  }
  CHECK(refusals == 2);
  CHECK(count_of(svg, "<path class=\"blame\"") == 2);
}

TEST_CASE("the timeline has a row per holder, per package and per distribution point",
          "[html_report]") {
  // Goal: a DP's retry is visible on its own row. Method: the antivirus world with two DPs
  // under ConfigMgr 2007; the rows in order, and each DP row shows its 2328, its refusal and its
  // retry wait.
  const Scenario scenario = scenario_file("antivirus-exclusive-two-dps.yaml");
  const RunResult run = traced_run(scenario);
  const Timeline timeline = build_timeline(scenario, run);
  const SvgDrawing drawing = timeline_svg(run, timeline, detail_axis(run, timeline));
  CHECK(drawing.lanes == std::vector<std::string>{"holder:dp01-scanner", "holder:dp02-scanner",
                                                  "package:S0100021", "dp:S0100021/DP01",
                                                  "dp:S0100021/DP02"});
  for (const std::string dp : {"DP01", "DP02"}) {
    const size_t row = drawing.svg.find("data-lane=\"dp:S0100021/" + dp + "\"");
    REQUIRE(row != std::string::npos);
    const std::string part = drawing.svg.substr(row, drawing.svg.find("</g>", row) - row);
    CHECK(count_of(part, "<circle class=\"msg msg-W id-2328\"") == 1);
    CHECK(count_of(part, "<path class=\"wait\"") == 1);
    CHECK(count_of(part, "<rect class=\"state st-retrying\"") == 1);
  }
  CHECK(count_of(drawing.svg, "<path class=\"refusal") == 2);
}

TEST_CASE("a run with more packages than rows fit draws the ones in trouble first",
          "[html_report]") {
  // Goal: a bounded drawing still shows the failure. Method: 24 packages that install at once
  // and, last, the KB package blocked by the setup program: 20 package rows, the KB package
  // among them, the 5 others counted in a note that says nothing failed on them.
  Scenario scenario = testing::kb_world({});
  const PackageEvent blocked = scenario.packages.front();
  scenario.packages.clear();
  for (int index = 0; index < 24; ++index) {
    const std::string folder = "C:\\Src\\P" + std::to_string(index);
    scenario.filesystem.push_back(
        {FilesystemEntry::Kind::file, folder + "\\setup.exe", 1024, 0, {}});
    PackageEvent package;
    package.id = "S02" + std::to_string(10000 + index);
    package.name = "quiet";
    package.source = folder;
    scenario.packages.push_back(package);
  }
  scenario.packages.push_back(blocked);
  const RunResult run = traced_run(scenario);
  const Timeline timeline = build_timeline(scenario, run);
  const SvgDrawing drawing = timeline_svg(run, timeline, detail_axis(run, timeline));
  size_t package_rows = 0;
  for (const std::string& lane : drawing.lanes) package_rows += lane.rfind("package:", 0) == 0;
  CHECK(package_rows == 20);
  CHECK(std::find(drawing.lanes.begin(), drawing.lanes.end(), "package:S0100001") !=
        drawing.lanes.end());
  CHECK(drawing.svg.find(">5 more packages not drawn (nothing failed on them)<") !=
        std::string::npos);
}

TEST_CASE("no two texts of the drawings overlap, and all stay inside them", "[html_report]") {
  // Goal: labels that never collide, whatever the run. Method: the boxes the drawings computed
  // for the QA worlds (an Explorer window, an antivirus on two DPs, retries exhausted, a plain
  // backup) and the KB world, compared pairwise.
  for (const std::string file :
       {"q207416-explorer-window.yaml", "antivirus-exclusive-two-dps.yaml",
        "cm2012-dp-retries-exhausted.yaml", "backup-plain.yaml", "q207416-temp-source.yaml"}) {
    const Scenario scenario = scenario_file(file);
    const RunResult run = traced_run(scenario);
    const Timeline timeline = build_timeline(scenario, run);
    const TimeAxis axis = detail_axis(run, timeline);
    for (const SvgDrawing& drawing :
         {timeline_svg(run, timeline, axis), overview_svg(run, timeline, axis)}) {
      INFO(file);
      CHECK(drawing.texts.size() > 5);
      size_t outside = 0;
      size_t overlapping = 0;
      for (size_t a = 0; a < drawing.texts.size(); ++a) {
        if (drawing.texts[a].x1 < 0 || drawing.texts[a].x2 > kSvgWidth * 10) ++outside;
        for (size_t b = a + 1; b < drawing.texts.size(); ++b) {
          if (boxes_overlap(drawing.texts[a], drawing.texts[b])) ++overlapping;
        }
      }
      CHECK(outside == 0);
      CHECK(overlapping == 0);
    }
  }
}

TEST_CASE("the axis shows the site clock as Distmgr.log writes it beside virtual time",
          "[html_report]") {
  // Goal: a moment on the timeline can be found in the log. Method: the Explorer window world
  // (sms2, the site clock starts at Thu Nov 16 2000 8:00): the 01:01:00 tick reads 9:01:00 on the
  // site clock, the date is written, and the header names the start as the log does.
  const std::string html = report_of(scenario_file("q207416-explorer-window.yaml"));
  const std::string svg = timeline_part(html);
  CHECK(svg.find(">01:01:00<title>01:01:00 (Thu Nov 16 9:01:00.000 2000)</title>") !=
        std::string::npos);
  CHECK(svg.find(">9:01:00<title>01:01:00 (Thu Nov 16 9:01:00.000 2000)</title>") !=
        std::string::npos);
  CHECK(svg.find(">Thu Nov 16 2000<title>") != std::string::npos);
  CHECK(html.find("Virtual time 00:00:00 is Thu Nov 16 8:00:00.000 2000 (Coordinated Universal "
                  "Time) on the site clock") != std::string::npos);
}

TEST_CASE("the timeline zooms to the activity and an overview shows the whole run",
          "[html_report]") {
  // Goal: activity of minutes is not lost on an axis of days. Method: a lock that never blocks
  // (installed within seconds, horizon 2 days) gives an axis of seconds and an overview up to
  // 2d; a lock of 2.5 days gives an axis of days; the Explorer window world shortens its two
  // idle hours into breaks labelled with their length.
  const std::string quick = report_of(testing::kb_world(testing::lock_for(0)));
  CHECK(timeline_part(quick).find(">00:00:01<") != std::string::npos);
  CHECK(quick.find("class=\"overview\"") != std::string::npos);
  CHECK(quick.find("of a run of 2d") != std::string::npos);
  testing::KbWorldOptions long_lock = testing::lock_for(2 * kDay + 12 * kHour);
  long_lock.until_us = 4 * kDay;
  const std::string slow = timeline_part(report_of(testing::kb_world(long_lock)));
  CHECK(slow.find(">1d 00:00<") != std::string::npos);
  CHECK(slow.find(">2d 00:00<") != std::string::npos);
  CHECK(slow.find(">3d 00:00<") == std::string::npos);
  CHECK(count_of(slow, "<rect class=\"pass success\"") == 1);
  const std::string explorer = report_of(scenario_file("q207416-explorer-window.yaml"));
  CHECK(count_of(timeline_part(explorer), "<rect class=\"break\"") == 2);
  CHECK(timeline_part(explorer).find(">1h<title>") != std::string::npos);
  CHECK(timeline_part(explorer).find(">58m59s<title>") != std::string::npos);
  CHECK(explorer.find("2 idle stretches") != std::string::npos);
}

TEST_CASE("the overview names each pass by its span, then its result", "[html_report]") {
  // Goal: a tooltip "attempt 2: retry at T" read as the retry's time while T was the pass's
  // start. Method: the KB run's three passes, each titled with its start, end and result.
  const std::string html = report_of(scenario_file("q207416-temp-source.yaml"));
  CHECK(html.find("<title>S0100001 attempt 1, 00:00:00 to 00:00:00.240: retry</title>") !=
        std::string::npos);
  CHECK(html.find("<title>S0100001 attempt 2, 01:00:00.240 to 01:00:00.480: retry</title>") !=
        std::string::npos);
  CHECK(html.find("<title>S0100001 attempt 3, 02:00:00.480 to 02:00:02.921: success</title>") !=
        std::string::npos);
  CHECK(html.find("retry at 01:00:00.240</title>") == std::string::npos);
  // A span of DP retries is not an attempt of the package: it is named as what it is.
  const std::string dp = report_of(scenario_file("cm2012-dp-back-after-maintenance.yaml"));
  CHECK(dp.find("<title>S0100010 attempt 1, 00:00:00 to 00:00:00.751: retry</title>") !=
        std::string::npos);
  CHECK(dp.find("<title>S0100010 DP retries, 01:00:00.751 to 01:00:01.422: success</title>") !=
        std::string::npos);
}

TEST_CASE("the report shows the summary and each expectation with PASS or FAIL", "[html_report]") {
  // Goal: the page stands alone as the run's record. Method: the KB scenario file as written
  // (all pass), then with a wrong attempt count (a FAIL listed under the verdict, and the repro
  // command).
  Scenario scenario = scenario_file("q207416-temp-source.yaml");
  std::string html = report_of(scenario);
  CHECK(html.find("PASS: 10 expectations held") != std::string::npos);
  CHECK(count_of(html, "<td class=\"ok\">PASS</td>") == 10);
  CHECK(html.find("<td>S0100001<br>Office 2000 SR1</td><td>installed</td>") != std::string::npos);
  scenario.expect.packages.front().attempts = CountRange{2, 2};
  html = report_of(scenario);
  CHECK(html.find("FAIL: 1 of 10 expectations failed") != std::string::npos);
  CHECK(html.find("<li>S0100001 attempts: expected 2, got 3</li>") != std::string::npos);
  CHECK(count_of(html, "<td class=\"bad\">FAIL</td>") == 1);
  CHECK(html.find("Reproduce with: <code>distsim run &#39;") != std::string::npos);
  // A count above its expectation is decided when the third pass began; one below it, which only
  // the end of the run settles, says so rather than leaving the cell empty.
  CHECK(html.find("<td>S0100001 attempts</td><td>2</td><td>3</td><td>02:00:00.480<br>") !=
        std::string::npos);
  scenario.expect.packages.front().attempts = CountRange{4, 4};
  html = report_of(scenario);
  CHECK(html.find("<td>S0100001 attempts</td><td>4</td><td>3</td><td>1d 00:00:00, the end of the "
                  "run<br>") != std::string::npos);
}

TEST_CASE("the report lists each refused operation with the handle that refused it",
          "[html_report]") {
  // Goal: the failure explained in print too. Method: the Explorer window world's two refused
  // opens of Thumbs.db, one table row (twice), naming the window's handle.
  const std::string html = report_of(scenario_file("q207416-explorer-window.yaml"));
  const size_t table = html.find("<h2 id=\"refusals\">");
  REQUIRE(table != std::string::npos);
  const std::string part = html.substr(table, html.find("</table>", table) - table);
  CHECK(count_of(part, "<tr><td>") == 1);
  CHECK(part.find("2 times, the last at 01:01:00.240") != std::string::npos);
  CHECK(part.find(
            "<b>admin-window</b> handle 2 on <code>D:\\Packages\\Office2000\\Thumbs.db</code>") !=
        std::string::npos);
}

TEST_CASE("the report loads nothing from the network and needs no script", "[html_report]") {
  // Goal: a self-contained page. Method: the only URL is the SVG namespace; no script, link or
  // source attribute.
  const std::string html = report_of(testing::kb_world({}));
  CHECK(count_of(html, "http://") == count_of(html, "xmlns=\"http://www.w3.org/2000/svg\""));
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
  CHECK(html.find("<b>holder") == std::string::npos);
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
  CHECK(axis_step_us(10 * kSecond, 3) == 5 * kSecond);
  CHECK(axis_label(0, 15 * kMinute) == "00:00");
  CHECK(axis_label(kHour + 15 * kMinute, 15 * kMinute) == "01:15");
  CHECK(axis_label(kDay + 6 * kHour, 6 * kHour) == "1d 06:00");
  CHECK(axis_label(5 * kSecond, kSecond) == "00:00:05");
  CHECK(axis_label(1'500'000, 500'000) == "00:00:01.500");
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
  CHECK(result.out.find("PASS: 10 expectations held") != std::string::npos);
  const std::string html = testing::read_text_file(directory + "/report.html");
  CHECK(html.find("<svg ") != std::string::npos);
  CHECK(html.find("PASS: 10 expectations held") != std::string::npos);
  CHECK_FALSE(testing::read_text_file(directory + "/trace.json").empty());
  const auto again = testing::run_distsim("run " + scenario + " --report again.html", directory);
  CHECK(testing::read_text_file(directory + "/again.html") == html);
  const auto help = testing::run_distsim("run --help", directory);
  CHECK(help.out.find("--report") != std::string::npos);
  CHECK(help.out.find("--chrome-trace") != std::string::npos);
}

}  // namespace
}  // namespace distsim::sim
