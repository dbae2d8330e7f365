// The report's layout arithmetic: text widths and boxes, first-fit label lines that never
// overlap, the time axis (linear with margins, or with idle stretches shortened into breaks at
// one common scale), round ticks, short durations, and the site clock text as Distmgr.log
// writes it.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "model/distmgr_log.h"
#include "model/site_config.h"
#include "sim/report/label_layout.h"
#include "sim/report/site_clock_text.h"
#include "sim/report/time_axis.h"

namespace distsim::sim {
namespace {

constexpr TimeUs kMs = model::kMicrosecondsPerMillisecond;
constexpr TimeUs kSecond = model::kMicrosecondsPerSecond;
constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;
constexpr TimeUs kHour = model::kMicrosecondsPerHour;
constexpr TimeUs kDay = model::kMicrosecondsPerDay;

TEST_CASE("text widths count code points at 0.63 em, wide characters twice", "[report_layout]") {
  // Goal: an estimate no monospace font exceeds. Method: ASCII, a two-byte and a CJK character.
  CHECK(text_width_tenths("2302", 10) == 4 * 63);
  CHECK(text_width_tenths("\xC3\xA9", 10) == 63);       // e acute: one column
  CHECK(text_width_tenths("\xE6\x97\xA5", 10) == 126);  // a CJK ideograph: two columns
  const TextBox box = text_box(100, 500, "abc", 10);
  CHECK(box.x1 == 100);
  CHECK(box.x2 == 100 + 3 * 63);
  CHECK(box.y1 == 500 - 95);
  CHECK(box.y2 == 500 + 30);
  CHECK(line_pitch_tenths(10) > box.y2 - box.y1);
}

TEST_CASE("boxes that only touch do not overlap", "[report_layout]") {
  // Goal: the overlap test the browser check mirrors. Method: touching, crossing, apart.
  const TextBox a{0, 100, 0, 50};
  CHECK_FALSE(boxes_overlap(a, {100, 200, 0, 50}));
  CHECK_FALSE(boxes_overlap(a, {0, 100, 50, 90}));
  CHECK(boxes_overlap(a, {99, 200, 49, 90}));
}

TEST_CASE("a label stack places each label on the first free line, or drops it",
          "[report_layout]") {
  // Goal: stacking without overlap. Method: three labels at the same place on two lines, one
  // that fits between, and a line's intervals checked from both sides.
  LabelStack stack(2);
  CHECK(stack.place(100, 200) == 0u);
  CHECK(stack.place(150, 250) == 1u);
  CHECK_FALSE(stack.place(120, 180).has_value());
  CHECK(stack.place(200, 300) == 0u);
  LabelLine line;
  line.take(100, 200);
  CHECK(line.is_free(0, 100));
  CHECK(line.is_free(200, 300));
  CHECK_FALSE(line.is_free(199, 300));
  CHECK_FALSE(line.is_free(0, 101));
  CHECK_FALSE(line.is_free(120, 130));
  CHECK(centred_within(50, 100, 0, 1000) == std::pair<int64_t, int64_t>{0, 100});
  CHECK(centred_within(990, 100, 0, 1000) == std::pair<int64_t, int64_t>{900, 1000});
  CHECK(centred_within(500, 100, 0, 1000) == std::pair<int64_t, int64_t>{450, 550});
}

TEST_CASE("an axis over busy minutes of a long horizon is linear and zoomed to them",
          "[report_layout]") {
  // Goal: the view is the activity, not the horizon. Method: activity every 10 s from 2h to
  // 2h10m of a day: a margin of a thirtieth on each side, nothing past it; the same activity
  // from 5 s on starts the axis at 0.
  std::vector<TimeUs> busy;
  for (TimeUs t_us = 2 * kHour; t_us <= 2 * kHour + 10 * kMinute; t_us += 10 * kSecond) {
    busy.push_back(t_us);
  }
  const TimeAxis axis = plan_time_axis(busy, kDay, 0, 7000);
  CHECK_FALSE(axis.has_breaks());
  CHECK(axis.start_us() == 2 * kHour - 20 * kSecond);
  CHECK(axis.end_us() == 2 * kHour + 10 * kMinute + 20 * kSecond);
  CHECK(axis.x(2 * kHour + 5 * kMinute) == 3500);
  CHECK(axis.x(0) == 0);
  CHECK(axis.x(kDay) == 7000);
  for (TimeUs& t_us : busy) t_us -= 2 * kHour - 5 * kSecond;
  const TimeAxis early = plan_time_axis(busy, kDay, 0, 7000);
  CHECK(early.start_us() == 0);
  const TimeAxis none = plan_time_axis({}, kDay, 0, 7000);
  CHECK(none.start_us() == 0);
  CHECK(none.end_us() == kSecond);
}

TEST_CASE("idle hours between busy seconds become breaks at one common scale", "[report_layout]") {
  // Goal: seconds of activity stay readable across hour-long waits. Method: three busy stretches
  // (a minute, a tenth of a second, a minute) an hour apart: two breaks of fixed width labelled
  // with their idle time, busy stretches at least the minimum width, the two one-minute
  // stretches equally wide, x increasing and the whole width used.
  const std::vector<TimeUs> moments{
      0, kMinute, kHour + kMinute, kHour + kMinute + 100 * kMs, 2 * kHour, 2 * kHour + kMinute};
  const TimeAxis axis = plan_time_axis(moments, kDay, 1000, 8000);
  REQUIRE(axis.has_breaks());
  const std::vector<AxisSegment>& segments = axis.segments();
  REQUIRE(segments.size() == 5);
  CHECK(segments[1].idle);
  CHECK(segments[3].idle);
  CHECK(segments[1].idle_us == kHour);
  CHECK(segments[3].idle_us == kHour - kMinute - 100 * kMs);
  CHECK(segments[1].x1 - segments[1].x0 == kBreakWidthTenths);
  CHECK(segments[2].x1 - segments[2].x0 >= kBusyWidthMinTenths);
  CHECK(segments[0].x1 - segments[0].x0 == Approx(segments[4].x1 - segments[4].x0).margin(2));
  CHECK(segments.front().x0 == 1000);
  CHECK(segments.back().x1 == 8000);
  int64_t previous = -1;
  for (const TimeUs moment : moments) {
    CHECK(axis.x(moment) > previous);
    previous = axis.x(moment);
  }
  CHECK(axis.start_us() == 0);
  CHECK(axis.end_us() <= kDay);
}

TEST_CASE("retries spread evenly over days keep a linear axis", "[report_layout]") {
  // Goal: breaks only where idle time dominates in a few long stretches. Method: a pass every 30
  // minutes for two days: no single gap is a sixteenth of the span.
  std::vector<TimeUs> moments;
  for (TimeUs t_us = 0; t_us <= 2 * kDay; t_us += 30 * kMinute) moments.push_back(t_us);
  CHECK_FALSE(plan_time_axis(moments, 3 * kDay, 0, 7000).has_breaks());
}

TEST_CASE("more equal idle stretches than breaks keep a linear axis; a few long ones break",
          "[report_layout]") {
  // Goal: retries at a steady interval are not drawn half shortened, half not. Method: a pass
  // every hour for 12 hours (11 equal waits, more than kAxisBreaksMax): linear. Then three waits
  // of 10 hours among short ones a minute apart: exactly those three become breaks.
  std::vector<TimeUs> hourly;
  for (TimeUs t_us = 0; t_us <= 12 * kHour; t_us += kHour) {
    hourly.push_back(t_us);
    hourly.push_back(t_us + 200 * kMs);
  }
  CHECK_FALSE(plan_time_axis(hourly, kDay, 0, 7000).has_breaks());
  std::vector<TimeUs> bursts;
  for (TimeUs burst = 0; burst < 4; ++burst) {
    for (TimeUs minute = 0; minute < 4; ++minute) {
      bursts.push_back(burst * 10 * kHour + minute * kMinute);
    }
  }
  const TimeAxis axis = plan_time_axis(bursts, 3 * kDay, 0, 7000);
  size_t breaks = 0;
  for (const AxisSegment& segment : axis.segments()) breaks += segment.idle ? 1 : 0;
  CHECK(breaks == 3);
}

TEST_CASE("round ticks fall on whole steps inside a stretch, finer when it is short",
          "[report_layout]") {
  // Goal: every busy stretch gets a labelled tick. Method: an hour with room for 5 ticks, and
  // 30 ms between two whole seconds where a 1 s step has no multiple.
  const std::vector<AxisTick> hour = round_ticks(10 * kMinute, 70 * kMinute, 5);
  REQUIRE(hour.size() == 4);
  CHECK(hour.front().t_us == 15 * kMinute);
  CHECK(hour.front().step_us == 15 * kMinute);
  const std::vector<AxisTick> short_one = round_ticks(kSecond + 10 * kMs, kSecond + 40 * kMs, 2);
  REQUIRE_FALSE(short_one.empty());
  CHECK(short_one.front().t_us >= kSecond + 10 * kMs);
  CHECK(short_one.back().t_us <= kSecond + 40 * kMs);
}

TEST_CASE("break labels give a duration to its two largest units", "[report_layout]") {
  CHECK(short_duration_text(59 * kMinute + 40 * kSecond) == "59m40s");
  CHECK(short_duration_text(kHour + 5 * kSecond) == "1h");
  CHECK(short_duration_text(kDay + 3 * kHour + 7 * kMinute) == "1d3h");
  CHECK(short_duration_text(1500 * kMs) == "1s500ms");
  CHECK(short_duration_text(0) == "0s");
}

TEST_CASE("the site clock text is the one Distmgr.log writes, in each log format",
          "[report_layout]") {
  // Goal: a time on the report can be searched for in the log. Method: the same moment formatted
  // by the report and by the log line formatter of each format.
  for (const model::LogFormat format :
       {model::LogFormat::sms2, model::LogFormat::numeric, model::LogFormat::cmtrace}) {
    model::SiteConfig site;
    site.log_format = format;
    const TimeUs t_us = kDay + kHour + 2 * kMinute + 3 * kSecond + 45 * kMs;
    const std::string line = model::format_log_line(format, site.clock, {"text", t_us, 1, {}});
    const std::string clock = site_clock_text(site, t_us);
    if (format == model::LogFormat::sms2) {
      CHECK(clock == "Fri Nov 17 9:02:03.045 2000");
      CHECK(line.find(clock) != std::string::npos);
      CHECK(site_time_of_day(site, t_us, kMinute) == "9:02");
      CHECK(site_date_text(site, t_us) == "Fri Nov 17 2000");
    } else {
      CHECK(clock == "11-17-2000 09:02:03.045+000");
      CHECK(line.find(clock.substr(11)) != std::string::npos);  // the time with the bias
      CHECK(line.find(format == model::LogFormat::numeric
                          ? clock.substr(0, 10)
                          : "date=\"11-17-2000\"") != std::string::npos);
      CHECK(site_time_of_day(site, t_us, kSecond) == "09:02:03");
    }
  }
}

}  // namespace
}  // namespace distsim::sim
