// The recording reporter and the number formatting shared by the summaries.
#include "tools/bench/bench_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace distsim::bench {

double median_of(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t count = values.size();
  return count % 2 == 1 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

void RecordingReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
    // The function and its arguments, without what Google Benchmark appends for a benchmark's own
    // settings (a minimum time, a repetition count), so a summary names it as it is registered.
    std::string name = run.run_name.function_name;
    if (!run.run_name.args.empty()) name += "/" + run.run_name.args;
    auto& counters = values_[name];
    const double iterations = static_cast<double>(run.iterations);
    counters["real_time_s"].push_back(iterations > 0 ? run.real_accumulated_time / iterations
                                                     : run.real_accumulated_time);
    for (const auto& [counter_name, counter] : run.counters) {
      counters[counter_name].push_back(counter.value);
    }
  }
}

std::optional<Spread> RecordingReporter::spread(const std::string& name,
                                                const std::string& counter) const {
  const auto benchmark = values_.find(name);
  if (benchmark == values_.end()) return std::nullopt;
  const auto found = benchmark->second.find(counter);
  if (found == benchmark->second.end() || found->second.empty()) return std::nullopt;
  const auto [min, max] = std::minmax_element(found->second.begin(), found->second.end());
  return Spread{median_of(found->second), *min, *max, found->second.size()};
}

std::vector<std::string> RecordingReporter::names() const {
  std::vector<std::string> out;
  for (const auto& [name, counters] : values_) out.push_back(name);
  return out;
}

std::string si(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e9) return fmt::format("{:.3g} G", value / 1e9);
  if (magnitude >= 1e6) return fmt::format("{:.3g} M", value / 1e6);
  if (magnitude >= 1e3) return fmt::format("{:.3g} k", value / 1e3);
  return fmt::format("{:.3g}", value);
}

std::string si_spread(const Spread& spread) {
  if (spread.count <= 1) return si(spread.median);
  return fmt::format("{} ({}..{})", si(spread.median), si(spread.min), si(spread.max));
}

const char* verdict(bool met) { return met ? "PASS" : "MISS"; }

}  // namespace distsim::bench
