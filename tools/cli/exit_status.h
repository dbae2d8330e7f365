// The exit statuses of every distsim subcommand (tools/cli/README.md): the contract CI scripts rely
// on.
#pragma once

namespace distsim::cli {

inline constexpr int kExitOk = 0;             // ran; every expectation and invariant held
inline constexpr int kExitFinding = 1;        // ran; an expectation or invariant failed
inline constexpr int kExitCannotRun = 2;      // bad scenario, bad flag, unreadable file
inline constexpr int kExitInternalError = 3;  // a bug in distsim itself

}  // namespace distsim::cli
