// Tests of Windows path parsing, display and case-insensitive ordering (sim/windows_path.h).
#include "sim/fs/windows_path.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/core/limits.h"

namespace distsim::sim {
namespace {

using model::Win32Error;

WindowsPath parsed(const std::string& text) {
  const model::Result<WindowsPath> result = parse_windows_path(text);
  REQUIRE(result.ok());
  return result.value();
}

Win32Error parse_error(const std::string& text) { return parse_windows_path(text).error(); }

TEST_CASE("a drive path parses into its root and components, case as written", "[path]") {
  // Goal: the basic drive form. Method: parse and inspect every field.
  const WindowsPath path = parsed("c:\\WinNT\\Temp\\setup.EXE");
  CHECK(path.root == "c:");
  CHECK(path.components == std::vector<std::string>{"WinNT", "Temp", "setup.EXE"});
  CHECK_FALSE(path.is_unc());
  CHECK_FALSE(path.is_root());
  CHECK(path.display() == "c:\\WinNT\\Temp\\setup.EXE");
  CHECK(path.key() == "C:\\WINNT\\TEMP\\SETUP.EXE");
  CHECK(path.root_key() == "C:");
}

TEST_CASE("a forward slash is accepted as a separator and displayed as a backslash", "[path]") {
  // Goal: '/' accepted. Method: parse a mixed-separator path and compare the display form.
  CHECK(parsed("C:/a/b\\c").display() == "C:\\a\\b\\c");
  CHECK(parsed("//DP01/SMSPKGD$/S0100001").display() == "\\\\DP01\\SMSPKGD$\\S0100001");
}

TEST_CASE("a UNC path has the server and share as its root", "[path]") {
  // Goal: the UNC form and its root-only display. Method: parse and inspect.
  const WindowsPath path = parsed("\\\\dp01\\SMSPKGD$\\S0100001\\data1.cab");
  CHECK(path.root == "\\\\dp01\\SMSPKGD$");
  CHECK(path.is_unc());
  CHECK(path.components == std::vector<std::string>{"S0100001", "data1.cab"});
  CHECK(path.root_key() == "\\\\DP01\\SMSPKGD$");
  const WindowsPath root = parsed("\\\\DP01\\SMSPKGD$");
  CHECK(root.is_root());
  CHECK(root.display() == "\\\\DP01\\SMSPKGD$");
}

TEST_CASE("a drive root displays with its trailing backslash", "[path]") {
  // Goal: "C:\" is the display form of the root. Method: parse the root and one child of it.
  const WindowsPath root = parsed("C:\\");
  CHECK(root.is_root());
  CHECK(root.display() == "C:\\");
  CHECK(root.child("WINNT").display() == "C:\\WINNT");
}

TEST_CASE("one trailing separator is accepted", "[path]") {
  // Goal: "C:\a\" names C:\a. Method: compare components.
  CHECK(parsed("C:\\a\\").components == std::vector<std::string>{"a"});
  CHECK(parsed("\\\\S\\SH\\").is_root());
}

TEST_CASE("relative, drive-relative and empty paths are ERROR_INVALID_NAME", "[path]") {
  // Goal: strict parsing. Method: each malformed form gives error 123.
  for (const char* text :
       {"", "a\\b", "\\a", "C:", "C:a", "1:\\a", "\\\\server", "\\\\server\\", "\\\\\\share"}) {
    INFO(text);
    CHECK(parse_error(text) == Win32Error::invalid_name);
  }
}

TEST_CASE("an empty component in the middle is ERROR_INVALID_NAME", "[path]") {
  // Goal: "C:\a\\b" is refused. Method: parse and compare the error.
  CHECK(parse_error("C:\\a\\\\b") == Win32Error::invalid_name);
  CHECK(parse_error("C:\\\\") == Win32Error::invalid_name);
}

TEST_CASE("forbidden characters and dot components are ERROR_INVALID_NAME", "[path]") {
  // Goal: every character Windows forbids in names. Method: one path per character.
  for (const char c : std::string("<>:\"|?*\x01\x1f")) {
    INFO(static_cast<int>(c));
    CHECK(parse_error(std::string("C:\\a") + c + "b") == Win32Error::invalid_name);
  }
  CHECK(parse_error("C:\\a\\.\\b") == Win32Error::invalid_name);
  CHECK(parse_error("C:\\a\\..\\b") == Win32Error::invalid_name);
  CHECK(parse_error("\\\\se?ver\\share") == Win32Error::invalid_name);
}

TEST_CASE("a component over 255 characters is refused and one of 255 is accepted", "[path]") {
  // Goal: the component limit, both sides of the boundary. Method: build names of 255 and 256.
  const std::string longest(kPathComponentLengthMax, 'x');
  CHECK(parse_windows_path("C:\\" + longest).ok());
  CHECK(parse_error("C:\\" + longest + "x") == Win32Error::invalid_name);
}

TEST_CASE("a UNC server or share name with a forbidden character is ERROR_INVALID_NAME", "[path]") {
  // Goal: server and share are names like any other. Method: each name problem through
  // parse_windows_path and check_windows_path.
  for (const char* text : {"\\\\D\\:", "\\\\SRV\\A?B", "\\\\DP01\\SMS:PKG", "\\\\S<\\SH\\a",
                           "\\\\SRV\\A\tB", "\\\\S\tRV\\AB", "//SRV/A|B/c"}) {
    INFO(text);
    CHECK(parse_error(text) == Win32Error::invalid_name);
    CHECK(check_windows_path(text).problem == PathProblem::forbidden_character);
  }
  const PathCheck share = check_windows_path("\\\\D\\:");
  CHECK(share.part == PathPart::share);
  CHECK(share.character == ':');
  const PathCheck server = check_windows_path("\\\\S\tRV\\AB");
  CHECK(server.part == PathPart::server);
  CHECK(server.character == '\t');
}

TEST_CASE("device paths under \\\\?\\ and \\\\.\\ are ERROR_INVALID_NAME", "[path]") {
  // Goal: the Win32 device namespace is not a file system path. Method: each prefix, with either
  // separator, through both functions.
  for (const char* text : {"\\\\?\\C:", "\\\\?\\C:\\a", "\\\\?\\UNC\\S\\SH", "\\\\.\\PIPE",
                           "\\\\.\\PIPE\\x", "//?/C:/a", "//./PIPE"}) {
    INFO(text);
    CHECK(parse_error(text) == Win32Error::invalid_name);
    const PathCheck check = check_windows_path(text);
    CHECK(check.problem == PathProblem::device_prefix);
    CHECK(check.part == PathPart::server);
  }
  CHECK(parse_windows_path("\\\\?x\\SH").error() == Win32Error::invalid_name);
  CHECK(parse_windows_path("\\\\.x\\SH").ok());
}

TEST_CASE("a server or share name of 255 characters is accepted and one of 256 is refused",
          "[path]") {
  // Goal: the name limit applies to the root's names too, both sides of the boundary. Method:
  // build servers and shares of 255, 256 and 300 characters.
  const std::string longest(kPathComponentLengthMax, 'x');
  CHECK(parse_windows_path("\\\\S\\" + longest).ok());
  CHECK(parse_windows_path("\\\\" + longest + "\\SH").ok());
  CHECK(parse_error("\\\\S\\" + longest + "x") == Win32Error::invalid_name);
  CHECK(parse_error("\\\\" + longest + "x\\SH") == Win32Error::invalid_name);
  const PathCheck check = check_windows_path("\\\\DP01\\" + std::string(300, 'x'));
  CHECK(check.problem == PathProblem::name_too_long);
  CHECK(check.part == PathPart::share);
}

TEST_CASE("check_windows_path accepts exactly what parse_windows_path accepts", "[path]") {
  // Goal: one parser behind both. Method: good and bad paths of every form through both.
  const std::string long_relative(kPathLengthMax + 1, 'a');
  for (const std::string& text : std::vector<std::string>{
           "C:\\",       "c:/a/b",     "C:\\a\\",  "\\\\S\\SH",   "\\\\S\\SH\\",
           "//S/SH/a",   "",           "C:",       "C:a",         "\\a",
           "\\\\S",      "\\\\S\\",    "\\\\\\SH", "C:\\a\\\\b",  "C:\\.",
           "\\\\S\\..",  "\\\\..\\SH", "C:\\a*",   "\\\\S\\S\"H", "\\\\?\\C:",
           long_relative}) {
    INFO(text);
    CHECK(check_windows_path(text).ok() == parse_windows_path(text).ok());
  }
}

TEST_CASE("the root key found alone is the parsed path's root key", "[path]") {
  // Goal: windows_root_key agrees with the full parse, which the world's setup relies on when it
  // sums file sizes per root. Method: drive and UNC paths in both cases and with both separators
  // through both; a text without a root gives an empty key.
  for (const std::string& text :
       std::vector<std::string>{"c:\\", "C:/a/b", "d:\\x\\y.txt", "\\\\dp01\\smspkgd$",
                                "//Dp01/SmsPkgC$/S0100001/a.cab", "\\\\S\\SH\\"}) {
    INFO(text);
    CHECK(windows_root_key(text) == parsed(text).root_key());
  }
  CHECK(windows_root_key("//dp01/smspkgd$/x") == "\\\\DP01\\SMSPKGD$");
  CHECK(windows_root_key("a\\b").empty());
  CHECK(windows_root_key("\\\\S").empty());
}

TEST_CASE("check_windows_path names the first problem in reading order", "[path]") {
  // Goal: the root's shape, then the length, then the names from left to right. Method: paths
  // with two problems each; the root's extent as the loader reads it.
  const std::string long_relative(kPathLengthMax + 1, 'a');
  CHECK(check_windows_path(long_relative).problem == PathProblem::no_root);
  CHECK(parse_error(long_relative) == Win32Error::filename_exced_range);
  CHECK(check_windows_path("C:\\a?" + std::string(kPathLengthMax, 'b')).problem ==
        PathProblem::too_long);
  const PathCheck server_first = check_windows_path("\\\\S:V\\SH\\a?b");
  CHECK(server_first.problem == PathProblem::forbidden_character);
  CHECK(server_first.character == ':');
  CHECK(check_windows_path("C:\\a\\..\\b?").problem == PathProblem::dot_name);
  CHECK(check_windows_path("C:\\a\\\\b?").problem == PathProblem::empty_name);
  const PathCheck unc = check_windows_path("\\\\S\\SH\\a");
  CHECK(unc.ok());
  CHECK(unc.unc);
  CHECK(unc.root_size == 6);
  const PathCheck drive = check_windows_path("C:\\a");
  CHECK_FALSE(drive.unc);
  CHECK(drive.root_size == 2);
}

TEST_CASE("a path over kPathLengthMax is ERROR_FILENAME_EXCED_RANGE", "[path]") {
  // Goal: the total length limit, both sides. Method: many short components.
  std::string text = "C:";
  while (text.size() + 2 <= kPathLengthMax) text += "\\a";
  REQUIRE(text.size() <= kPathLengthMax);
  CHECK(parse_windows_path(text).ok());
  text += "\\a";
  CHECK(parse_error(text) == Win32Error::filename_exced_range);
}

TEST_CASE("parent and child are inverse", "[path]") {
  // Goal: navigation helpers. Method: go down and up again.
  const WindowsPath path = parsed("C:\\a\\b");
  CHECK(path.parent().display() == "C:\\a");
  CHECK(path.parent().parent().is_root());
  CHECK(path.parent().child("b").key() == path.key());
}

TEST_CASE("parsing into a used path value leaves no stale components", "[path]") {
  // Goal: the storage-reusing parse is exact. Method: parse a long path, then a short one.
  WindowsPath path;
  REQUIRE(parse_windows_path_into("\\\\S\\SH\\a\\b\\c\\d", path) == Win32Error::ok);
  REQUIRE(parse_windows_path_into("C:\\x", path) == Win32Error::ok);
  CHECK(path.root == "C:");
  CHECK(path.components == std::vector<std::string>{"x"});
}

TEST_CASE("keys compare paths case-insensitively", "[path]") {
  // Goal: identity ignores case. Method: two spellings, one key.
  CHECK(parsed("c:\\winnt\\TEMP").key() == parsed("C:\\WinNT\\temp").key());
  CHECK(upper_ascii("Setup.exe~1") == "SETUP.EXE~1");
}

TEST_CASE("a path is at or below a folder only at a separator, in any case", "[path]") {
  CHECK(path_at_or_below(R"(\\DP01\SMSPKGC$\S0100001\a.txt)", R"(\\dp01\smspkgc$\s0100001)"));
  CHECK(path_at_or_below(R"(\\DP01\SMSPKGC$\S0100001)", R"(\\DP01\SMSPKGC$\s0100001)"));
  CHECK_FALSE(
      path_at_or_below(R"(\\DP01\SMSPKGC$\S01000012\a.txt)", R"(\\DP01\SMSPKGC$\S0100001)"));
  CHECK_FALSE(path_at_or_below(R"(\\DP01\SMSPKGC$)", R"(\\DP01\SMSPKGC$\S0100001)"));
  CHECK_FALSE(path_at_or_below(R"(C:\a)", ""));
}

TEST_CASE("listing order is case-insensitive and total", "[path]") {
  // Goal: less_case_insensitive sorts like the upper-case keys. Method: sort mixed-case names.
  std::vector<std::string> names{"b.txt", "A.txt", "a_b", "C", "ab", "_z"};
  std::sort(names.begin(), names.end(),
            [](const std::string& l, const std::string& r) { return less_case_insensitive(l, r); });
  CHECK(names == std::vector<std::string>{"A.txt", "ab", "a_b", "b.txt", "C", "_z"});
  CHECK_FALSE(less_case_insensitive("abc", "ABC"));
  CHECK_FALSE(less_case_insensitive("ABC", "abc"));
}

}  // namespace
}  // namespace distsim::sim
