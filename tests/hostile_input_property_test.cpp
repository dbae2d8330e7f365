// The contract "what `validate` accepts, `run` runs" against hostile scenario files: paths from a
// grammar of drive, UNC and device roots, reserved and forbidden names and long components;
// extreme sizes, counts and times; invalid UTF-8 and control bytes; CR-only line endings. Every
// file is refused with positioned errors in valid UTF-8, or it runs (with a small event budget)
// to its end without an internal error and writes a trace in valid UTF-8.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using loader_test::valid_utf8;

rc::Gen<std::string> one_of(std::vector<std::string> values) {
  return rc::gen::elementOf(std::move(values));
}

// A path root: drives, UNC shares (declared DP or not), device prefixes and broken roots.
rc::Gen<std::string> path_root() {
  return one_of({"C:", "c:", "D:", "Z:", "\\\\DP01\\SMSPKGC$", "\\\\SRV\\share", "//DP01/SMSPKGC$",
                 "\\\\?\\C:", "\\\\.\\pipe", "\\\\SRV", "\\\\", "C", "", "\\\\CON\\x",
                 "\\\\DP01\\SMSPKGC$\\..", "C:."});
}

// A path component: ordinary, reserved device names, forbidden characters, dots, long names.
rc::Gen<std::string> path_component() {
  return rc::gen::oneOf(one_of({"Dir",        "Src",  "setup.exe",   "CON",
                                "NUL",        "COM1", "LPT1",        "con.txt",
                                "AUX",        "a<b",  "a:b",         "a|b",
                                "a*",         "a?",   "a\"b",        ".",
                                "..",         "",     "Thumbs.db",   "\xC3\xA9t\xC3\xA9",
                                " trailing ", "dot.", "~setup1.tmp", "''"}),
                        rc::gen::map(rc::gen::elementOf(std::vector<size_t>{254, 255, 256, 1000}),
                                     [](size_t length) { return std::string(length, 'n'); }));
}

// A path from the grammar root (separator component)* [separator], sometimes padded toward
// kPathLengthMax with 200-character components.
rc::Gen<std::string> hostile_path() {
  return rc::gen::exec([] {
    std::string path = *path_root();
    const auto separator = [] {
      return *rc::gen::weightedElement<std::string>({{5, "\\"}, {1, "/"}});
    };
    const auto components = *rc::gen::inRange<size_t>(0, 4);
    for (size_t index = 0; index < components; ++index) path += separator() + *path_component();
    const auto padding = *rc::gen::weightedElement<size_t>({{6, 0}, {1, 162}, {1, 163}});
    for (size_t index = 0; index < padding; ++index) path += "\\" + std::string(200, 'p');
    if (padding > 0) path += "\\" + std::string(*rc::gen::inRange<size_t>(170, 200), 'q');
    if (*rc::gen::inRange(0, 4) == 0) path += separator();
    return path;
  });
}

// Each value is an ordinary one or, with odds `hostility` in 100, a hostile one: a case with few
// hostile values loads and runs far enough to use them; a case with many tests the refusals.
std::string pick(int hostility, std::vector<std::string> ordinary, rc::Gen<std::string> hostile) {
  return *rc::gen::weightedOneOf<std::string>(
      {{100, one_of(std::move(ordinary))}, {static_cast<size_t>(hostility), std::move(hostile)}});
}

// A path: one of `ordinary` (chosen so that the entries agree on what is a file and what a
// directory), or one from the grammar.
std::string some_path(int hostility, std::vector<std::string> ordinary) {
  return pick(hostility, std::move(ordinary), hostile_path());
}

std::string some_size(int hostility) {
  return pick(hostility, {"0B", "1KB", "4MB"},
              one_of({"16TB", "17TB", "256TB", "257TB", "18446744073709551615B",
                      "9223372036854775808B", "-1KB", "1.5MB", "5", "8589934592GB"}));
}

std::string some_count(int hostility) {
  return pick(hostility, {"1", "2", "3"},
              one_of({"100", "100000", "100001", "0", "4294967296", "-1", "1e3"}));
}

std::string some_time(int hostility) {
  return pick(hostility, {"1s", "1m", "1h", "2h30m"},
              one_of({"0s", "1us", "1d", "29d", "30d", "31d", "3650d", "3651d", "106751991d",
                      "95\xC3\xA9", "0"}));
}

std::string some_byte_count(int hostility) {
  return pick(hostility, {"0", "1", "4KB"},
              one_of({"18446744073709551615", "9223372036854775807", "16TB"}));
}

std::string some_length(int hostility) {
  return pick(hostility, {"1", "4KB"}, one_of({"0", "18446744073709551615", "16TB"}));
}

std::string some_name(int hostility) {
  return pick(
      hostility, {"ok", "Caf\xC3\xA9"},
      one_of({"Caf\xE9",
              "Pack\x07"
              "age",
              std::string("Pack\0age", 8), "\"esc\\0aped\"", "\"bell\\a\"", std::string(300, 'n'),
              "\xEF\xBB\xBFx", "a\x1B[31m", "\xC2\x85", "\xF4\x90\x80\x80"}));
}

