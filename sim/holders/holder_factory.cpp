// Maps holder kinds to their classes.
#include "sim/holders/holder_factory.h"

#include "model/assert.h"
#include "sim/holders/antivirus.h"
#include "sim/holders/backup.h"
#include "sim/holders/dp_client.h"
#include "sim/holders/explorer_window.h"
#include "sim/holders/indexer.h"
#include "sim/holders/script_holder.h"
#include "sim/holders/temp_user.h"

namespace distsim::sim {

std::unique_ptr<Holder> make_holder(const HolderContext& context, const HolderSpec& spec) {
  switch (spec.kind) {
    case HolderKind::temp_user:
      return std::make_unique<TempUser>(context, spec);
    case HolderKind::explorer_window:
      return std::make_unique<ExplorerWindow>(context, spec);
    case HolderKind::antivirus:
      return std::make_unique<Antivirus>(context, spec);
    case HolderKind::indexer:
      return std::make_unique<Indexer>(context, spec);
    case HolderKind::backup:
      return std::make_unique<Backup>(context, spec);
    case HolderKind::dp_client:
      return std::make_unique<DpClient>(context, spec);
    case HolderKind::script:
      return std::make_unique<ScriptHolder>(context, spec);
  }
  DISTSIM_ASSERT(false);
}

}  // namespace distsim::sim
