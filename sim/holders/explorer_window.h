// explorer_window: a folder open in Windows Explorer (KB Q207416's second cause). The window
// watches the folder with FILE_LIST_DIRECTORY|SYNCHRONIZE, share read|write|delete (Wine's
// FindFirstChangeNotification, sim/fs/README.md). With thumbnails it also keeps
// Thumbs.db in that folder open GENERIC_READ|GENERIC_WRITE, share read, for the life of the
// window: that Thumbs.db hold is this simulator's assumption (no KB names Thumbs.db as a distmgr
// cause), and it is what makes a reader without FILE_SHARE_WRITE fail with error 32.
#pragma once

#include "sim/holders/holder.h"

namespace distsim::sim {

class ExplorerWindow final : public RepeatingHolder {
 public:
  using RepeatingHolder::RepeatingHolder;

 private:
  [[nodiscard]] std::vector<HandleId> acquire() override;
};

}  // namespace distsim::sim
