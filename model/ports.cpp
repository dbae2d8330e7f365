// Names of the port value types, as traces and reports print them.
#include "model/ports.h"

#include "model/assert.h"

namespace distsim::model {

std::string_view pass_result_name(PassResult result) {
  switch (result) {
    case PassResult::success:
      return "success";
    case PassResult::retry:
      return "retry";
    case PassResult::failed:
      return "failed";
    case PassResult::interrupted:
      return "interrupted";
  }
  DISTSIM_ASSERT(false);
  return {};
}

}  // namespace distsim::model
