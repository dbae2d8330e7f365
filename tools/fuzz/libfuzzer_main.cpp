// The libFuzzer entry point of one fuzz executable; DISTSIM_FUZZ_TARGET names its target function
// (set per executable by tools/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>

#include "tools/fuzz/fuzz_targets.h"

#ifndef DISTSIM_FUZZ_TARGET
#error "DISTSIM_FUZZ_TARGET must name a function of tools/fuzz/fuzz_targets.h"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  distsim::fuzz::DISTSIM_FUZZ_TARGET(data, size);
  return 0;
}
