// Fair sharing of DP and site bandwidth among the copies under way, in integer arithmetic.
#include "model/dp_links.h"

#include <algorithm>
#include <limits>

#include "model/assert.h"
#include "model/manager_fault_injection.h"

namespace distsim::model {
namespace {

constexpr uint64_t kMicroPerUnit = 1'000'000;
constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// A file too large to count in micro-bytes is capped: it still takes centuries to copy.
uint64_t micro_bytes(uint64_t size_bytes) {
  return size_bytes > kMax / kMicroPerUnit ? kMax : size_bytes * kMicroPerUnit;
}

}  // namespace

void DpLinks::start(Key key, uint32_t dp_index, uint64_t dp_bytes_per_second, uint64_t size_bytes,
                    TimeUs now_us) {
  DISTSIM_ASSERT(dp_bytes_per_second >= 1);
  const size_t position = position_of(key);
  DISTSIM_ASSERT(position == transfers_.size() || transfers_[position].key != key);
  DISTSIM_ASSERT(now_us >= last_change_us_);
  advance(now_us, dp_index);
  Transfer transfer;
  transfer.key = key;
  transfer.dp_index = dp_index;
  transfer.dp_bytes_per_second = dp_bytes_per_second;
  transfer.remaining_micro_bytes = micro_bytes(size_bytes);
  transfer.since_us = now_us;
  transfer.bytes_per_second = kMax;  // no share yet: share() gives it one
  transfers_.insert(transfers_.begin() + static_cast<std::ptrdiff_t>(position), transfer);
  if (copies_per_dp_.size() <= dp_index) copies_per_dp_.resize(size_t{dp_index} + 1, 0);
  ++copies_per_dp_[dp_index];
  share(dp_index);
  note_change(dp_index, now_us);
}

void DpLinks::stop(Key key, TimeUs now_us) {
  const size_t position = position_of(key);
  DISTSIM_ASSERT(position < transfers_.size() && transfers_[position].key == key);
  DISTSIM_ASSERT(now_us >= last_change_us_);
  const uint32_t dp_index = transfers_[position].dp_index;
  advance(now_us, dp_index);
  --copies_per_dp_[dp_index];
  transfers_.erase(transfers_.begin() + static_cast<std::ptrdiff_t>(position));
  share(dp_index);
  note_change(dp_index, now_us);
}

void DpLinks::restart(Key key, uint64_t size_bytes, TimeUs now_us) {
  const size_t position = position_of(key);
  DISTSIM_ASSERT(position < transfers_.size() && transfers_[position].key == key);
  DISTSIM_ASSERT(now_us >= last_change_us_);
  // The other copies keep their shares. Their progress is not brought up to date: advancing a
  // copy at an unchanged rate moves its start and its remaining bytes together, and leaves its
  // completion as it was, or at now_us for one already done, which completion_us reports anyway.
  Transfer& transfer = transfers_[position];
  transfer.remaining_micro_bytes = micro_bytes(size_bytes);
  transfer.since_us = now_us;
  transfer.completion_us = completion_at_rate(transfer);
  note_change(transfer.dp_index, now_us);
}

TimeUs DpLinks::completion_us(Key key) const {
  const size_t position = position_of(key);
  DISTSIM_ASSERT(position < transfers_.size() && transfers_[position].key == key);
  return std::max(transfers_[position].completion_us, last_change_us_);
}

void DpLinks::note_change(uint32_t dp_index, TimeUs now_us) {
  last_change_us_ = now_us;
  ++changes_;
  // Sized in every mode: visit_changed looks up every copy's DP.
  if (dp_changed_.size() <= dp_index) dp_changed_.resize(size_t{dp_index} + 1, 0);
  if (outgoing_bytes_per_second_) {
    all_changed_ = true;
    return;
  }
  if (dp_changed_[dp_index] != 0) return;
  dp_changed_[dp_index] = 1;
  changed_dps_.push_back(dp_index);
}

std::vector<DpLinks::Key> DpLinks::active() const {
  std::vector<Key> keys;
  keys.reserve(transfers_.size());
  for (const Transfer& transfer : transfers_) keys.push_back(transfer.key);
  return keys;
}

uint64_t DpLinks::rate(Key key) const { return transfer_of(key).bytes_per_second; }

size_t DpLinks::position_of(Key key) const {
  // Branch-free: each halving step is a conditional move, since which half holds the key is a
  // coin toss the branch predictor loses at every copy's start, restart and stop.
  const auto packed = [](Key k) { return uint64_t{k.package_index} << 32 | k.job_index; };
  const uint64_t wanted = packed(key);
  const Transfer* first = transfers_.data();
  size_t count = transfers_.size();
  while (count > 1) {
    const size_t half = count / 2;
    first = packed(first[half - 1].key) < wanted ? first + half : first;
    count -= half;
  }
  const size_t position = static_cast<size_t>(first - transfers_.data());
  return count == 1 && packed(first->key) < wanted ? position + 1 : position;
}

const DpLinks::Transfer& DpLinks::transfer_of(Key key) const {
  const size_t position = position_of(key);
  DISTSIM_ASSERT(position < transfers_.size() && transfers_[position].key == key);
  return transfers_[position];
}

void DpLinks::advance(TimeUs now_us, uint32_t dp_index) {
  for (Transfer& transfer : transfers_) {
    if (!affected(transfer, dp_index)) continue;
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

void DpLinks::share(uint32_t dp_index) {
  const auto total = static_cast<uint64_t>(transfers_.size());
  const ManagerFaultInjection faults = manager_fault_injection();
  for (Transfer& transfer : transfers_) {
    if (!affected(transfer, dp_index)) continue;
    uint64_t rate = transfer.dp_bytes_per_second /
                    (faults.copies_take_whole_link ? 1 : copies_per_dp_[transfer.dp_index]);
    if (outgoing_bytes_per_second_) rate = std::min(rate, *outgoing_bytes_per_second_ / total);
    if (faults.shares_never_grow) rate = std::min(rate, transfer.bytes_per_second);
    rate = std::max<uint64_t>(rate, 1);
    transfer.bytes_per_second = rate;
    transfer.completion_us = completion_at_rate(transfer);
  }
}

TimeUs DpLinks::completion_at_rate(const Transfer& transfer) {
  const uint64_t rate = transfer.bytes_per_second;
  const uint64_t wait_us = transfer.remaining_micro_bytes / rate +
                           (transfer.remaining_micro_bytes % rate != 0 ? 1u : 0u);
  const auto limit = static_cast<uint64_t>(std::numeric_limits<TimeUs>::max()) -
                     static_cast<uint64_t>(transfer.since_us);
  return transfer.since_us + static_cast<TimeUs>(std::min(wait_us, limit));
}

}  // namespace distsim::model
