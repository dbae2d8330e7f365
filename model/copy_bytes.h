// Copies of short texts without a call to memcpy. Most texts a run copies are a few bytes (keys,
// names, numbers, the pieces of a path), where the call costs more than the copy, and where a
// compiler that inlines memcpy as `rep movs` pays that instruction's start-up time instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace distsim::model {

// The longest copy copy_short handles.
inline constexpr size_t kShortCopyMax = 16;

// Copies `count` bytes, from one to two words, as a word from the start and a word that ends at
// the end, which overlap when count is under two words. Requires sizeof(Word) <= count <=
// 2 * sizeof(Word).
template <typename Word>
inline void copy_two_words(char* to, const char* from, size_t count) {
  Word head = 0;
  Word tail = 0;
  std::memcpy(&head, from, sizeof(Word));
  std::memcpy(&tail, from + count - sizeof(Word), sizeof(Word));
  std::memcpy(to, &head, sizeof(Word));
  std::memcpy(to + count - sizeof(Word), &tail, sizeof(Word));
}

// Copies `count` <= kShortCopyMax bytes with two overlapping loads and stores.
inline void copy_short(char* to, const char* from, size_t count) {
  if (count >= sizeof(uint64_t)) {
    copy_two_words<uint64_t>(to, from, count);
  } else if (count >= sizeof(uint32_t)) {
    copy_two_words<uint32_t>(to, from, count);
  } else {
    for (size_t index = 0; index < count; ++index) to[index] = from[index];
  }
}

// Copies `count` bytes of any length; `from` may be null when count is 0.
inline void copy_bytes(char* to, const char* from, size_t count) {
  if (count <= kShortCopyMax) {
    copy_short(to, from, count);
  } else {
    std::memcpy(to, from, count);
  }
}

}  // namespace distsim::model