// A YAML single-quoted scalar of `text`.
std::string quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string hostile_scenario_text(int h) {
  const std::string path_a = quoted(some_path(h, {"C:\\Src\\data.cab", "C:\\Src\\b.txt"}));
  std::string text = "version: 1\nname: " + some_name(h) + "\nuntil: " +
                     pick(h, {"1d", "3d"}, one_of({"1s", "3650d", "3651d", "106751991d", "0s"})) +
                     "\n";
  text += "filesystem:\n  - file: 'C:\\Src\\setup.exe'\n    size: " + some_size(h) + "\n";
  text += "  - file: " + path_a + "\n    size: " + some_size(h) + "\n";
  text += "  - tree: " + quoted(some_path(h, {"C:\\Tree", "D:\\T"})) +
          "\n    files: " + pick(h, {"1", "3"}, one_of({"100001", "0", "2"})) +
          "\n    size: " + some_size(h) + "\n";
  text += "  - dir: " + quoted(some_path(h, {"C:\\Src", "C:\\Empty"})) + "\n";
  text += "distribution_points:\n  - name: DP01\n    free: " +
          pick(h, {"1GB"}, one_of({"256TB", "257TB", "0B"})) + "\n";
  text += "packages:\n  - id: S0100001\n    name: " + some_name(h) +
          "\n    source: " + quoted(some_path(h, {"C:\\Src", "C:\\Tree"})) +
          "\n    at: " + some_time(h) + "\n";
  text += "holders:\n  - kind: temp_user\n    path: " +
          quoted(some_path(h, {"C:\\Src\\~tmp1.tmp", "C:\\Src\\setup.exe"})) +
          "\n    size: " + some_size(h) + "\n    for: " + some_time(h) + "\n";
  text += "  - kind: explorer_window\n    path: " + quoted(some_path(h, {"C:\\Src", "C:\\Tree"})) +
          "\n    every: " + some_time(h) + "\n    count: " + some_count(h) + "\n";
  text += "  - kind: antivirus\n    scope: " + quoted(some_path(h, {"C:\\Src", "C:\\"})) +
          "\n    per_mb: " + some_time(h) + "\n    on: [write_close, open]\n";
  text += "  - kind: script\n    steps:\n      - {at: " + some_time(h) + ", open: " + path_a +
          ", as: h, access: [GENERIC_READ, GENERIC_WRITE], share: []}\n      - {lock: h, offset: " +
          some_byte_count(h) + ", length: " + some_length(h) + "}\n      - {write: h}\n" +
          "      - {close: h}\n      - {rename: " +
          quoted(some_path(h, {"C:\\Src\\b.txt", "C:\\Tree"})) +
          ", to: " + quoted(some_path(h, {"C:\\Src\\c.txt", "D:\\T\\x"})) +
          "}\n      - {delete: " + quoted(some_path(h, {"C:\\Src\\setup.exe", "C:\\Tree"})) + "}\n";
  text +=
      "faults:\n  - {at: " + some_time(h) + ", dp_unreachable: DP01, for: " + some_time(h) + "}\n";
  return text;
}

// `text` with hostile bytes: a control or invalid byte somewhere, or CR-only line endings.
std::string with_hostile_bytes(std::string text) {
  const int choice = *rc::gen::inRange(0, 6);
  if (choice == 0) {
    const auto position = *rc::gen::inRange<size_t>(0, text.size());
    const char byte = *rc::gen::elementOf(std::string("\x00\x01\x07\x1B\x7F\x80\xC3\xE9\xFF", 9));
    text.insert(position, 1, byte);
  } else if (choice == 1) {
    for (char& c : text) {
      if (c == '\n') c = '\r';
    }
  }
  return text;
}

TEST_CASE("a hostile scenario is refused with positions or runs without an internal error",
          "[hostile_input][property]") {
  rc::prop("refused with positions, or runs to the end", [] {
    const int hostility = *rc::gen::elementOf(std::vector<int>{1, 3, 10, 50});
    const std::string text = with_hostile_bytes(hostile_scenario_text(hostility));
    const LoadResult loaded = load_scenario_text(text, "hostile.yaml");
    RC_CLASSIFY(loaded.errors.empty(), "loaded");
    if (!loaded.errors.empty()) {
      for (const ScenarioError& error : loaded.errors) {
        RC_ASSERT(error.line >= 1U);
        RC_ASSERT(valid_utf8(error.to_string()));
      }
      return;
    }
    const Scenario& scenario = *loaded.scenario;
    if (!unsupported_features(scenario).empty()) {
      for (const SetupProblem& problem : unsupported_features(scenario)) {
        RC_ASSERT(problem.position.line >= 1U);
      }
      return;
    }
    RunOptions options;
    options.trace = true;
    options.event_budget = 20'000;
    RunResult run;
    try {
      run = run_world(scenario, options);
    } catch (const std::exception& error) {
      RC_FAIL(std::string("internal error: ") + error.what() + "\n" + text);
    }
    RC_ASSERT(valid_utf8(trace_to_jsonl(run.trace, TraceHeader{scenario.name, run.seed, "t"})));
  });
}

}  // namespace
}  // namespace distsim::sim
