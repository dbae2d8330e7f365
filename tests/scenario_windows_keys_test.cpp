// The scenario keys of the Windows semantics (scenarios/FORMAT.md): `read_only` on file entries,
// `delete_on_close` on temp_user holders and script opens, `image` on dp_client holders, and the
// script steps run, exit, map, unmap, set_attributes and get_attributes, with their defaults and
// refusals.
#include <catch2/catch.hpp>
#include <string>

#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using namespace loader_test;

constexpr const char* kDpHeader =
    "distribution_points:\n  - name: DP01\n";  // lines 3 and 4 after the header

TEST_CASE("the Windows-semantics keys load with their defaults and write back the same",
          "[scenario_loader][semantics]") {
  // Goal: each new key reaches the Scenario, defaults apply when it is left out, and the writer
  // round-trips it. Method: one file with every key, loaded, written, loaded again.
  const Scenario scenario = load_valid(std::string("version: 1\nname: t\n") + kDpHeader +
                                       R"(filesystem:
  - file: 'C:\Temp\setup.exe'
    read_only: true
  - file: 'C:\Temp\data.cab'
holders:
  - kind: temp_user
    path: 'C:\Temp\~tmp1.tmp'
    delete_on_close: true
  - kind: temp_user
    path: 'C:\Temp\~tmp2.tmp'
  - kind: dp_client
    path: '\\DP01\SMSPKGC$\S0100001\setup.exe'
    image: false
  - kind: dp_client
    path: '\\DP01\SMSPKGC$\S0100001\setup.exe'
  - kind: script
    steps:
      - open: 'C:\Temp\data.cab'
        delete_on_close: true
        share: [FILE_SHARE_READ, FILE_SHARE_DELETE]
        as: h
      - run: 'C:\Temp\setup.exe'
        as: p
      - set_attributes: 'C:\Temp\data.cab'
        read_only: false
      - get_attributes: 'C:\Temp\data.cab'
        expect: ok
      - exit: p
      - close: h
)");
  CHECK(scenario.filesystem[0].read_only);
  CHECK_FALSE(scenario.filesystem[1].read_only);
  CHECK(scenario.holders[0].delete_on_close);
  CHECK_FALSE(scenario.holders[1].delete_on_close);
  CHECK_FALSE(scenario.holders[2].image);
  CHECK(scenario.holders[3].image);
  const auto& steps = scenario.holders[4].steps;
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].delete_on_close);
  CHECK(steps[1].action == ScriptStep::Action::run);
  CHECK(steps[1].access == kRunAccess);
  CHECK(steps[1].share == kRunShare);
  CHECK(steps[1].handle_name == "p");
  CHECK(steps[2].action == ScriptStep::Action::set_attributes);
  CHECK_FALSE(steps[2].read_only);
  CHECK(steps[3].action == ScriptStep::Action::get_attributes);
  CHECK(steps[4].action == ScriptStep::Action::exit);
  const Scenario again = load_valid(write_scenario_yaml(scenario));
  CHECK(with_positions_cleared(again) == with_positions_cleared(scenario));
}

TEST_CASE("exit must name a running program and close must not", "[scenario_loader][semantics]") {
  // Goal: a `run ... as:` name is a program, ended only by `exit`, and `exit` ends nothing else.
  // Method: exit of a file handle, close and write of a program, exit twice.
  CHECK(errors_after_header("holders:\n  - kind: script\n    steps:\n"
                            "      - open: 'C:\\a'\n        as: h\n"
                            "      - exit: h\n") ==
        Errors{"t.yaml:8:15: 'h' is a file handle, not a program started by a 'run' step; "
               "'close' closes it"});
  CHECK(errors_after_header("holders:\n  - kind: script\n    steps:\n"
                            "      - run: 'C:\\a.exe'\n        as: p\n"
                            "      - write: p\n") ==
        Errors{"t.yaml:8:16: 'p' names a program started by a 'run' step (line 7), not a file "
               "handle; 'exit' ends it"});
  CHECK(errors_after_header("holders:\n  - kind: script\n    steps:\n"
                            "      - run: 'C:\\a.exe'\n        as: p\n"
                            "      - exit: p\n      - exit: p\n") ==
        Errors{"t.yaml:9:15: handle 'p' was closed at line 8"});
}

