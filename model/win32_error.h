// Win32 error codes as values: every refusal the file system or the network can produce, with
// the winerror.h name and the FormatMessage text. Nothing in distsim uses sentinel integers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace distsim::model {

enum class [[nodiscard]] Win32Error : uint32_t{
    ok = 0,
    file_not_found = 2,
    path_not_found = 3,
    access_denied = 5,
    invalid_handle = 6,
    not_enough_memory = 8,
    invalid_data = 13,
    sharing_violation = 32,
    lock_violation = 33,
    bad_netpath = 53,
    netname_deleted = 64,
    bad_net_name = 67,
    file_exists = 80,
    invalid_parameter = 87,
    disk_full = 112,
    invalid_name = 123,
    dir_not_empty = 145,
    not_locked = 158,
    already_exists = 183,
    filename_exced_range = 206,
    delete_pending = 303,
    noaccess = 998,
    file_invalid = 1006,
    user_mapped_file = 1224,
    logon_failure = 1326,
};

[[nodiscard]] constexpr uint32_t win32_code(Win32Error error) {
  return static_cast<uint32_t>(error);
}

// "ERROR_SHARING_VIOLATION"; "ok" for Win32Error::ok (the spelling scenarios and traces use).
[[nodiscard]] std::string_view win32_error_name(Win32Error error);

// The system message text, e.g. "The process cannot access the file because it is being used by
// another process." (no trailing newline).
[[nodiscard]] std::string_view win32_error_message(Win32Error error);

// Accepts the names win32_error_name returns (case-sensitive, as winerror.h spells them).
[[nodiscard]] std::optional<Win32Error> win32_error_from_name(std::string_view name);

// Every name win32_error_from_name accepts, "ok" first, for messages that list them.
[[nodiscard]] std::span<const std::string_view> win32_error_names();

}  // namespace distsim::model
