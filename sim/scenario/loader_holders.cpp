// The `holders` section: one entry per process that holds files (explorer windows, TEMP users,
// antivirus, indexer, backup, DP clients, scripts), each with its timing, its target path or
// scope, and the options of its kind; holder names are unique.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "model/assert.h"
#include "sim/core/counted_text.h"
#include "sim/core/trace.h"
#include "sim/fs/windows_path.h"
#include "sim/scenario/loader_context.h"
#include "sim/scenario/value_parse.h"

namespace distsim::sim::loader_internal {
namespace {

// The keys every holder kind takes (a script refuses the timing ones, with the reason).
constexpr std::array<std::string_view, 7> kEveryHolderKeys{"kind",  "name",  "at",   "for",
                                                           "until", "every", "count"};

// kEveryHolderKeys, then a kind's own keys.
template <size_t N>
constexpr std::array<std::string_view, kEveryHolderKeys.size() + N> with_every_holder_key(
    const std::array<std::string_view, N>& own) {
  std::array<std::string_view, kEveryHolderKeys.size() + N> keys{};
  std::copy(kEveryHolderKeys.begin(), kEveryHolderKeys.end(), keys.begin());
  std::copy(own.begin(), own.end(), keys.begin() + kEveryHolderKeys.size());
  return keys;
}

constexpr auto kAllHolderKeys = with_every_holder_key(std::array<std::string_view, 16>{
    "path", "scope", "thumbnails", "size", "access", "share", "on", "per_mb", "delay", "mode",
    "steps", "delete_on_close", "image", "keeps_section", "thumbnails_access", "thumbnails_share"});

KeyList holder_keys(HolderKind kind) {
  static constexpr auto kExplorerWindow = with_every_holder_key(std::array<std::string_view, 6>{
      "path", "thumbnails", "access", "share", "thumbnails_access", "thumbnails_share"});
  static constexpr auto kTempUser = with_every_holder_key(
      std::array<std::string_view, 5>{"path", "size", "access", "share", "delete_on_close"});
  static constexpr auto kAntivirus = with_every_holder_key(
      std::array<std::string_view, 6>{"scope", "on", "per_mb", "access", "share", "keeps_section"});
  static constexpr auto kIndexer =
      with_every_holder_key(std::array<std::string_view, 4>{"scope", "delay", "access", "share"});
  static constexpr auto kBackup = with_every_holder_key(
      std::array<std::string_view, 5>{"scope", "mode", "per_mb", "access", "share"});
  static constexpr auto kDpClient =
      with_every_holder_key(std::array<std::string_view, 4>{"path", "access", "share", "image"});
  static constexpr auto kScript = with_every_holder_key(std::array<std::string_view, 1>{"steps"});
  switch (kind) {
    case HolderKind::explorer_window:
      return kExplorerWindow;
    case HolderKind::temp_user:
      return kTempUser;
    case HolderKind::antivirus:
      return kAntivirus;
    case HolderKind::indexer:
      return kIndexer;
    case HolderKind::backup:
      return kBackup;
    case HolderKind::dp_client:
      return kDpClient;
    case HolderKind::script:
      return kScript;
  }
  DISTSIM_ASSERT(false);
}

// "explorer_window holders", or "antivirus, indexer and backup holders".
std::string holder_kinds_taking(std::string_view key) {
  std::vector<std::string_view> kinds;
  for (const auto& [kind, name] : kHolderKindNames) {
    const KeyList keys = holder_keys(kind);
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) kinds.push_back(name);
  }
  DISTSIM_ASSERT(!kinds.empty());
  std::string text(kinds.front());
  for (size_t index = 1; index < kinds.size(); ++index) {
    text += fmt::format("{}{}", index + 1 == kinds.size() ? " and " : ", ", kinds[index]);
  }
  return text + " holders";
}

bool written_before(const Context& ctx, uint32_t left, uint32_t right) {
  const SourcePosition& a = ctx.node(left).position;
  const SourcePosition& b = ctx.node(right).position;
  return std::tie(a.line, a.column) < std::tie(b.line, b.column);
}

void check_holder_span(const Context& ctx, const MapView& map, const HolderSpec& holder) {
  const MapEntry* for_entry = map.find("for");
  const MapEntry* until_entry = map.find("until");
  if (for_entry != nullptr && until_entry != nullptr) {
    const bool for_first = written_before(ctx, for_entry->key_index, until_entry->key_index);
    ctx.error(for_first ? until_entry->key_index : for_entry->key_index,
              "a holder takes 'for' or 'until', not both");
  }
  if (until_entry != nullptr && holder.until &&
      holder.until->kind == DurationSpec::Kind::constant &&
      holder.at.kind == DurationSpec::Kind::constant &&
      holder.until->value_us < holder.at.value_us) {
    ctx.error(until_entry->value_index,
              fmt::format("'until' {} is before 'at' {}", format_duration(holder.until->value_us),
                          format_duration(holder.at.value_us)));
  }
  const MapEntry* count_entry = map.find("count");
  if (count_entry != nullptr && holder.count > 1 && !holder.every) {
    ctx.error(count_entry->value_index,
              fmt::format("'count' {} needs 'every', the time between holds", holder.count));
  }
  const MapEntry* every_entry = map.find("every");
  if (every_entry != nullptr && count_entry == nullptr) {  // `every` alone would do nothing
    ctx.error(every_entry->value_index,
              "'every' repeats a hold 'count' times; give 'count' too, or leave 'every' out");
  }
}

// A time of the holder (`at`, `until`): a duration from the start, or a distribution of them,
// whose latest value (when it has one) lies within the run.
std::optional<DurationSpec> read_holder_time(const Context& ctx, uint32_t index,
                                             std::string_view key) {
  const auto time = read_duration_spec(ctx, index, key);
  if (!time) return std::nullopt;
  if (const auto latest_us = latest_value_us(*time)) {
    if (!check_within_run(ctx, index, key, *latest_us)) return std::nullopt;
  }
  return time;
}

void load_holder_timing(const Context& ctx, const MapView& map, HolderSpec& holder) {
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "at") holder.at = read_holder_time(ctx, value, key).value_or(holder.at);
    if (key == "for") holder.hold_for = read_positive_duration_spec(ctx, value, key);
    if (key == "until") holder.until = read_holder_time(ctx, value, key);
    if (key == "every") holder.every = read_positive_duration_spec(ctx, value, key);
    if (key == "count") {
      holder.count = read_uint32(ctx, value, key, Bounds{1, kHolderRepeatsMax, "kHolderRepeatsMax"})
                         .value_or(holder.count);
    }
  });
  check_holder_span(ctx, map, holder);
}

