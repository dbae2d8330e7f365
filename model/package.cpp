// Names of package and distribution-point states.
#include "model/package.h"

#include "model/assert.h"

namespace distsim::model {

std::string_view package_state_name(PackageState state) {
  switch (state) {
    case PackageState::pending:
      return "pending";
    case PackageState::retrying:
      return "retrying";
    case PackageState::installed:
      return "installed";
    case PackageState::failed:
      return "failed";
  }
  DISTSIM_ASSERT(false);
}

std::string_view dp_state_name(DpState state) {
  switch (state) {
    case DpState::install_pending:
      return "INSTALL_PENDING";
    case DpState::install_retrying:
      return "INSTALL_RETRYING";
    case DpState::install_failed:
      return "INSTALL_FAILED";
    case DpState::installed:
      return "INSTALLED";
  }
  DISTSIM_ASSERT(false);
}

std::string_view dp_state_short_name(DpState state) {
  switch (state) {
    case DpState::install_pending:
      return "pending";
    case DpState::install_retrying:
      return "retrying";
    case DpState::install_failed:
      return "failed";
    case DpState::installed:
      return "installed";
  }
  DISTSIM_ASSERT(false);
}

}  // namespace distsim::model