TEST_CASE("the Windows-semantics keys are refused where they do not belong",
          "[scenario_loader][semantics]") {
  // Goal: each key is accepted only by the entry kinds FORMAT.md lists. Method: read_only on a
  // dir, delete_on_close on a dp_client, image on a temp_user, delete_on_close on a run step, and
  // a set_attributes step without read_only.
  CHECK_FALSE(errors_after_header("filesystem:\n  - dir: 'C:\\a'\n    read_only: true\n").empty());
  CHECK_FALSE(errors_after_header(std::string(kDpHeader) + "holders:\n  - kind: dp_client\n"
                                                           "    path: '\\\\DP01\\SMSPKGC$\\a.exe'\n"
                                                           "    delete_on_close: true\n")
                  .empty());
  CHECK_FALSE(errors_after_header("holders:\n  - kind: temp_user\n    path: 'C:\\a'\n"
                                  "    image: true\n")
                  .empty());
  CHECK_FALSE(errors_after_header("holders:\n  - kind: script\n    steps:\n"
                                  "      - run: 'C:\\a.exe'\n        delete_on_close: true\n")
                  .empty());
  CHECK(errors_after_header("holders:\n  - kind: script\n    steps:\n"
                            "      - set_attributes: 'C:\\a'\n") ==
        Errors{"t.yaml:6:9: missing required key 'read_only' in a 'set_attributes' step"});
}

TEST_CASE("map and unmap steps load with their defaults and write back the same",
          "[scenario_loader][semantics]") {
  // Goal: `map` names the file handle it maps from, `protection` defaults to PAGE_READONLY, `as`
  // names the view for `unmap`, and the writer round-trips all of it. Method: two maps, one
  // without `as`, loaded, written, loaded again.
  const Scenario scenario = load_valid(R"(version: 1
name: t
holders:
  - kind: script
    steps:
      - open: 'C:\Temp\data.mdb'
        access: [GENERIC_READ, GENERIC_WRITE]
        share: [FILE_SHARE_READ, FILE_SHARE_WRITE]
        as: db
      - map: db
        protection: PAGE_READWRITE
        as: view
        expect: ok
      - map: db
      - close: db
      - at: 1h
        unmap: view
)");
  const auto& steps = scenario.holders[0].steps;
  REQUIRE(steps.size() == 5);
  CHECK(steps[1].action == ScriptStep::Action::map);
  CHECK(steps[1].handle_name == "db");
  CHECK(steps[1].section_name == "view");
  CHECK(steps[1].protection == PageProtection::readwrite);
  CHECK(steps[2].protection == PageProtection::readonly);
  CHECK(steps[2].section_name.empty());
  CHECK(steps[4].action == ScriptStep::Action::unmap);
  CHECK(steps[4].handle_name == "view");
  const Scenario again = load_valid(write_scenario_yaml(scenario));
  CHECK(with_positions_cleared(again) == with_positions_cleared(scenario));
}

TEST_CASE("a view is ended only by unmap, and map maps only from an open file handle",
          "[scenario_loader][semantics]") {
  // Goal: the names of views follow the rules of programs. Method: close of a view, unmap of a
  // file handle, map of a program, unmap twice, an unknown protection, protection on an open.
  const std::string head =
      "holders:\n  - kind: script\n    steps:\n"
      "      - open: 'C:\\a'\n        as: h\n"
      "      - map: h\n        as: v\n";  // lines 5 to 9
  CHECK(errors_after_header(head + "      - close: v\n") ==
        Errors{"t.yaml:10:16: 'v' names a view mapped by a 'map' step (line 9), not a file "
               "handle; 'unmap' ends it"});
  CHECK(errors_after_header(head + "      - unmap: h\n") ==
        Errors{"t.yaml:10:16: 'h' is a file handle, not a view mapped by a 'map' step; 'close' "
               "closes it"});
  CHECK(errors_after_header(head + "      - unmap: v\n      - unmap: v\n") ==
        Errors{"t.yaml:11:16: handle 'v' was closed at line 10"});
  CHECK(errors_after_header("holders:\n  - kind: script\n    steps:\n"
                            "      - run: 'C:\\a.exe'\n        as: p\n"
                            "      - map: p\n") ==
        Errors{"t.yaml:8:14: 'p' names a program started by a 'run' step (line 7), not a file "
               "handle; 'exit' ends it"});
  CHECK(errors_after_header(head + "      - map: h\n        protection: PAGE_EXECUTE\n") ==
        Errors{"t.yaml:11:21: unknown page protection 'PAGE_EXECUTE'; expected one of "
               "PAGE_READONLY, PAGE_WRITECOPY, PAGE_READWRITE"});
  CHECK_FALSE(errors_after_header("holders:\n  - kind: script\n    steps:\n"
                                  "      - open: 'C:\\a'\n        protection: PAGE_READONLY\n")
                  .empty());
}

}  // namespace
}  // namespace distsim::sim
