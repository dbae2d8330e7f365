// script: a holder that does exactly what its steps say (open/close/lock/unlock/write/delete/
// rename, run/exit of a program, set_attributes/get_attributes at given times), checking each
// step's optional `expect` against the actual result. `delete` of a directory is RemoveDirectory
// (32 from a handle without FILE_SHARE_DELETE, such as a process's current directory; 145 when
// not empty); of a file, DeleteFile. `run` maps the file as a running program's image until its
// `exit` (or the end of the run).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/holders/holder.h"

namespace distsim::sim {

class ScriptHolder final : public Holder {
 public:
  using Holder::Holder;
  void start() override;
  void on_event(uint64_t payload) override;
  // A step with an `expect` that never ran (timed after the end of the run, or the run stopped
  // early) fails: an expectation the run never judged must not read as one that held.
  void finish() override;

 private:
  [[nodiscard]] Win32Error run_step(const ScriptStep& step, std::string& what);
  [[nodiscard]] Win32Error run_program(const ScriptStep& step);
  [[nodiscard]] std::optional<HandleId> bound_handle(const std::string& name) const;
  [[nodiscard]] std::string step_what(size_t index) const;  // "step 2 (open 'C:\a')"

  std::map<std::string, HandleId> handles_;  // by the step's `as` name: file handles, and the
                                             // image sections of programs `run` started
  // By name, the failed step that should have bound it, for the steps it makes skip: "step 2
  // (open 'C:\a') failed with ERROR_FILE_NOT_FOUND".
  std::map<std::string, std::string> unbound_why_;
  std::vector<TimeUs> step_times_;  // each step's time, drawn at start()
  size_t steps_run_ = 0;            // steps run in order: the first this many ran
};

}  // namespace distsim::sim
