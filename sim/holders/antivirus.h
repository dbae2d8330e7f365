// antivirus: an on-access scanner's own open/read/close of a file right after another process
// wrote it (sim/holders/README.md, "Antivirus on-access scanner" (b), [rustup-1912]
// [krew-631]), and optionally when another process opens it. It blocks only through its handle:
//
// - Triggers (`on`): `write_close` (default), the close of another actor's handle that wrote a
//   file under `scope`; `open`, another actor's successful open of a file under `scope`. The
//   scanner's own operations never trigger it. Only while active: `at`/`for`/`until`, repeated by
//   `every`/`count`, give the windows in which it reacts (default: from 0s to the end of the run).
// - The scan: open GENERIC_READ (sim/holders/README.md: "read access"), share FILE_SHARE_READ by
//   default. The facts call the scanners' share mode undocumented and report no
//   FILE_SHARE_DELETE [fnm-1583]; share read is the format's default (scenarios/FORMAT.md) and
//   `share: []` models the older exclusive scanners that also block readers. `access`/`share`
//   override both.
// - How long: `per_mb` x the file's size, at least 1 ms. Default 50 ms per MB, this simulator's
//   assumption, chosen to fall in the reported range: CloseHandle waits of 1-10+ ms per written
//   file [hg-closer][szorc] (a small file here: 1 ms) and 275 ms for one larger file on Server
//   2016, "times grows with dimension of file" [wsdocs-502] (a 4 MB file here: 200 ms).
//   A distribution in `per_mb` is drawn once per scan.
// - Scans run concurrently, one per file; a trigger for a file already queued or being scanned is
//   absorbed by that scan. A scan whose open fails (the writer reopened it, it was deleted) is
//   dropped: the refused open is in the trace. At most kAntivirusScansPendingMax scans are queued
//   or running; a trigger past that is dropped and traced as `scan_dropped`.
//
// - `keeps_section` (off by default): the scan maps the file as a read-only data section and, when
//   it closes its handle, keeps that view for this long (a distribution is drawn per scan). The
//   facts report that Defender "may also keep a memory-mapped section after close" [winfsp-206]
//   and call it uncertain, so it is an option: while the view lasts, deleting the file fails with
//   5 and truncating opens with 1224 (sim/fs/README.md), whatever the scan's share mode. A file
//   that cannot be mapped (an empty one) is scanned without a view.
//
// What distsim does not model: the scan inside the opener's own open/close path (facts 3 (a), no
// extra handle, only a slower CloseHandle).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "sim/holders/holder.h"

namespace distsim::sim {

class Antivirus final : public Holder {
 public:
  static constexpr TimeUs kDefaultPerMbUs = 50 * model::kMicrosecondsPerMillisecond;
  static constexpr TimeUs kScanMinUs = 1 * model::kMicrosecondsPerMillisecond;

  Antivirus(HolderContext context, HolderSpec spec);
  void start() override;
  void on_event(uint64_t payload) override;
  void on_vfs_event(const VfsEvent& event) override;
  [[nodiscard]] VfsInterest vfs_interest() const override;

 private:
  // begin_scan and end_scan: index is the scan id; end_view: the data section's id.
  enum class Wake : uint8_t { begin_scan, end_scan, end_view };

  struct Scan {
    std::string path;
    std::string key;           // upper-cased path
    std::string_view trigger;  // "write_close" or "open"
    HandleId handle = 0;
    HandleId view = 0;  // with keeps_section: the read-only data section mapped by the scan
  };

  [[nodiscard]] bool triggered_by(const VfsEvent& event);
  void request_scan(const std::string& path, std::string_view trigger);
  void begin_scan(uint64_t scan_id);
  void end_scan(uint64_t scan_id);

  PathScope scope_;
  ActiveSpans active_;
  bool on_write_close_ = true;
  bool on_open_ = false;
  std::set<HandleId> written_;           // other actors' open handles that wrote in scope
  std::map<uint64_t, Scan> scans_;       // queued or running, by id
  std::set<std::string> scanning_keys_;  // keys of scans_, to absorb repeated triggers
  uint64_t next_scan_id_ = 0;
};

}  // namespace distsim::sim
