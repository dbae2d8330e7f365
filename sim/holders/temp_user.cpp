// temp_user's one hold: create the parent directory and the file if needed, open it.
#include "sim/holders/temp_user.h"

namespace distsim::sim {

std::vector<HandleId> TempUser::acquire() {
  const auto access = spec_.access.value_or(
      AccessMask{model::access_bits::kGenericRead | model::access_bits::kGenericWrite});
  const auto share = spec_.share.value_or(ShareMode{0});
  auto parsed = parse_windows_path(spec_.path);
  if (parsed.ok() && !parsed.value().is_root()) {
    (void)context_.vfs.create_directories(actor_, parsed.value().parent().display());
  }
  const bool existed = context_.vfs.exists(spec_.path);
  auto opened = context_.vfs.open(
      actor_,
      {spec_.path, access, share, model::CreateDisposition::open_always, spec_.delete_on_close});
  if (!opened.ok()) return {};
  if (!existed) {
    (void)context_.vfs.write(actor_, opened.value(),
                             FileContent{spec_.size_bytes, context_.vfs.new_content_version()});
  }
  return {opened.value()};
}

}  // namespace distsim::sim
