// In-memory persistence for the manager's state.
#include "sim/world/memory_state_store.h"

namespace distsim::sim {

void MemoryStateStore::save_package(const model::StoredPackage& package) {
  // Found first: a package saved again (every step of its copies) costs no key copy, and the
  // copy-assignment reuses the strings and vectors of the stored form.
  if (const auto found = index_by_id_.find(package.definition.id); found != index_by_id_.end()) {
    packages_[found->second] = package;
    return;
  }
  index_by_id_.emplace(package.definition.id, packages_.size());
  packages_.push_back(package);
}

std::vector<model::StoredPackage> MemoryStateStore::load_packages() const { return packages_; }

}  // namespace distsim::sim
