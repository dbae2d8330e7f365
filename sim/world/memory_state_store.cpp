// In-memory persistence for the manager's state.
#include "sim/world/memory_state_store.h"

namespace distsim::sim {

void MemoryStateStore::save_package(const model::StoredPackage& package) {
  const auto [found, inserted] = index_by_id_.emplace(package.definition.id, packages_.size());
  if (inserted) {
    packages_.push_back(package);
  } else {
    packages_[found->second] = package;
  }
}

std::vector<model::StoredPackage> MemoryStateStore::load_packages() const { return packages_; }

}  // namespace distsim::sim
