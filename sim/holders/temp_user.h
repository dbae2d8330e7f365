// temp_user: a program using a file in TEMP (KB Q207416's first cause), e.g. a setup program that
// keeps its file open while it runs. Default open: GENERIC_READ|GENERIC_WRITE with share 0
// (exclusive), as programs writing temp or application files do (sim/fs/README.md
// section 3, "Program writing a file"); the file is created with `size` if missing. With
// `delete_on_close: true` the open has FILE_FLAG_DELETE_ON_CLOSE, as setup programs create their
// temp files: other opens must then share delete, and the file is gone when the hold ends.
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
