// dp_client's one hold: open the file on the DP share and map it as an image, as a client running
// it does.
#include "sim/holders/dp_client.h"

namespace distsim::sim {

std::vector<HandleId> DpClient::acquire() {
  using namespace model::access_bits;
  const auto access = spec_.access.value_or(AccessMask{kGenericRead | kGenericExecute});
  const auto share = spec_.share.value_or(ShareMode{model::share_bits::kRead});
  auto opened = context_.vfs.open(
      actor_, {spec_.path, access, share, model::CreateDisposition::open_existing});
  if (!opened.ok()) return {};
  if (!spec_.image) return {opened.value()};
  // The section is released before the handle when the hold ends (the program exits, then its
  // file is closed). A handle that cannot be mapped (no FILE_READ_DATA) is still held.
  const auto section = context_.vfs.map_image(actor_, opened.value());
  if (!section.ok()) return {opened.value()};
  return {section.value(), opened.value()};
}

}  // namespace distsim::sim
