// Win32 access rights and share modes as distinct value types (so that an access mask and a
// share mode can never be swapped at a call site), with their winerror.h/winnt.h names.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace distsim::model {

namespace access_bits {
inline constexpr uint32_t kFileReadData = 0x0001;  // FILE_LIST_DIRECTORY on a directory
inline constexpr uint32_t kFileWriteData = 0x0002;
inline constexpr uint32_t kFileAppendData = 0x0004;
inline constexpr uint32_t kFileReadEa = 0x0008;
inline constexpr uint32_t kFileWriteEa = 0x0010;
inline constexpr uint32_t kFileExecute = 0x0020;  // FILE_TRAVERSE on a directory
inline constexpr uint32_t kFileDeleteChild = 0x0040;
inline constexpr uint32_t kFileReadAttributes = 0x0080;
inline constexpr uint32_t kFileWriteAttributes = 0x0100;
inline constexpr uint32_t kDelete = 0x00010000;
inline constexpr uint32_t kReadControl = 0x00020000;
inline constexpr uint32_t kSynchronize = 0x00100000;
inline constexpr uint32_t kGenericAll = 0x10000000;
inline constexpr uint32_t kGenericExecute = 0x20000000;
inline constexpr uint32_t kGenericWrite = 0x40000000;
inline constexpr uint32_t kGenericRead = 0x80000000;
}  // namespace access_bits

namespace share_bits {
inline constexpr uint32_t kRead = 0x1;
inline constexpr uint32_t kWrite = 0x2;
inline constexpr uint32_t kDelete = 0x4;
inline constexpr uint32_t kAll = kRead | kWrite | kDelete;
}  // namespace share_bits

struct AccessMask {
  uint32_t bits = 0;
  friend bool operator==(AccessMask, AccessMask) = default;
  [[nodiscard]] constexpr AccessMask operator|(AccessMask other) const {
    return AccessMask{bits | other.bits};
  }
};

struct ShareMode {
  uint32_t bits = 0;
  friend bool operator==(ShareMode, ShareMode) = default;
  [[nodiscard]] constexpr ShareMode operator|(ShareMode other) const {
    return ShareMode{bits | other.bits};
  }
};

// One named right, e.g. "GENERIC_READ". Returns nullopt for an unknown name.
[[nodiscard]] std::optional<uint32_t> access_right_from_name(std::string_view name);
[[nodiscard]] std::optional<uint32_t> share_flag_from_name(std::string_view name);

// What a handle is open on, which decides how four specific rights are named: on a directory,
// FILE_READ_DATA is FILE_LIST_DIRECTORY, FILE_WRITE_DATA FILE_ADD_FILE, FILE_APPEND_DATA
// FILE_ADD_SUBDIRECTORY and FILE_EXECUTE FILE_TRAVERSE (same bits, the names winnt.h gives them).
enum class AccessTarget : uint8_t { file, directory };

// The names that make up a mask, in a fixed documented order (generic rights first, then
// specific rights, then standard rights), each specific right under the name its target gives
// it. An empty mask gives an empty list.
[[nodiscard]] std::vector<std::string> access_names(AccessMask access,
                                                    AccessTarget target = AccessTarget::file);
[[nodiscard]] std::vector<std::string> share_names(ShareMode share);

// The same names as views of static text, in a fixed array (no allocation: every traced open
// writes them).
class MaskNames {
 public:
  static constexpr size_t kNamesMax = 16;  // the access names one target prints; shares 3
  void push_back(std::string_view name);
  [[nodiscard]] std::span<const std::string_view> span() const { return {names_.data(), size_}; }

 private:
  std::array<std::string_view, kNamesMax> names_{};
  size_t size_ = 0;
};
[[nodiscard]] MaskNames access_name_views(AccessMask access,
                                          AccessTarget target = AccessTarget::file);
[[nodiscard]] MaskNames share_name_views(ShareMode share);

}  // namespace distsim::model
