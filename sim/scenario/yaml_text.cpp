// YAML scalars and lines for the scenario writer. The quoting rules are the writer's half of the
// round trip: whatever string a scenario holds, the loader reads the written scalar back to it.
#include "sim/scenario/yaml_text.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace distsim::sim {
namespace {

// UTF-8 sequences that YAML reads as line breaks or a byte order mark, with their escapes.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kSpecialSequences{{
    {"\xC2\x85", "\\N"},
    {"\xE2\x80\xA8", "\\L"},
    {"\xE2\x80\xA9", "\\P"},
    {"\xEF\xBB\xBF", "\\uFEFF"},
}};

// The escape of the special sequence that starts at `index`, or nullopt.
std::optional<std::pair<size_t, std::string_view>> special_at(std::string_view text, size_t index) {
  for (const auto& [sequence, escape] : kSpecialSequences) {
    if (text.substr(index, sequence.size()) == sequence) {
      return std::pair{sequence.size(), escape};
    }
  }
  return std::nullopt;
}

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

bool needs_double_quotes(std::string_view text) {
  for (size_t index = 0; index < text.size(); ++index) {
    if (is_control(text[index]) || special_at(text, index)) return true;
  }
  return false;
}

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (size_t index = 0; index < text.size(); ++index) {
    if (const auto special = special_at(text, index)) {
      out += special->second;
      index += special->first - 1;
      continue;
    }
    const char c = text[index];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (is_control(c)) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_plain_safe_char(char c) {
  return is_ascii_letter(c) || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

// Words that YAML 1.1 or 1.2 reads as null or a boolean, compared ignoring case.
bool is_reserved_word(std::string_view text) {
  constexpr std::array<std::string_view, 9> kWords{"null", "true", "false", "yes", "no",
                                                   "on",   "off",  "y",     "n"};
  for (const std::string_view word : kWords) {
    if (word.size() != text.size()) continue;
    bool same = true;
    for (size_t index = 0; index < word.size() && same; ++index) {
      const char c = text[index];
      same = (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == word[index];
    }
    if (same) return true;
  }
  return false;
}

}  // namespace

std::string quoted(std::string_view text) {
  if (needs_double_quotes(text)) return double_quoted(text);
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string identifier(std::string_view text) {
  bool plain = !text.empty() && is_ascii_letter(text[0]) && !is_reserved_word(text);
  for (const char c : text) plain = plain && is_plain_safe_char(c);
  return plain ? std::string(text) : quoted(text);
}

std::optional<std::string> literal_block(std::string_view text, size_t indent) {
  if (text.find('\n') == std::string_view::npos || text.front() == ' ' || text.front() == '\n') {
    return std::nullopt;
  }
  for (size_t index = 0; index < text.size(); ++index) {
    if ((is_control(text[index]) && text[index] != '\n') || special_at(text, index)) {
      return std::nullopt;
    }
  }
  const bool final_newline = text.back() == '\n';
  const std::string_view body = final_newline ? text.substr(0, text.size() - 1) : text;
  if (body.empty() || body.back() == '\n') return std::nullopt;
  std::string out = final_newline ? "|\n" : "|-\n";
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view line = body.substr(start, end - start);
    if (!line.empty() && line.back() == ' ') return std::nullopt;
    out += line.empty() ? "\n" : fmt::format("{:{}}{}\n", "", indent, line);
    start = end + 1;
  }
  return out;
}

std::string flow_list(const std::vector<std::string>& items) {
  return fmt::format("[{}]", fmt::join(items, ", "));
}

void YamlOut::field(size_t indent, std::string_view key, std::string_view value) {
  text_ += fmt::format("{:{}}{}: {}\n", "", indent, key, value);
}

void YamlOut::open(size_t indent, std::string_view key) {
  text_ += fmt::format("{:{}}{}:\n", "", indent, key);
}

void YamlOut::item(size_t indent, std::string_view key, std::string_view value) {
  text_ += fmt::format("{:{}}- {}: {}\n", "", indent, key, value);
}

void YamlOut::item(size_t indent, std::string_view value) {
  text_ += fmt::format("{:{}}- {}\n", "", indent, value);
}

void YamlOut::block(size_t indent, std::string_view key, std::string_view block_text) {
  text_ += fmt::format("{:{}}{}: {}", "", indent, key, block_text);
}

std::string YamlOut::take() { return std::move(text_); }

}  // namespace distsim::sim
