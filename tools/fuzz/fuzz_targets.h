// The fuzz targets: one function per entry point that reads untrusted text, shared by the
// libFuzzer executables (libfuzzer_main.cpp, the `fuzz` preset) and the regression driver that
// replays saved inputs in the ordinary build (regression_main.cpp, a ctest test).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace distsim::fuzz {

// Runs one input. A bug shows as a crash, a sanitizer report, an escaping exception (a
// DISTSIM_ASSERT) or a broken property (property_failed), never as a return value.
using TargetFunction = void (*)(const uint8_t* data, size_t size);

struct Target {
  std::string_view name;  // scenario_loader, scenario_run, windows_path, value_parse, trace_jsonl
  TargetFunction run;
};

// The scenario and policy loaders on arbitrary text; only UTF-8 text loads, and a loaded scenario
// survives the writer: its YAML loads again, and writing that gives the same YAML.
void scenario_loader(const uint8_t* data, size_t size);
// Load, then run a small world with a small event budget, judge it and format every report.
void scenario_run(const uint8_t* data, size_t size);
// parse_windows_path and check_windows_path agree; a parsed path parses again from its display.
void windows_path(const uint8_t* data, size_t size);
// Every value parser; what parses formats back to text that parses to the same value.
void value_parse(const uint8_t* data, size_t size);
// The trace's JSON quoting and record writer agree with escaping one byte at a time.
void trace_jsonl(const uint8_t* data, size_t size);

// Every target, in the order above.
[[nodiscard]] std::span<const Target> all_targets();

// Prints `what` and the input (escaped, cut to a few hundred bytes) to stderr and aborts, so that
// libFuzzer keeps the input and the regression driver fails.
[[noreturn]] void property_failed(std::string_view what, std::string_view input);

}  // namespace distsim::fuzz
