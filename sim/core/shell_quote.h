// Quoting for the commands distsim prints for a user to paste into a POSIX shell (reproduce and
// replay lines): any text becomes one word, and a path that starts with '-' stays a path.
#pragma once

#include <string>
#include <string_view>

namespace distsim::sim {

// `text` in single quotes, each ' inside written '\''.
[[nodiscard]] std::string single_quoted(std::string_view text);

// Whether `text` is a non-empty word that needs no quotes (letters, digits and "/._-+:@%,=").
[[nodiscard]] bool shell_safe(std::string_view text);

// `text` as one word: as it is where it needs no quotes (a program such as "distsim" or
// "./build/distsim"), else single-quoted.
[[nodiscard]] std::string shell_word(std::string_view text);

// A file path as one quoted word; "./" first when it starts with '-', which a command would read
// as a flag.
[[nodiscard]] std::string shell_path(std::string_view path);

}  // namespace distsim::sim
