// The shared holder machinery: duration draws from the holder's own sub-stream, findings, the
// schedule of repeated holds, active spans, scopes and size-proportional hold times.
#include "sim/holders/holder.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim {

ActiveSpans::ActiveSpans(const std::vector<HoldWindow>& windows) {
  constexpr TimeUs kForever = std::numeric_limits<TimeUs>::max();
  std::vector<std::pair<TimeUs, TimeUs>> spans;
  spans.reserve(windows.size());
  for (const HoldWindow& window : windows) {
    const TimeUs end_us = window.end_us.value_or(kForever);
    if (end_us > window.begin_us) spans.emplace_back(window.begin_us, end_us);
  }
  std::sort(spans.begin(), spans.end());
  for (const auto& span : spans) {
    if (!spans_.empty() && span.first <= spans_.back().second) {
      spans_.back().second = std::max(spans_.back().second, span.second);
    } else {
      spans_.push_back(span);
    }
  }
  DISTSIM_ASSERT(spans_.size() <= windows.size());
}

bool ActiveSpans::contains(TimeUs t_us) const {
  // The last span that begins at or before t_us is the only one that can contain it.
  const auto after = std::upper_bound(
      spans_.begin(), spans_.end(), t_us,
      [](TimeUs t, const std::pair<TimeUs, TimeUs>& span) { return t < span.first; });
  if (after == spans_.begin()) return false;
  const auto& span = *std::prev(after);
  DISTSIM_ASSERT(span.first <= t_us);
  return t_us < span.second;
}

PathScope::PathScope(const std::vector<std::string>& directories) {
  DISTSIM_ASSERT(!directories.empty());
  for (const std::string& directory : directories) {
    auto parsed = parse_windows_path(directory);
    DISTSIM_ASSERT(parsed.ok());
    displays_.push_back(parsed.value().display());
    std::string key = upper_ascii(displays_.back());
    if (key.back() != '\\') key.push_back('\\');
    prefix_keys_.push_back(std::move(key));
    display_ += (display_.empty() ? "" : "; ") + displays_.back();
  }
}

bool PathScope::contains(std::string_view path) const {
  DISTSIM_ASSERT(!prefix_keys_.empty());
  return std::any_of(prefix_keys_.begin(), prefix_keys_.end(), [path](const std::string& key) {
    return path.size() > key.size() && equals_upper_ascii(path.substr(0, key.size()), key);
  });
}

bool PathScope::contains_written(const VirtualFileSystem& vfs, const VfsEvent& event) {
  DISTSIM_ASSERT(event.operation == VfsOperation::write);
  if (event.folder == VfsEvent::kNoFolder) return contains(event.path());
  FolderVerdict& verdict = verdicts_[event.folder % kVerdictSlots];
  const uint64_t generation = vfs.namespace_generation();
  if (verdict.folder != event.folder || verdict.generation != generation) {
    verdict = {event.folder, generation, contains(event.path())};
  }
  return verdict.inside;
}

TimeUs hold_for_size_us(TimeUs per_mb_us, uint64_t size_bytes, TimeUs floor_us) {
  DISTSIM_ASSERT(per_mb_us >= 0);
  DISTSIM_ASSERT(floor_us >= 0);
  constexpr uint64_t kBytesPerMb = 1024 * 1024;
  const auto cap = static_cast<uint64_t>(kRunHorizonMaxUs);
  const auto rate = static_cast<uint64_t>(per_mb_us);
  const uint64_t whole_mb = size_bytes / kBytesPerMb;
  const uint64_t rest_bytes = size_bytes % kBytesPerMb;
  if (rate != 0 && whole_mb > cap / rate) return kRunHorizonMaxUs;
  // rate * rest_bytes / 2^20, rounded up, split so that no product exceeds 2^64.
  const uint64_t rest_us = (rate / kBytesPerMb) * rest_bytes +
                           ((rate % kBytesPerMb) * rest_bytes + kBytesPerMb - 1) / kBytesPerMb;
  const uint64_t total_us = std::min(cap, whole_mb * rate + std::min(cap, rest_us));
  return std::max(floor_us, static_cast<TimeUs>(total_us));
}

Holder::Holder(HolderContext context, HolderSpec spec)
    : context_(context),
      spec_(std::move(spec)),
      actor_(context_.vfs.register_actor(spec_.name)),
      random_(Prng::stream(context_.seed, fmt::format(FMT_COMPILE("holder:{}"), spec_.name))) {
  DISTSIM_ASSERT(!spec_.name.empty());
}

TimeUs Holder::draw(const DurationSpec& duration) {
  switch (duration.kind) {
    case DurationSpec::Kind::constant:
      return duration.value_us;
    case DurationSpec::Kind::uniform:
      return random_.uniform_between(duration.value_us, duration.high_us);
    case DurationSpec::Kind::exponential:
      return random_.exponential(duration.value_us);
  }
  DISTSIM_ASSERT(false);
}

