// dp_client: a client running setup from a distribution point (KB Q202063: if a client has a
// file open while the package is copied to the DP, distribution fails or retries endlessly;
// model/README.md). It opens `path` (on a DP share) with GENERIC_READ|GENERIC_EXECUTE, share
// FILE_SHARE_READ (scenarios/FORMAT.md's default; GENERIC_EXECUTE is read class,
// sim/fs/README.md), and with `image: true` (the default) maps it as a running program's image,
// for `for` / until `until` / to the end of the run, repeated by `every` + `count`;
// `access`/`share` override. The image refuses writes and truncation with 32 and deletion with 5
// whatever the share modes (sim/fs/README.md); with the default share-read handle the sharing
// rule already refuses the manager's DP copy (GENERIC_WRITE, share 0, CREATE_ALWAYS) and delete
// with 32 first. That the image section stands on the DP server for a program run over the
// network is an assumption (sim/holders/README.md). A file not on the DP yet is not held (the
// refused open, error 2, is in the trace).
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
