// XXH64, the 64-bit xxHash, computed over text that arrives in pieces: the fingerprint the
// JSON Lines trace ends with. It reads eight bytes per step in four independent lanes, so hashing
// a trace costs a small part of writing it (a byte-at-a-time hash is a serial chain of multiplies
// as long as the trace). The result equals `xxhsum -H64` of the same bytes (seed 0).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace distsim::sim {

class Xxh64 {
 public:
  explicit Xxh64(uint64_t seed = 0);

  void update(std::string_view text);
  // The hash of everything given so far; update() may go on afterwards.
  [[nodiscard]] uint64_t digest() const;

 private:
  static constexpr size_t kStripeBytes = 32;

  void consume_stripe(const unsigned char* stripe);

  uint64_t seed_;
  std::array<uint64_t, 4> lanes_;
  uint64_t total_bytes_ = 0;
  std::array<unsigned char, kStripeBytes> pending_{};  // the start of an incomplete stripe
  size_t pending_size_ = 0;
};

// The hash of one text.
[[nodiscard]] uint64_t xxh64(std::string_view text, uint64_t seed = 0);

}  // namespace distsim::sim
