// Where streamed text goes: a function called with consecutive pieces of one text, so that a
// writer (the JSON Lines trace, Distmgr.log, the Chrome trace) need not hold the whole text and a
// consumer (an output file, a hash, a test's string) takes it as it comes.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace distsim::sim {

using TextSink = std::function<void(std::string_view)>;

// Gathers the small pieces a writer produces (a line at a time) and hands them on in pieces of
// about kFlushBytes, so that a file output gets one write(2) per 64 KB rather than per line.
// Nothing reaches the sink until flush() or a full buffer: a writer calls flush() when it is
// done, and a writer that throws hands on nothing more.
class BufferedSink {
 public:
  static constexpr size_t kFlushBytes = size_t{1} << 16;
  explicit BufferedSink(const TextSink& sink) : sink_(sink) { text_.reserve(kFlushBytes * 2); }
  // The sink is held by reference: a temporary (a lambda) would be gone before the first flush.
  explicit BufferedSink(TextSink&& sink) = delete;
  BufferedSink(const BufferedSink&) = delete;
  BufferedSink& operator=(const BufferedSink&) = delete;
  ~BufferedSink() = default;

  void append(std::string_view piece) {
    text_ += piece;
    flush_when_full();
  }
  void append(char c) {
    text_ += c;
    flush_when_full();
  }
  // The text not yet handed on, to format into; call flush_when_full() after writing to it.
  [[nodiscard]] std::string& text() { return text_; }
  void flush_when_full() {
    if (text_.size() >= kFlushBytes) flush();
  }
  void flush() {
    if (text_.empty()) return;
    sink_(text_);
    text_.clear();
  }

 private:
  const TextSink& sink_;
  std::string text_;
};

// The whole text a streaming writer produces, for callers that want it as one string (tests,
// small outputs): `write` is called with a sink that appends to it.
template <typename Write>
[[nodiscard]] std::string collected_text(Write&& write) {
  std::string text;
  std::forward<Write>(write)([&text](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace distsim::sim
