// The network links the Distribution Manager copies over: every copy under way to a distribution
// point gets an equal share of that DP's bandwidth and, when the site sets one, an equal share of
// the site server's outgoing bandwidth; a copy's rate is the smaller of the two. Rates change
// whenever a copy starts or ends, so completion times are recomputed then: for every copy when
// the site limits its outgoing bandwidth, else only for the copies to the same DP (the others
// keep their rates, so their progress is brought up to date later, with the same result).
// Integer arithmetic only, and transfers are kept in key order, so the same copies always finish
// at the same times.
#pragma once

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/time.h"

namespace distsim::model {

class DpLinks {
 public:
  struct Key {
    uint32_t package_index = 0;
    uint32_t job_index = 0;
    friend auto operator<=>(const Key&, const Key&) = default;
  };

  // outgoing_bytes_per_second: the site server's limit over all copies; nullopt for none.
  explicit DpLinks(std::optional<uint64_t> outgoing_bytes_per_second)
      : outgoing_bytes_per_second_(outgoing_bytes_per_second) {}

  // A copy of size_bytes to DP dp_index (whose bandwidth is dp_bytes_per_second) starts at now_us.
  // Requires a key not under way and dp_bytes_per_second >= 1.
  void start(Key key, uint32_t dp_index, uint64_t dp_bytes_per_second, uint64_t size_bytes,
             TimeUs now_us);
  // The copy ended (finished or abandoned) at now_us. Requires a key under way.
  void stop(Key key, TimeUs now_us);
  // The copy finished its file at now_us and starts its next one, of size_bytes, on the same DP:
  // the same as stop then start. Every share stays as it was (the same copies are under way), so
  // no other copy is touched. Requires a key under way.
  void restart(Key key, uint64_t size_bytes, TimeUs now_us);
  // When the copy finishes if no copy starts or stops before; requires a key under way.
  [[nodiscard]] TimeUs completion_us(Key key) const;
  // The copies under way, in key order.
  [[nodiscard]] std::vector<Key> active() const;
  // Its current rate in bytes per second; requires a key under way.
  [[nodiscard]] uint64_t rate(Key key) const;

  // How many starts and stops there have been: while it stays the same, so does every copy's
  // completion time.
  [[nodiscard]] uint64_t changes() const { return changes_; }
  // Calls visit(key, completion_us) for every copy under way, in key order, whose completion_us
  // may differ from what it was at the last call (every copy at the first call), and forgets the
  // changes: a copy to a DP no start or stop touched since, whose completion is not before the
  // latest change, keeps its completion and is skipped without a look at it by the caller.
  template <typename Visit>
  void visit_changed(Visit visit) {
    for (const Transfer& transfer : transfers_) {
      const bool maybe_changed = all_changed_ || dp_changed_[transfer.dp_index] != 0 ||
                                 transfer.completion_us < last_change_us_;
      if (maybe_changed) visit(transfer.key, std::max(transfer.completion_us, last_change_us_));
    }
    for (const uint32_t dp_index : changed_dps_) dp_changed_[dp_index] = 0;
    changed_dps_.clear();
    all_changed_ = false;
  }

 private:
  struct Transfer {
    Key key;
    uint32_t dp_index = 0;
    uint64_t dp_bytes_per_second = 1;
    uint64_t remaining_micro_bytes = 0;  // bytes x 10^6, so that rate x microseconds subtracts
    uint64_t bytes_per_second = 1;       // the current share
    TimeUs since_us = 0;                 // remaining_micro_bytes is as of this time
    TimeUs completion_us = 0;            // since_us + remaining at the current rate, rounded up
  };
  // The position of key in transfers_, or where it would go.
  [[nodiscard]] size_t position_of(Key key) const;
  [[nodiscard]] const Transfer& transfer_of(Key key) const;
  // Whether a change of the copies to dp_index changes this transfer's rate.
  [[nodiscard]] bool affected(const Transfer& transfer, uint32_t dp_index) const {
    return outgoing_bytes_per_second_.has_value() || transfer.dp_index == dp_index;
  }
  // Moves the progress of every transfer a change on dp_index affects up to now_us, at its
  // current rate.
  void advance(TimeUs now_us, uint32_t dp_index);
  // Recomputes the share and completion time of every transfer a change on dp_index affects.
  void share(uint32_t dp_index);
  // When transfer finishes at its current share.
  [[nodiscard]] static TimeUs completion_at_rate(const Transfer& transfer);
  // Counts a start or stop at now_us, and marks the shares of dp_index's copies (or, with a site
  // limit, every copy's) as changed.
  void note_change(uint32_t dp_index, TimeUs now_us);

  std::optional<uint64_t> outgoing_bytes_per_second_;
  // In key order. A few copies are under way at once (max_packages x threads_per_package), so a
  // sorted vector beats a tree and never allocates once it has grown.
  std::vector<Transfer> transfers_;
  std::vector<uint32_t> copies_per_dp_;  // indexed by dp_index: transfers under way to it
  // Since the last visit_changed: the DPs whose copies' shares changed (a flag per DP, and the
  // flagged ones), or all of them (a site limit shares its bandwidth among every copy).
  std::vector<uint8_t> dp_changed_;
  std::vector<uint32_t> changed_dps_;
  bool all_changed_ = false;
  // When a copy last started or stopped. A copy that would have finished before then counts as
  // finishing then, as if its progress had been brought up to date at that moment.
  TimeUs last_change_us_ = 0;
  uint64_t changes_ = 0;
};

}  // namespace distsim::model
