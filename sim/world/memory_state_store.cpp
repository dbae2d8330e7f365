// In-memory persistence for the manager's state, and the administrator's deletion of a package's
// retry history.
#include "sim/world/memory_state_store.h"

#include <utility>

namespace distsim::sim {

void MemoryStateStore::save_package(model::StoredPackage&& package) {
  // Found first: a package saved again (every step of its copies) costs no key copy, and the
  // package is swapped in, so the caller's next save refills the strings and vectors of the form
  // it replaced.
  if (const auto found = index_by_id_.find(package.definition.id); found != index_by_id_.end()) {
    std::swap(packages_[found->second], package);
    return;
  }
  index_by_id_.emplace(package.definition.id, packages_.size());
  packages_.push_back(std::move(package));
  retry_history_deleted_.push_back(false);
}

bool MemoryStateStore::retry_history_deleted(std::string_view id) const {
  const auto found = index_by_id_.find(id);
  return found != index_by_id_.end() && retry_history_deleted_[found->second];
}

void MemoryStateStore::rewrite_retry_history(std::string_view id) {
  const auto found = index_by_id_.find(id);
  if (found != index_by_id_.end()) retry_history_deleted_[found->second] = false;
}

bool MemoryStateStore::delete_retry_history(std::string_view id) {
  const auto found = index_by_id_.find(id);
  if (found == index_by_id_.end()) return false;
  packages_[found->second].retry = {};
  retry_history_deleted_[found->second] = true;
  return true;
}

model::StoredPackage* MemoryStateStore::saved_form(std::string_view id) {
  const auto found = index_by_id_.find(id);
  return found == index_by_id_.end() ? nullptr : &packages_[found->second];
}

std::vector<model::StoredPackage> MemoryStateStore::load_packages() const { return packages_; }

}  // namespace distsim::sim