// The only network shares the world has are the DPs': a holder's UNC path or scope elsewhere
// would watch or hold nothing, silently (a dp_client's path is always UNC).
void check_on_dp_share(const Context& ctx, uint32_t index, std::string_view key,
                       const std::string& path) {
  const auto parsed = parse_windows_path(path);
  DISTSIM_ASSERT(parsed.ok());  // read_path accepted it
  if (!parsed.value().is_unc()) return;
  const std::string root_key = parsed.value().root_key();
  if (std::find(ctx.dp_share_keys.begin(), ctx.dp_share_keys.end(), root_key) !=
      ctx.dp_share_keys.end()) {
    return;
  }
  ctx.error(index,
            fmt::format("{} '{}' is not on the share of a distribution point{}", key, path,
                        ctx.dp_share_keys.empty()
                            ? "; the scenario declares none"
                            : fmt::format(" (the DP shares are {})",
                                          quoted_list(ctx.dp_share_keys, kDpSharesShownMax))));
}

// `scope`: one path, or a list of 1..kScopeDirectoriesMax paths.
std::vector<std::string> read_scope(const Context& ctx, uint32_t index) {
  std::vector<std::string> scope;
  if (ctx.node(index).kind != YamlNode::Kind::sequence) {
    if (const auto path = read_path(ctx, index, "scope")) {
      check_on_dp_share(ctx, index, "scope", *path);
      scope.push_back(folder_display(*path));
    }
    return scope;
  }
  const auto items =
      read_list(ctx, index, "scope", Bounds{1, kScopeDirectoriesMax, "kScopeDirectoriesMax"});
  if (!items) return scope;
  for (const uint32_t item : *items) {
    if (const auto path = read_path(ctx, item, "scope")) {
      check_on_dp_share(ctx, item, "scope", *path);
      scope.push_back(folder_display(*path));
    }
  }
  return scope;
}

