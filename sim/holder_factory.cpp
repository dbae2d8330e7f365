// Maps holder kinds to their classes.
#include "sim/holder_factory.h"

#include "model/assert.h"
#include "sim/explorer_window.h"
#include "sim/script_holder.h"
#include "sim/temp_user.h"

namespace distsim::sim {

bool holder_kind_supported(HolderKind kind) {
  switch (kind) {
    case HolderKind::temp_user:
    case HolderKind::explorer_window:
    case HolderKind::script:
      return true;
    case HolderKind::antivirus:
    case HolderKind::indexer:
    case HolderKind::backup:
    case HolderKind::dp_client:
      return false;
  }
  DISTSIM_ASSERT(false);
}

std::unique_ptr<Holder> make_holder(const HolderContext& context, const HolderSpec& spec) {
  switch (spec.kind) {
    case HolderKind::temp_user:
      return std::make_unique<TempUser>(context, spec);
    case HolderKind::explorer_window:
      return std::make_unique<ExplorerWindow>(context, spec);
    case HolderKind::script:
      return std::make_unique<ScriptHolder>(context, spec);
    default:
      DISTSIM_ASSERT(holder_kind_supported(spec.kind));
      return nullptr;
  }
}

}  // namespace distsim::sim
