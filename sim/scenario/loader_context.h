// What the scenario loader's files share: the Context of one load (the tree, its errors and what
// earlier sections declared for later ones to refer to), mapping access with positioned errors,
// and the value readers. Each reader reports its own errors and returns nullopt after one, so a
// file's problems are all found in one pass. Only sim/scenario/loader_*.cpp and
// scenario_loader.cpp include it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/file_access.h"
#include "model/win32_error.h"
#include "sim/core/limits.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/yaml_tree.h"

namespace distsim::sim::loader_internal {

using KeyList = std::span<const std::string_view>;

// ---------------------------------------------------------------------------------------------
// The context of one load.

// What the packages section declared about a created package, for the references after it.
struct PackageInfo {
  uint32_t line = 0;
  TimeUs at_us = 0;
  std::vector<std::string> dp_keys;  // upper-cased DP names; empty: every DP
};

struct Context {
  Context(const YamlTree& tree_in, Diagnostics& diagnostics_in)
      : tree(tree_in), diagnostics(diagnostics_in) {}

  const YamlTree& tree;
  Diagnostics& diagnostics;
  TimeUs until_us = kRunHorizonDefaultUs;
  std::optional<std::string> site_code = "S01";  // nullopt when the written code was invalid
  std::map<std::string, uint32_t> dp_lines;      // upper-cased DP name -> line of its entry
  std::vector<std::string> dp_share_keys;        // upper-cased shares, explicit or default
  std::vector<std::string> dp_names;             // as written, in file order
  std::map<std::string, PackageInfo, std::less<>> packages;  // created package id -> its entry

  [[nodiscard]] const YamlNode& node(uint32_t index) const { return tree.nodes[index]; }
  void error(uint32_t index, std::string message) const {
    diagnostics.add(node(index).position, std::move(message));
  }
};

// ---------------------------------------------------------------------------------------------
// Names: suggestions for misspellings and the phrases messages are built from.

[[nodiscard]] bool contains(KeyList keys, std::string_view key);

// "A, B, C".
[[nodiscard]] std::string join(KeyList names);

// "; did you mean 'X'?" or "; expected one of A, B".
[[nodiscard]] std::string hint(std::string_view word, KeyList candidates);

// "; did you mean 'X'?" for a reference to a name the scenario does not declare; nothing when no
// declared name is close (or there are too many to compare cheaply).
[[nodiscard]] std::string reference_hint(std::string_view word,
                                         const std::vector<std::string_view>& names);

// "a 'close' step", "an 'open' step": the article the phrase needs. Requires a non-empty phrase.
[[nodiscard]] std::string with_article(std::string_view phrase);

// ---------------------------------------------------------------------------------------------
// Mappings.

// The keys a mapping accepts. `not_applicable` are keys of the same family that do not apply to
// this kind of entry (a clearer message than "unknown"); `applies_to` names the kind.
struct KeySet {
  std::string_view what;  // "holder": "unknown key 'fro' in holder"
  KeyList allowed;
  KeyList not_applicable = {};
  std::string_view applies_to = {};  // "a temp_user holder"
  KeyList reported_elsewhere = {};   // other action keys, already refused by find_action_key
  // For a key in not_applicable: the kinds that take it ("explorer_window"), said in the refusal.
  std::string (*kinds_taking)(std::string_view key) = nullptr;
};

struct MapEntry {
  std::string_view key;
  uint32_t key_index = kNoNode;
  uint32_t value_index = kNoNode;
};

// The accepted entries of a mapping, first occurrence of each key only.
class MapView {
 public:
  MapView() = default;
  MapView(uint32_t index, std::vector<MapEntry> entries)
      : index_(index), entries_(std::move(entries)) {}

  [[nodiscard]] bool valid() const { return index_ != kNoNode; }
  [[nodiscard]] uint32_t index() const { return index_; }
  [[nodiscard]] const std::vector<MapEntry>& entries() const { return entries_; }
  [[nodiscard]] const MapEntry* find(std::string_view key) const {
    for (const MapEntry& entry : entries_) {
      if (entry.key == key) return &entry;
    }
    return nullptr;
  }
  [[nodiscard]] uint32_t value(std::string_view key) const {
    const MapEntry* entry = find(key);
    return entry == nullptr ? kNoNode : entry->value_index;
  }
  [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }

