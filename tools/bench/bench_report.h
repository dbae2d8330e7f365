// A Google Benchmark reporter that prints the usual console table and also keeps every
// repetition's counters, so the benchmark executables can end with a summary of medians and
// spreads compared with the performance targets (tools/bench/README.md).
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace distsim::bench {

// The repetitions of one counter of one benchmark: median and the min..max spread.
struct Spread {
  double median = 0;
  double min = 0;
  double max = 0;
  size_t count = 0;
};

// The median of `values` (the mean of the middle two for an even count); 0 for none.
[[nodiscard]] double median_of(std::vector<double> values);

class RecordingReporter final : public benchmark::ConsoleReporter {
 public:
  // The console table without colours, so the output reads the same in a file or a CI log.
  RecordingReporter() : ConsoleReporter(OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override;

  // The spread of a counter (or "real_time_s", seconds per iteration) over the repetitions of
  // the benchmark named `name`: its function and arguments as the console shows them, e.g.
  // "BM_KernelHold/pending:1024" (a benchmark's own minimum time is not part of the name).
  [[nodiscard]] std::optional<Spread> spread(const std::string& name,
                                             const std::string& counter) const;

  // The names of the benchmarks that reported, sorted.
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  std::map<std::string, std::map<std::string, std::vector<double>>> values_;
};

// "12.3 M" / "456 k" / "789": a rate or count with an SI prefix, three significant digits.
[[nodiscard]] std::string si(double value);

// "median (min..max)" with si().
[[nodiscard]] std::string si_spread(const Spread& spread);

// "PASS" or "MISS".
[[nodiscard]] const char* verdict(bool met);

}  // namespace distsim::bench
