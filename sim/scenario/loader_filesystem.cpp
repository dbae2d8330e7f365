// The `filesystem` section: the directories, files and trees the world starts with. Beyond each
// entry's own checks, the entries together must describe a tree: no path is a file in one entry
// and a directory in another, nothing lies below a file, and the total stays within
// kScenarioFilesystemNodesMax.
#include <fmt/format.h>

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/assert.h"
#include "sim/fs/windows_path.h"
#include "sim/scenario/loader_context.h"
#include "sim/scenario/value_parse.h"

namespace distsim::sim::loader_internal {
namespace {

constexpr std::array<std::string_view, 3> kFilesystemActions{"dir", "file", "tree"};
constexpr std::array<std::string_view, 7> kFilesystemKeys{"dir",   "file",      "tree",   "size",
                                                          "files", "read_only", "streams"};

KeyList filesystem_keys(FilesystemEntry::Kind kind) {
  static constexpr std::array<std::string_view, 1> kDir{"dir"};
  static constexpr std::array<std::string_view, 4> kFile{"file", "size", "read_only", "streams"};
  static constexpr std::array<std::string_view, 3> kTree{"tree", "files", "size"};
  switch (kind) {
    case FilesystemEntry::Kind::dir:
      return kDir;
    case FilesystemEntry::Kind::file:
      return kFile;
    case FilesystemEntry::Kind::tree:
      return kTree;
  }
  DISTSIM_ASSERT(false);
}

// The entry's path written the way the world names it (no trailing separator, which would double
// when the world appends a tree's file names), after refusing what the world cannot build: a file
// or tree at a volume root, and a tree whose generated file names would pass kPathLengthMax.
bool normalise_entry_path(const Context& ctx, uint32_t index, FilesystemEntry& entry) {
  const auto parsed = parse_windows_path(entry.path);
  DISTSIM_ASSERT(parsed.ok());  // read_path accepted it
  const WindowsPath& path = parsed.value();
  const std::string_view kind = enum_name(kFilesystemKindKeys, entry.kind);
  if (path.is_root() && entry.kind != FilesystemEntry::Kind::dir) {
    ctx.error(index, fmt::format("'{}' is the root of a volume; a '{}' needs a name below it, "
                                 "like '{}'",
                                 entry.path, kind, path.child("Data").display()));
    return false;
  }
  entry.path = path.display();
  if (entry.kind != FilesystemEntry::Kind::tree) return true;
  // The world names a tree's files "<path>\fileNNNNN.dat", NNNNN counting from 00001.
  const size_t longest_name = fmt::formatted_size("\\file{:05}.dat", entry.file_count);
  if (entry.path.size() + longest_name > kPathLengthMax) {
    ctx.error(index, fmt::format("a tree at '{}...' ({} characters) would name its files past "
                                 "kPathLengthMax ({}); its path may have at most {} characters",
                                 entry.path.substr(0, 40), entry.path.size(), kPathLengthMax,
                                 kPathLengthMax - longest_name));
    return false;
  }
  return true;
}

std::optional<FilesystemEntry> load_filesystem_entry(const Context& ctx, uint32_t index) {
  const auto action = find_action_key(ctx, index, kFilesystemActions, "'filesystem'");
  if (!action) return std::nullopt;
  FilesystemEntry entry;
  entry.kind = *enum_from_name(kFilesystemKindKeys, *action);
  entry.position = ctx.node(index).position;
  const std::string applies_to = with_article(fmt::format("'{}' entry", *action));
  const MapView map = read_map(ctx, index, "each entry of 'filesystem'",
                               KeySet{"filesystem entry", filesystem_keys(entry.kind),
                                      kFilesystemKeys, applies_to, kFilesystemActions});
  const uint32_t path_index = map.value(*action);
  entry.path = read_path(ctx, path_index, *action).value_or("");
  if (entry.kind == FilesystemEntry::Kind::tree) {
    if (const uint32_t files = require(ctx, map, "files", applies_to); files != kNoNode) {
      entry.file_count =
          read_uint32(ctx, files, "files", Bounds{1, kTreeFilesMax, "kTreeFilesMax"}).value_or(0);
    }
    entry.size_bytes = uint64_t{entry.file_count} * 1024;  // default: 1KB a file
  }
  if (const uint32_t read_only = map.value("read_only"); read_only != kNoNode) {
    entry.read_only = read_bool(ctx, read_only, "read_only").value_or(false);
  }
  if (const uint32_t streams = map.value("streams"); streams != kNoNode) {
    entry.alternate_streams = read_uint32(ctx, streams, "streams",
                                          Bounds{0, kAlternateStreamsMax, "kAlternateStreamsMax"})
                                  .value_or(0);
  }
  if (const uint32_t size = map.value("size"); size != kNoNode) {
    const bool is_tree = entry.kind == FilesystemEntry::Kind::tree;
    entry.size_bytes = read_size(ctx, size, "size", is_tree ? kVolumeSizeBounds : kFileSizeBounds)
                           .value_or(entry.size_bytes);
  }
  if (!entry.path.empty() && !normalise_entry_path(ctx, path_index, entry)) entry.path.clear();
  return entry;
}

// What the entries so far declared: upper-cased path -> whether it names a file (a path may not be
// a file in one entry and a directory in another, and nothing may sit below a file), and the
// files' keys by a hash of the key, so that finding a file among a path's ancestors costs the
// path's length rather than its depth times its length (a path may have 16,000 components).
struct FilesystemShape {
  std::map<std::string, bool> is_file_by_key;
  std::map<uint64_t, std::vector<std::string>> file_keys_by_hash;
};

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t fnv_step(uint64_t hash, char c) { return (hash ^ static_cast<uint8_t>(c)) * kFnvPrime; }

uint64_t fnv(std::string_view text) {
  uint64_t hash = kFnvOffset;
  for (const char c : text) hash = fnv_step(hash, c);
  return hash;
}

// The length of the longest ancestor of `key` (below its root, which is `root_size` characters)
// that an earlier entry made a file, or 0.
size_t file_ancestor_length(const FilesystemShape& shape, std::string_view key, size_t root_size) {
  uint64_t hash = kFnvOffset;  // of key[0, index)
  size_t found_length = 0;
  for (size_t index = 0; index < key.size(); ++index) {
    if (key[index] == '\\' && index > root_size) {
      const auto found = shape.file_keys_by_hash.find(hash);
      if (found != shape.file_keys_by_hash.end()) {
        for (const std::string& file : found->second) {
          if (file == key.substr(0, index)) found_length = index;
        }
      }
    }
    hash = fnv_step(hash, key[index]);
  }
  return found_length;
}

bool check_filesystem_shape(const Context& ctx, uint32_t item, const FilesystemEntry& entry,
                            FilesystemShape& shape) {
  const auto path = parse_windows_path(entry.path);
  if (!path.ok()) return true;  // reported by the entry's own checks
  const bool is_file = entry.kind == FilesystemEntry::Kind::file;
  std::string key = path.value().key();  // entry.path upper-cased: the same length
  if (const size_t above = file_ancestor_length(shape, key, path.value().root.size()); above > 0) {
    ctx.error(item, fmt::format("'{}' is below '{}', which an earlier entry makes a file",
                                entry.path, entry.path.substr(0, above)));
    return false;
  }
  const auto [found, inserted] = shape.is_file_by_key.emplace(key, is_file);
  if (!inserted && (found->second || is_file)) {
    ctx.error(item, fmt::format("'{}' is declared again as a {}; an earlier entry made it a {}",
                                entry.path, is_file ? "file" : "directory",
                                found->second ? "file" : "directory"));
    return false;
  }
  if (!inserted || !is_file) return true;  // the same directory twice is harmless
  // An earlier entry below this new file: the keys under it are contiguous in the ordered map.
  const std::string prefix = key + "\\";
  const auto below = shape.is_file_by_key.lower_bound(prefix);
  if (below != shape.is_file_by_key.end() && below->first.starts_with(prefix)) {
    ctx.error(item, fmt::format("'{}' is declared a file, but an earlier entry puts something "
                                "below it",
                                entry.path));
    return false;
  }
  shape.file_keys_by_hash[fnv(key)].push_back(std::move(key));
  return true;
}

// Upper-cased volume root -> the bytes the entries so far put on it.
using VolumeTotals = std::map<std::string, uint64_t>;

// Whether the entry's bytes fit on its volume with the earlier entries', after reporting when not.
// Each size is at most kVolumeBytesMax and a total stays within it, so no sum can wrap.
bool add_to_volume(const Context& ctx, uint32_t item, const FilesystemEntry& entry,
                   VolumeTotals& totals) {
  if (entry.kind == FilesystemEntry::Kind::dir) return true;
  const auto path = parse_windows_path(entry.path);
  DISTSIM_ASSERT(path.ok());
  uint64_t& total = totals[path.value().root_key()];
  if (entry.size_bytes > kVolumeBytesMax - total) {
    ctx.error(item, fmt::format("the entries on '{}' hold more than kVolumeBytesMax ({}): {} "
                                "before this entry's {}",
                                path.value().root, format_size(kVolumeBytesMax), format_size(total),
                                format_size(entry.size_bytes)));
    return false;
  }
  total += entry.size_bytes;
  return true;
}

}  // namespace

void load_filesystem(const Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items =
      read_list(ctx, index, "filesystem",
                Bounds{0, kScenarioFilesystemNodesMax, "kScenarioFilesystemNodesMax"}, true);
  if (!items) return;
  uint64_t node_count = 0;
  FilesystemShape shape;
  VolumeTotals volume_totals;
  for (const uint32_t item : *items) {
    auto entry = load_filesystem_entry(ctx, item);
    if (!entry || entry->path.empty()) continue;
    if (!check_filesystem_shape(ctx, item, *entry, shape)) continue;
    if (!add_to_volume(ctx, item, *entry, volume_totals)) continue;
    // Every directory on the way is a node too: counted once per entry below it (never fewer
    // than the world creates), so that deep paths cannot pass the bound the world is built in.
    const auto path = parse_windows_path(entry->path);
    DISTSIM_ASSERT(path.ok());
    node_count += 1 + path.value().components.size() + entry->file_count;
    scenario.filesystem.push_back(std::move(*entry));
  }
  if (node_count > kScenarioFilesystemNodesMax) {
    ctx.error(index, fmt::format("'filesystem' asks for {} files and directories (each entry's "
                                 "parents counted), more than kScenarioFilesystemNodesMax ({})",
                                 node_count, kScenarioFilesystemNodesMax));
  }
}

}  // namespace distsim::sim::loader_internal
