// The command-line mistakes named before CLI11 parses (argument_check.h).
#include "tools/cli/argument_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "sim/core/spelling.h"

namespace distsim::cli {
namespace {

// The subcommand `name` of `app`, or nullptr.
const CLI::App* subcommand_named(const CLI::App& app, std::string_view name) {
  for (const CLI::App* subcommand : app.get_subcommands({})) {
    if (subcommand->get_name() == name) return subcommand;
  }
  return nullptr;
}

// Every spelling of every flag of `app` ("--seed", "-j"), and whether each takes a value.
struct Spellings {
  std::vector<std::string> names;
  std::vector<bool> takes_value;
};
Spellings spellings_of(const CLI::App& app) {
  Spellings spellings;
  for (const CLI::Option* option : app.get_options({})) {
    const bool value = option->get_items_expected_max() > 0;
    for (const std::string& name : option->get_lnames()) {
      spellings.names.push_back("--" + name);
      spellings.takes_value.push_back(value);
    }
    for (const std::string& name : option->get_snames()) {
      spellings.names.push_back("-" + name);
      spellings.takes_value.push_back(value);
    }
  }
  return spellings;
}

// "-3", "-0.5": a value the parser judges, not a flag.
bool looks_like_number(std::string_view word) {
  return word.size() > 1 && word[0] == '-' &&
         (std::isdigit(static_cast<unsigned char>(word[1])) != 0 || word[1] == '.');
}

}  // namespace

std::optional<std::string> unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1] == nullptr) return std::nullopt;
  const std::string first = argv[1];
  if (first.empty()) return std::nullopt;
  if (first.front() == '-') {
    // A flag before any subcommand: distsim's own (--help, --version) or a typo of one, which
    // CLI11 would report as a missing subcommand.
    const Spellings spellings = spellings_of(app);
    const std::string_view flag = std::string_view(first).substr(0, first.find('='));
    if (std::find(spellings.names.begin(), spellings.names.end(), flag) != spellings.names.end()) {
      return std::nullopt;
    }
    const std::vector<std::string_view> candidates(spellings.names.begin(), spellings.names.end());
    const auto suggestion = sim::suggest(flag, candidates);
    return fmt::format(
        "distsim: unknown flag '{}'{}; flags of a subcommand come after it, as in "
        "distsim run SCENARIO --seed 3 (see distsim --help)",
        first, suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : "");
  }
  if (subcommand_named(app, first) != nullptr) return std::nullopt;
  std::vector<std::string> names;
  for (const CLI::App* subcommand : app.get_subcommands({}))
    names.push_back(subcommand->get_name());
  return fmt::format(
      "distsim: '{}' is not a subcommand; the subcommands are {} (see distsim --help)", first,
      fmt::join(names, ", "));
}

std::optional<std::string> unknown_flag(const CLI::App& app, int argc, char** argv) {
  if (argc < 3 || argv[1] == nullptr) return std::nullopt;
  const CLI::App* subcommand = subcommand_named(app, argv[1]);
  if (subcommand == nullptr) return std::nullopt;
  const Spellings all = spellings_of(*subcommand);
  const std::vector<std::string>& spellings = all.names;
  const std::vector<bool>& takes_value = all.takes_value;
  const std::string command = fmt::format("distsim {}", subcommand->get_name());
  for (int index = 2; index < argc; ++index) {
    const std::string_view word = argv[index] == nullptr ? "" : argv[index];
    if (word == "--") return std::nullopt;
    if (word.size() < 2 || word[0] != '-' || looks_like_number(word)) continue;
    // `--seed=3`, and a short flag with its value attached (`-j2`).
    std::string_view flag = word.substr(0, word.find('='));
    if (flag.size() > 2 && flag[1] != '-') flag = flag.substr(0, 2);
    size_t known = 0;
    while (known < spellings.size() && spellings[known] != flag) ++known;
    if (known < spellings.size()) {
      const bool value_attached = flag.size() < word.size();
      if (takes_value[known] && !value_attached) ++index;  // the next word is its value
      continue;
    }
    std::vector<std::string_view> candidates(spellings.begin(), spellings.end());
    const auto suggestion = sim::suggest(word.substr(0, word.find('=')), candidates);
    std::string advice;
    if (suggestion) {
      advice = fmt::format("; did you mean '{}'?", *suggestion);
    } else if (word.find_first_of("./\\") != std::string_view::npos) {
      advice = fmt::format("; a file whose name begins with - is written ./{}", word);
    }
    return fmt::format("{}: unknown flag '{}'{} (see {} --help)", command, word, advice, command);
  }
  return std::nullopt;
}

}  // namespace distsim::cli