 private:
  uint32_t index_ = kNoNode;
  std::vector<MapEntry> entries_;
};

// All entries of a mapping (keys chosen by the user, e.g. package ids), or an invalid view after
// reporting that the value is not a mapping. `subject` is "'site'" or "each entry of 'holders'".
[[nodiscard]] MapView read_any_map(const Context& ctx, uint32_t index, std::string_view subject);

// The entries of `keys.allowed`, after reporting every other key.
[[nodiscard]] MapView read_map(const Context& ctx, uint32_t index, std::string_view subject,
                               const KeySet& keys);

// The value of a required key, or kNoNode after reporting it missing at the mapping.
[[nodiscard]] uint32_t require(const Context& ctx, const MapView& map, std::string_view key,
                               std::string_view what);

// The first of `keys` present in the raw mapping at `index` (the action of an entry: dir/file/tree,
// open/close/...), reporting none or several.
[[nodiscard]] std::optional<std::string_view> find_action_key(const Context& ctx, uint32_t index,
                                                              KeyList keys, std::string_view what);

// Calls `read(key, value)` for every accepted entry, in file order, so that a section's optional
// keys are read in one place and each reports its own errors.
template <typename Reader>
void for_each_entry(const MapView& map, Reader&& read) {
  for (const MapEntry& entry : map.entries()) read(entry.key, entry.value_index);
}

// ---------------------------------------------------------------------------------------------
// Scalars.

[[nodiscard]] std::optional<std::string_view> read_scalar(const Context& ctx, uint32_t index,
                                                          std::string_view key);

// A scalar written without quotes: numbers and booleans, which quotes would make strings.
[[nodiscard]] std::optional<std::string_view> read_plain(const Context& ctx, uint32_t index,
                                                         std::string_view key,
                                                         std::string_view expected);

// Non-empty text of at most `length_max` characters (`limit_name` is the constant behind it).
[[nodiscard]] std::optional<std::string> read_text(const Context& ctx, uint32_t index,
                                                   std::string_view key, uint32_t length_max,
                                                   std::string_view limit_name);

// A name: read_text within kNameLengthMax.
[[nodiscard]] std::optional<std::string> read_name(const Context& ctx, uint32_t index,
                                                   std::string_view key);

// `true` or `false`; YAML 1.1's other spellings are refused by name.
[[nodiscard]] std::optional<bool> read_bool(const Context& ctx, uint32_t index,
                                            std::string_view key);

struct Bounds {
  uint64_t min = 0;
  uint64_t max = std::numeric_limits<uint64_t>::max();
  std::string_view limit_name = {};  // the limits.h constant behind max, if any
};

[[nodiscard]] std::optional<uint64_t> read_uint(const Context& ctx, uint32_t index,
                                                std::string_view key, const Bounds& bounds = {});
[[nodiscard]] std::optional<uint32_t> read_uint32(const Context& ctx, uint32_t index,
                                                  std::string_view key, Bounds bounds);

[[nodiscard]] std::optional<TimeUs> read_duration(const Context& ctx, uint32_t index,
                                                  std::string_view key);
[[nodiscard]] std::optional<TimeUs> read_positive_duration(const Context& ctx, uint32_t index,
                                                           std::string_view key);

// Whether `time_us` is within the run, after reporting it when not.
bool check_within_run(const Context& ctx, uint32_t index, std::string_view key, TimeUs time_us);

// A time of the run ("at", "until", "installed_by"): a duration from t = 0, at most `until`.
[[nodiscard]] std::optional<TimeUs> read_time(const Context& ctx, uint32_t index,
                                              std::string_view key);

// A size of at most `bounds.max` bytes (a file's kFileBytesMax, a volume's kVolumeBytesMax).
[[nodiscard]] std::optional<uint64_t> read_size(const Context& ctx, uint32_t index,
                                                std::string_view key, const Bounds& bounds);

// A byte count written as a size ("4KB") or, for offsets, a plain number of bytes ("0").
[[nodiscard]] std::optional<uint64_t> read_byte_count(const Context& ctx, uint32_t index,
                                                      std::string_view key);

// Bits per second, more than 0.
[[nodiscard]] std::optional<uint64_t> read_bandwidth(const Context& ctx, uint32_t index,
                                                     std::string_view key);

// Reports `text` as none of `names` ("unknown backoff 'x'; expected one of fixed, exponential").
void report_unknown_name(const Context& ctx, uint32_t index, std::string_view what,
                         std::string_view text, KeyList names);

template <typename Enum, size_t kSize>
[[nodiscard]] std::optional<Enum> read_enum(const Context& ctx, uint32_t index,
                                            std::string_view key,
                                            const std::array<EnumName<Enum>, kSize>& table,
                                            std::string_view what) {
  const auto text = read_scalar(ctx, index, key);
  if (!text) return std::nullopt;
  if (const auto value = enum_from_name(table, *text)) return value;
  std::array<std::string_view, kSize> names{};
  for (size_t row = 0; row < kSize; ++row) names[row] = table[row].name;
  report_unknown_name(ctx, index, what, *text, names);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Lists, flags, errors, distributions and ranges.

inline constexpr Bounds kFlagListBounds{0, kFlagNamesMax, "kFlagNamesMax"};
inline constexpr Bounds kFileSizeBounds{0, kFileBytesMax, "kFileBytesMax"};
inline constexpr Bounds kVolumeSizeBounds{0, kVolumeBytesMax, "kVolumeBytesMax"};

// The items of a list. A null value is an empty list when `null_is_empty` (an optional section
// written as `holders:` with nothing after it).
[[nodiscard]] std::optional<std::span<const uint32_t>> read_list(const Context& ctx, uint32_t index,
                                                                 std::string_view key,
                                                                 const Bounds& bounds,
                                                                 bool null_is_empty = false);

// A list of access right names (GENERIC_READ, DELETE...) into their OR.
[[nodiscard]] std::optional<model::AccessMask> read_access(const Context& ctx, uint32_t index,
                                                           std::string_view key);

// A list of FILE_SHARE_* names into their OR.
[[nodiscard]] std::optional<model::ShareMode> read_share(const Context& ctx, uint32_t index,
                                                         std::string_view key);

// A Win32 error name as winerror.h spells it, or `ok` where `allow_ok`.
[[nodiscard]] std::optional<model::Win32Error> read_error(const Context& ctx, uint32_t index,
                                                          std::string_view key, bool allow_ok);

// A duration that may be drawn: a constant, {uniform: [low, high]} or {exponential: mean}.
[[nodiscard]] std::optional<DurationSpec> read_duration_spec(const Context& ctx, uint32_t index,
                                                             std::string_view key);

// read_duration_spec, refusing the constant 0.
[[nodiscard]] std::optional<DurationSpec> read_positive_duration_spec(const Context& ctx,
                                                                      uint32_t index,
                                                                      std::string_view key);

// The latest value a spec can take, for the check against `until` (exponential: unbounded).
[[nodiscard]] std::optional<TimeUs> latest_value_us(const DurationSpec& spec);

// A count expectation: a whole number, or {min: a, max: b} with either bound optional.
[[nodiscard]] std::optional<CountRange> read_count_range(const Context& ctx, uint32_t index,
                                                         std::string_view key);

// ---------------------------------------------------------------------------------------------
// Paths (loader_paths.cpp): none passes that parse_windows_path refuses.

enum class PathKind {
  any,
  unc,       // a UNC path (on a share)
  unc_root,  // a share root alone, "\\SERVER\share"
};

// The path with '/' written as '\', or nullopt after an error naming what is wrong with it.
[[nodiscard]] std::optional<std::string> read_path(const Context& ctx, uint32_t index,
                                                   std::string_view key,
                                                   PathKind kind = PathKind::any);

// A path read_path accepted, written as the VFS names it: no trailing separator, except the one of
// a drive root (C:\). For a folder that a holder joins names to.
[[nodiscard]] std::string folder_display(std::string_view path);

// Whether a path read_path accepted ends in a separator below its root: C:\Src\ does, C:\ not.
[[nodiscard]] bool ends_in_separator(std::string_view path);

// Why the path `text` is not a Windows path, or nothing: the phrase after "is not a valid Windows
// path for 'KEY': ".
[[nodiscard]] std::optional<std::string> path_problem(std::string_view text);
// Why a valid Windows path is not of `kind`, or nothing.
[[nodiscard]] std::optional<std::string> kind_problem(std::string_view text, PathKind kind);

// ---------------------------------------------------------------------------------------------
// References to what earlier sections declared.

// 'A'-'Z' or '0'-'9', the characters of a site code.
[[nodiscard]] bool is_upper_alnum(char c);

// A DP name that refers to a declared DP, else nullopt after an error.
[[nodiscard]] std::optional<std::string> read_dp_reference(const Context& ctx, uint32_t index,
                                                           std::string_view key);

// A reference to a package some entry of `packages` creates.
[[nodiscard]] std::optional<std::string> read_package_reference(const Context& ctx, uint32_t index,
                                                                std::string_view key);

// reference_hint over the created packages.
[[nodiscard]] std::string package_hint(const Context& ctx, std::string_view id);

// Whether the DP named at `dp_index` is one of the package's, after reporting it when not.
bool check_package_on_dp(const Context& ctx, const PackageInfo& package, std::string_view id,
                         uint32_t dp_index);

// ---------------------------------------------------------------------------------------------
// Sections, in the order load_sections reads them: each reads the value at `index` and reports its
// own errors. load_retry reads a site's `retry` and the whole of a policy file.

void load_retry(const Context& ctx, uint32_t index, RetrySpec& retry);
// Whether `key` is one of site.retry's keys (and so of a policy file's `retry`).
[[nodiscard]] bool is_retry_key(std::string_view key);
void load_site(Context& ctx, uint32_t index, SiteSpec& site);
void load_distribution_points(Context& ctx, uint32_t index, Scenario& scenario);
void load_packages(Context& ctx, uint32_t index, Scenario& scenario);
void load_filesystem(const Context& ctx, uint32_t index, Scenario& scenario);
void load_holders(const Context& ctx, uint32_t index, Scenario& scenario);
// The `steps` of a script holder whose mapping is `map`.
void load_script(const Context& ctx, const MapView& map, HolderSpec& holder);
void load_faults(const Context& ctx, uint32_t index, Scenario& scenario);
void load_expect(const Context& ctx, uint32_t index, Expectations& expect);

}  // namespace distsim::sim::loader_internal
