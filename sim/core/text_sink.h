// Where streamed text goes: a function called with consecutive pieces of one text, so that a
// writer (the JSON Lines trace) need not hold the whole text and a consumer (an output file, a
// hash, a test's string) takes it as it comes.
#pragma once

#include <functional>
#include <string_view>

namespace distsim::sim {

using TextSink = std::function<void(std::string_view)>;

}  // namespace distsim::sim
