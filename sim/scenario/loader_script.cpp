// The `steps` of a script holder: open, close, lock, unlock, write, delete, rename, run, exit,
// map, unmap and the attribute steps, in time order. Handles, running programs and mapped views
// are named (`as`) and followed through the steps, so that a script cannot use a handle it has
// not opened or has already closed, nor end a program it did not start or a view it did not map.
#include <fmt/format.h>

#include <array>
#include <functional>
#include <map>
#include <string>

#include "model/assert.h"
#include "sim/scenario/loader_context.h"
#include "sim/scenario/value_parse.h"

namespace distsim::sim::loader_internal {
namespace {

constexpr std::array<std::string_view, 13> kStepActions{
    "open", "close", "lock",           "unlock",         "write", "delete", "rename",
    "run",  "exit",  "set_attributes", "get_attributes", "map",   "unmap"};
constexpr std::array<std::string_view, 25> kStepKeys{"at",
                                                     "open",
                                                     "close",
                                                     "lock",
                                                     "unlock",
                                                     "write",
                                                     "delete",
                                                     "rename",
                                                     "run",
                                                     "exit",
                                                     "access",
                                                     "share",
                                                     "as",
                                                     "expect",
                                                     "offset",
                                                     "length",
                                                     "exclusive",
                                                     "to",
                                                     "set_attributes",
                                                     "get_attributes",
                                                     "delete_on_close",
                                                     "read_only",
                                                     "map",
                                                     "unmap",
                                                     "protection"};

KeyList step_keys(ScriptStep::Action action) {
  static constexpr std::array<std::string_view, 7> kOpen{"at", "open",   "access",         "share",
                                                         "as", "expect", "delete_on_close"};
  static constexpr std::array<std::string_view, 6> kRun{"at",    "run", "access",
                                                        "share", "as",  "expect"};
  static constexpr std::array<std::string_view, 3> kExit{"at", "exit", "expect"};
  static constexpr std::array<std::string_view, 4> kSetAttributes{"at", "set_attributes",
                                                                  "read_only", "expect"};
  static constexpr std::array<std::string_view, 3> kGetAttributes{"at", "get_attributes", "expect"};
  static constexpr std::array<std::string_view, 3> kClose{"at", "close", "expect"};
  static constexpr std::array<std::string_view, 6> kLock{"at",     "lock",      "offset",
                                                         "length", "exclusive", "expect"};
  static constexpr std::array<std::string_view, 5> kUnlock{"at", "unlock", "offset", "length",
                                                           "expect"};
  static constexpr std::array<std::string_view, 3> kWrite{"at", "write", "expect"};
  static constexpr std::array<std::string_view, 3> kDelete{"at", "delete", "expect"};
  static constexpr std::array<std::string_view, 4> kRename{"at", "rename", "to", "expect"};
  static constexpr std::array<std::string_view, 5> kMap{"at", "map", "protection", "as", "expect"};
  static constexpr std::array<std::string_view, 3> kUnmap{"at", "unmap", "expect"};
  switch (action) {
    case ScriptStep::Action::open:
      return kOpen;
    case ScriptStep::Action::close:
      return kClose;
    case ScriptStep::Action::lock:
      return kLock;
    case ScriptStep::Action::unlock:
      return kUnlock;
    case ScriptStep::Action::write:
      return kWrite;
    case ScriptStep::Action::delete_file:
      return kDelete;
    case ScriptStep::Action::rename:
      return kRename;
    case ScriptStep::Action::run:
      return kRun;
    case ScriptStep::Action::exit:
      return kExit;
    case ScriptStep::Action::set_attributes:
      return kSetAttributes;
    case ScriptStep::Action::get_attributes:
      return kGetAttributes;
    case ScriptStep::Action::map:
      return kMap;
    case ScriptStep::Action::unmap:
      return kUnmap;
  }
  DISTSIM_ASSERT(false);
}

// What a name stands for: a file handle (`open ... as:`), a running program (`run ... as:`, which
// only `exit` ends) or a mapped view (`map ... as:`, which only `unmap` ends).
enum class NamedKind { file, program, view };

NamedKind named_kind_of(ScriptStep::Action action) {
  switch (action) {
    case ScriptStep::Action::run:
    case ScriptStep::Action::exit:
      return NamedKind::program;
    case ScriptStep::Action::map:  // binds a view; the handle it maps from is a file handle
    case ScriptStep::Action::unmap:
      return NamedKind::view;
    default:
      return NamedKind::file;
  }
}

// What the steps read so far did to each name, to refuse a use the script cannot make.
struct HandleState {
  bool open = true;
  uint32_t line = 0;  // of the open, or of the close once closed
  NamedKind kind = NamedKind::file;
};

// How a refusal names what a name stands for, and what ends it.
struct NamedKindWords {
  std::string_view noun;
  std::string_view ended_by;
};

NamedKindWords words_of(NamedKind kind) {
  switch (kind) {
    case NamedKind::file:
      return {"a file handle", "'close' closes it"};
    case NamedKind::program:
      return {"a program started by a 'run' step", "'exit' ends it"};
    case NamedKind::view:
      return {"a view mapped by a 'map' step", "'unmap' ends it"};
  }
  DISTSIM_ASSERT(false);
}

// Why a name cannot be used here: "'h' is a file handle, not a program started by a 'run' step;
// 'close' closes it", or "'p' names a program started by a 'run' step (line 7), not a file
// handle; 'exit' ends it".
std::string wrong_kind_text(std::string_view name, NamedKind is, NamedKind wanted, uint32_t line) {
  const NamedKindWords held = words_of(is);
  if (is == NamedKind::file) {
    return fmt::format("'{}' is {}, not {}; {}", name, held.noun, words_of(wanted).noun,
                       held.ended_by);
  }
  return fmt::format("'{}' names {} (line {}), not {}; {}", name, held.noun, line,
                     words_of(wanted).noun, held.ended_by);
}

struct ScriptState {
  std::map<std::string, HandleState, std::less<>> handles;
  TimeUs previous_at_us = 0;
};

void bind_handle(const Context& ctx, uint32_t index, ScriptState& state, ScriptStep& step) {
  const auto name = read_name(ctx, index, "as");
  if (!name) return;
  (step.action == ScriptStep::Action::map ? step.section_name : step.handle_name) = *name;
  const uint32_t line = ctx.node(index).position.line;
  const NamedKind kind = named_kind_of(step.action);
  const auto [handle, inserted] = state.handles.emplace(*name, HandleState{true, line, kind});
  if (inserted) return;
  if (handle->second.open) {
    ctx.error(index, fmt::format("handle '{}' is already open (opened at line {})", *name,
                                 handle->second.line));
    return;
  }
  handle->second = HandleState{true, line, kind};
}

void use_handle(const Context& ctx, uint32_t index, std::string_view key, ScriptState& state,
                ScriptStep& step) {
  const auto name = read_name(ctx, index, key);
  if (!name) return;
  step.handle_name = *name;
  const auto handle = state.handles.find(*name);
  if (handle == state.handles.end()) {
    ctx.error(index, fmt::format("handle '{}' is not opened by an earlier step of this script "
                                 "(open: ... as: {})",
                                 *name, *name));
    return;
  }
  if (!handle->second.open) {
    ctx.error(index, fmt::format("handle '{}' was closed at line {}", *name, handle->second.line));
    return;
  }
  // `map` maps from a file handle; `exit` and `unmap` end what their own steps named.
  const NamedKind wanted =
      step.action == ScriptStep::Action::map ? NamedKind::file : named_kind_of(step.action);
  if (handle->second.kind != wanted) {
    ctx.error(index, wrong_kind_text(*name, handle->second.kind, wanted, handle->second.line));
    return;
  }
  if (step.action == ScriptStep::Action::close || step.action == ScriptStep::Action::exit ||
      step.action == ScriptStep::Action::unmap) {
    handle->second = HandleState{false, ctx.node(index).position.line, handle->second.kind};
  }
}

void load_step_target(const Context& ctx, const MapView& map, std::string_view action,
                      ScriptState& state, ScriptStep& step) {
  const uint32_t target = map.value(action);
  switch (step.action) {
    case ScriptStep::Action::open:
    case ScriptStep::Action::run:
      step.path = read_path(ctx, target, action).value_or("");
      if (const uint32_t as = map.value("as"); as != kNoNode) bind_handle(ctx, as, state, step);
      return;
    case ScriptStep::Action::close:
    case ScriptStep::Action::lock:
    case ScriptStep::Action::unlock:
    case ScriptStep::Action::write:
    case ScriptStep::Action::exit:
    case ScriptStep::Action::unmap:
      use_handle(ctx, target, action, state, step);
      return;
    case ScriptStep::Action::map:
      use_handle(ctx, target, action, state, step);
      if (const uint32_t as = map.value("as"); as != kNoNode) bind_handle(ctx, as, state, step);
      return;
    case ScriptStep::Action::delete_file:
    case ScriptStep::Action::get_attributes:
      step.path = read_path(ctx, target, action).value_or("");
      return;
    case ScriptStep::Action::set_attributes: {
      step.path = read_path(ctx, target, action).value_or("");
      const uint32_t read_only = require(ctx, map, "read_only", "a 'set_attributes' step");
      if (read_only != kNoNode)
        step.read_only = read_bool(ctx, read_only, "read_only").value_or(false);
      return;
    }
    case ScriptStep::Action::rename: {
      step.path = read_path(ctx, target, action).value_or("");
      const uint32_t to = require(ctx, map, "to", "a 'rename' step");
      if (to != kNoNode) step.to = read_path(ctx, to, "to").value_or("");
      return;
    }
  }
}

std::optional<PageProtection> read_protection(const Context& ctx, uint32_t index) {
  const auto text = read_scalar(ctx, index, "protection");
  if (!text) return std::nullopt;
  if (const auto protection = page_protection_from_name(*text)) return protection;
  static constexpr std::array<std::string_view, 3> kNames{"PAGE_READONLY", "PAGE_WRITECOPY",
                                                          "PAGE_READWRITE"};
  report_unknown_name(ctx, index, "page protection", *text, kNames);
  return std::nullopt;
}

void load_step_options(const Context& ctx, const MapView& map, std::string_view applies_to,
                       ScriptStep& step) {
  const bool ranged =
      step.action == ScriptStep::Action::lock || step.action == ScriptStep::Action::unlock;
  if (ranged && require(ctx, map, "length", applies_to) != kNoNode) {
    const uint32_t length = map.value("length");
    step.length = read_byte_count(ctx, length, "length").value_or(0);
    if (ctx.node(length).kind == YamlNode::Kind::scalar && step.length == 0 &&
        parse_unsigned(ctx.node(length).value).value == uint64_t{0}) {
      ctx.error(length, "'length' must be more than 0 bytes");
    }
  }
  if (step.action == ScriptStep::Action::run) {
    step.access = kRunAccess;
    step.share = kRunShare;
  }
  for_each_entry(map, [&](std::string_view key, uint32_t value) {
    if (key == "access") step.access = read_access(ctx, value, key).value_or(step.access);
    if (key == "share") step.share = read_share(ctx, value, key).value_or(step.share);
    if (key == "delete_on_close") step.delete_on_close = read_bool(ctx, value, key).value_or(false);
    if (key == "offset") step.offset = read_byte_count(ctx, value, key).value_or(0);
    if (key == "exclusive") step.exclusive = read_bool(ctx, value, key).value_or(true);
    if (key == "expect") step.expect = read_error(ctx, value, key, true);
    if (key == "protection")
      step.protection = read_protection(ctx, value).value_or(step.protection);
  });
}

void load_step_time(const Context& ctx, const MapView& map, ScriptState& state, ScriptStep& step) {
  step.at_us = state.previous_at_us;  // default: right after the previous step
  const uint32_t at = map.value("at");
  if (at == kNoNode) return;
  if (ctx.node(at).kind == YamlNode::Kind::mapping) {
    step.drawn_at = read_duration_spec(ctx, at, "at");  // its time is known only in a run
    return;
  }
  const auto at_us = read_time(ctx, at, "at");
  if (!at_us) return;
  if (*at_us < state.previous_at_us) {
    ctx.error(at, fmt::format("step 'at' {} is before the previous step's {}; steps run in order",
                              format_duration(*at_us), format_duration(state.previous_at_us)));
    return;
  }
  step.at_us = *at_us;
  state.previous_at_us = *at_us;
}

std::optional<ScriptStep> load_step(const Context& ctx, uint32_t index, ScriptState& state) {
  const auto action = find_action_key(ctx, index, kStepActions, "'steps'");
  if (!action) return std::nullopt;
  ScriptStep step;
  step.action = *enum_from_name(kScriptActionKeys, *action);
  step.position = ctx.node(index).position;
  const std::string applies_to = with_article(fmt::format("'{}' step", *action));
  const MapView map =
      read_map(ctx, index, "each entry of 'steps'",
               KeySet{"step", step_keys(step.action), kStepKeys, applies_to, kStepActions});
  load_step_time(ctx, map, state, step);
  load_step_target(ctx, map, *action, state, step);
  load_step_options(ctx, map, applies_to, step);
  return step;
}

}  // namespace

void load_script(const Context& ctx, const MapView& map, HolderSpec& holder) {
  const uint32_t steps = require(ctx, map, "steps", "a script holder");
  if (steps == kNoNode) return;
  const auto items = read_list(ctx, steps, "steps", Bounds{1, kScriptStepsMax, "kScriptStepsMax"});
  if (!items) return;
  ScriptState state;
  for (const uint32_t item : *items) {
    if (auto step = load_step(ctx, item, state)) holder.steps.push_back(std::move(*step));
  }
}

}  // namespace distsim::sim::loader_internal
