// Shell quoting of printed commands.
#include "sim/core/shell_quote.h"

#include <algorithm>
#include <cctype>

namespace distsim::sim {

std::string single_quoted(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

bool shell_safe(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("/._-+:@%,=").find(c) != std::string_view::npos;
  });
}

std::string shell_path(std::string_view path) {
  if (path.starts_with('-')) return single_quoted("./" + std::string(path));
  return single_quoted(path);
}

std::string shell_word(std::string_view text) {
  return shell_safe(text) ? std::string(text) : single_quoted(text);
}

}  // namespace distsim::sim