// What the `filesystem` section says a path is, by path key: each entry's own path, and the
// folder holding each file (a folder a file entry implies). Built once per scenario, so that a
// holder's lookup costs one search however many entries there are.
struct DeclaredPath {
  bool is_file = false;
  uint32_t line = 0;
};
using DeclaredPaths = std::map<std::string, DeclaredPath, std::less<>>;

DeclaredPaths declared_paths(const std::vector<FilesystemEntry>& filesystem) {
  DeclaredPaths declared;
  for (const FilesystemEntry& entry : filesystem) {
    const auto parsed = parse_windows_path(entry.path);
    if (!parsed.ok()) continue;  // refused with its own error; the filesystem keeps none such
    const WindowsPath& path = parsed.value();
    const bool is_file = entry.kind == FilesystemEntry::Kind::file;
    declared.emplace(path.key(), DeclaredPath{is_file, entry.position.line});
    if (is_file && !path.is_root()) {
      declared.emplace(path.parent().key(), DeclaredPath{false, entry.position.line});
    }
  }
  return declared;
}

// A holder's path must be what it opens: an Explorer window a folder, a TEMP user or a DP client
// a file below a root. What the `filesystem` section declares otherwise, or a root, is refused;
// names made at run time cannot be known here.
void check_target_kind(const Context& ctx, uint32_t index, HolderKind kind, const std::string& path,
                       const DeclaredPaths& declared) {
  const WindowsPath parsed = parse_windows_path(path).value();
  const std::string_view kind_name = enum_name(kHolderKindNames, kind);
  const bool wants_file = kind != HolderKind::explorer_window;
  if (wants_file && parsed.is_root()) {
    ctx.error(index, fmt::format("'{}' is the root of a {}; a {} holds a file, like '{}'", path,
                                 parsed.is_unc() ? "share" : "volume", kind_name,
                                 parsed.child("file.tmp").display()));
    return;
  }
  const auto found = declared.find(parsed.key());
  if (found == declared.end() || found->second.is_file == wants_file) return;
  if (wants_file) {
    ctx.error(index,
              fmt::format("'{}' is a folder (filesystem entry at line {}); a {} holds a "
                          "file, like '{}'",
                          path, found->second.line, kind_name, parsed.child("file.tmp").display()));
    return;
  }
  ctx.error(index, fmt::format("'{}' is a file (filesystem entry at line {}); an explorer_window "
                               "opens a folder, such as '{}'",
                               path, found->second.line, parsed.parent().display()));
}

void load_holder_target(const Context& ctx, const MapView& map, std::string_view applies_to,
                        const DeclaredPaths& declared, HolderSpec& holder) {
  switch (holder.kind) {
    case HolderKind::explorer_window:
    case HolderKind::temp_user:
    case HolderKind::dp_client: {
      const uint32_t path = require(ctx, map, "path", applies_to);
      if (path == kNoNode) return;
      const PathKind kind = holder.kind == HolderKind::dp_client ? PathKind::unc : PathKind::any;
      holder.path = read_path(ctx, path, "path", kind).value_or("");
      if (holder.path.empty()) return;
      check_on_dp_share(ctx, path, "path", holder.path);
      if (holder.kind == HolderKind::explorer_window) {
        holder.path = folder_display(holder.path);
        check_target_kind(ctx, path, holder.kind, holder.path, declared);
        return;
      }
      // temp_user and dp_client hold a file, which a trailing separator would make a name
      // CreateFile refuses (123): the holder would silently hold nothing.
      if (ends_in_separator(holder.path)) {
        ctx.error(path, fmt::format("'{}' ends in a separator, but a {} holds a file; write '{}'",
                                    holder.path, enum_name(kHolderKindNames, holder.kind),
                                    folder_display(holder.path)));
        return;
      }
      check_target_kind(ctx, path, holder.kind, holder.path, declared);
      return;
    }
    case HolderKind::antivirus:
    case HolderKind::indexer:
    case HolderKind::backup: {
      const uint32_t scope = require(ctx, map, "scope", applies_to);
      if (scope != kNoNode) holder.scope = read_scope(ctx, scope);
      return;
    }
    case HolderKind::script:
      return;
  }
}

