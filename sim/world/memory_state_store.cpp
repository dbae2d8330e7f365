// In-memory persistence for the manager's state, and the administrator's deletion of a package's
// retry history.
#include "sim/world/memory_state_store.h"

#include <utility>

#include "model/assert.h"

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

bool MemoryStateStore::retry_history_deleted(std::string_view id) {
  if (!retry_history_gone(id)) return false;
  deletions_found_[retry_history_keys_.find(id)->second.deletion] = true;
  return true;
}

bool MemoryStateStore::retry_history_gone(std::string_view id) const {
  const auto found = retry_history_keys_.find(id);
  return found != retry_history_keys_.end() && found->second.state == RetryHistoryKeyState::deleted;
}

void MemoryStateStore::write_retry_history(std::string_view id) {
  const auto found = retry_history_keys_.find(id);
  if (found != retry_history_keys_.end()) {
    found->second.state = RetryHistoryKeyState::written;
  } else {
    retry_history_keys_.emplace(std::string(id), RetryHistoryKey{RetryHistoryKeyState::written});
  }
}

void MemoryStateStore::start_retry_cycle(std::string_view id) {
  const auto found = retry_history_keys_.find(id);
  if (found != retry_history_keys_.end() && found->second.state == RetryHistoryKeyState::deleted) {
    found->second.state = RetryHistoryKeyState::absent;
  }
}

bool MemoryStateStore::delete_retry_history(std::string_view id) {
  const size_t deletion = deletions_found_.size();
  deletions_found_.push_back(false);
  const auto found = retry_history_keys_.find(id);
  if (found == retry_history_keys_.end() || found->second.state != RetryHistoryKeyState::written) {
    return false;
  }
  found->second = {RetryHistoryKeyState::deleted, deletion};
  return true;
}

bool MemoryStateStore::deletion_found(size_t deletion) const {
  DISTSIM_ASSERT(deletion < deletions_found_.size());
  return deletions_found_[deletion];
}

model::StoredPackage* MemoryStateStore::saved_form(std::string_view id) {
  const auto found = index_by_id_.find(id);
  return found == index_by_id_.end() ? nullptr : &packages_[found->second];
}

std::vector<model::StoredPackage> MemoryStateStore::load_packages() const { return packages_; }

}  // namespace distsim::sim
