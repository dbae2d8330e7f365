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
}

bool MemoryStateStore::retry_history_deleted(std::string_view id) const {
  const auto found = retry_history_keys_.find(id);
  return found != retry_history_keys_.end() && found->second == RetryHistoryKey::deleted;
}

void MemoryStateStore::write_retry_history(std::string_view id) {
  const auto found = retry_history_keys_.find(id);
  if (found != retry_history_keys_.end()) {
    found->second = RetryHistoryKey::written;
  } else {
    retry_history_keys_.emplace(std::string(id), RetryHistoryKey::written);
  }
}

void MemoryStateStore::start_retry_cycle(std::string_view id) {
  const auto found = retry_history_keys_.find(id);
  if (found != retry_history_keys_.end() && found->second == RetryHistoryKey::deleted) {
    found->second = RetryHistoryKey::absent;
  }
}

bool MemoryStateStore::delete_retry_history(std::string_view id) {
  const auto found = retry_history_keys_.find(id);
  if (found == retry_history_keys_.end() || found->second != RetryHistoryKey::written) return false;
  found->second = RetryHistoryKey::deleted;
  return true;
}

model::StoredPackage* MemoryStateStore::saved_form(std::string_view id) {
  const auto found = index_by_id_.find(id);
  return found == index_by_id_.end() ? nullptr : &packages_[found->second];
}

std::vector<model::StoredPackage> MemoryStateStore::load_packages() const { return packages_; }

}  // namespace distsim::sim
