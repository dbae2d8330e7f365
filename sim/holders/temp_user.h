// temp_user: a program using a file in TEMP (KB Q207416's first cause), e.g. a setup program that
// keeps its file open while it runs. Default open: GENERIC_READ|GENERIC_WRITE with share 0
// (exclusive), as programs writing temp or application files do (sim/fs/README.md
// section 3, "Program writing a file"); the file is created with `size` if missing.
#pragma once

#include "sim/holders/holder.h"

namespace distsim::sim {

class TempUser final : public RepeatingHolder {
 public:
  using RepeatingHolder::RepeatingHolder;

 private:
  [[nodiscard]] std::vector<HandleId> acquire() override;
};

}  // namespace distsim::sim
