// Holder kinds to Restart Manager application types, actors to culprits, and the trace form of a
// culprit.
#include "sim/world/blame.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim {

std::string_view rm_app_type_name(RmAppType type) {
  switch (type) {
    case RmAppType::unknown_app:
      return "RmUnknownApp";
    case RmAppType::main_window:
      return "RmMainWindow";
    case RmAppType::other_window:
      return "RmOtherWindow";
    case RmAppType::service:
      return "RmService";
    case RmAppType::explorer:
      return "RmExplorer";
    case RmAppType::console:
      return "RmConsole";
  }
  DISTSIM_ASSERT(false && "unknown RmAppType");
  return "";
}

RmAppType rm_app_type_of(HolderKind kind) {
  switch (kind) {
    case HolderKind::explorer_window:
      return RmAppType::explorer;
    case HolderKind::antivirus:
    case HolderKind::indexer:
    case HolderKind::backup:
      return RmAppType::service;
    case HolderKind::script:
      return RmAppType::console;
    case HolderKind::temp_user:
      return RmAppType::main_window;
    case HolderKind::dp_client:
      return RmAppType::unknown_app;
  }
  DISTSIM_ASSERT(false && "unknown HolderKind");
  return RmAppType::unknown_app;
}

void ActorKinds::add(ActorId actor, std::string holder_kind, RmAppType app_type) {
  DISTSIM_ASSERT(actor >= 1);
  if (kinds_.size() < actor) kinds_.resize(actor);
  kinds_[actor - 1] = Kind{std::move(holder_kind), app_type};
}

std::string_view ActorKinds::holder_kind(ActorId actor) const {
  return actor >= 1 && actor <= kinds_.size() ? std::string_view(kinds_[actor - 1].holder_kind)
                                              : std::string_view();
}

std::vector<Culprit> ActorKinds::culprits(const VirtualFileSystem& vfs,
                                          const std::vector<BlameEntry>& blame) const {
  std::vector<Culprit> out;
  culprits_into(vfs, blame, out);
  return out;
}

void ActorKinds::culprits_into(const VirtualFileSystem& vfs, const std::vector<BlameEntry>& blame,
                               std::vector<Culprit>& out) const {
  out.resize(blame.size());
  for (size_t index = 0; index < blame.size(); ++index) {
    const BlameEntry& entry = blame[index];
    Culprit& culprit = out[index];
    culprit.actor = vfs.actor_name(entry.actor);
    const bool known = entry.actor >= 1 && entry.actor <= kinds_.size();
    if (known) {
      culprit.holder_kind = kinds_[entry.actor - 1].holder_kind;
    } else {
      culprit.holder_kind.clear();
    }
    culprit.app_type = known ? kinds_[entry.actor - 1].app_type : RmAppType::unknown_app;
    culprit.handle = entry.handle;
    culprit.path = entry.path;
    culprit.access = entry.access;
    culprit.share = entry.share;
    culprit.directory = entry.directory;
    culprit.since_us = entry.since_us;
    culprit.by_lock = entry.by_lock;
    culprit.lock_offset = entry.lock_offset;
    culprit.lock_length = entry.lock_length;
    culprit.lock_exclusive = entry.lock_exclusive;
    culprit.by_image = entry.by_image;
    culprit.by_data_section = entry.by_data_section;
    culprit.protection = entry.protection;
  }
}

namespace {

// True when a path component of `path` is the package id, alone or before an extension
// ("\\DP01\SMSPKGC$\S0100001\setup.exe", "D:\SMSPKG\S0100001.PCK"). Compared in place: every
// recent refusal is asked when a pass fails (an id's upper-case copy is short enough to need no
// allocation).
bool names_package(std::string_view path, std::string_view package_id) {
  const std::string upper_id = upper_ascii(package_id);
  for (size_t at = path.find('\\'); at != std::string_view::npos; at = path.find('\\', at + 1)) {
    const size_t end = at + 1 + upper_id.size();
    if (end > path.size()) break;
    if (!equals_upper_ascii(path.substr(at + 1, upper_id.size()), upper_id)) continue;
    if (end == path.size() || path[end] == '\\' || path[end] == '.') return true;
  }
  return false;
}

// Appends the names joined by '|', or "0" when there are none.
void append_names(std::string& text, const model::MaskNames& names) {
  const std::span<const std::string_view> views = names.span();
  if (views.empty()) {
    text += '0';
    return;
  }
  for (size_t index = 0; index < views.size(); ++index) {
    if (index > 0) text += '|';
    text += views[index];
  }
}

}  // namespace

void RefusalLog::record(Refusal refusal) {
  if (refusals_.size() >= kRecentRefusalsMax) refusals_.pop_front();
  refusals_.push_back(std::move(refusal));
}

const Refusal* RefusalLog::behind(std::string_view package_id, model::Win32Error error,
                                  model::TimeUs since_us, model::TimeUs now_us) const {
  for (auto refusal = refusals_.rbegin(); refusal != refusals_.rend(); ++refusal) {
    if (refusal->t_us < since_us) break;
    if (refusal->error == error && names_package(refusal->path, package_id)) return &*refusal;
  }
  for (auto refusal = refusals_.rbegin(); refusal != refusals_.rend(); ++refusal) {
    if (refusal->t_us < now_us) break;
    if (refusal->error == error) return &*refusal;
  }
  return nullptr;
}

const Refusal* RefusalLog::on(std::string_view path, model::Win32Error error,
                              model::TimeUs since_us) const {
  for (auto refusal = refusals_.rbegin(); refusal != refusals_.rend(); ++refusal) {
    if (refusal->t_us < since_us) break;
    if (refusal->error == error && path_at_or_below(refusal->path, path)) return &*refusal;
  }
  return nullptr;
}

const Refusal* RefusalLog::same_as(const Refusal& refusal) const {
  for (auto kept = refusals_.rbegin(); kept != refusals_.rend(); ++kept) {
    if (kept->t_us < refusal.t_us) break;
    if (same_operation(*kept, refusal)) return &*kept;
  }
  return nullptr;
}

bool same_operation(const Refusal& left, const Refusal& right) {
  return left.t_us == right.t_us && left.error == right.error &&
         left.operation == right.operation && left.path == right.path;
}

std::string culprit_trace_text(const Culprit& culprit) {
  std::string text;
  culprit_trace_text_into(culprit, text);
  return text;
}

void culprit_trace_text_into(const Culprit& culprit, std::string& text) {
  // Written into one string, with the mask names as views: every refused open of a traced run
  // names its culprits, and a list of name strings per mask cost more than the text.
  text.clear();
  const std::string_view kind =
      culprit.holder_kind.empty() ? std::string_view("unknown") : culprit.holder_kind;
  fmt::format_to(std::back_inserter(text),
                 FMT_COMPILE("actor={} kind={} app={} handle={} since_us={} access="),
                 culprit.actor, kind, rm_app_type_name(culprit.app_type), culprit.handle,
                 culprit.since_us);
  append_names(text, model::access_name_views(culprit.access, culprit.access_target()));
  text += " share=";
  append_names(text, model::share_name_views(culprit.share));
  if (culprit.by_lock) {
    fmt::format_to(std::back_inserter(text), FMT_COMPILE(" lock={}+{}:{}"), culprit.lock_offset,
                   culprit.lock_length, culprit.lock_exclusive ? "exclusive" : "shared");
  }
  if (culprit.by_image) text += " mapped=image";
  if (culprit.by_data_section) {
    text += " mapped=";
    text += page_protection_name(culprit.protection);
  }
  text += " path=";
  text += culprit.path;
}

}  // namespace distsim::sim
