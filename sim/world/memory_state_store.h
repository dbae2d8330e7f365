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

 private:
  std::vector<model::StoredPackage> packages_;  // in first-save order
  std::map<std::string, size_t, std::less<>> index_by_id_;
};

}  // namespace distsim::sim
