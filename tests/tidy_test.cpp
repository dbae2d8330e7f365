// Rules of the source tree that a compiler cannot check: model/ stays independent of the simulator
// and of the real OS, sim/'s rooms include only rooms below them, nothing uses a source of
// nondeterminism, source files stay small and open with a comment, and every scenario file is run
// by ctest.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> source_files(const std::string& directory) {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(DISTSIM_SOURCE_DIR) / directory)) {
    const auto extension = entry.path().extension();
    if (extension == ".h" || extension == ".cpp") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const fs::path& path) {
  std::ifstream stream(path);
  std::stringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

std::vector<std::string> matches(const std::string& directory, const std::regex& banned) {
  std::vector<std::string> found;
  for (const auto& path : source_files(directory)) {
    std::istringstream lines(read_file(path));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      if (std::regex_search(line, banned))
        found.push_back(path.string() + ":" + std::to_string(number) + ": " + line);
    }
  }
  return found;
}

TEST_CASE("model/ includes nothing from sim/, tools/, yaml-cpp or the operating system", "[tidy]") {
  // Goal: the one dependency rule. Method: scan model/ for banned includes.
  const std::regex banned(
      R"re(#include\s*[<"](sim/|tools/|tests/|yaml-cpp|thread>|random>|filesystem>|chrono>|fstream>|ctime>|unistd))re");
  const auto found = matches("model", banned);
  INFO(found.size() << " banned includes, first: " << (found.empty() ? "" : found[0]));
  CHECK(found.empty());
}

TEST_CASE("model/ never reads a clock, sleeps, spawns a thread or reads the environment",
          "[tidy]") {
  // Goal: the manager is driven only through its ports.
  const std::regex banned(
      R"(std::this_thread|sleep_for|system_clock|steady_clock|std::rand\b|random_device|getenv|std::thread|fopen|time\(nullptr\))");
  const auto found = matches("model", banned);
  INFO((found.empty() ? "" : found[0]));
  CHECK(found.empty());
}

// sim/'s rooms from the bottom up (sim/README.md): a room may include itself and the rooms before
// it, never one after it. Reports read a finished run, so the world never includes a report.
const std::vector<std::string> kRoomOrder = {"core",  "fs",    "scenario", "holders",
                                             "world", "check", "report"};

size_t room_rank(const std::string& room) {
  const auto found = std::find(kRoomOrder.begin(), kRoomOrder.end(), room);
  return static_cast<size_t>(found - kRoomOrder.begin());
}

TEST_CASE("every sim/ source file lives in a known room that has a README", "[tidy]") {
  const fs::path sim = fs::path(DISTSIM_SOURCE_DIR) / "sim";
  for (const auto& path : source_files("sim")) {
    const std::string room = fs::relative(path, sim).begin()->string();
    INFO(path.string());
    CHECK(room_rank(room) < kRoomOrder.size());
  }
  for (const std::string& room : kRoomOrder) {
    INFO(room);
    CHECK(fs::exists(sim / room / "README.md"));
  }
}

// The lines of `text` (a file of `room`) that include a room above it, or anything of tools/ or
// tests/.
std::vector<std::string> upward_includes(const std::string& room, const std::string& text) {
  const std::regex include(R"re(#include\s*"(sim|tools|tests)/([a-z_]+)/)re");
  std::vector<std::string> found;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    std::smatch match;
    if (!std::regex_search(line, match, include)) continue;
    if (match[1] != "sim" || room_rank(match[2]) > room_rank(room)) {
      found.push_back(std::to_string(number) + ": " + line);
    }
  }
  return found;
}

TEST_CASE("a sim/ room includes only itself and the rooms below it", "[tidy]") {
  const fs::path sim = fs::path(DISTSIM_SOURCE_DIR) / "sim";
  for (const auto& path : source_files("sim")) {
    const std::string room = fs::relative(path, sim).begin()->string();
    const auto found = upward_includes(room, read_file(path));
    INFO(path.string() << ":" << (found.empty() ? "" : found[0]));
    CHECK(found.empty());
  }
}