std::optional<std::vector<AntivirusTrigger>> read_triggers(const Context& ctx, uint32_t index) {
  const auto items = read_list(ctx, index, "on", kFlagListBounds);
  if (!items) return std::nullopt;
  std::vector<AntivirusTrigger> triggers;
  for (const uint32_t item : *items) {
    const auto trigger = read_enum(ctx, item, "on", kAntivirusTriggerNames, "scan trigger");
    if (!trigger) continue;
    if (std::find(triggers.begin(), triggers.end(), *trigger) != triggers.end()) {
      ctx.error(item, fmt::format("'{}' appears twice in 'on'", ctx.node(item).value));
      continue;
    }
    triggers.push_back(*trigger);
  }
  return triggers;
}

void load_holder_options(const Context& ctx, const MapView& map, HolderSpec& holder) {
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "thumbnails") holder.thumbnails = read_bool(ctx, value, key).value_or(true);
    if (key == "delete_on_close")
      holder.delete_on_close = read_bool(ctx, value, key).value_or(false);
    if (key == "image") holder.image = read_bool(ctx, value, key).value_or(true);
    if (key == "size")
      holder.size_bytes = read_size(ctx, value, key, kFileSizeBounds).value_or(holder.size_bytes);
    if (key == "access") holder.access = read_access(ctx, value, key);
    if (key == "share") holder.share = read_share(ctx, value, key);
    if (key == "thumbnails_access") holder.thumbnails_access = read_access(ctx, value, key);
    if (key == "thumbnails_share") holder.thumbnails_share = read_share(ctx, value, key);
    if (key == "on") holder.antivirus_on = read_triggers(ctx, value);
    if (key == "per_mb") holder.per_mb = read_duration_spec(ctx, value, key);
    if (key == "keeps_section") holder.keeps_section = read_duration_spec(ctx, value, key);
    if (key == "delay") holder.delay = read_duration_spec(ctx, value, key);
    if (key == "mode") {
      holder.backup_mode =
          read_enum(ctx, value, key, kBackupModeNames, "backup mode").value_or(holder.backup_mode);
    }
  });
  // Flags for a handle the window never opens would be silently without effect.
  if (!holder.thumbnails) {
    for (const std::string_view key : {"thumbnails_access", "thumbnails_share"}) {
      if (const uint32_t value = map.value(key); value != kNoNode) {
        ctx.error(value, fmt::format("'{}' sets the Thumbs.db handle's flags, but 'thumbnails: "
                                     "false' opens no Thumbs.db",
                                     key));
      }
    }
  }
}

// Whether the value at `index` is the plain default of the key: `at: 0s` or `count: 1`.
bool is_plain_default(const Context& ctx, uint32_t index, std::string_view key) {
  const YamlNode& node = ctx.node(index);
  if (node.kind != YamlNode::Kind::scalar) return false;
  if (key == "at") {
    const auto parsed = parse_duration(node.value);
    return parsed.ok() && *parsed.value == 0;
  }
  const auto parsed = parse_unsigned(node.value);
  return key == "count" && parsed.ok() && *parsed.value == 1;
}

// A script's steps carry their own times and run once each, in order, so the holder-level timing
// keys would do nothing; they are read as a mistake, with the reason, rather than ignored. The
// values every holder has by default, `at: 0s` and `count: 1`, change nothing and still load, so
// a file that spells out the defaults on every holder keeps working.
void refuse_script_timing(const Context& ctx, const MapView& map) {
  for (const std::string_view key : {"at", "for", "until", "every", "count"}) {
    const MapEntry* entry = map.find(key);
    if (entry == nullptr) continue;
    if (is_plain_default(ctx, entry->value_index, key)) continue;
    ctx.error(entry->key_index,
              fmt::format("a script holder takes no '{}': each of its steps runs once, at the "
                          "step's own 'at' (give the steps their times instead)",
                          key));
  }
}

