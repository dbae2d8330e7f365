// Lock holders: actors that open and close handles on a schedule. Every holder acts only through
// VirtualFileSystem calls with explicit access and share flags, so whatever it blocks is blocked
// by the sharing rule, never by a special case. This file owns the common part: the context a
// holder acts in, step findings, the at/for/until/every/count schedule of repeated holds, and
// HolderWake, the one meaning every holder gives the kernel's event payload.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/assert.h"
#include "sim/core/kernel.h"
#include "sim/core/prng.h"
#include "sim/core/trace.h"
#include "sim/fs/vfs.h"
#include "sim/scenario/scenario.h"

namespace distsim::sim {

// A script step's result the run reports: the outcome of its `expect`, or (`unjudged`) a step
// that did not run although nothing was expected of it (its handle was never opened), which the
// summary lists without judging.
struct HolderFinding {
  std::string holder;
  std::string what;    // "step 3 (open 'C:\Src\a.txt')"
  std::string detail;  // "expected ERROR_SHARING_VIOLATION, got ok"
  TimeUs t_us = 0;
  SourcePosition position;
  bool ok = false;
  bool unjudged = false;
  // A step with `expect`: the result it names, and the one the step got, or (`ran` false) why it
  // got none ("not run: ..."); `detail` puts them in a sentence. Empty for an unjudged step.
  std::string expected;
  std::string actual;
  bool ran = false;
};

struct HolderContext {
  Kernel& kernel;
  VirtualFileSystem& vfs;
  Trace& trace;
  std::vector<HolderFinding>& findings;
  TimeUs horizon_us;
  uint64_t seed;
};

// What one of a holder's kernel events asks it to do: a kind from the holder's own enumeration
// (begin a scan, end a hold, ...) and the index of what it applies to (an occurrence, a scan, a
// backup run). The kernel carries it as its 64-bit payload; this is the one place that packs and
// unpacks it, with the kind in the low kKindBits bits.
template <typename Kind>
struct HolderWake {
  static_assert(std::is_enum_v<Kind>);
  static constexpr unsigned kKindBits = 2;
  static constexpr uint64_t kKindMask = (uint64_t{1} << kKindBits) - 1;
  static constexpr uint64_t kIndexMax = ~uint64_t{0} >> kKindBits;

  Kind kind{};
  uint64_t index = 0;

  [[nodiscard]] uint64_t payload() const {
    const auto kind_bits = static_cast<uint64_t>(kind);
    DISTSIM_ASSERT(kind_bits <= kKindMask);
    DISTSIM_ASSERT(index <= kIndexMax);
    return (index << kKindBits) | kind_bits;
  }
  // A payload that payload() made; a kind outside the holder's enumerators is for its dispatch to
  // reject.
  [[nodiscard]] static HolderWake from_payload(uint64_t payload) {
    return {static_cast<Kind>(payload & kKindMask), payload >> kKindBits};
  }
};

// One occurrence of a holder's at/for/until/every/count schedule: [begin_us, end_us), where no
// end_us means "to the end of the run".
struct HoldWindow {
  TimeUs begin_us = 0;
  std::optional<TimeUs> end_us;
};

// The union of a holder's windows as disjoint sorted spans, for holders that react to other
// actors while they are active (antivirus, indexer): "is it active at t" is a binary search.
class ActiveSpans {
 public:
  ActiveSpans() = default;
  explicit ActiveSpans(const std::vector<HoldWindow>& windows);
  [[nodiscard]] bool contains(TimeUs t_us) const;

 private:
  std::vector<std::pair<TimeUs, TimeUs>> spans_;  // [begin, end), sorted, disjoint
};

// The directories a holder watches (`scope`, one or more), recursively: which VFS paths lie below
// any of them, compared case-insensitively as Windows does. A directory itself is not "in" its
// scope.
class PathScope {
 public:
  PathScope() = default;
  // Requires at least one directory, each a path parse_windows_path accepts (the loader checked).
  explicit PathScope(const std::vector<std::string>& directories);
  [[nodiscard]] bool contains(std::string_view path) const;
  // contains(event.path()) for a write, remembered per directory (VfsEvent::folder) while the
  // namespace is unchanged: a path's directory alone decides it, as every key ends with a
  // separator. Spares building the path of every file written.
  [[nodiscard]] bool contains_written(const VirtualFileSystem& vfs, const VfsEvent& event);
  // The directories' display forms, in the order given.
  [[nodiscard]] const std::vector<std::string>& directories() const { return displays_; }
  // The directories joined with "; ", as trace records name the scope.
  [[nodiscard]] const std::string& display() const { return display_; }

