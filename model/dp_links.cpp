// Fair sharing of DP and site bandwidth among the copies under way, in integer arithmetic.
#include "model/dp_links.h"

#include <algorithm>
#include <limits>

#include "model/assert.h"

namespace distsim::model {
namespace {

constexpr uint64_t kMicroPerUnit = 1'000'000;
constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

}  // namespace

void DpLinks::start(Key key, uint32_t dp_index, uint64_t dp_bytes_per_second, uint64_t size_bytes,
                    TimeUs now_us) {
  DISTSIM_ASSERT(dp_bytes_per_second >= 1);
  DISTSIM_ASSERT(transfers_.count(key) == 0);
  advance(now_us);
  Transfer transfer;
  transfer.dp_index = dp_index;
  transfer.dp_bytes_per_second = dp_bytes_per_second;
  // A file too large to count in micro-bytes is capped: it still takes centuries to copy.
  transfer.remaining_micro_bytes =
      size_bytes > kMax / kMicroPerUnit ? kMax : size_bytes * kMicroPerUnit;
  transfer.since_us = now_us;
  transfers_.emplace(key, transfer);
  share();
}

void DpLinks::stop(Key key, TimeUs now_us) {
  DISTSIM_ASSERT(transfers_.count(key) == 1);
  advance(now_us);
  transfers_.erase(key);
  share();
}

TimeUs DpLinks::completion_us(Key key) const {
  const auto found = transfers_.find(key);
  DISTSIM_ASSERT(found != transfers_.end());
  const Transfer& transfer = found->second;
  const uint64_t rate = transfer.bytes_per_second;
  const uint64_t wait_us = transfer.remaining_micro_bytes / rate +
                           (transfer.remaining_micro_bytes % rate != 0 ? 1u : 0u);
  const auto limit = static_cast<uint64_t>(std::numeric_limits<TimeUs>::max()) -
                     static_cast<uint64_t>(transfer.since_us);
  return transfer.since_us + static_cast<TimeUs>(std::min(wait_us, limit));
}

std::vector<DpLinks::Key> DpLinks::active() const {
  std::vector<Key> keys;
  keys.reserve(transfers_.size());
  for (const auto& [key, transfer] : transfers_) keys.push_back(key);
  return keys;
}

uint64_t DpLinks::rate(Key key) const {
  const auto found = transfers_.find(key);
  DISTSIM_ASSERT(found != transfers_.end());
  return found->second.bytes_per_second;
}

void DpLinks::advance(TimeUs now_us) {
  for (auto& [key, transfer] : transfers_) {
    DISTSIM_ASSERT(now_us >= transfer.since_us);
    const auto elapsed_us = static_cast<uint64_t>(now_us - transfer.since_us);
    const uint64_t rate = transfer.bytes_per_second;
    // elapsed > remaining / rate means rate x elapsed > remaining: done (and no overflow).
    transfer.remaining_micro_bytes = elapsed_us > transfer.remaining_micro_bytes / rate
                                         ? 0
                                         : transfer.remaining_micro_bytes - rate * elapsed_us;
    transfer.since_us = now_us;
  }
}

void DpLinks::share() {
  std::map<uint32_t, uint64_t> copies_per_dp;
  for (const auto& [key, transfer] : transfers_) ++copies_per_dp[transfer.dp_index];
  const auto total = static_cast<uint64_t>(transfers_.size());
  for (auto& [key, transfer] : transfers_) {
    uint64_t rate = transfer.dp_bytes_per_second / copies_per_dp[transfer.dp_index];
    if (outgoing_bytes_per_second_) rate = std::min(rate, *outgoing_bytes_per_second_ / total);
    transfer.bytes_per_second = std::max<uint64_t>(rate, 1);
  }
}

}  // namespace distsim::model