// Whether a holder called `name` would pass in the trace for an actor that is not a holder: the
// checkers tell the manager's records from a holder's by the actor's name alone. Refused in any
// case, since a reader of the trace would be misled just the same.
bool names_another_actor(std::string_view name) {
  const std::string upper = upper_ascii(std::string(name));
  return upper == upper_ascii(std::string(kManagerActorName)) ||
         upper == upper_ascii(std::string(kWorldActorName)) ||
         upper.starts_with(upper_ascii(std::string(kDistributionPointActorPrefix)));
}

// The holder of an entry, with `number` (1-based) for its default name; nullopt when the entry
// is not a mapping or has no valid kind.
std::optional<HolderSpec> load_holder(const Context& ctx, uint32_t index, size_t number,
                                      const DeclaredPaths& declared, uint32_t& name_index) {
  const MapView raw = read_any_map(ctx, index, "each entry of 'holders'");
  if (!raw.valid()) return std::nullopt;
  std::optional<HolderKind> kind;
  if (const uint32_t kind_index = require(ctx, raw, "kind", "a holder"); kind_index != kNoNode) {
    kind = read_enum(ctx, kind_index, "kind", kHolderKindNames, "holder kind");
  }
  const std::string applies_to =
      kind ? with_article(fmt::format("{} holder", enum_name(kHolderKindNames, *kind)))
           : std::string();
  const KeySet keys = kind ? KeySet{"holder", holder_keys(*kind), kAllHolderKeys, applies_to,
                                    {},       holder_kinds_taking}
                           : KeySet{"holder", kAllHolderKeys};
  const MapView map = read_map(ctx, index, "each entry of 'holders'", keys);
  if (!kind) return std::nullopt;
  HolderSpec holder;
  holder.kind = *kind;
  holder.position = ctx.node(index).position;
  holder.name = fmt::format("{}{}", enum_name(kHolderKindNames, *kind), number);
  name_index = map.value("name");
  if (name_index != kNoNode) {
    holder.name = read_name(ctx, name_index, "name").value_or(holder.name);
    if (names_another_actor(holder.name)) {
      ctx.error(name_index,
                fmt::format("holder name '{}' is a name the trace gives another actor (distmgr: "
                            "the manager, world: the world, dp:NAME: a distribution point); "
                            "choose another",
                            holder.name));
    }
    if (holder.name.find(' ') != std::string::npos) {
      ctx.error(name_index,
                fmt::format("holder name '{}' contains a space; the trace's blame strings "
                            "(actor=NAME kind=...) are split on spaces, so write it with - or _",
                            holder.name));
    }
  }
  if (holder.kind == HolderKind::script) {
    refuse_script_timing(ctx, map);
  } else {
    load_holder_timing(ctx, map, holder);
  }
  load_holder_target(ctx, map, applies_to, declared, holder);
  load_holder_options(ctx, map, holder);
  if (holder.kind == HolderKind::script) load_script(ctx, map, holder);
  return holder;
}

// The value of `key` in the mapping at `index`, without reporting anything (kNoNode when the
// value is not a mapping or has no such key): for the cost of the holders, read before any is.
uint32_t peek(const Context& ctx, uint32_t index, std::string_view key) {
  const YamlNode& node = ctx.node(index);
  if (node.kind != YamlNode::Kind::mapping) return kNoNode;
  for (size_t child = 0; child + 1 < node.children.size(); child += 2) {
    const YamlNode& key_node = ctx.node(node.children[child]);
    if (key_node.kind == YamlNode::Kind::scalar && key_node.value == key) {
      return node.children[child + 1];
    }
  }
  return kNoNode;
}

// What the holders of a scenario would cost to load and run, counted on the tree, where an alias
// is one shared node: so that a list reused by many holders is refused before it is copied.
struct PlannedCost {
  uint64_t steps = 0;                   // script steps of all holders
  uint64_t holds = 0;                   // each holder's count times its steps (or 1)
  uint32_t first_steps_over = kNoNode;  // the holder that takes `steps` past its bound
  uint32_t first_holds_over = kNoNode;  // the holder that takes `holds` past its bound
};

