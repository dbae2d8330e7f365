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
  [[nodiscard]] bool retry_history_deleted(std::string_view id) override;
  [[nodiscard]] bool retry_history_gone(std::string_view id) const override;
  void write_retry_history(std::string_view id) override;
  void start_retry_cycle(std::string_view id) override;

  // An administrator deletes the package's Retry History key. Returns whether there was one (the
  // manager writes it when a pass of the package ends); without one nothing changes. The stored
  // package stays: a restarted manager still knows its retry, and drops it when it reads the key.
  // Deletions are numbered in call order from 0, whether or not there was a key.
  bool delete_retry_history(std::string_view id);
  // Whether the manager read the key while deletion number `deletion` was in force (it then found
  // the key gone and dropped the retry it was about to make).
  [[nodiscard]] bool deletion_found(size_t deletion) const;

 private:
  std::vector<model::StoredPackage> packages_;  // in first-save order
  enum class RetryHistoryKeyState : uint8_t { absent, written, deleted };
  struct RetryHistoryKey {
    RetryHistoryKeyState state = RetryHistoryKeyState::absent;
    size_t deletion = 0;  // while deleted: the number of the deletion
  };
  // By package id, apart from packages_: a pass may end (and write the key) in the very step
  // that created the package, before the package itself is saved.
  std::map<std::string, RetryHistoryKey, std::less<>> retry_history_keys_;
  std::vector<bool> deletions_found_;  // by deletion number
  std::map<std::string, size_t, std::less<>> index_by_id_;
};

}  // namespace distsim::sim
