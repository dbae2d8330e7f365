// Fuzz target: the Windows path parser. Its two entry points and its checker agree, and a parsed
// path survives display() and parent()/child().
#include <string>
#include <string_view>

#include "sim/fs/windows_path.h"
#include "tools/fuzz/fuzz_targets.h"

namespace distsim::fuzz {
namespace {

void check_parsed(const sim::WindowsPath& path, std::string_view text) {
  const std::string display = path.display();
  if (path.key() != sim::upper_ascii(display)) {
    property_failed("key() is not the upper-cased display()", text);
  }
  const auto again = sim::parse_windows_path(display);
  if (!again.ok()) property_failed("display() of a parsed path does not parse", text);
  if (again.value().display() != display) {
    property_failed("display() changes when parsed again", text);
  }
  if (path.is_root()) return;
  const sim::WindowsPath rebuilt = path.parent().child(path.components.back());
  if (rebuilt.key() != path.key()) property_failed("parent().child(last) differs", text);
}

}  // namespace

void windows_path(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = sim::parse_windows_path(text);
  const sim::PathCheck check = sim::check_windows_path(text);
  if (parsed.ok() != check.ok()) {
    property_failed("check_windows_path and parse_windows_path disagree", text);
  }
  sim::WindowsPath reused;
  reused.root = "Z:";
  reused.components = {"left", "over"};
  const model::Win32Error error = sim::parse_windows_path_into(text, reused);
  if (error != parsed.error()) {
    property_failed("parse_windows_path_into and parse_windows_path disagree", text);
  }
  if (!parsed.ok()) return;
  if (reused.key() != parsed.value().key()) {
    property_failed("parse_windows_path_into keeps part of its previous value", text);
  }
  check_parsed(parsed.value(), text);
}

}  // namespace distsim::fuzz
