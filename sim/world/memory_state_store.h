// The simulator's state store: the Distribution Manager's persisted state (the registry's Retry
// History and the site database's package records) kept in memory, outliving any one manager
// process so that a restart after a crash reads it back.
#pragma once

#include <cstdint>
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
  void write_retry_history(std::string_view id) override;
  void start_retry_cycle(std::string_view id) override;

  // An administrator deletes the package's Retry History key. Returns whether there was one (the
  // manager writes it when a pass of the package ends); without one nothing changes. The stored
  // package stays: a restarted manager still knows its retry, and drops it when it reads the key.
  bool delete_retry_history(std::string_view id);

 private:
  std::vector<model::StoredPackage> packages_;  // in first-save order
  enum class RetryHistoryKey : uint8_t { absent, written, deleted };
  // By package id, apart from packages_: a pass may end (and write the key) in the very step
  // that created the package, before the package itself is saved.
  std::map<std::string, RetryHistoryKey, std::less<>> retry_history_keys_;
  std::map<std::string, size_t, std::less<>> index_by_id_;
};

}  // namespace distsim::sim
