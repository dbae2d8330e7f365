// Lock holders: actors that open and close handles on a schedule. Every holder acts only through
// VirtualFileSystem calls with explicit access and share flags, so whatever it blocks is blocked
// by the sharing rule, never by a special case. This file owns the common part: the context a
// holder acts in, step findings, and the at/for/until/every/count schedule of repeated holds.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/kernel.h"
#include "sim/prng.h"
#include "sim/scenario.h"
#include "sim/trace.h"
#include "sim/vfs.h"

namespace distsim::sim {

// A result a holder was told to expect and did not get (a script step's `expect`).
struct HolderFinding {
  std::string holder;
  std::string what;    // "step 3 (open 'C:\Src\a.txt')"
  std::string detail;  // "expected ERROR_SHARING_VIOLATION, got ok"
  TimeUs t_us = 0;
  SourcePosition position;
  bool ok = false;
};

struct HolderContext {
  Kernel& kernel;
  VirtualFileSystem& vfs;
  Trace& trace;
  std::vector<HolderFinding>& findings;
  TimeUs horizon_us;
  uint64_t seed;
};

class Holder : public EventTarget {
 public:
  Holder(HolderContext context, HolderSpec spec);
  // Schedules the holder's first event. Call once, before the run.
  virtual void start() = 0;
  [[nodiscard]] const std::string& name() const { return spec_.name; }
  [[nodiscard]] ActorId actor() const { return actor_; }

  // Every VFS operation of every actor, as it happens (the holder's own included). A holder that
  // reacts (an antivirus scanning a file just written) must not call the VFS from here: it
  // schedules an event at kernel.now() instead, so operations never nest.
  virtual void on_vfs_event(const VfsEvent& event) { static_cast<void>(event); }

 protected:
  [[nodiscard]] TimeUs draw(const DurationSpec& duration);
  void note_step(std::string what, bool ok, std::string detail, SourcePosition position);

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
  void begin(uint32_t occurrence);
  void end(uint32_t occurrence);

  std::map<uint32_t, std::vector<HandleId>> held_;  // by occurrence
  TimeUs next_begin_us_ = 0;
};

}  // namespace distsim::sim
