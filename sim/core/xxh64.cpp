// XXH64 as its specification defines it: 32-byte stripes folded into four lanes, then the tail in
// 8-, 4- and 1-byte steps, then a final avalanche.
#include "sim/core/xxh64.h"

#include <bit>
#include <cstring>

namespace distsim::sim {
namespace {

constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
constexpr uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

// The specification reads words little-endian; so does every machine distsim builds on.
static_assert(std::endian::native == std::endian::little);

uint64_t load64(const unsigned char* bytes) {
  uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof(word));
  return word;
}

uint32_t load32(const unsigned char* bytes) {
  uint32_t word = 0;
  std::memcpy(&word, bytes, sizeof(word));
  return word;
}

uint64_t round_of(uint64_t lane, uint64_t input) {
  lane += input * kPrime2;
  lane = std::rotl(lane, 31);
  return lane * kPrime1;
}

uint64_t merge_lane(uint64_t hash, uint64_t lane) {
  hash ^= round_of(0, lane);
  return hash * kPrime1 + kPrime4;
}

}  // namespace

Xxh64::Xxh64(uint64_t seed)
    : seed_(seed), lanes_{seed + kPrime1 + kPrime2, seed + kPrime2, seed, seed - kPrime1} {}

void Xxh64::consume_stripe(const unsigned char* stripe) {
  lanes_[0] = round_of(lanes_[0], load64(stripe));
  lanes_[1] = round_of(lanes_[1], load64(stripe + 8));
  lanes_[2] = round_of(lanes_[2], load64(stripe + 16));
  lanes_[3] = round_of(lanes_[3], load64(stripe + 24));
}

void Xxh64::update(std::string_view text) {
  if (text.empty()) return;  // its data() may be null, which memcpy must not see
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t size = text.size();
  total_bytes_ += size;
  if (pending_size_ > 0) {
    const size_t taken = std::min(size, kStripeBytes - pending_size_);
    std::memcpy(pending_.data() + pending_size_, bytes, taken);
    pending_size_ += taken;
    bytes += taken;
    size -= taken;
    if (pending_size_ < kStripeBytes) return;
    consume_stripe(pending_.data());
    pending_size_ = 0;
  }
  // Four lanes of local copies: the compiler keeps them in registers across the loop.
  uint64_t lane0 = lanes_[0];
  uint64_t lane1 = lanes_[1];
  uint64_t lane2 = lanes_[2];
  uint64_t lane3 = lanes_[3];
  for (; size >= kStripeBytes; bytes += kStripeBytes, size -= kStripeBytes) {
    lane0 = round_of(lane0, load64(bytes));
    lane1 = round_of(lane1, load64(bytes + 8));
    lane2 = round_of(lane2, load64(bytes + 16));
    lane3 = round_of(lane3, load64(bytes + 24));
  }
  lanes_ = {lane0, lane1, lane2, lane3};
  if (size > 0) std::memcpy(pending_.data(), bytes, size);
  pending_size_ = size;
}

uint64_t Xxh64::digest() const {
  uint64_t hash = 0;
  if (total_bytes_ >= kStripeBytes) {
    hash = std::rotl(lanes_[0], 1) + std::rotl(lanes_[1], 7) + std::rotl(lanes_[2], 12) +
           std::rotl(lanes_[3], 18);
    for (const uint64_t lane : lanes_) hash = merge_lane(hash, lane);
  } else {
    hash = seed_ + kPrime5;
  }
  hash += total_bytes_;
  const unsigned char* bytes = pending_.data();
  size_t size = pending_size_;
  for (; size >= 8; bytes += 8, size -= 8) {
    hash ^= round_of(0, load64(bytes));
    hash = std::rotl(hash, 27) * kPrime1 + kPrime4;
  }
  if (size >= 4) {
    hash ^= static_cast<uint64_t>(load32(bytes)) * kPrime1;
    hash = std::rotl(hash, 23) * kPrime2 + kPrime3;
    bytes += 4;
    size -= 4;
  }
  for (; size > 0; ++bytes, --size) {
    hash ^= *bytes * kPrime5;
    hash = std::rotl(hash, 11) * kPrime1;
  }
  hash ^= hash >> 33;
  hash *= kPrime2;
  hash ^= hash >> 29;
  hash *= kPrime3;
  hash ^= hash >> 32;
  return hash;
}

uint64_t xxh64(std::string_view text, uint64_t seed) {
  Xxh64 hasher(seed);
  hasher.update(text);
  return hasher.digest();
}

}  // namespace distsim::sim
