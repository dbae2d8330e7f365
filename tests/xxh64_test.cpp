// The trace hash: XXH64's published answers, and the same hash whatever pieces the text
// arrives in.
#include "sim/core/xxh64.h"

#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace distsim::sim {
namespace {

TEST_CASE("XXH64 of known texts matches what xxhsum -H64 prints", "[xxh64]") {
  // Goal: the trace hash is standard XXH64, checkable with a stock tool. The values were printed
  // by Debian's xxhsum 0.8.1 (`printf TEXT | xxhsum -H64`), which covers every path: short
  // texts (1-, 4- and 8-byte steps only) and texts of several 32-byte stripes plus a tail.
  CHECK(xxh64("") == 0xEF46DB3751D8E999ULL);
  CHECK(xxh64("a") == 0xD24EC4F1A98C6E5BULL);
  CHECK(xxh64("abc") == 0x44BC2CF5AD770999ULL);
  CHECK(xxh64(std::string(100, 'x')) == 0x92F0DE5A88A3C094ULL);
  std::string repeated;
  for (int times = 0; times < 3; ++times) repeated += "Nobody inspects the spammish repetition";
  CHECK(xxh64(repeated) == 0x03672E8D89443A6FULL);
}

TEST_CASE("XXH64 gives the same hash however the text is split into pieces", "[xxh64]") {
  // Goal: the JSON Lines writer hashes the trace as it flushes it; where the flushes fall must
  // not change the fingerprint.
  rc::prop("the pieces hash as the whole text", [] {
    const auto text = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
    const auto cuts =
        *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, text.size() + 1));
    std::vector<size_t> sorted = cuts;
    std::sort(sorted.begin(), sorted.end());
    Xxh64 hasher;
    size_t from = 0;
    for (const size_t cut : sorted) {
      hasher.update(std::string_view(text).substr(from, cut - from));
      from = cut;
      RC_ASSERT(hasher.digest() == xxh64(std::string_view(text).substr(0, from)));
    }
    hasher.update(std::string_view(text).substr(from));
    RC_ASSERT(hasher.digest() == xxh64(text));
  });
}

}  // namespace
}  // namespace distsim::sim
