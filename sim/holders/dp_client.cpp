// dp_client's one hold: open the file on the DP share, as a client running it does.
#include "sim/holders/dp_client.h"

namespace distsim::sim {

std::vector<HandleId> DpClient::acquire() {
  using namespace model::access_bits;
  const auto access = spec_.access.value_or(AccessMask{kGenericRead | kGenericExecute});
  const auto share = spec_.share.value_or(ShareMode{model::share_bits::kRead});
  auto opened = context_.vfs.open(
      actor_, {spec_.path, access, share, model::CreateDisposition::open_existing});
  if (!opened.ok()) return {};
  return {opened.value()};
}

}  // namespace distsim::sim
