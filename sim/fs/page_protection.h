// The page protection of a memory-mapped data section (CreateFileMapping's flProtect), which
// decides what the section refuses of later opens (sim/fs/README.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace distsim::sim {

// Only PAGE_READWRITE constrains later opens' share modes: they must share write.
enum class PageProtection : uint8_t { readonly, writecopy, readwrite };

// "PAGE_READONLY", "PAGE_WRITECOPY", "PAGE_READWRITE", as scenarios and traces spell them.
[[nodiscard]] std::string_view page_protection_name(PageProtection protection);
[[nodiscard]] std::optional<PageProtection> page_protection_from_name(std::string_view name);

}  // namespace distsim::sim
