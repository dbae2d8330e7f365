// The simulator's state store: the Distribution Manager's persisted state (the registry's Retry
// History and the site database's package records) kept in memory, outliving any one manager
// process so that a restart after a crash reads it back.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/state_store.h"

namespace distsim::sim {

class MemoryStateStore final : public model::StateStorePort {
 public:
  void save_package(model::StoredPackage&& package) override;
  [[nodiscard]] model::StoredPackage* saved_form(std::string_view id) override;
  [[nodiscard]] std::vector<model::StoredPackage> load_packages() const override;
  [[nodiscard]] bool retry_history_deleted(std::string_view id) const override;
  void rewrite_retry_history(std::string_view id) override;

  // An administrator deletes the package's Retry History key: its stored retry state is gone
  // (nothing done, nothing due) and retry_history_deleted says so until the manager writes the
  // history anew. Returns false, changing nothing, for a package never saved.
  bool delete_retry_history(std::string_view id);

 private:
  std::vector<model::StoredPackage> packages_;  // in first-save order
  std::vector<bool> retry_history_deleted_;     // parallel to packages_
  std::map<std::string, size_t, std::less<>> index_by_id_;
};

}  // namespace distsim::sim
