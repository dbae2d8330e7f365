// explorer_window's one hold: the folder handle, then Thumbs.db when thumbnails are on.
#include "sim/holders/explorer_window.h"

#include "model/assert.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim {

std::vector<HandleId> ExplorerWindow::acquire() {
  using namespace model::access_bits;
  std::vector<HandleId> handles;
  const auto folder_access =
      spec_.access.value_or(AccessMask{kFileReadData /* FILE_LIST_DIRECTORY */ | kSynchronize});
  const auto folder_share = spec_.share.value_or(ShareMode{model::share_bits::kAll});
  auto folder = context_.vfs.open(
      actor_, {spec_.path, folder_access, folder_share, model::CreateDisposition::open_existing});
  if (folder.ok()) handles.push_back(folder.value());
  if (!spec_.thumbnails || !folder.ok()) return handles;
  // Through the path parser, so that a folder written with a trailing separator or a drive root
  // names its Thumbs.db as Explorer does instead of with a doubled separator.
  const auto folder_path = parse_windows_path(spec_.path);
  DISTSIM_ASSERT(folder_path.ok());  // the open above accepted it
  const std::string thumbs_path = folder_path.value().child("Thumbs.db").display();
  const bool existed = context_.vfs.exists(thumbs_path);
  auto thumbs = context_.vfs.open(
      actor_,
      {thumbs_path, spec_.thumbnails_access.value_or(AccessMask{kGenericRead | kGenericWrite}),
       spec_.thumbnails_share.value_or(ShareMode{model::share_bits::kRead}),
       model::CreateDisposition::open_always});
  if (!thumbs.ok()) return handles;
  handles.push_back(thumbs.value());
  if (!existed) {
    // Assumption: a fresh thumbnail cache of 4 KB, written when the window first renders.
    (void)context_.vfs.write(actor_, thumbs.value(),
                             FileContent{4096, context_.vfs.new_content_version()});
  }
  return handles;
}

}  // namespace distsim::sim
