// Runs the distsim binary from a test as a user would, with stdout and stderr kept apart, and
// gives each test a scratch directory of its own (ctest runs tests in parallel processes).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace distsim::testing {

struct CliResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string read_text_file(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::stringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

inline void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// An empty directory under the build tree, unique to this test process.
inline std::string scratch_directory(const std::string& name) {
  const std::string path = std::string(DISTSIM_BINARY_DIR) + "/scratch/" + name + "-" +
                           std::to_string(static_cast<long>(getpid()));
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path;
}

// Runs COMMAND through the shell; its status, and what it wrote to stdout (stderr goes where the
// command sends it). status is -1 when the shell could not start or the command did not exit.
inline CliResult run_shell(const std::string& command) {
  CliResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  size_t read = 0;
  while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.out.append(buffer.data(), read);
  }
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The code block of a Markdown file of the repository (README.md by default) that follows the
// line holding `marker`: what the documents show, for tests that hold them to the binary.
inline std::string readme_block_after(const std::string& marker,
                                      const std::string& markdown = "README.md") {
  const std::string readme = read_text_file(std::string(DISTSIM_SOURCE_DIR) + "/" + markdown);
  const size_t at = readme.find(marker);
  REQUIRE(at != std::string::npos);
  const size_t open = readme.find("```\n", at);
  REQUIRE(open != std::string::npos);
  const size_t close = readme.find("```", open + 4);
  REQUIRE(close != std::string::npos);
  return readme.substr(open + 4, close - open - 4);
}

// Runs `distsim ARGUMENTS` in `directory` through the shell (arguments are shell words), with
// ENVIRONMENT (shell assignments such as `A=1 B=2`) added. Its stderr is captured in the build
// tree, never in `directory`.
inline CliResult run_distsim(const std::string& arguments, const std::string& directory,
                             const std::string& environment = "") {
  static int call_count = 0;
  const std::string err_path = std::string(DISTSIM_BINARY_DIR) + "/scratch/stderr-" +
                               std::to_string(static_cast<long>(getpid())) + "-" +
                               std::to_string(++call_count) + ".txt";
  std::filesystem::create_directories(std::string(DISTSIM_BINARY_DIR) + "/scratch");
  const std::string command = "cd '" + directory + "' && " + environment + " '" +
                              std::string(DISTSIM_CLI_PATH) + "' " + arguments + " 2>'" + err_path +
                              "'";
  CliResult result = run_shell(command);
  result.err = read_text_file(err_path);
  std::filesystem::remove(err_path);
  return result;
}

// The last line of `text` (without its newline).
inline std::string last_line(const std::string& text) {
  const size_t end = text.size() > 0 && text.back() == '\n' ? text.size() - 1 : text.size();
  const size_t start = text.rfind('\n', end == 0 ? 0 : end - 1);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1));
}

}  // namespace distsim::testing
