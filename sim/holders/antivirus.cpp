// The antivirus scanner: notices other actors' writes and opens under its scope, and scans each
// such file through the kernel (never from inside the VFS notification), one handle per scan.
#include "sim/holders/antivirus.h"

#include <algorithm>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim {
namespace {

bool has_trigger(const HolderSpec& spec, AntivirusTrigger trigger) {
  const std::vector<AntivirusTrigger> triggers =
      spec.antivirus_on.value_or(std::vector<AntivirusTrigger>{AntivirusTrigger::write_close});
  return std::find(triggers.begin(), triggers.end(), trigger) != triggers.end();
}

}  // namespace

Antivirus::Antivirus(HolderContext context, HolderSpec spec)
    : Holder(context, std::move(spec)),
      scope_(spec_.scope),
      on_write_close_(has_trigger(spec_, AntivirusTrigger::write_close)),
      on_open_(has_trigger(spec_, AntivirusTrigger::open)) {
  DISTSIM_ASSERT(spec_.kind == HolderKind::antivirus);
}

void Antivirus::start() { active_ = ActiveSpans(draw_windows()); }

void Antivirus::on_vfs_event(const VfsEvent& event) {
  if (event.operation == VfsOperation::close) {
    // Handle ids are never reused, so a closed handle is forgotten whoever closed it.
    const bool wrote = written_.erase(event.handle) == 1;
    if (wrote && active_.contains(event.t_us) && scope_.contains(event.path())) {
      request_scan(event.path(), "write_close");
    }
    return;
  }
  if (!triggered_by(event)) return;
  if (event.operation == VfsOperation::write) {
    DISTSIM_ASSERT(written_.size() < kHandlesOpenMax);
    written_.insert(event.handle);
  } else {
    request_scan(event.path(), "open");
  }
}

VfsInterest Antivirus::vfs_interest() const {
  // A handle that wrote is remembered until it closes, whoever closes it.
  uint32_t operations = 0;
  if (on_write_close_) {
    operations |= VfsInterest::bit(VfsOperation::write) | VfsInterest::bit(VfsOperation::close);
  }
  if (on_open_) operations |= VfsInterest::bit(VfsOperation::open);
  return {operations, false};  // a refused operation triggers no scan
}

bool Antivirus::triggered_by(const VfsEvent& event) {
  if (event.actor == actor_ || event.result != Win32Error::ok) return false;
  const bool watched = (event.operation == VfsOperation::write && on_write_close_) ||
                       (event.operation == VfsOperation::open && on_open_);
  if (!watched || !active_.contains(event.t_us)) return false;
  return event.operation == VfsOperation::write ? scope_.contains_written(context_.vfs, event)
                                                : scope_.contains(event.path());
}

void Antivirus::request_scan(const std::string& path, std::string_view trigger) {
  std::string key = upper_ascii(path);
  if (scanning_keys_.count(key) != 0) return;  // the queued or running scan covers it
  if (scans_.size() >= kAntivirusScansPendingMax) {
    context_.trace.add(context_.kernel.now(), spec_.name, "scan_dropped",
                       {{"path", path},
                        {"trigger", std::string(trigger)},
                        {"reason", std::string("kAntivirusScansPendingMax")}});
    return;
  }
  const uint64_t scan_id = next_scan_id_++;
  scanning_keys_.insert(key);
  scans_.emplace(scan_id, Scan{path, std::move(key), trigger, 0});
  wake_at(context_.kernel.now(), HolderWake<Wake>{Wake::begin_scan, scan_id});
  DISTSIM_ASSERT(scans_.size() == scanning_keys_.size());
}

void Antivirus::on_event(uint64_t payload) {
  const auto wake = HolderWake<Wake>::from_payload(payload);
  switch (wake.kind) {
    case Wake::begin_scan:
      begin_scan(wake.index);
      return;
    case Wake::end_scan:
      end_scan(wake.index);
      return;
    case Wake::end_view:
      context_.vfs.close(actor_, wake.index);
      return;
  }
  DISTSIM_ASSERT(false);
}

void Antivirus::begin_scan(uint64_t scan_id) {
  const auto found = scans_.find(scan_id);
  DISTSIM_ASSERT(found != scans_.end());
  Scan& scan = found->second;
  DISTSIM_ASSERT(scan.handle == 0);
  if (!is_file(scan.path)) {  // deleted meanwhile, or a directory the `open` trigger saw
    end_scan(scan_id);
    return;
  }
  using namespace model::access_bits;
  const AccessMask access = spec_.access.value_or(AccessMask{kGenericRead});
  const ShareMode share = spec_.share.value_or(ShareMode{model::share_bits::kRead});
  const auto opened = open_and_read(scan.path, access, share);
  if (!opened) {  // the refused open is in the trace; this scan is given up
    end_scan(scan_id);
    return;
  }
  scan.handle = opened->handle;
  if (spec_.keeps_section) {
    // A refusal (an empty file, 1006) is in the trace; the scan goes on without a view.
    const auto view = context_.vfs.map_data(actor_, scan.handle, PageProtection::readonly);
    if (view.ok()) scan.view = view.value();
  }
  const TimeUs per_mb_us = spec_.per_mb ? draw(*spec_.per_mb) : kDefaultPerMbUs;
  const TimeUs hold_us = hold_for_size_us(per_mb_us, opened->size_bytes, kScanMinUs);
  const TimeUs now_us = context_.kernel.now();
  context_.trace.add(now_us, spec_.name, "scan_start",
                     {{"path", scan.path},
                      {"trigger", std::string(scan.trigger)},
                      {"for_us", static_cast<int64_t>(hold_us)}});
  wake_after(hold_us, HolderWake<Wake>{Wake::end_scan, scan_id});
}

void Antivirus::end_scan(uint64_t scan_id) {
  const auto found = scans_.find(scan_id);
  DISTSIM_ASSERT(found != scans_.end());
  if (found->second.handle != 0) context_.vfs.close(actor_, found->second.handle);
  if (found->second.view != 0) {
    wake_after(draw(*spec_.keeps_section), HolderWake<Wake>{Wake::end_view, found->second.view});
  }
  scanning_keys_.erase(found->second.key);
  scans_.erase(found);
  DISTSIM_ASSERT(scans_.size() == scanning_keys_.size());
}

}  // namespace distsim::sim
