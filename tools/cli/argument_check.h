// The command-line mistakes distsim names before CLI11 parses: a first word that is no
// subcommand, and a flag the subcommand does not have. CLI11 would report the first as a missing
// subcommand and the second as a missing scenario or as arguments it did not expect, which hides
// the typo that caused them.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace distsim::cli {

// "distsim: 'rn' is not a subcommand; the subcommands are run, check, ... (see distsim --help)",
// or for a first word that looks like a flag and is none of distsim's own ("distsim: unknown flag
// '--verison' (did you mean '--version'?); ..."); nullopt when the first word is a subcommand or
// one of distsim's flags.
[[nodiscard]] std::optional<std::string> unknown_subcommand(const CLI::App& app, int argc,
                                                            char** argv);

// "distsim run: unknown flag '--jsn'; did you mean '--json'? (see distsim run --help)" for the
// first word after the subcommand that looks like a flag and is none of its flags, or nullopt.
// A word right after a flag that takes a value is that value, whatever it looks like (`--seeds
// -3` is judged by the parser); `--` ends the flags; `-` alone is standard output.
[[nodiscard]] std::optional<std::string> unknown_flag(const CLI::App& app, int argc, char** argv);

}  // namespace distsim::cli