PlannedCost planned_cost(const Context& ctx, std::span<const uint32_t> items) {
  PlannedCost cost;
  for (const uint32_t item : items) {
    uint64_t count = 1;  // a count the loader will refuse counts as 1; its error says why
    const uint32_t kind = peek(ctx, item, "kind");
    const bool script = kind != kNoNode && ctx.node(kind).value == "script";  // runs its steps once
    if (const uint32_t value = peek(ctx, item, "count"); value != kNoNode && !script) {
      const auto parsed = parse_unsigned(ctx.node(value).value);
      if (parsed.ok() && *parsed.value >= 1 && *parsed.value <= kHolderRepeatsMax) {
        count = *parsed.value;
      }
    }
    uint64_t steps = 0;
    const uint32_t steps_index = peek(ctx, item, "steps");
    if (steps_index != kNoNode && ctx.node(steps_index).kind == YamlNode::Kind::sequence) {
      steps = ctx.node(steps_index).children.size();  // at most kYamlNodesMax
    }
    cost.steps += steps;
    cost.holds += count * std::max<uint64_t>(steps, 1);  // at most 2^17 * 2^21 per holder
    if (cost.steps > kScriptStepsTotalMax && cost.first_steps_over == kNoNode) {
      cost.first_steps_over = item;  // an aliased list's own position would be the anchor's
    }
    if (cost.holds > kPlannedHoldsMax && cost.first_holds_over == kNoNode) {
      cost.first_holds_over = item;
    }
  }
  return cost;
}

// Whether the holders are within kScriptStepsTotalMax and kPlannedHoldsMax, after reporting where
// the first bound is passed when not.
bool check_planned_cost(const Context& ctx, std::span<const uint32_t> items) {
  const PlannedCost cost = planned_cost(ctx, items);
  if (cost.first_steps_over != kNoNode) {
    ctx.error(cost.first_steps_over,
              fmt::format("too many script steps after alias expansion: {} > {} "
                          "(kScriptStepsTotalMax); this holder's steps pass it",
                          grouped(cost.steps), grouped(kScriptStepsTotalMax)));
    return false;
  }
  if (cost.first_holds_over != kNoNode) {
    ctx.error(cost.first_holds_over,
              fmt::format("too many planned holds (each holder's count times its steps): {} > {} "
                          "(kPlannedHoldsMax); this holder passes it",
                          grouped(cost.holds), grouped(kPlannedHoldsMax)));
    return false;
  }
  return true;
}

}  // namespace

void load_holders(const Context& ctx, uint32_t index, Scenario& scenario) {
  const auto items = read_list(ctx, index, "holders", Bounds{0, kHoldersMax, "kHoldersMax"}, true);
  if (!items || !check_planned_cost(ctx, *items)) return;
  // Where each name was first taken, and whether it was the holder's default (kind and position).
  struct NameTaken {
    uint32_t line = 0;
    bool by_default = false;
  };
  std::map<std::string, NameTaken> names;
  const DeclaredPaths declared = declared_paths(scenario.filesystem);
  for (size_t number = 1; number <= items->size(); ++number) {
    const uint32_t item = (*items)[number - 1];
    uint32_t name_index = kNoNode;
    auto holder = load_holder(ctx, item, number, declared, name_index);
    if (!holder) continue;
    const bool by_default = name_index == kNoNode;
    const uint32_t position_index = by_default ? item : name_index;
    const auto [first, inserted] =
        names.emplace(holder->name, NameTaken{ctx.node(position_index).position.line, by_default});
    if (!inserted) {
      // A default name is no name the user wrote: say where it comes from.
      ctx.error(position_index,
                fmt::format("duplicate holder name '{}'{} (first at line {}{}); {}", holder->name,
                            by_default ? ", this holder's default (its kind and "
                                         "position in the list)"
                                       : "",
                            first->second.line,
                            first->second.by_default ? ", the default name of that holder" : "",
                            by_default ? "give this holder a `name`" : "rename one of them"));
    }
    scenario.holders.push_back(std::move(*holder));
  }
}

}  // namespace distsim::sim::loader_internal