TEST_CASE("the room rule refuses a world that includes a report, and allows the reverse",
          "[tidy]") {
  CHECK(upward_includes("world", "#include \"sim/report/timeline.h\"\n").size() == 1);
  CHECK(upward_includes("core", "x\n#include \"tools/cli/exit_status.h\"\n").size() == 1);
  CHECK(upward_includes("report", "#include \"sim/world/world.h\"\n").empty());
  CHECK(upward_includes("fs", "#include \"sim/fs/vfs.h\"\n#include <vector>\n").empty());
}

TEST_CASE("no source file is much longer than 600 lines", "[tidy]") {
  // Small files with one concept each: past this, a file is split along its seams.
  constexpr size_t kLinesMax = 650;
  for (const char* directory : {"model", "sim", "tools", "tests"}) {
    for (const auto& path : source_files(directory)) {
      const std::string text = read_file(path);
      const auto lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
      INFO(path.string() << ": " << lines << " lines");
      CHECK(lines <= kLinesMax);
    }
  }
}

TEST_CASE("sim/ and tools/ use no source of nondeterminism", "[tidy]") {
  // Goal: same scenario + seed + build = same bytes. Method: scan for clocks, random devices and
  // <random> distributions.
  const std::regex banned(
      R"(random_device|uniform_int_distribution|uniform_real_distribution|exponential_distribution|system_clock|std::rand\b|time\(NULL\)|time\(nullptr\)|unordered_)");
  // Two exceptions read the monotonic clock. `explore --time-limit`, its progress rate and the
  // result file's wall_seconds need elapsed real time: tools/cli/wall_clock.cpp alone reads it,
  // and it only decides when a campaign stops starting seeds or a shrink stops, never what a
  // world does. The benchmarks (tools/bench/) measure real time by nature and never feed a
  // simulation.
  const std::regex monotonic_clock(R"(steady_clock)");
  const std::vector<std::string> allowed = {
      (fs::path(DISTSIM_SOURCE_DIR) / "tools" / "cli" / "wall_clock.cpp").string() + ":",
      (fs::path(DISTSIM_SOURCE_DIR) / "tools" / "bench").string() + "/"};
  for (const char* directory : {"sim", "tools"}) {
    auto found = matches(directory, banned);
    for (std::string& hit : matches(directory, monotonic_clock)) {
      const bool exempt = std::any_of(allowed.begin(), allowed.end(),
                                      [&](const std::string& p) { return hit.rfind(p, 0) == 0; });
      if (!exempt) found.push_back(std::move(hit));
    }
    INFO((found.empty() ? "" : found[0]));
    CHECK(found.empty());
  }
}

TEST_CASE("every source file opens with a comment saying what it owns", "[tidy]") {
  // Goal: the house file header rule, for model/, sim/, tools/ and tests/.
  for (const char* directory : {"model", "sim", "tools", "tests"}) {
    for (const auto& path : source_files(directory)) {
      const std::string text = read_file(path);
      INFO(path.string());
      CHECK(text.rfind("//", 0) == 0);
    }
  }
}

TEST_CASE("every scenario file is registered as a ctest test", "[tidy]") {
  // Goal: no scenario escapes CI. Method: compare scenarios/ with the list CMake registered.
  std::set<std::string> on_disk;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(DISTSIM_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() == ".yaml") {
      on_disk.insert(fs::relative(entry.path(), fs::path(DISTSIM_SOURCE_DIR)).string());
    }
  }
  std::set<std::string> registered;
  std::istringstream lines(read_file(fs::path(DISTSIM_BINARY_DIR) / "registered_scenarios.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) registered.insert(line);
  }
  CHECK(!on_disk.empty());
  CHECK(registered == on_disk);
}

}  // namespace