std::optional<TimeUs> Holder::draw_until() {
  if (!spec_.until) return std::nullopt;
  return draw(*spec_.until);
}

std::vector<HoldWindow> Holder::draw_windows() {
  DISTSIM_ASSERT(spec_.count >= 1 && spec_.count <= kHolderRepeatsMax);
  std::vector<HoldWindow> windows;
  TimeUs begin_us = draw(spec_.at);
  const std::optional<TimeUs> until_us = draw_until();
  for (uint32_t occurrence = 0; occurrence < spec_.count; ++occurrence) {
    if (begin_us > context_.horizon_us) break;
    HoldWindow window{begin_us, std::nullopt};
    if (spec_.hold_for) window.end_us = begin_us + draw(*spec_.hold_for);
    if (until_us) window.end_us = std::max(begin_us, *until_us);
    windows.push_back(window);
    if (!spec_.every) break;
    if (occurrence + 1 < spec_.count) begin_us += draw(*spec_.every);
  }
  DISTSIM_ASSERT(windows.size() <= spec_.count);
  return windows;
}

bool Holder::is_file(const std::string& path) const {
  return context_.vfs.file_content(path).has_value();
}

std::optional<Holder::OpenedFile> Holder::open_and_read(const std::string& path, AccessMask access,
                                                        ShareMode share,
                                                        model::FolderHint* folder) {
  model::FolderHint unkept;
  model::NameHint name;  // each file's name is looked up once
  auto opened =
      context_.vfs.open_in(actor_, {path, access, share, model::CreateDisposition::open_existing},
                           folder != nullptr ? *folder : unkept, name);
  if (!opened.ok()) return std::nullopt;
  const HandleId handle = opened.value();
  (void)context_.vfs.read(actor_, handle);
  const auto content = context_.vfs.handle_content(handle);
  DISTSIM_ASSERT(content.has_value());
  return OpenedFile{handle, content->size_bytes};
}

void Holder::note_skipped_step(std::string what, std::string detail, SourcePosition position) {
  context_.findings.push_back({spec_.name,
                               std::move(what),
                               std::move(detail),
                               context_.kernel.now(),
                               position,
                               true,
                               true,
                               {},
                               {},
                               false});
}

void Holder::note_step(std::string what, bool ok, std::string detail, SourcePosition position,
                       std::string expected, std::string actual, bool ran) {
  const TimeUs now_us = context_.kernel.now();
  context_.trace.add(now_us, spec_.name, "expectation",
                     {{"what", fmt::format(FMT_COMPILE("{}: {}"), spec_.name, what)},
                      {"ok", ok},
                      {"detail", detail}});
  context_.findings.push_back({spec_.name, std::move(what), std::move(detail), now_us, position, ok,
                               false, std::move(expected), std::move(actual), ran});
}

void RepeatingHolder::start() {
  DISTSIM_ASSERT(spec_.count >= 1 && spec_.count <= kHolderRepeatsMax);
  next_begin_us_ = draw(spec_.at);
  until_us_ = draw_until();
  wake_at(next_begin_us_, HolderWake<Wake>{Wake::begin, 0});
}

void RepeatingHolder::on_event(uint64_t payload) {
  const auto wake = HolderWake<Wake>::from_payload(payload);
  DISTSIM_ASSERT(wake.index < spec_.count);
  const auto occurrence = static_cast<uint32_t>(wake.index);
  switch (wake.kind) {
    case Wake::begin:
      begin(occurrence);
      return;
    case Wake::end:
      end(occurrence);
      return;
  }
  DISTSIM_ASSERT(false);
}

void RepeatingHolder::begin(uint32_t occurrence) {
  DISTSIM_ASSERT(held_.count(occurrence) == 0);
  const TimeUs now_us = context_.kernel.now();
  held_[occurrence] = acquire();
  std::optional<TimeUs> end_us;
  if (spec_.hold_for) end_us = now_us + draw(*spec_.hold_for);
  if (until_us_) end_us = std::max(now_us, *until_us_);
  if (end_us) wake_at(*end_us, HolderWake<Wake>{Wake::end, occurrence});
  if (occurrence + 1 < spec_.count && spec_.every) {
    next_begin_us_ = now_us + draw(*spec_.every);
    wake_at(next_begin_us_, HolderWake<Wake>{Wake::begin, occurrence + 1});
  }
}

void RepeatingHolder::end(uint32_t occurrence) {
  auto found = held_.find(occurrence);
  DISTSIM_ASSERT(found != held_.end());
  for (const HandleId handle : found->second) context_.vfs.close(actor_, handle);
  held_.erase(found);
}

}  // namespace distsim::sim
