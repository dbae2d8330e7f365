// Blame of a refusal: which open handles made the virtual file system refuse an operation. Only
// refusal paths call these, so a successful open, delete or rename never pays for them; the
// entries are read back through VirtualFileSystem::last_blame().
#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/sharing_rule.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim::vfs_internal {

void State::blame_handle(HandleId id) {
  DISTSIM_ASSERT(blame_.size() < kBlameEntriesMax);
  const size_t index = find_handle_index(id);
  DISTSIM_ASSERT(index != kNoIndex);
  const Handle& handle = handles_[index];
  BlameEntry entry;
  entry.handle = handle.id;
  entry.actor = handle.actor;
  entry.path = node_display(handle.node);
  entry.access = AccessMask{handle.requested};
  entry.share = ShareMode{handle.share};
  entry.directory = nodes_[handle.node].kind == NodeKind::directory;
  entry.since_us = handle.opened_us;
  blame_.push_back(std::move(entry));
}

void State::blame_sharing(const Node& node, AccessMask access, ShareMode share) {
  const AccessMask class_bits{sharing_class_bits(access)};
  for (const NodeHandle& held : node.handles) {
    if (blame_.size() >= kBlameEntriesMax) return;
    if (sharing_conflicts(AccessMask{held.class_bits}, ShareMode{held.share_bits}, class_bits,
                          share)) {
      blame_handle(held.id);
    }
  }
}

void State::blame_all_handles(const Node& node) {
  for (const NodeHandle& held : node.handles) {
    if (blame_.size() >= kBlameEntriesMax) return;
    blame_handle(held.id);
  }
}

void State::blame_sections(NodeId id, SectionsBlamed which) {
  for (const Section& section : sections_) {
    if (blame_.size() >= kBlameEntriesMax) return;
    if (section.node != id) continue;
    if (which == SectionsBlamed::images && !section.image) continue;
    if (which == SectionsBlamed::writable &&
        (section.image || section.protection != PageProtection::readwrite)) {
      continue;
    }
    BlameEntry entry;
    entry.handle = section.id;
    entry.actor = section.actor;
    entry.path = node_display(id);
    entry.access = AccessMask{section.requested};
    entry.share = ShareMode{section.share};
    entry.since_us = section.mapped_us;
    entry.by_image = section.image;
    entry.by_data_section = !section.image;
    entry.protection = section.protection;
    blame_.push_back(std::move(entry));
  }
}

// Walks the subtree in name order; the walk is bounded by the entries it may still name, and
// runs only for a directory rename already refused.
void State::blame_descendants(NodeId id) {
  std::vector<NodeId> pending{id};
  while (!pending.empty() && blame_.size() < kBlameEntriesMax) {
    const NodeId at = pending.back();
    pending.pop_back();
    if (at != id) blame_all_handles(nodes_[at]);
    nodes_[at].children.for_each_reverse([&pending](NameId, NodeId child) {
      pending.push_back(child);
      return true;
    });
  }
}

}  // namespace distsim::sim::vfs_internal