 private:
  std::vector<std::string> displays_;
  std::string display_;
  std::vector<std::string> prefix_keys_;  // upper-cased displays with a trailing separator
  // contains_written's answers, direct-mapped by directory number.
  struct FolderVerdict {
    uint32_t folder = VfsEvent::kNoFolder;
    uint64_t generation = 0;
    bool inside = false;
  };
  static constexpr size_t kVerdictSlots = 64;
  std::array<FolderVerdict, kVerdictSlots> verdicts_{};
};

// How long a holder keeps a file of `size_bytes` open at `per_mb_us` per MB (1 MB = 1024 KB),
// rounded up and never below `floor_us`; saturates at kRunHorizonMaxUs instead of overflowing.
[[nodiscard]] TimeUs hold_for_size_us(TimeUs per_mb_us, uint64_t size_bytes, TimeUs floor_us);

class Holder : public EventTarget {
 public:
  Holder(HolderContext context, HolderSpec spec);
  // Schedules the holder's first event. Call once, before the run.
  virtual void start() = 0;
  // Called once when a run ends (not when it is abandoned), with the kernel's clock at the end:
  // reports what the holder was asked to do and never did. Nothing by default.
  virtual void finish() {}
  [[nodiscard]] const std::string& name() const { return spec_.name; }
  [[nodiscard]] ActorId actor() const { return actor_; }

  // Every VFS operation of every actor, as it happens (the holder's own included). A holder that
  // reacts (an antivirus scanning a file just written) must not call the VFS from here: it
  // schedules an event at kernel.now() instead, so operations never nest.
  virtual void on_vfs_event(const VfsEvent& event) { static_cast<void>(event); }
  // The events on_vfs_event reacts to (none by default): the world offers VFS events only to
  // holders that react, and asks the VFS only for events someone wants, which keeps the VFS hot
  // path from growing with the number of holders. A holder may be shown more than it asked for.
  [[nodiscard]] virtual VfsInterest vfs_interest() const { return {0, false}; }

 protected:
  [[nodiscard]] TimeUs draw(const DurationSpec& duration);
  // The time every hold ends, drawn once (right after `at`), or nullopt without `until`.
  [[nodiscard]] std::optional<TimeUs> draw_until();
  // Every occurrence of the at/for/until/every/count schedule that begins within the run, drawn
  // in the order RepeatingHolder draws them (at, until, then for and every per occurrence), so a
  // holder built on it sees the same draws as one built on RepeatingHolder.
  [[nodiscard]] std::vector<HoldWindow> draw_windows();
  // True when `path` names an existing file right now (a query: nothing is logged or traced).
  [[nodiscard]] bool is_file(const std::string& path) const;
  // A file this holder opened to read it (a scan, an indexer's read, a backup), with its size
  // after the read.
  struct OpenedFile {
    HandleId handle = 0;
    uint64_t size_bytes = 0;
  };
  // Opens the existing file `path` with `access` and `share` and reads it once, as a scanner,
  // indexer or backup does; nullopt when the open is refused (the refusal is in the trace). A
  // read refused under a byte-range lock (33) does not stop it: the handle stays open. `folder`:
  // the VFS's hint for the file's directory (VirtualFileSystem::folder_hint), when the caller
  // reads several files of it; the open refreshes it when it no longer holds.
  [[nodiscard]] std::optional<OpenedFile> open_and_read(const std::string& path, AccessMask access,
                                                        ShareMode share,
                                                        model::FolderHint* folder = nullptr);
  // Schedules `wake` for this holder at `at_us` (not before now). A wake past the end of the run
  // would never fire, so it is not scheduled.
  template <typename Kind>
  void wake_at(TimeUs at_us, HolderWake<Kind> wake) {
    if (at_us <= context_.horizon_us) context_.kernel.schedule(at_us, *this, wake.payload());
  }
  // wake_at `delay_us` from now, for any delay however long (no overflow).
  template <typename Kind>
  void wake_after(TimeUs delay_us, HolderWake<Kind> wake) {
    DISTSIM_ASSERT(delay_us >= 0);
    const TimeUs now_us = context_.kernel.now();
    if (delay_us <= context_.horizon_us - now_us) wake_at(now_us + delay_us, wake);
  }
  // A judged step's finding (HolderFinding says what `expected`, `actual` and `ran` hold).
  void note_step(std::string what, bool ok, std::string detail, SourcePosition position,
                 std::string expected, std::string actual, bool ran);
  // A step without `expect` that did not run: listed in the summary, not judged.
  void note_skipped_step(std::string what, std::string detail, SourcePosition position);

  HolderContext context_;
  HolderSpec spec_;
  ActorId actor_;
  Prng random_;
};

// A holder whose holds follow at / for / until / every / count: occurrence k begins at
// at + every_1 + ... + every_k and ends `for` later, at `until`, or never (end of the run).
class RepeatingHolder : public Holder {
 public:
  using Holder::Holder;
  void start() final;
  void on_event(uint64_t payload) final;

 protected:
  // Opens what one hold opens; returns the handles to close when it ends.
  [[nodiscard]] virtual std::vector<HandleId> acquire() = 0;

 private:
  enum class Wake : uint8_t { begin, end };

  void begin(uint32_t occurrence);
  void end(uint32_t occurrence);

  std::map<uint32_t, std::vector<HandleId>> held_;  // by occurrence
  TimeUs next_begin_us_ = 0;
  std::optional<TimeUs> until_us_;
};

}  // namespace distsim::sim
