// Names of the page protections of data sections.
#include "sim/fs/page_protection.h"

#include <array>

#include "model/assert.h"

namespace distsim::sim {

std::string_view page_protection_name(PageProtection protection) {
  switch (protection) {
    case PageProtection::readonly:
      return "PAGE_READONLY";
    case PageProtection::writecopy:
      return "PAGE_WRITECOPY";
    case PageProtection::readwrite:
      return "PAGE_READWRITE";
  }
  DISTSIM_ASSERT(false && "unknown PageProtection");
  return "";
}

std::optional<PageProtection> page_protection_from_name(std::string_view name) {
  constexpr std::array kAll{PageProtection::readonly, PageProtection::writecopy,
                            PageProtection::readwrite};
  for (const PageProtection each : kAll) {
    if (page_protection_name(each) == name) return each;
  }
  return std::nullopt;
}

}  // namespace distsim::sim
