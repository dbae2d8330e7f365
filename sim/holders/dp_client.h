// dp_client: a client running setup from a distribution point (KB Q202063: if a client has a
// file open while the package is copied to the DP, distribution fails or retries endlessly;
// model/README.md). It opens `path` (on a DP share) with GENERIC_READ|GENERIC_EXECUTE, share
// FILE_SHARE_READ (scenarios/FORMAT.md's default; GENERIC_EXECUTE is read class, sim/fs/README.md), for
// `for` / until `until` / to the end of the run, repeated by `every` + `count`; `access`/`share`
// override. A running setup.exe is also an image section, which refuses FILE_WRITE_DATA opens with
// 32 (sim/fs/README.md); distsim has no sections, and the share-read handle gives the same 32 to the
// manager's DP copy (GENERIC_WRITE, share 0, CREATE_ALWAYS). A file not on the DP yet is not held
// (the refused open, error 2, is in the trace).
#pragma once

#include "sim/holders/holder.h"

namespace distsim::sim {

class DpClient final : public RepeatingHolder {
 public:
  using RepeatingHolder::RepeatingHolder;

 private:
  [[nodiscard]] std::vector<HandleId> acquire() override;
};

}  // namespace distsim::sim
