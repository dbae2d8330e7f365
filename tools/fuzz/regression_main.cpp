// distsim_fuzz_regression TARGET [--lines FILE | PATH]...: replays saved fuzz inputs through the
// named target function, in any build. A PATH is one input, or a directory of them read
// recursively in name order (a missing one holds none); --lines FILE makes each line of FILE an
// input (the hand-kept edge cases of tools/fuzz/seeds/). Exit 0 when every input ran cleanly; a
// broken property or a crash aborts; an escaping exception (DISTSIM_ASSERT) is reported with its
// input and exits 1; 2 for bad arguments.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tools/fuzz/fuzz_targets.h"

namespace {

namespace fs = std::filesystem;

const distsim::fuzz::Target* find_target(std::string_view name) {
  for (const auto& target : distsim::fuzz::all_targets()) {
    if (target.name == name) return &target;
  }
  return nullptr;
}

// The regular files under `path` (or `path` itself), sorted; a missing path gives none.
std::vector<fs::path> input_files(const fs::path& path) {
  std::vector<fs::path> files;
  std::error_code error;
  if (fs::is_regular_file(path, error)) return {path};
  if (!fs::is_directory(path, error)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(path, error)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

struct Input {
  std::string name;  // the file, or FILE:LINE
  std::string bytes;
};

// The inputs the arguments after TARGET name, in order; nullopt when --lines lacks its file.
std::optional<std::vector<Input>> collect_inputs(const std::vector<std::string_view>& arguments) {
  std::vector<Input> inputs;
  for (size_t index = 1; index < arguments.size(); ++index) {
    if (arguments[index] != "--lines") {
      for (const fs::path& file : input_files(fs::path(arguments[index]))) {
        inputs.push_back({file.string(), read_bytes(file)});
      }
      continue;
    }
    if (++index == arguments.size()) return std::nullopt;
    const std::string file(arguments[index]);
    std::istringstream lines(read_bytes(file));
    std::string line;
    for (size_t number = 1; std::getline(lines, line); ++number) {
      inputs.push_back({file + ":" + std::to_string(number), line});
    }
  }
  return inputs;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> arguments(argv + 1, argv + argc);
  const distsim::fuzz::Target* target = arguments.empty() ? nullptr : find_target(arguments[0]);
  if (target == nullptr || arguments.size() < 2) {
    std::fprintf(stderr,
                 "usage: distsim_fuzz_regression TARGET [--lines FILE | PATH]...\ntargets:");
    for (const auto& each : distsim::fuzz::all_targets()) {
      std::fprintf(stderr, " %.*s", static_cast<int>(each.name.size()), each.name.data());
    }
    std::fprintf(stderr, "\n");
    return 2;
  }
  const std::optional<std::vector<Input>> inputs = collect_inputs(arguments);
  if (!inputs || inputs->empty()) {
    std::fprintf(stderr, "distsim_fuzz_regression: %s\n",
                 inputs ? "no inputs found" : "--lines needs a file");
    return 2;
  }
  size_t failed = 0;
  for (const Input& input : *inputs) {
    // Named first: an abort or a crash ends the process before any summary.
    std::fprintf(stderr, "%s\n", input.name.c_str());
    try {
      target->run(reinterpret_cast<const uint8_t*>(input.bytes.data()), input.bytes.size());
    } catch (const std::exception& error) {
      ++failed;
      std::fprintf(stderr, "FAIL %s: %s\n", input.name.c_str(), error.what());
    }
  }
  const size_t ran = inputs->size();
  std::printf("%.*s: %zu inputs, %zu failed\n", static_cast<int>(target->name.size()),
              target->name.data(), ran, failed);
  return failed == 0 ? 0 : 1;
}
