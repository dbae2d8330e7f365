// How `distsim check` reports its results: one line per scenario file, the closing count line
// that CI runners read, and the JUnit XML document.
#pragma once

#include <string>
#include <vector>

#include "sim/check/scenario_check.h"

namespace distsim::sim {

// "PASS FILE (name)", "FAIL FILE: first failure (and N more); reproduce with: distsim run ...",
// "ERROR FILE:LINE:COL: first problem (and N more)".
[[nodiscard]] std::string check_line(const ScenarioCheck& check);

// "N passed, N failed": `failed` counts every scenario that did not pass, the ones that could
// not run included. (tools/cli/README.md's ", N skipped" suffix has no cause yet: nothing is
// skipped.)
[[nodiscard]] std::string check_closing_line(const CheckTotals& totals);

// JUnit XML (testsuites / testsuite / testcase) with one testcase per scenario: classname from
// its directory, name from its file name; a <failure> gives each failed expectation with when it
// was decided (virtual time and site clock) and its evidence, the attempt table with the handles
// to blame, and the repro command (the attempt table is in <system-out> too); an <error> gives
// the reasons it could not run.
[[nodiscard]] std::string check_junit_xml(const std::vector<ScenarioCheck>& checks);

}  // namespace distsim::sim
