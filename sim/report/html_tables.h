// The tables of the HTML report: refused file operations with the handles that refused them,
// packages with their distribution points, attempts, status messages and expectations. Times
// show virtual time with the site clock under it; every table sits in a container that scrolls
// sideways by itself, so the page never does.
#pragma once

#include <string>

#include "sim/check/verdict.h"
#include "sim/report/timeline.h"
#include "sim/world/world.h"

namespace distsim::sim {

void append_refusals_table(std::string& out, const RunResult& run, const Timeline& timeline);
void append_packages_table(std::string& out, const RunResult& run);
void append_attempts_table(std::string& out, const RunResult& run);
void append_status_table(std::string& out, const RunResult& run);
void append_expectations_table(std::string& out, const RunResult& run, const RunVerdict& verdict);

}  // namespace distsim::sim
